import logging
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu.exceptions import OperationalError
from PIL import Image

from signatories import outbox, services, tasks
from signatories.models import (
    EmailKind,
    EmailState,
    LetterTally,
    OutboundEmail,
    Signature,
    SignatureStatus,
    SignerKind,
)
from signatories.selectors import letter_public_signatories, letter_signature_count
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import EditorFactory, LetterFactory, SignatureFactory, publish_text

from .images import image_bytes, jpeg_rotated, jpeg_with_exif, upload

pytestmark = pytest.mark.django_db


def listed(letter) -> list[str]:
    return [s.organisation for s in letter_public_signatories(letter=letter).items]


def test_signature_create_stores_pending_and_emails_after_commit(
    letter, sign, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """The row is PENDING and the email leaves only once the transaction commits."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = sign(letter)
    assert result.created
    assert result.signature.status == SignatureStatus.PENDING
    assert len(callbacks) == 1
    assert mailoutbox == []  # the request itself never talks to SMTP
    callbacks[0]()
    [message] = mailoutbox
    assert message.to == ["olena@kestrel.example"]
    assert "/en/sign/confirm/" in message.body
    assert "/en/sign/withdraw/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "/en/sign/confirm/" in html and "/en/sign/withdraw/" in html
    [email] = OutboundEmail.objects.all()
    assert (email.kind, email.state) == (EmailKind.CONFIRM, EmailState.SENT)


def test_signature_create_normalises_the_email(letter, sign):
    """The address is stored trimmed, and its canonical form lower-cased."""
    signature = sign(letter, contact_email="  Olena@Kestrel.EXAMPLE ").signature
    assert signature.contact_email == "Olena@Kestrel.EXAMPLE"
    assert signature.email_normalised == "olena@kestrel.example"


def test_signature_create_twice_after_confirming_changes_nothing_but_resends(
    letter, sign, confirm, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """A repeat once confirmed (address in another case, padded) changes nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        first = sign(letter, client_ip="10.0.0.1").signature
    confirm(first)
    stored = Signature.objects.values().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = sign(
            letter,
            contact_email="  OLENA@Kestrel.example ",
            organisation="Someone Else",
            website="https://else.example",
            contact_name="Mallory",
            is_public=False,
            language="de",
            client_ip="10.9.9.9",
        )
    assert not second.created
    assert second.signature.pk == first.pk
    assert Signature.objects.count() == 1
    # Only the count of emails it was owed moves (the "already signed" notice).
    assert Signature.objects.values().get() == stored | {"capped_emails": 2}
    assert [m.to for m in mailoutbox] == [["olena@kestrel.example"]] * 2
    assert "already" in mailoutbox[1].subject


def test_signature_create_sends_at_most_three_emails(
    letter, sign, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """However often an address signs, its signature gets at most three emails."""
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            sign(letter)
    assert len(mailoutbox) == 3
    assert OutboundEmail.objects.filter(state=EmailState.SENT).count() == 3


def test_signature_create_in_signers_language(
    letter, sign, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """The email is rendered in the signer's language, links and letter title too."""
    publish_text(letter, "ru", title="Остановите обыски")
    with django_capture_on_commit_callbacks(execute=True):
        sign(letter, language="ru")
    [message] = mailoutbox
    assert "/ru/sign/confirm/" in message.body
    assert "/ru/sign/withdraw/" in message.body
    assert "Остановите обыски" in message.subject
    assert '<html lang="ru">' in message.alternatives[0][0]


def test_signature_create_after_confirmation_sends_already_signed(
    letter, sign, confirm, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """Signing again once confirmed mails a notice without a confirm link."""
    with django_capture_on_commit_callbacks(execute=True):
        signature = sign(letter).signature
    confirm(signature)
    with django_capture_on_commit_callbacks(execute=True):
        assert not sign(letter).created
    first, second = mailoutbox
    assert "/sign/confirm/" in first.body
    assert "/sign/confirm/" not in second.body
    assert "/sign/withdraw/" in second.body
    assert "already" in second.subject


def test_signature_create_when_broker_is_down_leaves_email_owed(
    letter, sign, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """A broker that refuses the task fails nothing; the outbox still owes the email."""

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.outbox_drain, "apply_async", down)
    with caplog.at_level(logging.WARNING, logger="signatories.outbox"):
        with django_capture_on_commit_callbacks(execute=True):
            result = sign(letter)
    assert result.created
    [email] = OutboundEmail.objects.all()
    assert (email.state, email.attempts) == (EmailState.PENDING, 0)
    assert "left to the outbox sweep" in caplog.text


@pytest.mark.parametrize(
    "letter_kwargs",
    [
        {"signing_closes": timezone.now() - timedelta(days=1)},
        {"signing_opens": timezone.now() + timedelta(days=1)},
        {"status": "draft"},
    ],
    ids=["closed", "not-yet-open", "draft"],
)
def test_signature_create_outside_window_raises(sign, letter_kwargs):
    """Closed, not yet open and draft letters accept no signature."""
    letter = LetterFactory(**letter_kwargs)
    with pytest.raises(services.SigningClosed):
        sign(letter)
    assert not Signature.objects.exists()


def test_signature_create_inside_window_is_accepted(sign):
    """A letter whose window has opened and not closed accepts signatures."""
    letter = LetterFactory(
        signing_opens=timezone.now() - timedelta(days=1),
        signing_closes=timezone.now() + timedelta(days=1),
    )
    assert sign(letter).created


def test_signature_create_individual_needs_permission(letter, sign):
    """Individuals may sign only where the letter allows it."""
    with pytest.raises(services.SigningNotAllowed):
        sign(letter, kind=SignerKind.INDIVIDUAL, organisation="")
    assert not Signature.objects.exists()
    letter.allow_individuals = True
    letter.save()
    assert sign(letter, kind=SignerKind.INDIVIDUAL, organisation="").created


def test_signature_create_stores_nothing_derived_from_the_ip(letter, sign):
    """No column holds the client address or a hash of it (rate limits use a cache)."""
    sign(letter, client_ip="203.0.113.7")
    stored = Signature.objects.values().get()
    assert "ip_hash" not in stored
    assert "203.0.113.7" not in str(stored)


def test_signature_confirm_counts_once(letter, sign):
    """A valid token confirms and counts; confirming twice is a no-op."""
    signature = sign(letter).signature
    token = confirm_token.make_token(signature)
    first = services.signature_confirm(signature_id=signature.pk, token=token).signature
    assert first.status == SignatureStatus.CONFIRMED and first.confirmed_at
    second = services.signature_confirm(
        public_id=signature.public_id, token=token
    ).signature
    assert second.pk == signature.pk
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED
    assert signature.confirmed_at == first.confirmed_at
    assert letter_signature_count(letter=letter) == 1
    assert listed(letter) == ["Kestrel Rights Alliance"]


def test_signature_confirm_tampered_token_is_refused(letter, sign):
    """A token altered by one character confirms nothing."""
    signature = sign(letter).signature
    token = confirm_token.make_token(signature)
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert (
        services.signature_confirm(signature_id=signature.pk, token=tampered).outcome
        == "invalid"
    )
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.PENDING
    assert letter_signature_count(letter=letter) == 0


def test_signature_confirm_with_another_signatures_token_is_refused(letter, sign):
    """A token made for one signature does not confirm another."""
    mine = sign(letter).signature
    other = sign(letter, contact_email="other@kestrel.example").signature
    token = confirm_token.make_token(other)
    assert (
        services.signature_confirm(signature_id=mine.pk, token=token).outcome
        == "invalid"
    )
    assert Signature.objects.get(pk=mine.pk).status == SignatureStatus.PENDING


def test_signature_confirm_unknown_id_is_invalid(db):
    """Confirming a signature that does not exist is an invalid link."""
    assert (
        services.signature_confirm(signature_id=987654, token="abc-123").outcome
        == "invalid"
    )


def test_signature_confirm_expired_token_is_refused(
    letter, sign, monkeypatch, settings
):
    """Past SIGNATURE_TOKEN_TIMEOUT the link no longer confirms."""
    signature = sign(letter).signature
    token = confirm_token.make_token(signature)
    later = confirm_token._now() + timedelta(
        seconds=settings.SIGNATURE_TOKEN_TIMEOUT + 5
    )
    monkeypatch.setattr(confirm_token, "_now", lambda: later)
    result = services.signature_confirm(signature_id=signature.pk, token=token)
    assert result.outcome == "expired"
    assert Signature.objects.get().status == SignatureStatus.PENDING


@pytest.mark.parametrize("end_state", ["withdrawn", "rejected"])
def test_signature_confirm_does_not_revive_an_ended_signature(
    letter, sign, confirm, editor, end_state
):
    """An old confirm link on a withdrawn or rejected signature confirms nothing."""
    signature = sign(letter).signature
    token = confirm_token.make_token(signature)
    confirm(signature)
    signature.refresh_from_db()
    if end_state == "withdrawn":
        services.signature_withdraw(
            signature_id=signature.pk, token=withdraw_token.make_token(signature)
        )
    else:
        services.signatures_reject(
            signature_ids=[signature.pk], user=editor, reason="spam"
        )
    assert (
        services.signature_confirm(signature_id=signature.pk, token=token).outcome
        == "invalid"
    )
    assert Signature.objects.get().status == end_state
    assert letter_signature_count(letter=letter) == 0


def test_approval_letter_counts_organisations_after_approval(sign, confirm, editor):
    """Where approval is required, a confirmed organisation counts once approved."""
    letter = LetterFactory(requires_approval=True)
    signature = sign(letter).signature
    confirm(signature)
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    assert letter_signature_count(letter=letter) == 0
    assert listed(letter) == []
    assert services.signatures_approve(signature_ids=[signature.pk], user=editor) == 1
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.APPROVED
    assert signature.reviewed_by == editor and signature.reviewed_at
    assert letter_signature_count(letter=letter) == 1
    assert listed(letter) == ["Kestrel Rights Alliance"]


def test_reject_with_reason_removes_from_count_and_list(sign, confirm, editor):
    """Rejecting an approved organisation uncounts and unlists it; the reason stays."""
    letter = LetterFactory(requires_approval=True)
    signature = sign(letter).signature
    confirm(signature)
    services.signatures_approve(signature_ids=[signature.pk], user=editor)
    assert services.signatures_reject(
        signature_ids=[signature.pk], user=editor, reason="Not an organisation"
    )
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.REJECTED
    assert signature.rejection_reason == "Not an organisation"
    assert letter_signature_count(letter=letter) == 0
    assert listed(letter) == []


def test_reject_on_a_letter_without_approval_uncounts(letter, sign, confirm, editor):
    """Where confirmation alone counts, rejecting still takes the signature off."""
    signature = sign(letter).signature
    confirm(signature)
    assert letter_signature_count(letter=letter) == 1
    services.signatures_reject(signature_ids=[signature.pk], user=editor, reason="x")
    assert letter_signature_count(letter=letter) == 0
    assert listed(letter) == []


def test_approving_twice_counts_once(sign, confirm, editor):
    """A second approval of the same signature changes nothing."""
    letter = LetterFactory(requires_approval=True)
    signature = sign(letter).signature
    confirm(signature)
    services.signatures_approve(signature_ids=[signature.pk], user=editor)
    assert services.signatures_approve(signature_ids=[signature.pk], user=editor) == 0
    assert letter_signature_count(letter=letter) == 1


def test_individuals_count_on_confirmation_even_with_approval(sign, confirm):
    """Approval is for organisations: an individual counts once confirmed."""
    letter = LetterFactory(requires_approval=True, allow_individuals=True)
    signature = sign(letter, kind=SignerKind.INDIVIDUAL, organisation="").signature
    confirm(signature)
    assert letter_signature_count(letter=letter) == 1
    assert listed(letter) == []  # counted, but the list names organisations only


def test_pending_signature_cannot_be_approved(editor, letter, sign):
    """An editor cannot approve a signature whose email was never confirmed."""
    signature = sign(letter).signature
    assert services.signatures_approve(signature_ids=[signature.pk], user=editor) == 0
    assert Signature.objects.get().status == SignatureStatus.PENDING
    assert letter_signature_count(letter=letter) == 0


def test_signature_withdraw_erases_personal_data(
    letter, sign, confirm, django_capture_on_commit_callbacks
):
    """Withdrawal blanks every personal field and the logo, uncounts, unlists."""
    with django_capture_on_commit_callbacks(execute=True):
        signature = sign(
            letter,
            comment="We stand with you",
            newsletter=True,
            client_ip="203.0.113.7",
            logo=upload(image_bytes()),
        ).signature
    logo_name = signature.logo.name
    assert default_storage.exists(logo_name)
    confirm(signature)
    assert letter_signature_count(letter=letter) == 1
    signature.refresh_from_db()
    token = withdraw_token.make_token(signature)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.signature_withdraw(signature_id=signature.pk, token=token).outcome
            == "done"
        )
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.WITHDRAWN
    assert signature.withdrawn_at
    for field in (
        "organisation",
        "website",
        "country",
        "organisation_type",
        "contact_name",
        "contact_role",
        "contact_email",
        "email_normalised",
        "comment",
        "logo",
    ):
        assert not getattr(signature, field), field
    assert not signature.newsletter and not signature.is_public
    assert not default_storage.exists(logo_name)
    assert (signature.letter_id, signature.kind) == (letter.pk, "organisation")
    assert letter_signature_count(letter=letter) == 0
    assert listed(letter) == []


def test_withdraw_link_dies_after_use_and_the_address_may_sign_again(letter, sign):
    """A used withdraw link does nothing more; the same address can sign anew."""
    signature = sign(letter).signature
    token = withdraw_token.make_token(signature)
    assert (
        services.signature_withdraw(signature_id=signature.pk, token=token).outcome
        == "done"
    )
    assert (
        services.signature_withdraw(signature_id=signature.pk, token=token).outcome
        != "done"
    )
    again = sign(letter)
    assert again.created and again.signature.pk != signature.pk
    assert Signature.objects.count() == 2


def test_withdraw_link_from_the_first_email_works_after_confirming(
    letter, sign, confirm
):
    """The withdraw link mailed with the confirm link survives the confirmation."""
    signature = sign(letter).signature
    token = withdraw_token.make_token(signature)  # as in the confirmation email
    confirm(signature)
    assert letter_signature_count(letter=letter) == 1
    assert (
        services.signature_withdraw(signature_id=signature.pk, token=token).outcome
        == "done"
    )
    assert Signature.objects.get().status == SignatureStatus.WITHDRAWN
    assert letter_signature_count(letter=letter) == 0


def test_withdraw_link_survives_approval(sign, confirm, editor):
    """An editor's approval does not break the signer's withdraw link."""
    letter = LetterFactory(requires_approval=True)
    signature = sign(letter).signature
    confirm(signature)
    signature.refresh_from_db()
    token = withdraw_token.make_token(signature)
    services.signatures_approve(signature_ids=[signature.pk], user=editor)
    assert (
        services.signature_withdraw(signature_id=signature.pk, token=token).outcome
        == "done"
    )
    assert letter_signature_count(letter=letter) == 0


def test_withdraw_pending_signature_keeps_the_count(letter, sign, confirm):
    """Withdrawing a signature that never counted leaves the count alone."""
    counted = sign(letter, contact_email="a@kestrel.example").signature
    confirm(counted)
    pending = sign(letter).signature
    assert (
        services.signature_withdraw(
            signature_id=pending.pk, token=withdraw_token.make_token(pending)
        ).outcome
        == "done"
    )
    assert letter_signature_count(letter=letter) == 1


def test_withdraw_with_a_confirm_token_is_refused(letter, sign):
    """A confirmation link cannot be used to withdraw."""
    signature = sign(letter).signature
    token = confirm_token.make_token(signature)
    assert (
        services.signature_withdraw(signature_id=signature.pk, token=token).outcome
        != "done"
    )
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_withdraw_unknown_signature_is_refused(db):
    """Withdrawing a signature that does not exist changes nothing."""
    assert (
        services.signature_withdraw(signature_id=987654, token="abc-123").outcome
        != "done"
    )


def test_tally_never_goes_below_zero(letter, sign, confirm):
    """A drifted tally at zero stays at zero when a counted signature leaves."""
    signature = sign(letter).signature
    confirm(signature)
    LetterTally.objects.filter(letter=letter).update(public_count=0)
    signature.refresh_from_db()
    assert (
        services.signature_withdraw(
            signature_id=signature.pk, token=withdraw_token.make_token(signature)
        ).outcome
        == "done"
    )
    assert letter_signature_count(letter=letter) == 0


def test_signature_resend_owes_an_email_only_to_a_known_address(
    letter, sign, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """A resend for an address that signed mails it; an unknown address gets nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        sign(letter)
    mailoutbox.clear()  # the confirmation request
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_resend(letter=letter, contact_email=" OLENA@kestrel.example")
        services.signature_resend(letter=letter, contact_email="nobody@else.example")
    assert [m.to for m in mailoutbox] == [["olena@kestrel.example"]]
    assert OutboundEmail.objects.count() == 2


def test_signature_resend_to_a_rejected_signature_sends_nothing(
    letter,
    sign,
    confirm,
    editor,
    celery_eager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Rejected signatures are owed no more email."""
    signature = sign(letter).signature
    confirm(signature)
    services.signatures_reject(signature_ids=[signature.pk], user=editor, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_resend(letter=letter, contact_email="olena@kestrel.example")
    # Only the first confirmation request (never sent here): nothing new is owed.
    assert OutboundEmail.objects.filter(kind__in=outbox.CAPPED_KINDS).count() == 1
    assert mailoutbox == []


def test_letter_recount_matches_the_tally(letter, sign, confirm):
    """Recounting from the rows gives what the services kept in the tally."""
    for n in range(3):
        confirm(sign(letter, contact_email=f"c{n}@kestrel.example").signature)
    sign(letter, contact_email="pending@kestrel.example")
    kept = letter_signature_count(letter=letter)
    assert kept == 3
    LetterTally.objects.filter(letter=letter).update(public_count=99)
    assert services.letter_recount(letter=letter) == kept
    assert LetterTally.objects.get(letter=letter).public_count == kept


def test_letter_recount_follows_the_approval_rule():
    """With approval required, confirmed organisations wait; individuals count."""
    letter = LetterFactory(requires_approval=True)
    SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    SignatureFactory(letter=letter, status=SignatureStatus.APPROVED)
    SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED, kind="individual")
    SignatureFactory(letter=letter, status=SignatureStatus.REJECTED)
    SignatureFactory(letter=letter, status=SignatureStatus.WITHDRAWN)
    SignatureFactory(letter=letter, status=SignatureStatus.PENDING)
    SignatureFactory(status=SignatureStatus.APPROVED)  # another letter
    assert services.letter_recount(letter=letter) == 2


def test_logo_is_reencoded_as_png_without_metadata(letter, sign):
    """An uploaded JPEG with EXIF (camera, GPS) becomes a small PNG without any."""
    signature = sign(letter, logo=upload(jpeg_with_exif(), "me.jpg")).signature
    assert signature.logo.name.endswith(".png")
    assert "me" not in signature.logo.name  # the upload's name is not kept
    with Image.open(signature.logo.path) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) <= services.LOGO_SIZE[0]
        assert not stored.getexif()
        assert not stored.info.get("exif")
    with open(signature.logo.path, "rb") as raw:
        assert b"SpyCam" not in raw.read()


def test_logo_orientation_is_applied_before_the_metadata_goes(letter, sign):
    """A photo marked "rotate 90°" is stored upright, since its EXIF is dropped."""
    signature = sign(letter, logo=upload(jpeg_rotated((1200, 800)))).signature
    with Image.open(signature.logo.path) as stored:
        width, height = stored.size
    assert height > width


def test_duplicate_signature_with_a_logo_leaves_no_stray_file(
    letter, sign, confirm, django_capture_on_commit_callbacks
):
    """A replaced pending logo, and a confirmed signer's repeat logo, leave storage."""
    with django_capture_on_commit_callbacks(execute=True):
        sign(letter, logo=upload(image_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        signature = sign(letter, logo=upload(image_bytes("JPEG"))).signature
    confirm(signature)
    with django_capture_on_commit_callbacks(execute=True):
        sign(letter, logo=upload(image_bytes()))
    logos = default_storage.listdir("logos")[1]
    assert logos == [Signature.objects.get().logo.name.removeprefix("logos/")]
    assert Signature.objects.get().logo.name == signature.logo.name


def test_review_records_the_editor():
    """Approval notes who reviewed and when."""
    editor = EditorFactory()
    signature = SignatureFactory(status=SignatureStatus.CONFIRMED)
    services.signatures_approve(signature_ids=[signature.pk], user=editor)
    signature.refresh_from_db()
    assert signature.reviewed_by == editor
    assert timezone.now() - signature.reviewed_at < timedelta(minutes=1)


# Closing and unpublishing (docs/decisions.md)


def close(letter) -> None:
    letter.signing_closes = timezone.now() - timedelta(minutes=1)
    letter.save()


def test_confirmation_after_close_counts_while_published(letter, sign):
    """A signature made while open and confirmed in time counts after close."""
    signature = sign(letter).signature
    token = confirm_token.make_token(signature)
    close(letter)
    result = services.signature_confirm(public_id=signature.public_id, token=token)
    assert result.outcome == "done"
    assert letter_signature_count(letter=letter) == 1


def test_confirmation_on_an_unpublished_letter_changes_nothing(letter, sign):
    """On an unpublished letter a valid link counts nothing and says so."""
    signature = sign(letter).signature
    token = confirm_token.make_token(signature)
    letter.status = "draft"
    letter.save()
    result = services.signature_confirm(public_id=signature.public_id, token=token)
    assert result.outcome == "unpublished"
    assert Signature.objects.get().status == SignatureStatus.PENDING
    assert letter_signature_count(letter=letter) == 0


def test_no_confirmation_resend_after_close(
    letter, sign, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """Asking for a new link after close owes no confirmation request."""
    sign(letter)
    close(letter)
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_resend(letter=letter, contact_email="olena@kestrel.example")
    assert OutboundEmail.objects.count() == 1  # only the first, from signing
    assert mailoutbox == []


@pytest.mark.parametrize("change", ["close", "unpublish"])
def test_queued_confirmation_is_cancelled_once_the_letter_closes(
    letter, sign, celery_eager, mailoutbox, django_capture_on_commit_callbacks, change
):
    """A confirmation request still owed when the letter closes is never sent."""
    with django_capture_on_commit_callbacks(execute=False):
        sign(letter)  # queued, not yet delivered (e.g. SMTP down)
    if change == "close":
        close(letter)
    else:
        letter.status = "draft"
        letter.save()
    email = OutboundEmail.objects.get()
    outbox.email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.state == EmailState.CANCELLED
    assert mailoutbox == []


def test_already_signed_notice_still_goes_out_after_close(
    letter, sign, confirm, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """A confirmed signer asking again after close gets 'already signed' (withdraw
    link), since it confirms nothing."""
    confirm(sign(letter).signature)
    close(letter)
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_resend(letter=letter, contact_email="olena@kestrel.example")
    [message] = mailoutbox
    assert "already" in message.subject


# Approval and rejection notices (issue 13)


def test_approval_mails_one_notice_in_the_signers_language(
    sign, confirm, editor, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """An editor's approval mails the signer once, in their language, uncapped."""
    letter = LetterFactory(requires_approval=True, title="Stop the raids")
    signature = sign(letter, language="de").signature
    for _ in range(3):  # the confirmation cap is used up: notices are not capped
        services.signature_resend(letter=letter, contact_email="olena@kestrel.example")
    confirm(signature)
    with django_capture_on_commit_callbacks(execute=True):
        services.signatures_approve(signature_ids=[signature.pk], user=editor)
        services.signatures_approve(signature_ids=[signature.pk], user=editor)
    [message] = mailoutbox
    assert message.to == ["olena@kestrel.example"]
    assert "Stop the raids" in message.subject
    assert "/de/sign/withdraw/" in message.body
    approved = OutboundEmail.objects.get(kind=EmailKind.APPROVED)
    assert (approved.language, approved.state) == ("de", EmailState.SENT)
    # Rendered in the signer's language, German.
    assert '<html lang="de">' in message.alternatives[0][0]


def test_rejection_mails_one_notice_without_the_reason(
    letter,
    sign,
    confirm,
    editor,
    celery_eager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """A rejection mails the signer once; the editor's reason stays internal."""
    signature = sign(letter).signature
    confirm(signature)
    with django_capture_on_commit_callbacks(execute=True):
        services.signatures_reject(
            signature_ids=[signature.pk], user=editor, reason="Looks like a fake org"
        )
    [message] = mailoutbox
    assert "not accepted" in message.subject
    assert "fake" not in message.body
    assert "fake" not in message.alternatives[0][0]
    assert "/sign/withdraw/" in message.body


def test_each_decision_mails_its_own_notice(
    letter,
    sign,
    confirm,
    editor,
    celery_eager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Reject, then approve on second thought: two decisions, two notices."""
    signature = sign(letter).signature
    confirm(signature)
    with django_capture_on_commit_callbacks(execute=True):
        services.signatures_reject(
            signature_ids=[signature.pk], user=editor, reason="x"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.signatures_approve(signature_ids=[signature.pk], user=editor)
    assert ["not accepted" in m.subject for m in mailoutbox] == [True, False]
    assert "approved" in mailoutbox[1].subject


def test_a_decision_reversed_before_sending_is_not_mailed(
    letter, sign, confirm, editor, mailoutbox, django_capture_on_commit_callbacks
):
    """A notice still owed when the editor changes their mind is dropped, not sent."""
    signature = sign(letter).signature
    confirm(signature)
    services.signatures_reject(signature_ids=[signature.pk], user=editor, reason="x")
    services.signatures_approve(signature_ids=[signature.pk], user=editor)
    rejected = OutboundEmail.objects.get(kind=EmailKind.REJECTED)
    assert outbox.email_deliver(email_id=rejected.pk) == EmailState.CANCELLED
    approved = OutboundEmail.objects.get(kind=EmailKind.APPROVED)
    assert outbox.email_deliver(email_id=approved.pk) == EmailState.SENT
    assert len(mailoutbox) == 1


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.mark.parametrize("again", [False, True])
def test_signature_create_is_one_statement(letter, sign, again):
    """On PostgreSQL a sign-up is one statement in autocommit, new address or known:
    the upsert, which takes the row lock, and the owed email with it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if again:
        sign(letter)
    with CaptureQueriesContext(connection) as captured:
        sign(letter)
    statements = [q["sql"] for q in captured.captured_queries]
    if connection.vendor != "postgresql":
        # SQLite: the insert, a (lock-free) read, a conditional UPDATE, the count
        # and the owed email; the same statements for a new and a known address.
        writes = _writes(captured.captured_queries)
        assert writes[0].startswith("INSERT OR IGNORE INTO"), writes
        assert len(writes) == 5, writes
        return
    [statement] = statements  # no BEGIN, no COMMIT: atomic on its own
    assert 'INSERT INTO "signatories_signature" AS t' in statement
    assert "ON CONFLICT" in statement and "DO UPDATE" in statement
    assert "INSERT INTO signatories_outboundemail" in statement


def test_the_sign_up_statement_is_built_once_per_process(letter, sign):
    """Composing the upsert through the ORM's compiler on every sign-up cost a sixth
    of the sign view's CPU: the text is built once, the values bound on each call."""
    from django.db import connection

    services._signature_upsert_sql.cache_clear()
    first = sign(letter, contact_email="one@kestrel.example").signature
    second = sign(letter, contact_email="two@kestrel.example").signature
    again = sign(letter, contact_email="one@kestrel.example", organisation="Renamed")
    if connection.vendor == "postgresql":
        info = services._signature_upsert_sql.cache_info()
        assert (info.misses, info.hits) == (1, 2)
    # Each call binds its own values: distinct rows, each stamped when it was made.
    assert first.pk != second.pk and first.public_id != second.public_id
    assert first.created_at <= second.created_at <= timezone.now()
    assert again.signature.pk == first.pk and not again.created
    assert again.signature.organisation == "Renamed"
