"""The retention sweep, run by the real worker's beat."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from signatories.models import Signature, SignatureStatus
from tests.factories import SignatureFactory

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("live")]


def test_beat_runs_the_retention_sweep(start_worker):
    """The worker's beat schedule erases an expired pending signature on its own."""
    expired = SignatureFactory(status=SignatureStatus.PENDING)
    kept = SignatureFactory(status=SignatureStatus.CONFIRMED)
    Signature.objects.filter(pk__in=[expired.pk, kept.pk]).update(
        created_at=timezone.now() - timedelta(days=3000)
    )
    worker = start_worker(RETENTION_SWEEP_SECONDS="1")
    deadline = time.monotonic() + 60
    while Signature.objects.filter(pk=expired.pk).exists():
        if time.monotonic() > deadline or worker.process.poll() is not None:
            pytest.fail(f"the sweep did not run:\n{worker.output()}")
        time.sleep(0.2)
    assert Signature.objects.filter(pk=kept.pk).exists()
    assert "signatories.retention.retention_sweep" in worker.output()
