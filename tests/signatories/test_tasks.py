import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

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
    return SignatureFactory(
        emails_requested=1, email_requested_at=timezone.now(), **kwargs
    )


def test_send_signature_email_sends_once(mailoutbox):
    """The task sends what is owed and records it; a second run sends nothing."""
    signature = owed()
    send_signature_email.apply(args=[signature.pk])
    send_signature_email.apply(args=[signature.pk])
    assert len(mailoutbox) == 1
    signature.refresh_from_db()
    assert signature.emails_sent == 1 and signature.email_sent_at


def test_send_signature_email_for_a_missing_row_is_quiet(mailoutbox):
    """A task for a deleted signature returns without error."""
    send_signature_email.apply(args=[987654]).get()
    assert mailoutbox == []


def test_send_signature_email_withdrawn_meanwhile_sends_nothing(mailoutbox):
    """A signature withdrawn before the task runs gets no email."""
    signature = owed(status="withdrawn")
    send_signature_email.apply(args=[signature.pk])
    assert mailoutbox == []
    signature.refresh_from_db()
    assert signature.emails_requested == signature.emails_sent


def test_permanent_smtp_failure_is_recorded_not_retried(monkeypatch, mailoutbox):
    """A 5xx refusal is stored on the signature and the email stays unsent."""
    calls = []

    def refuse(self, messages):
        calls.append(messages)
        raise smtplib.SMTPRecipientsRefused({"x@y.example": (550, b"no such user")})

    monkeypatch.setattr(mail.backends.locmem.EmailBackend, "send_messages", refuse)
    signature = owed()
    send_signature_email.apply(args=[signature.pk])
    signature.refresh_from_db()
    assert len(calls) == 1
    assert "550" in signature.email_error
    assert signature.emails_sent == 0


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (smtplib.SMTPServerDisconnected(), True),
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (smtplib.SMTPDataError(451, b"try later"), True),
        (smtplib.SMTPRecipientsRefused({"a@b": (452, b"full")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b": (550, b"unknown")}), False),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (ValueError("bug"), False),
    ],
)
def test_is_transient_classifies_smtp_errors(exc, transient):
    """4xx replies and network errors are retried; 5xx and others are not."""
    assert is_transient(exc) is transient


def test_requeue_picks_only_old_owed_unfailed_rows(settings, monkeypatch):
    """The sweep queues owed emails older than the cutoff and skips failed ones."""
    queued = []
    monkeypatch.setattr("signatories.tasks._enqueue_email", queued.append)
    old = timezone.now() - timedelta(minutes=10)
    stale = owed()
    Signature.objects.filter(pk=stale.pk).update(email_requested_at=old)
    failed = owed(email_error="550 no")
    Signature.objects.filter(pk=failed.pk).update(email_requested_at=old)
    done = owed(emails_sent=1)
    Signature.objects.filter(pk=done.pk).update(email_requested_at=old)
    owed()  # too recent
    assert requeue_unsent_confirmations(min_age_seconds=120) == 1
    assert queued == [stale.pk]


def test_review_digest_tells_editors_how_many_wait(mailoutbox):
    """Editors get one email counting confirmed organisations awaiting review."""
    UserFactory(username="ed", is_staff=True, email="ed@campaign.example")
    letter = LetterFactory(requires_approval=True, title="Keep them online")
    SignatureFactory.create_batch(2, letter=letter, status="confirmed")
    SignatureFactory(letter=letter, status="approved")
    assert send_review_digest() == 2
    [message] = mailoutbox
    assert message.to == ["ed@campaign.example"]
    assert "Keep them online: 2" in message.body


def test_review_digest_sends_nothing_when_nothing_waits(mailoutbox):
    """No waiting signatures, no email."""
    UserFactory(username="ed", is_staff=True, email="ed@campaign.example")
    assert send_review_digest() == 0
    assert mailoutbox == []
