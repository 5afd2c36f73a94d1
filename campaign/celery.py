"""The Celery app: configured from ``CELERY_*`` settings; tasks autodiscovered."""

import os

from celery import Celery, Task
from kombu.exceptions import OperationalError

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
