from types import SimpleNamespace

import pytest
from django.db import connection
from kombu.exceptions import OperationalError

from campaign.celery import (
    BrokerUnavailable,
    ConnectionKeepingWorkerFixup,
    ResilientTask,
    app,
    broker_breaker,
)
from campaign.celery import app as celery_app
from signatories.tasks import outbox_deliver
from tests.live import set_broker_url


def _task():
    """A stand-in for the task sender of task_prerun/task_postrun (not eager)."""
    return SimpleNamespace(request=SimpleNamespace(is_eager=False))


def test_worker_uses_the_connection_keeping_fixup():
    """The app's Django fixup hands workers the fixup that keeps connections."""
    from celery.fixups.django import DjangoFixup

    [fixup] = [f for f in app._fixups if isinstance(f, DjangoFixup)]
    assert isinstance(fixup.worker_fixup, ConnectionKeepingWorkerFixup)


@pytest.mark.django_db(transaction=True)
def test_healthy_connection_survives_a_task():
    """A healthy connection is kept across tasks (not one session per email)."""
    fixup = ConnectionKeepingWorkerFixup(app)
    connection.ensure_connection()
    connection.close_at = None  # as with a persistent CONN_MAX_AGE
    before = connection.connection
    fixup.on_task_prerun(_task())
    fixup.on_task_postrun(_task())
    assert connection.connection is before


@pytest.mark.django_db(transaction=True)
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


@pytest.fixture
def hung_broker(silent_redis):
    """Point this process's publishes at a broker that accepts and never answers."""
    good_url = celery_app.conf.broker_url
    good_options = celery_app.conf.broker_transport_options
    celery_app.conf.broker_transport_options = {
        **good_options,
        "socket_connect_timeout": 0.1,
        "socket_timeout": 0.1,
    }
    set_broker_url(silent_redis.url)
    yield silent_redis
    celery_app.conf.broker_transport_options = good_options
    set_broker_url(good_url)


def test_tasks_publish_through_the_broker_breaker():
    """Every task of the app (shared tasks included) gets the breaker."""
    assert isinstance(outbox_deliver, ResilientTask)


def test_a_hung_broker_is_tried_once_then_skipped(hung_broker):
    """One publish waits one timeout and fails; the next fail at once, untried."""
    with pytest.raises(OperationalError):
        outbox_deliver.delay(1)
    tried = hung_broker.accepted
    assert tried >= 1
    for _ in range(10):
        with pytest.raises(BrokerUnavailable):
            outbox_deliver.delay(1)
    assert hung_broker.accepted == tried
    assert broker_breaker(celery_app).is_open


def test_broker_unavailable_is_what_callers_already_catch():
    """Callers that handle a down broker (kombu OperationalError) handle this too."""
    assert issubclass(BrokerUnavailable, OperationalError)


def test_eager_tasks_ignore_the_broker_breaker(hung_broker, celery_eager, db):
    """In-process (eager) runs never touch the broker, so no breaker applies."""
    broker_breaker(celery_app).failed(ConnectionError("down"))
    outbox_deliver.delay(999_999)  # no such email: returns quietly
