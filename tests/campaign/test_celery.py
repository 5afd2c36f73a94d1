from types import SimpleNamespace

import pytest
from django.db import connection

from campaign.celery import ConnectionKeepingWorkerFixup, app

pytestmark = pytest.mark.django_db(transaction=True)


def _task():
    """A stand-in for the task sender of task_prerun/task_postrun (not eager)."""
    return SimpleNamespace(request=SimpleNamespace(is_eager=False))


def test_worker_uses_the_connection_keeping_fixup():
    """The app's Django fixup hands workers the fixup that keeps connections."""
    from celery.fixups.django import DjangoFixup

    [fixup] = [f for f in app._fixups if isinstance(f, DjangoFixup)]
    assert isinstance(fixup.worker_fixup, ConnectionKeepingWorkerFixup)


def test_healthy_connection_survives_a_task():
    """A healthy connection is kept across tasks (not one session per email)."""
    fixup = ConnectionKeepingWorkerFixup(app)
    connection.ensure_connection()
    connection.close_at = None  # as with a persistent CONN_MAX_AGE
    before = connection.connection
    fixup.on_task_prerun(_task())
    fixup.on_task_postrun(_task())
    assert connection.connection is before


def test_broken_connection_is_dropped_after_a_task(monkeypatch):
    """A connection that failed and no longer answers is closed, so the next task
    reconnects (a worker recovers after a database outage)."""
    fixup = ConnectionKeepingWorkerFixup(app)
    connection.ensure_connection()
    connection.close_at = None
    connection.errors_occurred = True
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    fixup.on_task_postrun(_task())
    assert connection.connection is None
