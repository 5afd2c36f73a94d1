"""Worker SIGKILL in the middle of a send: every owed email still arrives, with at
most one duplicate per kill (the guarantee stated in docs/decisions.md)."""

import time
from collections import Counter

import pytest

from signatories.models import EmailState, OutboundEmail, Signature
from tests.factories import LetterFactory
from tests.live import sign_form, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("live")]

SIGNERS = 8
# Short leases so a dead worker's claim expires within the test.
FAST = {"OUTBOX_LEASE_SECONDS": "3", "OUTBOX_SWEEP_SECONDS": "1"}


def sign(client, letter, n: int):
    return sign_form(
        client, letter, email=f"signer{n}@org.example", organisation=f"Org {n}"
    )


@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_worker_killed_mid_send_loses_nothing_and_duplicates_at_most_once(
    client, start_worker, smtp_sink, pool
):
    """SIGKILL while the SMTP server holds a message: all delivered, dups <= kills."""
    letter = LetterFactory(slug=f"worker-kill-{pool}")
    smtp_sink.stall_next = 1  # the first message is received, its 250 held back
    first = start_worker(pool=pool, **FAST)
    accepted = sum(sign(client, letter, n).status_code == 302 for n in range(SIGNERS))
    assert smtp_sink.stalled.wait(timeout=60), first.output()
    first.kill()  # mid-send: the message reached the server, the worker never knew
    kills = 1
    smtp_sink.release.set()
    start_worker(pool=pool, **FAST)
    expected = {f"signer{n}@org.example" for n in range(SIGNERS)}
    assert wait_until(lambda: expected <= set(smtp_sink.recipients()), timeout=90)
    assert wait_until(
        lambda: not OutboundEmail.objects.exclude(state=EmailState.SENT).exists()
    )
    time.sleep(5)  # past another lease and several sweeps: nothing more arrives
    delivered = Counter(smtp_sink.recipients())
    duplicates = sum(count - 1 for count in delivered.values())
    lost = len(expected - set(delivered))
    rows = Signature.objects.count()
    print(
        f"\nfault=worker SIGKILL mid-send ({pool}) requests={accepted} rows={rows} "
        f"emails_delivered={sum(delivered.values())} duplicates={duplicates} "
        f"lost={lost}"
    )
    assert accepted == rows == SIGNERS
    assert lost == 0
    assert duplicates <= kills
    assert OutboundEmail.objects.filter(state=EmailState.SENT).count() == SIGNERS
