"""Background work: the confirmation-email outbox and the editors' digest."""

import logging
import smtplib
import socket
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .emails import signature_email
from .models import Signature, SignatureStatus
from .retention import retention_sweep  # noqa: F401  (registers the beat task)
from .services import (
    _enqueue_email,
    signature_record_failure,
    signature_record_sent,
)

logger = logging.getLogger(__name__)

# Errors worth another try: the server or the network may recover.
TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
    socket.timeout,
)


def is_transient(exc: Exception) -> bool:
    """Return whether an SMTP failure may succeed later (network, or a 4xx reply)."""
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # Other socket-level failures (a DNS hiccup, an unreachable network) are the
    # network too; SMTPException is an OSError, but its remaining kinds are final.
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_signature_email(self, signature_id: int) -> None:
    """Send the email owed to a signature, once; retry transient SMTP failures."""
    with transaction.atomic():
        # The row lock makes a duplicate task (outbox sweep racing a queued one) wait
        # and then find nothing owed.
        signature = (
            Signature.objects.select_for_update()
            .select_related("letter")
            .filter(pk=signature_id, emails_sent__lt=F("emails_requested"))
            .first()
        )
        if signature is None:
            return
        message = signature_email(signature)
        if message is None:  # withdrawn or rejected meanwhile: nothing to send
            Signature.objects.filter(pk=signature_id).update(
                emails_requested=F("emails_sent")
            )
            return
        try:
            message.send()
        except Exception as exc:
            if is_transient(exc) and self.request.retries < settings.EMAIL_MAX_RETRIES:
                countdown = settings.EMAIL_RETRY_BACKOFF * (2**self.request.retries)
                logger.info(
                    "Transient email failure for %s: %r; retrying in %ss",
                    signature_id,
                    exc,
                    countdown,
                )
                raise self.retry(exc=exc, countdown=countdown) from exc
            logger.warning("Email to signature %s failed: %r", signature_id, exc)
            signature_record_failure(signature_id=signature_id, error=repr(exc))
            return
        signature_record_sent(signature_id=signature_id)


@shared_task
def requeue_unsent_confirmations(min_age_seconds: int | None = None) -> int:
    """Queue again every email still owed after ``min_age_seconds`` (broker down)."""
    if min_age_seconds is None:
        min_age_seconds = settings.OUTBOX_MIN_AGE_SECONDS
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    owed = Signature.objects.filter(
        status__in=[
            SignatureStatus.PENDING,
            SignatureStatus.CONFIRMED,
            SignatureStatus.APPROVED,
        ],
        emails_sent__lt=F("emails_requested"),
        email_requested_at__lt=cutoff,
        email_error="",
    ).values_list("pk", flat=True)[:1000]
    ids = list(owed)
    for signature_id in ids:
        _enqueue_email(signature_id)
    if ids:
        logger.info("Outbox sweep queued %d owed emails", len(ids))
    return len(ids)


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
