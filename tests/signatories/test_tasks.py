import smtplib
import socket
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from signatories import tasks
from signatories.models import Signature
from signatories.tasks import (
    is_transient,
    requeue_unsent_confirmations,
    send_review_digest,
    send_signature_email,
)
from tests.factories import LetterFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


def owed(**kwargs):
    """A signature owed one email, as signature_create leaves it."""
    return SignatureFactory(
        emails_requested=1, email_requested_at=timezone.now(), **kwargs
    )


def refuse_with(monkeypatch, exc):
    """Make the mail backend fail with ``exc``; return the list of attempts."""
    attempts = []

    def send_messages(self, messages):
        attempts.append(messages)
        raise exc

    monkeypatch.setattr(
        mail.backends.locmem.EmailBackend, "send_messages", send_messages
    )
    return attempts


def test_send_signature_email_sends_once(mailoutbox):
    """The task sends what is owed and records it; a second run sends nothing."""
    signature = owed()
    send_signature_email.apply(args=[signature.pk])
    send_signature_email.apply(args=[signature.pk])
    [message] = mailoutbox
    assert message.to == [signature.contact_email]
    assert "/sign/confirm/" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    signature.refresh_from_db()
    assert signature.emails_sent == 1 and signature.email_sent_at


def test_send_signature_email_with_nothing_owed_sends_nothing(mailoutbox):
    """A signature whose emails are all sent gets no other."""
    signature = SignatureFactory(emails_requested=2, emails_sent=2)
    send_signature_email.apply(args=[signature.pk])
    assert mailoutbox == []
    assert Signature.objects.get().emails_sent == 2


def test_send_signature_email_for_a_missing_row_is_quiet(mailoutbox):
    """A task for a deleted signature returns without error."""
    result = send_signature_email.apply(args=[987654])
    assert result.successful()
    assert mailoutbox == []


@pytest.mark.parametrize("status", ["withdrawn", "rejected"])
def test_send_signature_email_after_the_signature_ended_sends_nothing(
    mailoutbox, status
):
    """A signature withdrawn or rejected before the task runs gets no email."""
    signature = owed(status=status)
    send_signature_email.apply(args=[signature.pk])
    assert mailoutbox == []
    signature.refresh_from_db()
    assert signature.emails_requested == signature.emails_sent == 0


def test_send_signature_email_to_a_confirmed_signer_says_already_signed(mailoutbox):
    """A confirmed signer who signs again gets the 'already signed' notice."""
    signature = owed(status="confirmed")
    send_signature_email.apply(args=[signature.pk])
    [message] = mailoutbox
    assert "already" in message.subject
    assert "/sign/confirm/" not in message.body
    assert "/sign/withdraw/" in message.body


def test_permanent_smtp_failure_is_recorded_not_retried(monkeypatch, mailoutbox):
    """A 5xx refusal is stored on the signature and the email stays unsent."""
    attempts = refuse_with(
        monkeypatch, smtplib.SMTPRecipientsRefused({"x@y": (550, b"no")})
    )
    signature = owed()
    result = send_signature_email.apply(args=[signature.pk])
    assert result.successful()  # recorded, not raised, not retried
    assert len(attempts) == 1
    signature.refresh_from_db()
    assert "550" in signature.email_error
    assert signature.emails_sent == 0


def test_transient_smtp_failure_is_retried_with_backoff(monkeypatch, settings):
    """A 4xx reply asks Celery for a retry after a growing delay, recording nothing."""
    refuse_with(monkeypatch, smtplib.SMTPDataError(451, b"try later"))
    retries = []

    def retry(exc=None, countdown=None, **kwargs):
        retries.append(countdown)
        raise Retry(exc=exc, when=countdown)

    monkeypatch.setattr(send_signature_email, "retry", retry)
    signature = owed()
    send_signature_email.apply(args=[signature.pk], retries=0)
    send_signature_email.apply(args=[signature.pk], retries=2)
    assert retries == [settings.EMAIL_RETRY_BACKOFF, settings.EMAIL_RETRY_BACKOFF * 4]
    signature.refresh_from_db()
    assert (signature.emails_sent, signature.email_error) == (0, "")


def test_transient_failure_after_the_last_retry_is_recorded(monkeypatch, settings):
    """Once EMAIL_MAX_RETRIES is used up, a transient error is recorded as failed."""
    refuse_with(monkeypatch, smtplib.SMTPServerDisconnected("gone"))
    signature = owed()
    send_signature_email.apply(args=[signature.pk], retries=settings.EMAIL_MAX_RETRIES)
    signature.refresh_from_db()
    assert "SMTPServerDisconnected" in signature.email_error
    assert signature.emails_sent == 0


