"""The Celery app: configured from ``CELERY_*`` settings; tasks autodiscovered."""

import os
from contextlib import suppress
from pathlib import Path

from celery import Celery, Task, signals
from celery.fixups.django import DjangoFixup, DjangoWorkerFixup
from kombu.exceptions import OperationalError

import campaign.logging  # noqa: F401  (redacts the worker's log handlers too)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")

# Errors that mean "the broker did not take the message" (not a bug in the call).
PUBLISH_ERRORS = (OperationalError, OSError)


class BrokerUnavailable(OperationalError):
    """The broker failed moments ago; this publish was skipped without trying."""


def broker_breaker(app: Celery):
    """The per-process breaker of the broker ``app`` publishes to."""
    from .breaker import breaker_for
    from .resilient_cache import redis_label

    url = app.conf.broker_url or ""
    name = redis_label(url) if url.startswith(("redis", "rediss")) else url
    return breaker_for(f"Celery broker at {name}")


class ResilientTask(Task):
    """Publish through a circuit breaker, so a hung broker costs one timeout per
    process and period (``REDIS_BREAKER_SECONDS``), not one per request.

    While it is open, ``apply_async`` raises ``BrokerUnavailable`` at once: a
    ``kombu.exceptions.OperationalError``, which callers already treat as "broker
    down, the outbox sweep will queue it later".
    """

    def apply_async(self, *args, **kwargs):
        if self.app.conf.task_always_eager:
            return super().apply_async(*args, **kwargs)
        from .breaker import CircuitOpen

        breaker = broker_breaker(self.app)
        try:
            with breaker.attempt(PUBLISH_ERRORS):
                return super().apply_async(*args, **kwargs)
        except CircuitOpen as exc:
            raise BrokerUnavailable(f"{breaker.name} is unavailable") from exc


app = Celery("campaign", task_cls=ResilientTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class ConnectionKeepingWorkerFixup(DjangoWorkerFixup):
    """Keep database connections across tasks the way Django keeps them across requests.

    Celery's own fixup closes every connection before and after each task (one new
    PostgreSQL session per email). Django's ``close_old_connections`` closes only the
    ones that are broken or older than ``CONN_MAX_AGE``, so a worker reuses a healthy
    connection and still recovers after a database outage.
    """

    def close_database(self, **kwargs) -> None:
        from django.db import close_old_connections

        close_old_connections()


for _fixup in app._fixups:  # the Django fixup Celery installed for this app
    if isinstance(_fixup, DjangoFixup):
        _fixup.worker_fixup = ConnectionKeepingWorkerFixup(app)


@signals.celeryd_init.connect
def lower_cpu_priority(**kwargs) -> None:
    """Give the CPU to the web processes first (``CELERY_WORKER_NICE``).

    Sent in the worker's main process before its pool starts, so the processes
    that send emails inherit the priority. Email is the work that can wait: the
    outbox keeps what is owed, and the worker catches up when readers leave CPU.
    Linux shares the CPU between sessions (autogroups) before it looks at a
    process's nice value, so a worker started in its own session sets its
    group's too. In containers the CPU weight of the worker's container does the
    same (docker-compose.yml).
    """
    from django.conf import settings

    nice = settings.CELERY_WORKER_NICE
    if nice <= 0:
        return
    os.nice(nice)
    autogroup = Path("/proc/self/autogroup")
    if autogroup.exists() and os.getsid(0) == os.getpid():
        # Only a session leader's group is its own (a shell's would slow the shell).
        with suppress(OSError):
            autogroup.write_text(str(min(19, nice)))
