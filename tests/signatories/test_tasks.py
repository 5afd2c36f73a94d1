import smtplib
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from signatories import outbox
from signatories.models import EmailKind, EmailState, OutboundEmail
from signatories.outbox import is_permanent
from signatories.tasks import outbox_deliver, outbox_sweep, send_review_digest
from tests.factories import LetterFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


def owed(kind=EmailKind.CONFIRM, **kwargs) -> OutboundEmail:
    """One owed email, due now and held by nobody, as the sweep would find it."""
    signature = SignatureFactory(**kwargs)
    return OutboundEmail.objects.create(
        kind=kind,
        signature=signature,
        recipient=signature.contact_email,
        language=signature.language,
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


def test_outbox_deliver_sends_once(mailoutbox):
    """The task sends what is owed and records it; a second run sends nothing."""
    email = owed()
    outbox_deliver.apply(args=[email.pk])
    outbox_deliver.apply(args=[email.pk])
    [message] = mailoutbox
    assert message.to == [email.signature.contact_email]
    assert "/sign/confirm/" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 1)
    assert email.sent_at and email.lease_until is None
    assert email.recipient == ""  # settled: the address is not kept


def test_outbox_deliver_of_a_settled_email_sends_nothing(mailoutbox):
    """An email already sent gets no second copy."""
    email = owed()
    OutboundEmail.objects.filter(pk=email.pk).update(state=EmailState.SENT)
    outbox_deliver.apply(args=[email.pk])
    assert mailoutbox == []


def test_outbox_deliver_for_a_missing_row_is_quiet(mailoutbox):
    """A task for a row that is gone returns without error."""
    result = outbox_deliver.apply(args=[987654])
    assert result.successful()
    assert mailoutbox == []


@pytest.mark.parametrize("status", ["withdrawn", "rejected"])
def test_outbox_deliver_after_the_signature_ended_sends_nothing(mailoutbox, status):
    """A signature withdrawn or rejected before the task runs gets no confirmation."""
    email = owed(status=status)
    outbox_deliver.apply(args=[email.pk])
    assert mailoutbox == []
    email.refresh_from_db()
    assert email.state == EmailState.CANCELLED


def test_outbox_deliver_already_signed_notice(mailoutbox):
    """The template follows the email's kind: 'already signed', no confirm link."""
    email = owed(kind=EmailKind.ALREADY_SIGNED, status="confirmed")
    outbox_deliver.apply(args=[email.pk])
    [message] = mailoutbox
    assert "already" in message.subject
    assert "/sign/confirm/" not in message.body
    assert "/sign/withdraw/" in message.body


def test_permanent_smtp_refusal_is_recorded_not_retried(monkeypatch, mailoutbox):
    """A 5xx refusal of the address is final: one attempt, no address in the error."""
    attempts = refuse_with(
        monkeypatch, smtplib.SMTPRecipientsRefused({"x@y.example": (550, b"no")})
    )
    email = owed()
    result = outbox_deliver.apply(args=[email.pk])
    assert result.successful()  # recorded, not raised
    email.refresh_from_db()
    assert email.state == EmailState.FAILED_PERMANENT
    assert email.last_error == "SMTPRecipientsRefused 550"
    assert outbox.emails_due() == []  # the sweep leaves it alone
    assert len(attempts) == 1


@pytest.mark.parametrize(
    "exc",
    [
        smtplib.SMTPDataError(451, b"try later"),
        smtplib.SMTPServerDisconnected("gone"),
        ConnectionRefusedError(),
        smtplib.SMTPAuthenticationError(535, b"bad credentials"),
    ],
)
def test_transient_failure_stays_owed_with_backoff(monkeypatch, settings, exc):
    """No server, a 4xx or our own misconfiguration: still owed, due after backoff."""
    refuse_with(monkeypatch, exc)
    email = owed()
    before = timezone.now()
    outbox_deliver.apply(args=[email.pk])
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.PENDING, 1)
    assert email.lease_until is None
    wait = email.next_attempt_at - before
    assert wait >= timedelta(seconds=settings.EMAIL_RETRY_BACKOFF)
    assert email.recipient  # still owed: the address is still needed
    assert "@" not in email.last_error


