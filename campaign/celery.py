"""The Celery app: configured from ``CELERY_*`` settings; tasks autodiscovered."""

import os

from celery import Celery
from celery.fixups.django import DjangoFixup, DjangoWorkerFixup

import campaign.logging  # noqa: F401  (redacts the worker's log handlers too)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")

app = Celery("campaign")
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
