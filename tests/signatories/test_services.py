import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from signatories import services
from signatories.models import LetterTally, Signature, SignatureStatus
from signatories.selectors import letter_signature_count
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import LetterFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def create(letter, **overrides):
    data = {
        "letter": letter,
        "organisation": "Kestrel Rights Alliance",
        "website": "https://kestrel.example",
        "country": "UA",
        "organisation_type": "ngo",
        "contact_name": "Olena",
        "contact_email": "olena@kestrel.example",
    } | overrides
    return services.signature_create(**data)


def test_signature_create_stores_pending_and_emails_after_commit(
    letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """The row is PENDING and the email leaves only once the transaction commits."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = create(letter)
    assert result.created
    assert result.signature.status == SignatureStatus.PENDING
    assert mailoutbox == []  # nothing is sent inside the request's transaction
    for callback in callbacks:
        callback()
    [message] = mailoutbox
    assert message.to == ["olena@kestrel.example"]
    assert "/sign/confirm/" in message.body and "/sign/withdraw/" in message.body
    assert message.alternatives[0][1] == "text/html"
    result.signature.refresh_from_db()
    assert (result.signature.emails_requested, result.signature.emails_sent) == (1, 1)


def test_signature_create_twice_keeps_one_row_and_resends(
    letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """A repeat with the same address (any case) changes nothing but the email count."""
    with django_capture_on_commit_callbacks(execute=True):
        first = create(letter)
    with django_capture_on_commit_callbacks(execute=True):
        second = create(
            letter, contact_email="  OLENA@Kestrel.example ", organisation="Other"
        )
    assert not second.created
    assert second.signature.pk == first.signature.pk
    assert Signature.objects.count() == 1
    assert Signature.objects.get().organisation == "Kestrel Rights Alliance"
    assert len(mailoutbox) == 2


def test_signature_create_sends_at_most_three_emails(
    letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """However often an address signs, its signature gets at most three emails."""
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            create(letter)
    assert len(mailoutbox) == 3
    assert Signature.objects.get().emails_requested == 3


def test_signature_create_in_signers_language(
    letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """The email is rendered in the language the signer used."""
    letter.set_current_language("ru")
    letter.title = "Остановите обыски"
    letter.save()
    with django_capture_on_commit_callbacks(execute=True):
        create(letter, language="ru")
    [message] = mailoutbox
    assert "/ru/sign/confirm/" in message.body
    assert "Остановите обыски" in message.subject


@pytest.mark.parametrize(
    "letter_kwargs",
    [
        {"signing_closes": timezone.now() - timedelta(days=1)},
        {"signing_opens": timezone.now() + timedelta(days=1)},
        {"status": "draft"},
    ],
    ids=["closed", "not-yet-open", "draft"],
)
def test_signature_create_outside_window_raises(letter_kwargs):
    """Closed, not yet open and draft letters accept no signature."""
    letter = LetterFactory(**letter_kwargs)
    with pytest.raises(services.SigningClosed):
        create(letter)
    assert not Signature.objects.exists()


def test_signature_create_individual_needs_permission(letter):
    """Individuals may sign only where the letter allows it."""
    with pytest.raises(services.SigningNotAllowed):
        create(letter, kind="individual", organisation="")
    letter.allow_individuals = True
    letter.save()
    assert create(letter, kind="individual", organisation="").created


def test_signature_confirm_counts_once(letter):
    """A valid token confirms and counts; confirming twice is a no-op."""
    signature = create(letter).signature
    token = confirm_token.make_token(signature)
    assert services.signature_confirm(signature_id=signature.pk, token=token)
    assert services.signature_confirm(signature_id=signature.pk, token=token)
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED
    assert letter_signature_count(letter=letter) == 1


def test_signature_confirm_tampered_token_is_refused(letter):
    """A token altered by one character confirms nothing."""
    signature = create(letter).signature
    token = confirm_token.make_token(signature)
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert services.signature_confirm(signature_id=signature.pk, token=tampered) is None
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.PENDING
    assert letter_signature_count(letter=letter) == 0


def test_signature_confirm_expired_token_is_refused(letter, monkeypatch, settings):
    """Past SIGNATURE_TOKEN_TIMEOUT the link no longer confirms."""
    signature = create(letter).signature
    token = confirm_token.make_token(signature)
    later = confirm_token._now() + timedelta(
        seconds=settings.SIGNATURE_TOKEN_TIMEOUT + 5
    )
    monkeypatch.setattr(confirm_token, "_now", lambda: later)
    assert services.signature_confirm(signature_id=signature.pk, token=token) is None


def test_approval_letter_counts_organisations_after_approval(editor):
    """Where approval is required, a confirmed organisation counts once approved."""
    letter = LetterFactory(requires_approval=True)
    signature = create(letter).signature
    services.signature_confirm(
        signature_id=signature.pk, token=confirm_token.make_token(signature)
    )
    assert letter_signature_count(letter=letter) == 0
    assert services.signatures_approve(signature_ids=[signature.pk], user=editor) == 1
    assert letter_signature_count(letter=letter) == 1
    services.signatures_reject(signature_ids=[signature.pk], user=editor, reason="spam")
    signature.refresh_from_db()
    assert (signature.status, signature.rejection_reason) == ("rejected", "spam")
    assert letter_signature_count(letter=letter) == 0


def test_pending_signature_cannot_be_approved(editor, letter):
    """An editor cannot approve a signature whose email was never confirmed."""
    signature = create(letter).signature
    assert services.signatures_approve(signature_ids=[signature.pk], user=editor) == 0
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_signature_withdraw_erases_personal_data(letter):
    """Withdrawal blanks every personal field, uncounts, and kills the link."""
    signature = create(letter, comment="We stand with you").signature
    services.signature_confirm(
        signature_id=signature.pk, token=confirm_token.make_token(signature)
    )
    signature.refresh_from_db()
    token = withdraw_token.make_token(signature)
    assert services.signature_withdraw(signature_id=signature.pk, token=token)
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.WITHDRAWN
    for field in (
        "organisation",
        "website",
        "contact_name",
        "contact_email",
        "email_normalised",
        "comment",
        "ip_hash",
    ):
        assert getattr(signature, field) == "", field
    assert letter_signature_count(letter=letter) == 0
    assert not services.signature_withdraw(signature_id=signature.pk, token=token)
    assert create(letter).created  # the address may sign again


def test_letter_recount_matches_the_tally(letter):
    """Recounting from the rows gives what the services kept in the tally."""
    for _ in range(3):
        SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    SignatureFactory(letter=letter, status=SignatureStatus.PENDING)
    assert services.letter_recount(letter=letter) == 3
    assert LetterTally.objects.get(letter=letter).public_count == 3


def test_logo_is_reencoded_without_metadata(letter):
    """An uploaded JPEG with EXIF becomes a small PNG with no EXIF."""
    image = Image.new("RGB", (1200, 800), "red")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    buffer.seek(0)
    signature = create(letter, logo=buffer).signature
    with Image.open(signature.logo.path) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) <= 400
        assert not stored.getexif()
