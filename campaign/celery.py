"""The Celery app: configured from ``CELERY_*`` settings; tasks autodiscovered."""

import os

from celery import Celery

import campaign.logging  # noqa: F401  (redacts the worker's log handlers too)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")

app = Celery("campaign")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
