from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from campaign.celery import app as celery_app
from signatories import retention, services
from signatories.models import EmailState, Signature, SignatureStatus
from tests.factories import LetterFactory, OutboundEmailFactory, SignatureFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def aged(signature, **fields):
    """Move a signature's timestamps into the past (auto_now_add ignores kwargs)."""
    Signature.objects.filter(pk=signature.pk).update(**fields)
    return signature


def test_pending_signature_is_erased_after_its_link_expired(settings):
    """A pending signature goes once its newest confirm link and the margin expired."""
    now = timezone.now()
    life = timedelta(
        seconds=settings.SIGNATURE_TOKEN_TIMEOUT
        + settings.SIGNATURE_PENDING_RETENTION_MARGIN
    )
    expired = aged(SignatureFactory(), created_at=now - life - DAY)
    fresh = aged(SignatureFactory(), created_at=now - life + DAY)
    # Old, but a link was mailed again recently: that link still works.
    resent = aged(SignatureFactory(), created_at=now - life - DAY)
    OutboundEmailFactory(signature=resent, state=EmailState.SENT, sent_at=now - DAY)
    # Old, and still owed an email (SMTP down): its link was never mailed.
    owed = aged(SignatureFactory(), created_at=now - life - DAY)
    OutboundEmailFactory(signature=owed, state=EmailState.PENDING)
    report = services.signatures_purge_expired()
    assert report.pending == 1
    remaining = set(Signature.objects.values_list("pk", flat=True))
    assert remaining == {fresh.pk, resent.pk, owed.pk}
    assert expired.pk not in remaining


def test_rejected_signature_is_erased_after_the_retention_period(settings):
    """Rejected signatures go SIGNATURE_REJECTED_RETENTION_DAYS after the decision."""
    settings.SIGNATURE_REJECTED_RETENTION_DAYS = 10
    now = timezone.now()
    old = SignatureFactory(status=SignatureStatus.REJECTED, reviewed_at=now - 11 * DAY)
    recent = SignatureFactory(status=SignatureStatus.REJECTED, reviewed_at=now - DAY)
    assert services.signatures_purge_expired().rejected == 1
    assert list(Signature.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Signature.objects.filter(pk=old.pk).exists()


def test_final_signatures_are_kept_whatever_their_age(settings):
    """Confirmed, approved (even without an email) and withdrawn rows stay."""
    long_ago = timezone.now() - 3000 * DAY
    kept = [
        aged(SignatureFactory(status=SignatureStatus.CONFIRMED), created_at=long_ago),
        # Approved by an editor for an offline signer: no address, never confirmed.
        aged(
            SignatureFactory(
                status=SignatureStatus.APPROVED,
                contact_email="",
                email_normalised="",
                confirmed_at=None,
            ),
            created_at=long_ago,
        ),
        aged(SignatureFactory(status=SignatureStatus.WITHDRAWN), created_at=long_ago),
    ]
    assert services.signatures_purge_expired() == services.PurgeReport(0, 0)
    assert Signature.objects.count() == len(kept)


def test_purge_removes_the_logo_file(django_capture_on_commit_callbacks):
    """An erased signature's logo file goes with it."""
    name = default_storage.save("logos/old.png", ContentFile(b"png"))
    signature = SignatureFactory(status=SignatureStatus.REJECTED, logo=name)
    aged(signature, reviewed_at=timezone.now() - 400 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.signatures_purge_expired()
    assert not default_storage.exists(name)


def test_retention_sweep_clears_expired_sessions(client, settings):
    """The sweep deletes expired sessions (each opened link made one)."""
    from django.contrib.sessions.backends.db import SessionStore

    live, dead = SessionStore(), SessionStore()
    live["x"] = dead["x"] = 1
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(
        expire_date=timezone.now() - DAY
    )
    expired = aged(SignatureFactory(), created_at=timezone.now() - 3000 * DAY)
    assert retention.retention_sweep() == {"pending": 1, "rejected": 0, "unreviewed": 0}
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        live.session_key
    ]
    assert not Signature.objects.filter(pk=expired.pk).exists()


def test_beat_schedule_runs_the_retention_sweep(settings):
    """The beat schedule names the sweep, and the worker's autodiscovery finds it."""
    import signatories.tasks  # noqa: F401  (what autodiscovery imports)

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "signatories.retention.retention_sweep" in names
    assert "signatories.retention.retention_sweep" in celery_app.tasks


# Anonymising a closed letter.


def closed_letter(**kwargs):
    return LetterFactory(signing_closes=timezone.now() - DAY, **kwargs)


def test_letter_anonymise_dry_run_reports_and_changes_nothing():
    """A dry run reports what would be erased and leaves every row as it was."""
    letter = closed_letter()
    SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED, comment="Hi")
    SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED, is_public=False)
    before = list(Signature.objects.order_by("pk").values())
    report = services.letter_anonymise(letter=letter, dry_run=True)
    assert (report.listed, report.unlisted, report.dry_run) == (1, 1, True)
    assert report.fields["contact_email"] == 2
    assert report.fields["organisation"] == 1  # only the unlisted one's
    assert report.fields["comment"] == 1
    assert list(Signature.objects.order_by("pk").values()) == before


