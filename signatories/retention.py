"""Retention: keep personal data no longer than the signing needs it.

The beat task (CELERY_BEAT_SCHEDULE "retention-sweep") deletes pending signatures
whose confirm links expired, rejected ones after SIGNATURE_REJECTED_RETENTION_DAYS,
offline ones without an address that no editor approved within
SIGNATURE_UNREVIEWED_RETENTION_DAYS of their import (approved ones are kept like
confirmed ones), and clears expired sessions (each opened confirm or withdraw link
makes one, holding its token). Editors anonymise a closed letter with
``manage.py anonymise_letter``.
"""

import logging
from importlib import import_module

from celery import shared_task
from django.conf import settings

from .services import signatures_purge_expired

logger = logging.getLogger(__name__)


def sessions_clear_expired() -> None:
    """Delete expired sessions, as ``manage.py clearsessions`` does."""
    engine = import_module(settings.SESSION_ENGINE)
    try:
        engine.SessionStore.clear_expired()
    except NotImplementedError:  # a backend that expires by itself (cache)
        pass


@shared_task(name="signatories.retention.retention_sweep")
def retention_sweep() -> dict[str, int]:
    """Erase what is no longer needed; safe to run at any time and any number."""
    report = signatures_purge_expired()
    sessions_clear_expired()
    if report.pending or report.rejected or report.unreviewed:
        logger.info(
            "Retention: deleted %d expired pending, %d old rejected and %d "
            "unreviewed offline signatures",
            report.pending,
            report.rejected,
            report.unreviewed,
        )
    return {
        "pending": report.pending,
        "rejected": report.rejected,
        "unreviewed": report.unreviewed,
    }