def test_transient_failure_then_success_sends_once(monkeypatch, mailoutbox):
    """A retried send that then succeeds delivers one email and records it."""
    real = mail.backends.locmem.EmailBackend.send_messages
    attempts = []

    def flaky(self, messages):
        attempts.append(messages)
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        return real(self, messages)

    monkeypatch.setattr(mail.backends.locmem.EmailBackend, "send_messages", flaky)
    signature = owed()
    send_signature_email.apply(args=[signature.pk])  # eager: the retry runs at once
    assert len(attempts) == 2
    assert len(mailoutbox) == 1
    signature.refresh_from_db()
    assert (signature.emails_sent, signature.email_error) == (1, "")


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (smtplib.SMTPServerDisconnected(), True),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (ConnectionRefusedError(), True),
        (ConnectionResetError(), True),
        (TimeoutError(), True),
        (socket.gaierror(-3, "Temporary failure in name resolution"), True),
        (OSError(101, "Network is unreachable"), True),
        (smtplib.SMTPDataError(451, b"try later"), True),
        (smtplib.SMTPSenderRefused(421, b"later", "from@x"), True),
        (smtplib.SMTPRecipientsRefused({"a@b": (452, b"full")}), True),
        (
            smtplib.SMTPRecipientsRefused({"a@b": (452, b"x"), "c@d": (550, b"y")}),
            False,
        ),
        (smtplib.SMTPRecipientsRefused({"a@b": (550, b"unknown")}), False),
        (smtplib.SMTPRecipientsRefused({}), False),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPNotSupportedError(), False),
        (ValueError("bug"), False),
    ],
)
def test_is_transient_classifies_smtp_errors(exc, transient):
    """4xx replies and network errors are retried; 5xx and others are not."""
    assert is_transient(exc) is transient


def test_requeue_picks_only_old_owed_unfailed_rows(monkeypatch):
    """The sweep queues owed emails older than the cutoff and skips the rest."""
    queued = []
    monkeypatch.setattr(tasks, "_enqueue_email", queued.append)
    old = timezone.now() - timedelta(minutes=10)
    stale = owed()
    confirmed_stale = owed(status="confirmed")
    failed = owed(email_error="550 no")
    done = owed(emails_sent=1)
    withdrawn = owed(status="withdrawn")
    owed()  # too recent
    for signature in (stale, confirmed_stale, failed, done, withdrawn):
        Signature.objects.filter(pk=signature.pk).update(email_requested_at=old)
    assert requeue_unsent_confirmations(min_age_seconds=120) == 2
    assert sorted(queued) == sorted([stale.pk, confirmed_stale.pk])


def test_requeue_uses_the_configured_age(monkeypatch, settings):
    """Without an argument the sweep uses OUTBOX_MIN_AGE_SECONDS."""
    queued = []
    monkeypatch.setattr(tasks, "_enqueue_email", queued.append)
    settings.OUTBOX_MIN_AGE_SECONDS = 30
    signature = owed()
    Signature.objects.filter(pk=signature.pk).update(
        email_requested_at=timezone.now() - timedelta(seconds=60)
    )
    assert requeue_unsent_confirmations() == 1
    settings.OUTBOX_MIN_AGE_SECONDS = 3600
    assert requeue_unsent_confirmations() == 0
    assert queued == [signature.pk]


def test_requeue_then_send_delivers_once(celery_eager, mailoutbox):
    """A swept email is sent once; the next sweep finds nothing owed."""
    signature = owed()
    Signature.objects.filter(pk=signature.pk).update(
        email_requested_at=timezone.now() - timedelta(minutes=10)
    )
    assert requeue_unsent_confirmations(min_age_seconds=60) == 1
    assert requeue_unsent_confirmations(min_age_seconds=60) == 0
    assert len(mailoutbox) == 1


def test_review_digest_tells_editors_how_many_wait(mailoutbox):
    """Staff get one email counting confirmed organisations awaiting review."""
    UserFactory(username="ed", is_staff=True, email="ed@campaign.example")
    UserFactory(username="visitor", is_staff=False, email="v@campaign.example")
    UserFactory(username="gone", is_staff=True, is_active=False, email="g@c.example")
    letter = LetterFactory(requires_approval=True, title="Keep them online & safe")
    SignatureFactory.create_batch(2, letter=letter, status="confirmed")
    SignatureFactory(letter=letter, status="approved")
    SignatureFactory(letter=letter, status="pending")
    SignatureFactory(letter=letter, status="confirmed", kind="individual")
    other = LetterFactory(requires_approval=False)
    SignatureFactory(letter=other, status="confirmed")
    assert send_review_digest() == 2
    [message] = mailoutbox
    assert message.to == ["ed@campaign.example"]
    assert "Keep them online & safe: 2" in message.body
    assert "/en/admin/signatories/signature/?status__exact=confirmed" in message.body


def test_review_digest_sends_nothing_when_nothing_waits(mailoutbox):
    """No waiting signatures, no email."""
    UserFactory(username="ed", is_staff=True, email="ed@campaign.example")
    assert send_review_digest() == 0
    assert mailoutbox == []


def test_review_digest_without_staff_sends_nothing(mailoutbox):
    """With nobody to tell, the digest is skipped."""
    letter = LetterFactory(requires_approval=True)
    SignatureFactory(letter=letter, status="confirmed")
    assert send_review_digest() == 0
    assert mailoutbox == []
