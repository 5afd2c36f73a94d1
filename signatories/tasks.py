"""Background work: delivering the email outbox and the editors' digest."""

import logging

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import translation

from . import outbox, services
from .models import SignatureStatus
from .retention import retention_sweep  # noqa: F401  (registers the beat task)

logger = logging.getLogger(__name__)


# No Celery retry: a failed attempt goes back to the outbox with a due time, and
# only the sweep queues it again, so each owed email has one chain of attempts.
@shared_task(acks_late=True, ignore_result=True)
def outbox_deliver(email_id: int) -> str | None:
    """Claim, send and record one owed email; quiet if it is not ours to send."""
    return outbox.email_deliver(email_id=email_id)


@worker_process_shutdown.connect
@worker_shutdown.connect
def close_mail_connection(**kwargs) -> None:
    """Say QUIT to the SMTP server when a worker process ends."""
    outbox.mail_connection_close()


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    """Queue every owed email that is due and held by nobody (beat, every minute).

    Notices of changed letters whose work nobody holds are queued again too.
    """
    ids = outbox.emails_due()
    for email_id in ids:
        outbox.email_requeue(email_id)
    if ids:
        logger.info("Outbox sweep queued %d owed emails", len(ids))
    notices = services.letter_change_notices_due()
    if notices:
        logger.info("Outbox sweep queued %d change notices", len(notices))
    return len(ids)


@shared_task(acks_late=True, ignore_result=True)
def notify_letter_changed(content_id: int) -> int:
    """Owe each signer of an earlier version an email about a substantive change."""
    return services.letter_change_emails_queue(content_id=content_id)


@shared_task
def send_review_digest() -> int:
    """Email editors a summary of confirmed signatures waiting for their review."""
    from pages.models import Letter

    waiting = list(
        Letter.objects.filter(
            requires_approval=True,
            signatures__status=SignatureStatus.CONFIRMED,
            signatures__kind="organisation",
        )
        .annotate(waiting=Count("signatures"))
        .order_by("-waiting")
    )
    if not waiting:
        return 0
    recipients = list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "signatories/email/digest.txt",
            {"letters": waiting, "admin_url": f"{settings.SITE_URL}/en/admin/"},
        )
        subject = render_to_string("signatories/email/digest_subject.txt").strip()
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return sum(letter.waiting for letter in waiting)
