import smtplib

import pytest
from django.utils import timezone

from signatories import outbox
from signatories.models import EmailKind, EmailState, OutboundEmail
from tests.live import smtp_sink  # noqa: F401
from tests.signatories.test_tasks import owed

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings, smtp_sink):  # noqa: F811
    """Mail through the real SMTP backend to the sink; no connection kept after."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    outbox.mail_connection_close()
    yield smtp_sink
    outbox.mail_connection_close()


def test_emails_share_one_smtp_connection(smtp):
    """Several emails in a row go out over one SMTP connection, each once."""
    emails = [owed() for _ in range(5)]
    for email in emails:
        assert outbox.email_deliver(email_id=email.pk) == EmailState.SENT
    assert sorted(smtp.recipients()) == sorted(e.recipient for e in emails)
    assert len(smtp.peers) == 5
    assert len(set(smtp.peers)) == 1


def test_a_dropped_connection_is_reopened(smtp):
    """The server dropping the kept connection costs a reconnect, not the email."""
    first, second = owed(), owed()
    assert outbox.email_deliver(email_id=first.pk) == EmailState.SENT
    smtp.stop()  # the server goes away and comes back: the kept session is dead
    smtp.start()
    assert outbox.email_deliver(email_id=second.pk) == EmailState.SENT
    assert smtp.recipients() == [first.recipient, second.recipient]
    assert len(set(smtp.peers)) == 2
    second = OutboundEmail.objects.get(pk=second.pk)
    assert (second.attempts, second.last_error) == (1, "")


def test_an_smtp_outage_leaves_the_email_owed(smtp, settings):
    """With the server down, the kept connection's retry fails and the email waits."""
    settings.EMAIL_RETRY_BACKOFF = 0  # due again at once
    first, second = owed(), owed()
    assert outbox.email_deliver(email_id=first.pk) == EmailState.SENT
    smtp.stop()
    assert outbox.email_deliver(email_id=second.pk) == EmailState.PENDING
    smtp.start()
    assert outbox.email_deliver(email_id=second.pk) == EmailState.SENT
    assert smtp.recipients() == [first.recipient, second.recipient]


def test_delivery_is_two_statements(smtp):
    """Claiming (with the signature and letter) and recording are one statement each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    outbox.email_deliver(email_id=owed().pk)  # warm: URLs, content types
    email = owed()
    with CaptureQueriesContext(connection) as captured:
        assert outbox.email_deliver(email_id=email.pk) == EmailState.SENT
    statements = [q["sql"] for q in captured.captured_queries]
    # PostgreSQL claims with one statement that also brings the signature, the
    # letter and its published text. SQLite (the embedded default) has no UPDATE
    # inside WITH: it claims with an UPDATE, reads the row, then the letter's text.
    assert len(statements) == (2 if connection.vendor == "postgresql" else 4), (
        statements
    )


# --- drains: the usual path (one task sends owed emails in batches) ---------------


def test_a_drain_sends_every_owed_email_in_batches(smtp):
    """Owed emails go out in batches over one connection, each exactly once."""
    emails = [owed() for _ in range(7)]
    assert outbox.emails_drain(batch=3) == 7
    assert sorted(smtp.recipients()) == sorted(e.recipient for e in emails)
    assert len(set(smtp.peers)) == 1
    states = set(OutboundEmail.objects.values_list("state", "attempts", "recipient"))
    assert states == {(EmailState.SENT, 1, "")}
    assert outbox.emails_drain(batch=3) == 0  # nothing left: nothing sent twice
    assert len(smtp.recipients()) == 7


def test_a_drain_batch_is_one_claim_and_one_record(smtp):
    """Per batch: one claiming statement (rows with signature, letter and text) and
    one UPDATE recording the sent ones, whatever the batch's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    outbox.email_deliver(email_id=owed().pk)  # warm: URLs, content types
    for _ in range(5):
        owed()
    with CaptureQueriesContext(connection) as captured:
        assert outbox.emails_drain(batch=10) == 5
    statements = [q["sql"] for q in captured.captured_queries]
    if connection.vendor == "postgresql":
        # claim 5, record 5, then the claim that finds nothing, and the one after
        # the flag is cleared
        assert len(statements) == 4, statements
    else:  # SQLite: pick, claim, read, a text per letter (5 here), record, and
        # the two picks that find nothing
        assert len(statements) <= 6 + 5, statements


def test_confirmations_are_claimed_before_newsletters():
    """A newsletter being sent does not hold back the answer to a submission."""
    from tests.factories import NewsletterFactory

    newsletter = NewsletterFactory()
    later = owed(kind=EmailKind.NEWSLETTER)
    OutboundEmail.objects.filter(pk=later.pk).update(newsletter=newsletter)
    confirm = owed()
    OutboundEmail.objects.filter(pk=confirm.pk).update(
        next_attempt_at=timezone.now()
    )  # queued after the newsletter's row
    [first] = outbox.emails_claim_due(claimant="test", limit=1)
    assert first.pk == confirm.pk