def test_backoff_doubles_and_is_capped(settings):
    """The delay doubles per failed attempt up to EMAIL_RETRY_MAX_BACKOFF."""
    settings.EMAIL_RETRY_BACKOFF = 30
    settings.EMAIL_RETRY_MAX_BACKOFF = 3600
    delays = [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 8, 50)]
    assert delays == [30, 60, 120, 3600, 3600]


def test_failed_attempts_are_never_abandoned(monkeypatch, mailoutbox):
    """However many attempts failed, a due row is sent once the server is back."""
    refuse_with(monkeypatch, smtplib.SMTPServerDisconnected("gone"))
    email = owed()
    for _ in range(12):
        OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        outbox_deliver.apply(args=[email.pk])
    monkeypatch.undo()
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert outbox.emails_due() == [email.pk]
    outbox_deliver.apply(args=[email.pk])
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 13)
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("exc", "permanent"),
    [
        (smtplib.SMTPServerDisconnected(), False),
        (smtplib.SMTPConnectError(421, b"busy"), False),
        (ConnectionRefusedError(), False),
        (TimeoutError(), False),
        (socket.gaierror(-3, "Temporary failure in name resolution"), False),
        (smtplib.SMTPDataError(451, b"try later"), False),
        (smtplib.SMTPSenderRefused(421, b"later", "from@x"), False),
        (smtplib.SMTPRecipientsRefused({"a@b": (452, b"full")}), False),
        (
            smtplib.SMTPRecipientsRefused({"a@b": (452, b"x"), "c@d": (550, b"y")}),
            False,
        ),
        (smtplib.SMTPRecipientsRefused({"a@b": (550, b"unknown")}), True),
        (smtplib.SMTPRecipientsRefused({}), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (ValueError("bug"), False),
    ],
)
def test_is_permanent_only_for_a_refused_recipient_or_message(exc, permanent):
    """Only a 5xx refusal of the address or message is final; the rest stays owed."""
    assert is_permanent(exc) is permanent


def test_sweep_picks_only_due_unleased_owed_rows(monkeypatch):
    """Backoff, leases and settled rows are skipped: one chain per owed email."""
    queued = []
    monkeypatch.setattr(outbox, "_enqueue", queued.append)
    now = timezone.now()
    due = owed()
    orphaned = owed()  # a worker died while sending it: its lease ran out
    OutboundEmail.objects.filter(pk=orphaned.pk).update(
        state=EmailState.SENDING, lease_until=now - timedelta(seconds=1)
    )
    in_backoff = owed()
    OutboundEmail.objects.filter(pk=in_backoff.pk).update(
        next_attempt_at=now + timedelta(minutes=5), attempts=2
    )
    sending = owed()
    OutboundEmail.objects.filter(pk=sending.pk).update(
        state=EmailState.SENDING, lease_until=now + timedelta(minutes=5)
    )
    queued_recently = owed()
    OutboundEmail.objects.filter(pk=queued_recently.pk).update(
        lease_until=now + timedelta(minutes=1)
    )
    for state in (EmailState.SENT, EmailState.FAILED_PERMANENT, EmailState.CANCELLED):
        OutboundEmail.objects.filter(pk=owed().pk).update(state=state)
    assert outbox_sweep() == 2
    assert sorted(queued) == sorted([due.pk, orphaned.pk])
    assert outbox_sweep() == 0  # their queue lease holds them now
    assert OutboundEmail.objects.get(pk=orphaned.pk).state == EmailState.PENDING


def test_sweep_waits_for_the_queue_lease(monkeypatch, settings):
    """A row just queued is swept again only after OUTBOX_MIN_AGE_SECONDS."""
    queued = []
    monkeypatch.setattr(outbox, "_enqueue", queued.append)
    settings.OUTBOX_MIN_AGE_SECONDS = 3600
    email = owed()
    assert outbox_sweep() == 1
    assert outbox_sweep() == 0
    OutboundEmail.objects.filter(pk=email.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert outbox_sweep() == 1
    assert queued == [email.pk, email.pk]


def test_sweep_then_send_delivers_once(celery_eager, mailoutbox):
    """A swept email is sent once; the next sweep finds nothing owed."""
    owed()
    assert outbox_sweep() == 1
    assert outbox_sweep() == 0
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
    assert "/en/admin/signatories/signature/?queue=waiting" in message.body


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
