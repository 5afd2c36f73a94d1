"""Newsletters: an editor's update, sent once to a letter's opted-in signers.

The reads and writes of one concern, beside the outbox they feed; each write owns
its transaction. ``newsletter_send`` (the admin's button) turns a draft into
SENDING and queues the build task. ``newsletter_build`` writes one outbox row per
recipient, a batch per transaction, walking the recipients by primary key, and
marks the newsletter SENT with its recipient count once every recipient has
one; the outbox delivers them (claim, send, record, retry). The database allows
one row per newsletter and signature, and a build resumes after the last
recipient written, so a re-sent task, a second click or the sweep send nobody a
second copy. An unsubscribe turns the signature's opt-in off and cancels its
newsletter emails not yet sent; the kind's ``still_owed`` check stops one being
claimed at that moment.
"""

import logging
import uuid
from datetime import timedelta
from functools import partial
from uuid import UUID

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as KombuOperationalError

from . import outbox
from .emails import email_render
from .models import (
    EmailKind,
    Newsletter,
    NewsletterState,
    OutboundEmail,
    Signature,
    SignatureStatus,
)
from .services import LinkOutcome, LinkResult
from .tokens import unsubscribe_token

logger = logging.getLogger(__name__)

BUILD_TASK = "signatories.tasks.newsletter_build"
# Batches one build task writes before it queues the rest (the task time limit).
BATCHES_PER_TASK = 20
RECIPIENT_STATES = (SignatureStatus.CONFIRMED, SignatureStatus.APPROVED)


class NewsletterEmpty(Exception):
    """A newsletter with no text in any language cannot be sent."""


# --- reads ----------------------------------------------------------------------------


def newsletter_languages(*, newsletter: Newsletter) -> list[str]:
    """The languages ``newsletter`` has a text in: its only recipients' languages."""
    return sorted(newsletter.texts.values_list("language", flat=True))


def newsletter_recipients(
    *, newsletter: Newsletter, languages: list[str] | None = None
) -> QuerySet[Signature]:
    """Signatures owed ``newsletter``: of its letter, opted in, confirmed or
    approved (so not withdrawn), with an address, in one of its languages."""
    if languages is None:
        languages = newsletter_languages(newsletter=newsletter)
    return Signature.objects.filter(
        letter_id=newsletter.letter_id,
        newsletter=True,
        status__in=RECIPIENT_STATES,
        language__in=languages,
    ).exclude(contact_email="")


def newsletter_recipient_counts(*, newsletter: Newsletter) -> dict[str, int]:
    """How many signers would get ``newsletter`` now, per language (the admin's
    confirmation step; one grouped count, for an editor, never a public page)."""
    counts = dict.fromkeys(newsletter_languages(newsletter=newsletter), 0)
    rows = (
        newsletter_recipients(newsletter=newsletter, languages=list(counts))
        .order_by()
        .values_list("language")
        .annotate(n=Count("pk"))
    )
    counts.update(dict(rows))
    return counts