def test_an_smtp_outage_ends_the_batch_and_hands_the_rest_back(smtp, settings):
    """The first email that cannot go out for now backs off; the rest of its batch
    go back to the outbox unattempted, due, and held by nobody."""
    settings.EMAIL_RETRY_BACKOFF = 60
    first, second, third = owed(), owed(), owed()
    smtp.stop()
    assert outbox.emails_drain(batch=10) == 0
    smtp.start()
    rows = {e.pk: e for e in OutboundEmail.objects.all()}
    assert (rows[first.pk].state, rows[first.pk].attempts) == (EmailState.PENDING, 1)
    assert rows[first.pk].next_attempt_at > timezone.now()
    for email in (second, third):
        row = rows[email.pk]
        assert (row.state, row.attempts, row.lease_until) == (
            EmailState.PENDING,
            0,
            None,
        )
        assert row.next_attempt_at <= timezone.now()
    assert outbox.emails_drain(batch=10) == 2  # the others go out at once
    assert sorted(smtp.recipients()) == sorted([second.recipient, third.recipient])


def test_a_refused_address_does_not_stop_the_batch(monkeypatch):
    """A 5xx for one address settles that email for good; the batch goes on."""
    bad, good = owed(), owed()
    sent = []

    def send(message):
        if message.to == [bad.recipient]:
            raise smtplib.SMTPRecipientsRefused({bad.recipient: (550, b"no")})
        sent.append(message.to)

    monkeypatch.setattr(outbox, "mail_send", send)
    assert outbox.emails_drain(batch=10) == 1
    assert sent == [[good.recipient]]
    bad.refresh_from_db()
    assert (bad.state, bad.recipient) == (EmailState.FAILED_PERMANENT, "")


@pytest.fixture
def kicks(settings, monkeypatch):
    """Publishing drains counted, not run (a queued drain the test runs itself)."""
    from django.core.cache import cache

    from signatories import tasks

    settings.OUTBOX_KICK_SECONDS = 10
    cache.delete(outbox.DRAIN_FLAG)
    published = []
    monkeypatch.setattr(
        tasks.outbox_drain, "apply_async", lambda **kw: published.append(kw)
    )
    yield published
    cache.delete(outbox.DRAIN_FLAG)


def test_one_drain_is_queued_however_many_emails_are_owed(
    kicks, letter, sign, settings, django_capture_on_commit_callbacks
):
    """Sign-ups while a drain is queued publish nothing; the drain clears the flag
    before it claims, so the next owed email queues a new one."""
    with django_capture_on_commit_callbacks(execute=True):
        sign(letter, contact_email="one@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        sign(letter, contact_email="two@example.org")
    # Not at once: the emails owed in the meantime go out in its batches.
    assert kicks == [{"countdown": settings.OUTBOX_DRAIN_DELAY}]
    assert outbox.emails_drain() == 2  # the queued drain runs: both go out
    with django_capture_on_commit_callbacks(execute=True):
        sign(letter, contact_email="three@example.org")
    assert len(kicks) == 2


def test_a_full_batch_asks_another_worker_to_help(kicks):
    """While batches come back full, a drain queues one more drain (idle worker
    processes join in); a short batch asks nobody."""
    for _ in range(3):
        owed()
    assert outbox.emails_drain(batch=2) == 3
    # at once: there is work waiting
    assert kicks == [{"kwargs": {"helper": True}, "countdown": None}]


def test_a_drain_hands_over_when_its_time_is_up(kicks):
    """A drain past its time queues a fresh one instead of running on."""
    for _ in range(3):
        owed()
    assert outbox.emails_drain(batch=1, seconds=0) == 1
    assert kicks == [
        {"kwargs": {"helper": True}, "countdown": None},  # the batch was full
        {"kwargs": {}, "countdown": None},  # the hand-over
    ]
    assert OutboundEmail.objects.filter(state=EmailState.PENDING).count() == 2


def test_emails_owed_while_a_drain_runs_queue_nothing(
    kicks, letter, sign, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The flag stays set while a drain sends: a sign-up meanwhile publishes
    nothing and its email goes out in the running drain. On its way out the drain
    clears the flag and claims once more."""
    from django.core.cache import cache

    with django_capture_on_commit_callbacks(execute=True):
        sign(letter, contact_email="one@example.org")
    assert len(kicks) == 1
    during = []
    real_send = outbox.mail_send

    def send(message):
        if not during:  # a visitor signs while the first email goes out
            during.append(cache.get(outbox.DRAIN_FLAG))
            with django_capture_on_commit_callbacks(execute=True):
                sign(letter, contact_email="two@example.org")
        real_send(message)

    monkeypatch.setattr(outbox, "mail_send", send)
    assert outbox.emails_drain(batch=10) == 2
    assert during == [1]
    assert len(kicks) == 1  # the second sign-up queued no drain
    assert cache.get(outbox.DRAIN_FLAG) is None