def test_letter_anonymise_keeps_counts_and_what_was_published(
    django_capture_on_commit_callbacks,
):
    """Listed organisations keep their published fields; the rest is erased."""
    letter = closed_letter()
    logo = default_storage.save("logos/unlisted.png", ContentFile(b"png"))
    listed = SignatureFactory(
        letter=letter, status=SignatureStatus.APPROVED, comment="Solidarity"
    )
    unlisted = SignatureFactory(
        letter=letter, status=SignatureStatus.CONFIRMED, is_public=False, logo=logo
    )
    pending = SignatureFactory(letter=letter, status=SignatureStatus.PENDING)
    count = services.letter_recount(letter=letter)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.letter_anonymise(letter=letter, dry_run=False)
    assert (report.listed, report.unlisted) == (1, 1)
    assert services.letter_recount(letter=letter) == count == 2

    listed_after = Signature.objects.get(pk=listed.pk)
    for name in Signature.PUBLISHED_FIELDS[:-1]:  # the logo was empty
        assert getattr(listed_after, name) == getattr(listed, name), name
    assert listed_after.is_public and listed_after.status == SignatureStatus.APPROVED
    for name in ("contact_name", "contact_role", "contact_email", "comment"):
        assert not getattr(listed_after, name), name

    unlisted_after = Signature.objects.get(pk=unlisted.pk)
    for name in Signature.PERSONAL_FIELDS:
        assert not getattr(unlisted_after, name), name
    assert unlisted_after.status == SignatureStatus.CONFIRMED
    assert not default_storage.exists(logo)
    # Pending rows are the retention sweep's: untouched here.
    assert Signature.objects.get(pk=pending.pk).contact_email == pending.contact_email


def test_letter_anonymise_refuses_an_open_letter():
    """A letter still taking signatures cannot be anonymised."""
    letter = LetterFactory()
    SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    with pytest.raises(services.LetterStillOpen):
        services.letter_anonymise(letter=letter, dry_run=True)


def test_anonymise_letter_command(capsys):
    """The command prints the dry-run report, then anonymises when asked."""
    from django.core.management import CommandError, call_command

    letter = closed_letter(slug="closed-letter")
    signature = SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    call_command("anonymise_letter", "closed-letter", "--dry-run")
    out = capsys.readouterr().out
    assert "Would anonymise 1 listed organisations" in out
    assert "contact_email: 1" in out
    assert Signature.objects.get(pk=signature.pk).contact_email
    call_command("anonymise_letter", "closed-letter")
    assert Signature.objects.get(pk=signature.pk).contact_email == ""
    with pytest.raises(CommandError):
        call_command("anonymise_letter", "no-such-letter")
    with pytest.raises(CommandError):
        call_command("anonymise_letter", LetterFactory().slug)


def test_letter_anonymise_drops_emails_still_owed_to_erased_signers():
    """An owed email holds the address: anonymising cancels it and blanks it."""
    letter = closed_letter()
    email = OutboundEmailFactory(
        signature=SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED),
        kind="already_signed",
    )
    services.letter_anonymise(letter=letter, dry_run=False)
    email.refresh_from_db()
    assert (email.state, email.recipient) == (EmailState.CANCELLED, "")
