"""An SMTP server that is down for longer than any retry budget, then back: every
owed email is delivered exactly once, and an address the server refuses (550) gets
one attempt only."""

import time
from collections import Counter

import pytest

from signatories.models import EmailState, OutboundEmail, Signature
from tests.factories import LetterFactory
from tests.live import sign_form, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("live")]

SIGNERS = 6
BOUNCE = "nobody@bounce.example"
OUTAGE_SECONDS = 10
# Backoff 1 s doubling to a 2 s cap: the old budget (6 retries) would be spent
# several times over during the outage.
FAST = {"EMAIL_RETRY_BACKOFF": "1", "EMAIL_RETRY_MAX_BACKOFF": "2"}


def sign(client, letter, email: str):
    return sign_form(client, letter, email=email)


def test_smtp_outage_longer_than_the_retry_budget_delivers_everything_once(
    client, start_worker, smtp_sink
):
    """Down for 10 s (many backoff rounds), then up: all delivered once; 550 once."""
    letter = LetterFactory(slug="smtp-outage")
    smtp_sink.refuse = {BOUNCE}
    smtp_sink.stop()  # connections refused: "could not reach a server"
    worker = start_worker(**FAST)
    addresses = [f"signer{n}@org.example" for n in range(SIGNERS)] + [BOUNCE]
    accepted = sum(
        sign(client, letter, email).status_code == 302 for email in addresses
    )
    assert wait_until(
        lambda: OutboundEmail.objects.filter(attempts__gte=3).count() == len(addresses)
    ), worker.output()
    time.sleep(OUTAGE_SECONDS)
    # Still owed, none abandoned; none holds more than one chain of attempts.
    owed = OutboundEmail.objects.all()
    assert all(
        email.state in (EmailState.PENDING, EmailState.SENDING) for email in owed
    )
    most = max(email.attempts for email in owed)
    assert most <= (OUTAGE_SECONDS + 30) // int(FAST["EMAIL_RETRY_BACKOFF"])

    smtp_sink.start()
    expected = set(addresses) - {BOUNCE}
    assert wait_until(lambda: expected <= set(smtp_sink.recipients()), timeout=60)
    assert wait_until(
        lambda: OutboundEmail.objects.filter(state=EmailState.FAILED_PERMANENT).exists()
    )
    time.sleep(5)  # several more sweeps: nothing sent twice, the bounce not retried
    delivered = Counter(smtp_sink.recipients())
    duplicates = sum(count - 1 for count in delivered.values())
    lost = len(expected - set(delivered))
    rows = Signature.objects.count()
    print(
        f"\nfault=SMTP down {OUTAGE_SECONDS}s+ then back requests={accepted} "
        f"rows={rows} emails_delivered={sum(delivered.values())} "
        f"duplicates={duplicates} lost={lost} "
        f"bounce_attempts={smtp_sink.rcpt_attempts.count(BOUNCE)} "
        f"max_attempts_during_outage={most}"
    )
    assert accepted == rows == len(addresses)
    assert (lost, duplicates) == (0, 0)
    assert smtp_sink.rcpt_attempts.count(BOUNCE) == 1
    bounced = OutboundEmail.objects.get(state=EmailState.FAILED_PERMANENT)
    assert bounced.last_error == "SMTPRecipientsRefused 550"
    assert OutboundEmail.objects.filter(state=EmailState.SENT).count() == SIGNERS
