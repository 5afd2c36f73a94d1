import pytest

from signatories import outbox
from signatories.models import EmailState, OutboundEmail
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
