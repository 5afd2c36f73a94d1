"""Staff logins: two-factor in production, throttled, and no password-only path."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import LetterFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/en/admin/login/"
CHANGELIST = "/en/admin/signatories/signature/"
CLIENT_IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def _production(settings):
    """Two-factor login as production has it (the suite's settings turn it off)."""
    settings.STAFF_REQUIRE_2FA = True


@pytest.fixture
def moderator(db):
    """Staff who may only view signatures: the least an at-risk list needs."""
    user = UserFactory(username="moderator", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_signature"))
    return user


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def admin_login(client, username, password="pw", **extra):
    return client.post(
        f"{LOGIN}?next={CHANGELIST}",
        {"username": username, "password": password, **extra},
        REMOTE_ADDR=CLIENT_IP,
    )


def test_staff_without_otp_cannot_open_signature_changelist(client, moderator):
    """A password-only session of staff is sent back to the login, list unseen."""
    SignatureFactory(organisation="At-risk NGO")
    client.force_login(moderator)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_alone_does_not_pass_the_admin_login(client, moderator):
    """The admin login asks for the one-time password and logs nobody in without it."""
    device_for(moderator)
    response = admin_login(client, "moderator")
    assert response.status_code == 200
    assert "otp_token" in response.text
    assert client.get(CHANGELIST).status_code == 302


def test_wrong_otp_does_not_pass_the_admin_login(client, moderator):
    """A wrong code is refused like a missing one."""
    device = device_for(moderator)
    wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"
    assert admin_login(client, "moderator", otp_token=wrong).status_code == 200
    assert client.get(CHANGELIST).status_code == 302


def test_verified_device_opens_the_signature_changelist(client, moderator):
    """Password plus the current TOTP code opens the list."""
    SignatureFactory(organisation="At-risk NGO")
    device = device_for(moderator)
    response = admin_login(client, "moderator", otp_token=current_token(device))
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert "At-risk NGO" in listing.text


def test_another_users_device_does_not_verify(client, moderator):
    """A code from someone else's device, named explicitly, is refused."""
    other = device_for(UserFactory(username="other", is_staff=True))
    device_for(moderator)
    response = admin_login(
        client,
        "moderator",
        otp_device=other.persistent_id,
        otp_token=current_token(other),
    )
    assert response.status_code == 200
    assert client.get(CHANGELIST).status_code == 302


def test_cms_login_cannot_bypass_the_otp_step(client, moderator):
    """The CMS toolbar's password-only login logs nobody in; it points to the admin."""
    device_for(moderator)
    response = client.post(
        "/en/cms_login/?next=/en/", {"username": "moderator", "password": "pw"}
    )
    assert response.status_code == 303
    assert response["Location"] == f"{LOGIN}?next=/en/"
    assert "_auth_user_id" not in client.session
    assert client.get(CHANGELIST).status_code == 302


def test_cms_login_redirect_keeps_only_local_targets(client):
    """The redirect after cms_login never leads off the site."""
    response = client.get("/en/cms_login/?next=https://evil.example/")
    assert response["Location"] == f"{LOGIN}?next=/"


def test_cms_login_still_works_when_two_factor_is_off(client, moderator, settings):
    """In debug (make run's demo editor) the toolbar login logs in with a password."""
    settings.STAFF_REQUIRE_2FA = False
    response = client.post(
        "/en/cms_login/?next=/en/", {"username": "moderator", "password": "pw"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(moderator.pk)


def test_unverified_staff_do_not_see_drafts(client, letters_page):
    """A password-only staff session sees a draft letter as a visitor does: 404."""
    LetterFactory(slug="in-the-works", title="Secret draft", status="draft")
    superuser = UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/en/letters/in-the-works/").status_code == 404
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for(superuser).persistent_id
    session.save()
    response = client.get("/en/letters/in-the-works/")
    assert response.status_code == 200
    assert "Secret draft" in response.text


def test_login_is_throttled_after_repeated_failures(client, moderator, settings):
    """After AXES_FAILURE_LIMIT wrong passwords even the right one is refused (429)."""
    device = device_for(moderator)
    statuses = [
        admin_login(client, "moderator", password="wrong").status_code
        for _attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = admin_login(client, "moderator", otp_token=current_token(device))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_throttle_stores_no_raw_client_address(client, moderator):
    """Axes keeps a keyed hash where the client address would be, nowhere the IP."""
    device = device_for(moderator)
    for _attempt in range(2):
        admin_login(client, "nobody", password="wrong")
    attempts = list(AccessAttempt.objects.values())
    assert attempts, "axes recorded no failed attempt"
    admin_login(client, "moderator", otp_token=current_token(device))
    assert client.get(CHANGELIST).status_code == 200
    rows = [
        *attempts,
        *AccessFailureLog.objects.values(),
        *AccessLog.objects.values(),
    ]
    for row in rows:
        assert CLIENT_IP not in " ".join(str(value) for value in row.values())
    assert {a["ip_address"][:2] for a in attempts} == {"fd"}
    assert not AccessLog.objects.exists()  # successful logins are not recorded


def test_staff_otp_reset_prints_a_new_provisioning_uri(moderator):
    """The command replaces the user's devices and prints the otpauth URI."""
    old = device_for(moderator)
    out = io.StringIO()
    call_command("staff_otp_reset", "moderator", stdout=out)
    new = TOTPDevice.objects.get(user=moderator)
    assert new.pk != old.pk and new.confirmed
    assert new.config_url in out.getvalue()
    assert out.getvalue().count("otpauth://totp/") == 1


def test_staff_otp_reset_enrols_a_device_that_logs_in(client, moderator):
    """A device made by the command passes the admin login."""
    out = io.StringIO()
    call_command("staff_otp_reset", "moderator", qr=True, stdout=out)
    assert "\u2588" in out.getvalue()  # the QR code, drawn in block characters
    device = TOTPDevice.objects.get(user=moderator)
    admin_login(client, "moderator", otp_token=current_token(device))
    assert client.get(CHANGELIST).status_code == 200


def test_staff_otp_reset_unknown_user_is_an_error():
    """A mistyped username is an error, not a silent no-op."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("staff_otp_reset", "nobody", stdout=io.StringIO())


def _setting(name: str, **env: str) -> str:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "PYTEST_", "STAFF_"))
    }
    code = f"from django.conf import settings; print('value', settings.{name})"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=inherited
        | {
            "DJANGO_SETTINGS_MODULE": "campaign.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
            "EMAIL_URL": "smtp://localhost:25",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.rpartition("value ")[2].strip()


@pytest.mark.django_db(False)
def test_two_factor_is_on_in_production_and_off_in_debug():
    """STAFF_REQUIRE_2FA defaults to on unless debug (make run's demo editor)."""
    assert _setting("STAFF_REQUIRE_2FA", DJANGO_DEBUG="0") == "True"
    assert _setting("STAFF_REQUIRE_2FA", DJANGO_DEBUG="1") == "False"
