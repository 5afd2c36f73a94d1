"""Background work: the email outbox, newsletters, the editors' digest, share
images and delivery packs."""

import logging

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import translation

from . import newsletters, outbox, services, share_images
from .delivery_pack import BUILD_SECONDS
from .retention import retention_sweep  # noqa: F401  (registers the beat task)
from .review import approval_queue_url, signatures_awaiting_approval

logger = logging.getLogger(__name__)


# No Celery retry: a failed attempt goes back to the outbox with a due time, and
# only the sweep queues it again, so each owed email has one chain of attempts.
@shared_task(acks_late=True, ignore_result=True)
def outbox_deliver(email_id: int) -> str | None:
    """Claim, send and record one owed email; quiet if it is not ours to send."""
    return outbox.email_deliver(email_id=email_id)


# The usual path: one task claims and sends owed emails in batches (outbox._kick
# queues it). Like delivery, no Celery retry: the sweep is the backstop.
@shared_task(acks_late=True, ignore_result=True)
def outbox_drain(helper: bool = False) -> int:
    """Send owed, due emails in batches until none is left (or time to hand over)."""
    return outbox.emails_drain(helper=helper)


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


@shared_task(ignore_result=True)
def share_image_refresh(letter_id: int) -> int:
    """Draw a letter's share images again (queued when its count crosses a step)."""
    return share_images.share_images_refresh(letter_id=letter_id)


# Like delivery: no Celery retry. A build that dies leaves its lease to run out,
# and the sweep queues it again; it resumes where it stopped.
@shared_task(acks_late=True, ignore_result=True)
def newsletter_build(newsletter_id: int) -> None:
    """Write a share of a newsletter's outbox rows; queue the rest if any is left."""
    done = newsletters.newsletter_build(
        newsletter_id=newsletter_id, max_batches=newsletters.BATCHES_PER_TASK
    )
    if not done:
        newsletters.newsletter_requeue(newsletter_id=newsletter_id)


@shared_task(ignore_result=True)
def newsletter_sweep() -> int:
    """Queue the build of newsletters being sent that nobody holds (beat)."""
    ids = newsletters.newsletters_resume()
    if ids:
        logger.info("Newsletter sweep queued %d builds", len(ids))
    return len(ids)


@shared_task(acks_late=True, ignore_result=True)
def notify_letter_changed(content_id: int) -> int:
    """Owe each signer of an earlier version an email about a substantive change."""
    return services.letter_change_emails_queue(content_id=content_id)


@shared_task
def send_review_digest() -> int:
    """Email editors a summary of the signatures waiting for their review."""
    from pages.models import Letter

    counts = dict(
        signatures_awaiting_approval()
        .values_list("letter")
        .annotate(n=Count("id"))
        .order_by()
    )
    if not counts:
        return 0
    waiting = list(Letter.objects.filter(pk__in=counts))
    for letter in waiting:
        letter.waiting = counts[letter.pk]
    waiting.sort(key=lambda letter: (-letter.waiting, letter.pk))
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
            {
                "letters": waiting,
                "queue_url": f"{settings.SITE_URL}{approval_queue_url()}",
            },
        )
        subject = render_to_string("signatories/email/digest_subject.txt").strip()
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return sum(letter.waiting for letter in waiting)


# Rendering a long list takes a while: a time limit of its own, well above the
# default's. No Celery retry: a failure is recorded on the pack, and the editor's
# next request after a changed text or list (or "Try again") queues a new build.
@shared_task(
    ignore_result=True,
    acks_late=True,
    soft_time_limit=BUILD_SECONDS,
    time_limit=BUILD_SECONDS + 60,
)
def delivery_pack_build(pack_id: int) -> bool:
    """Build one letter's delivery pack (PDF) unless its file is still current."""
    return services.delivery_pack_build(pack_id=pack_id)
