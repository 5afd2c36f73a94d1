import io
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cms.api import add_plugin, create_page
from cms.models import PageContent
from django.conf import settings
from django.core.management import call_command

from tests.factories import LetterFactory

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env):
    """Run manage.py in a fresh process with only the given Django settings."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "PYTEST_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=inherited | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "campaign.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "example.org",
    "EMAIL_URL": "smtp://localhost:25",
}


def test_check_deploy_is_clean_under_production_settings():
    """`check --deploy` finds nothing, warnings included, with production env."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        # A production deploy has Redis (without it campaign.W001 warns, on purpose:
        # tests/campaign/test_checks.py); the check does not connect to it.
        env=PRODUCTION
        | {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "REDIS_URL": "redis://127.0.0.1:6379/15",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    """Outside debug there is no default secret key."""
    result = manage("check", env=PRODUCTION)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_are_hardened():
    """The module's production branch is on: HTTPS, HSTS and secure cookies."""
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.ALLOWED_HOSTS)",
        env=PRODUCTION | {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True 31536000 True True ['example.org']"


def test_services_own_their_transactions():
    """Requests are not wrapped in a transaction; services decide."""
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is False


@pytest.mark.django_db
def test_system_checks_pass():
    """Django's own checks find no warning or error with the test settings."""
    call_command("check", fail_level="WARNING", stdout=io.StringIO())


@pytest.mark.django_db
def test_cms_check_is_clean_with_campaign_plugins_in_use(editor):
    """`manage.py cms check` reports no error or warning, plugins included."""
    page = create_page("Check", "cms/page.html", "en", slug="check", created_by=editor)
    placeholder = (
        PageContent.admin_manager.get(page=page, language="en")
        .get_placeholders()
        .get(slot="content")
    )
    letter = LetterFactory()
    for plugin in ("LetterTeaserPlugin", "RecommendationsPlugin"):
        add_plugin(placeholder, plugin, "en", letter=letter)
    add_plugin(placeholder, "UpdatesPlugin", "en", limit=3)
    out = io.StringIO()
    call_command("cms", "check", stdout=out)
    report = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    assert "Installation okay" in report, report
    assert "Plugin instances of 3 types found in the database [OK]" in report
    assert not re.search(r"\[(ERROR|WARNING)\]", report), report
    assert re.search(r"\d+ checks successful!", report)