def newsletter_delivery(*, newsletter: Newsletter) -> dict[str, int]:
    """How many of ``newsletter``'s emails are in each outbox state."""
    rows = (
        OutboundEmail.objects.filter(newsletter=newsletter)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


# --- sending --------------------------------------------------------------------------


def _queue_lease():
    return timezone.now() + timedelta(seconds=settings.OUTBOX_MIN_AGE_SECONDS)


def _enqueue_build(newsletter_id: int) -> None:
    # After commit. A broker that is down must not fail the editor's request: the
    # newsletter stays SENDING and the sweep queues it once the lease runs out.
    try:
        current_app.tasks[BUILD_TASK].delay(newsletter_id)
    except (KombuOperationalError, OSError):
        logger.warning(
            "Broker unavailable; newsletter %s left to the sweep", newsletter_id
        )


def newsletter_send(*, newsletter_id: int, user) -> bool:
    """Start sending a draft newsletter as ``user``; False if it is not a draft.

    Sending again (a second click, a second editor) changes nothing: only a draft
    starts, under its row lock.
    """
    with transaction.atomic():
        newsletter = (
            Newsletter.objects.select_for_update().filter(pk=newsletter_id).first()
        )
        if newsletter is None or newsletter.state != NewsletterState.DRAFT:
            return False
        if not newsletter.texts.exists():
            raise NewsletterEmpty
        newsletter.state = NewsletterState.SENDING
        newsletter.sent_by = user
        newsletter.send_started_at = timezone.now()
        newsletter.lease_until = _queue_lease()
        newsletter.save(
            update_fields=["state", "sent_by", "send_started_at", "lease_until"]
        )
        transaction.on_commit(partial(_enqueue_build, newsletter.pk))
    return True


def newsletter_build(*, newsletter_id: int, max_batches: int | None = None) -> bool:
    """Owe each recipient one email of a SENDING newsletter, a batch per transaction.

    Each batch locks the newsletter, so two builds of one newsletter take turns,
    and resumes after the highest signature already owed it. Once no recipient is
    left the newsletter is SENT, with its recipient count. Returns False when
    ``max_batches`` ran out first (the caller queues the rest), else True (also
    when the newsletter is not being sent).
    """
    batches = 0
    languages = None
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            newsletter = (
                Newsletter.objects.select_for_update()
                .filter(pk=newsletter_id, state=NewsletterState.SENDING)
                .first()
            )
            if newsletter is None:
                return True
            if languages is None:
                languages = newsletter_languages(newsletter=newsletter)
            owed = OutboundEmail.objects.filter(newsletter=newsletter)
            # Batches commit in primary-key order, so everyone up to the highest
            # signature owed already has theirs (the unique index backs this up).
            after = owed.aggregate(last=Max("signature_id"))["last"] or 0
            batch = list(
                newsletter_recipients(newsletter=newsletter, languages=languages)
                .filter(pk__gt=after)
                .order_by("pk")
                .only("pk", "contact_email", "language")[
                    : settings.NEWSLETTER_BATCH_SIZE
                ]
            )
            now = timezone.now()
            if not batch:
                newsletter.state = NewsletterState.SENT
                newsletter.sent_at = now
                newsletter.recipients_count = owed.count()
                newsletter.lease_until = None
                newsletter.save(
                    update_fields=[
                        "state",
                        "sent_at",
                        "recipients_count",
                        "lease_until",
                    ]
                )
                return True
            outbox.emails_queue_many(
                kind=EmailKind.NEWSLETTER,
                signatures=batch,
                newsletter_id=newsletter.pk,
            )
            newsletter.lease_until = now + timedelta(
                seconds=settings.OUTBOX_LEASE_SECONDS
            )
            newsletter.save(update_fields=["lease_until"])
        batches += 1
    return False


def newsletter_requeue(*, newsletter_id: int) -> None:
    """Queue the rest of a newsletter's build (a task that wrote its share)."""
    with transaction.atomic():
        Newsletter.objects.filter(
            pk=newsletter_id, state=NewsletterState.SENDING
        ).update(lease_until=_queue_lease())
        transaction.on_commit(partial(_enqueue_build, newsletter_id))


def newsletters_resume() -> list[int]:
    """Queue the build of every SENDING newsletter that nobody holds (beat).

    A broker that was down at the click, or a worker that died mid-build, leaves
    a newsletter SENDING with a lease that runs out; this picks it up.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Newsletter.objects.select_for_update(skip_locked=True)
            .filter(state=NewsletterState.SENDING)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .values_list("pk", flat=True)
        )
        Newsletter.objects.filter(pk__in=ids).update(lease_until=_queue_lease())
        for newsletter_id in ids:
            transaction.on_commit(partial(_enqueue_build, newsletter_id))
    return ids


# --- the admin's preview ----------------------------------------------------------


PREVIEW_ID = uuid.UUID(int=0)


def newsletter_preview(
    *, newsletter: Newsletter
) -> list[tuple[str, EmailMultiAlternatives | None]]:
    """Each language's email as a recipient gets it, with links that do nothing.

    Returns (language, message) pairs; the recipient is a made-up signer.
    """
    previews = []
    for text in newsletter.texts.all().order_by("language"):
        signer = Signature(
            letter=newsletter.letter,
            public_id=PREVIEW_ID,
            status=SignatureStatus.CONFIRMED,
            newsletter=True,
            language=text.language,
            contact_email="recipient@example.org",
        )
        with translation.override(text.language):
            signer.contact_name = gettext("(the contact person's name)")
            kwargs = {"public_id": PREVIEW_ID, "token": "preview"}
            links = {
                "unsubscribe_url": _absolute(
                    reverse("newsletter:unsubscribe", kwargs=kwargs)
                ),
                "withdraw_url": _absolute(
                    reverse("signatories:withdraw", kwargs=kwargs)
                ),
                "letter_url": _absolute(newsletter.letter.get_absolute_url()),
            }
        message = email_render(
            kind=EmailKind.NEWSLETTER,
            signature=signer,
            language=text.language,
            content={"text": text},
            links=links,
        )
        previews.append((text.language, message))
    return previews


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def message_html(message: EmailMultiAlternatives) -> str:
    """The HTML part of ``message`` (empty if it has none)."""
    return next(
        (
            content
            for content, mimetype in message.alternatives
            if mimetype == "text/html"
        ),
        "",
    )


# --- unsubscribing (the link in every newsletter) -----------------------------------


def _signature_for_link(*, public_id: UUID, lock: bool) -> Signature | None:
    signatures = Signature.objects.select_related("letter")
    if lock:
        signatures = signatures.select_for_update(of=("self",))
    return signatures.filter(public_id=public_id).first()


def _unsubscribe_outcome(signature: Signature | None, token: str | None) -> str:
    # No such signature, a wrong token, an expired one, an erased signature: one
    # answer, whatever the signature's state. Only a valid token learns more.
    if signature is None or not unsubscribe_token.check_token(signature, token):
        return LinkOutcome.INVALID
    return LinkOutcome.OPEN if signature.newsletter else LinkOutcome.DONE


def newsletter_unsubscribe_check(*, public_id: UUID, token: str | None) -> LinkResult:
    """Judge an unsubscribe link for the page shown before the button; changes
    nothing."""
    signature = _signature_for_link(public_id=public_id, lock=False)
    outcome = _unsubscribe_outcome(signature, token)
    return LinkResult(outcome, signature if outcome != LinkOutcome.INVALID else None)


def newsletter_unsubscribe(*, public_id: UUID, token: str | None) -> LinkResult:
    """Turn a signer's newsletter opt-in off and cancel their newsletter emails
    not yet sent; doing it twice is harmless."""
    with transaction.atomic():
        signature = _signature_for_link(public_id=public_id, lock=True)
        outcome = _unsubscribe_outcome(signature, token)
        if outcome == LinkOutcome.INVALID:
            return LinkResult(outcome)
        if signature.newsletter:
            signature.newsletter = False
            signature.save(update_fields=["newsletter"])
        outbox.emails_cancel(signature_id=signature.pk, kinds=(EmailKind.NEWSLETTER,))
    return LinkResult(LinkOutcome.DONE, signature)
