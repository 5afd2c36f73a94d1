"""Writes for signatures. Each service owns its transaction.

Counting rule: a signature counts publicly once CONFIRMED, or once APPROVED where
the letter requires approval of organisations. ``LetterTally`` follows every change.
"""

import io
import logging
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from PIL import Image, ImageOps

from pages.models import Letter

from .addresses import email_canonical
from .erasure import admin_history_delete, admin_history_erase
from .models import LetterTally, Signature, SignatureStatus, SignerKind

logger = logging.getLogger(__name__)

LOGO_SIZE = (400, 400)


class SigningClosed(Exception):
    """The letter does not accept signatures now."""


class SigningNotAllowed(Exception):
    """The letter does not accept this kind of signer."""


@dataclass(frozen=True)
class SignResult:
    signature: Signature
    created: bool


def email_normalise(email: str) -> str:
    """Return the canonical address used for uniqueness; ValueError if it has none."""
    return email_canonical(email)


def is_counted(*, status: str, kind: str, letter: Letter) -> bool:
    if status == SignatureStatus.APPROVED:
        return True
    needs_approval = letter.requires_approval and kind == SignerKind.ORGANISATION
    return status == SignatureStatus.CONFIRMED and not needs_approval


def _tally_adjust(*, letter_id: int, delta: int) -> None:
    if not delta:
        return
    LetterTally.objects.get_or_create(letter_id=letter_id)
    # Never below zero: a drifted tally (see letter_recount) must not fail a withdrawal.
    LetterTally.objects.filter(letter_id=letter_id).update(
        public_count=Greatest(F("public_count") + delta, 0)
    )


def _enqueue_email(signature_id: int) -> None:
    # Runs after commit. A broker that is down must not fail the request:
    # the row stays owed, and the outbox sweep queues it again later.
    from .tasks import send_signature_email

    try:
        send_signature_email.delay(signature_id)
    except (KombuOperationalError, OSError):  # broker down: the sweep catches up
        logger.warning(
            "Broker unavailable; signature %s left to the outbox sweep", signature_id
        )


def _request_email(*, signature: Signature) -> bool:
    """Owe one more email for ``signature`` unless its cap is reached; queue it."""
    owed = Signature.objects.filter(
        pk=signature.pk,
        emails_requested__lt=settings.SIGNATURE_MAX_EMAILS,
        status__in=[
            SignatureStatus.PENDING,
            SignatureStatus.CONFIRMED,
            SignatureStatus.APPROVED,
        ],
    ).update(
        emails_requested=F("emails_requested") + 1,
        email_requested_at=timezone.now(),
        email_error="",
    )
    if owed:
        transaction.on_commit(partial(_enqueue_email, signature.pk))
    return bool(owed)


def logo_reencode(upload) -> ContentFile:
    """Re-encode an uploaded image as a small PNG, dropping metadata (EXIF, GPS)."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(LOGO_SIZE)
        image = image.convert("RGBA")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.png")


def signature_create(
    *,
    letter: Letter,
    contact_email: str,
    contact_name: str,
    kind: str = SignerKind.ORGANISATION,
    organisation: str = "",
    website: str = "",
    country: str = "",
    organisation_type: str = "",
    contact_role: str = "",
    comment: str = "",
    logo=None,
    is_public: bool = True,
    newsletter: bool = False,
    language: str = "en",
    client_ip: str | None = None,  # not stored: no IP-derived data is kept
) -> SignResult:
    """Store a PENDING signature and owe it a confirmation email.

    Signing again with the same address changes nothing but owes the email again
    (up to SIGNATURE_MAX_EMAILS in all); callers answer both cases the same way.
    """
    if not letter.is_signing_open():
        raise SigningClosed
    if kind == SignerKind.INDIVIDUAL and not letter.allow_individuals:
        raise SigningNotAllowed
    email = email_normalise(contact_email)
    logo_file = logo_reencode(logo) if logo else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                signature = Signature(
                    letter=letter,
                    kind=kind,
                    organisation=organisation,
                    website=website,
                    country=country,
                    organisation_type=organisation_type,
                    contact_name=contact_name,
                    contact_role=contact_role,
                    contact_email=contact_email.strip(),
                    email_normalised=email,
                    comment=comment,
                    is_public=is_public,
                    newsletter=newsletter,
                    language=language,
                )
                if logo_file is not None:
                    signature.logo.save(logo_file.name, logo_file, save=False)
                signature.save()
            created = True
        except IntegrityError:
            if logo_file is not None and signature.logo:
                signature.logo.delete(save=False)
            signature = Signature.objects.get(letter=letter, email_normalised=email)
            created = False
        _request_email(signature=signature)
    return SignResult(signature=signature, created=created)


# What an editor may correct in the admin; identity, state and history are not.
EDITABLE_DETAILS = (
    "organisation",
    "website",
    "country",
    "organisation_type",
    "contact_name",
    "contact_role",
    "comment",
    "is_public",
    "newsletter",
)


def signature_update_details(
    *, signature_id: int, details: dict, logo=None, logo_clear: bool = False
) -> Signature:
    """Change a signature's editable details; a new logo is re-encoded like the form's.

    The uploaded file itself is never stored (EXIF/GPS, its name, its real type):
    only ``logo_reencode``'s PNG under a random name. A replaced logo is deleted.
    """
    unknown = set(details) - set(EDITABLE_DETAILS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    logo_file = logo_reencode(logo) if logo else None
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature_id)
        old_logo = signature.logo.name if signature.logo else ""
        for field, value in details.items():
            setattr(signature, field, value)
        if logo_file is not None:
            signature.logo.save(logo_file.name, logo_file, save=False)
        elif logo_clear:
            signature.logo = ""
        signature.save()
        if old_logo and old_logo != signature.logo.name:
            storage = signature.logo.storage
            transaction.on_commit(partial(storage.delete, old_logo))
    return signature


def signature_resend(*, letter: Letter, contact_email: str) -> None:
    """Owe another email to this address's signature, if one exists and is under cap.

    Says nothing about whether it exists: the caller shows the same page either way.
    """
    email = email_normalise(contact_email)
    with transaction.atomic():
        signature = Signature.objects.filter(
            letter=letter, email_normalised=email
        ).first()
        if signature is not None:
            _request_email(signature=signature)


CONFIRMED_STATES = (SignatureStatus.CONFIRMED, SignatureStatus.APPROVED)


def signature_confirm(*, signature_id: int, token: str) -> Signature | None:
    """Confirm a PENDING signature; confirming twice is harmless.

    Returns the signature, or None when the token is not valid for it.
    """
    from .tokens import confirm_token

    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update()
            .select_related("letter")
            .filter(pk=signature_id)
            .first()
        )
        if signature is None:
            return None
        if signature.status != SignatureStatus.PENDING:
            # Already confirmed (a second click, or a token checked before a race).
            # A withdrawn or rejected signature keeps confirmed_at but no longer counts.
            return signature if signature.status in CONFIRMED_STATES else None
        if not confirm_token.check_token(signature, token):
            return None
        signature.status = SignatureStatus.CONFIRMED
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["status", "confirmed_at"])
        if is_counted(
            status=signature.status, kind=signature.kind, letter=signature.letter
        ):
            _tally_adjust(letter_id=signature.letter_id, delta=1)
    return signature


def _erase(signature: Signature, *, keep: tuple[str, ...] = ()) -> None:
    """Blank the personal fields of ``signature`` (all but ``keep``); not saved."""
    for name in Signature.PERSONAL_FIELDS:
        if name in keep:
            continue
        field = Signature._meta.get_field(name)
        if isinstance(field, models.FileField):
            file = getattr(signature, name)
            if file:
                # After commit: a rolled-back erasure keeps its file.
                transaction.on_commit(partial(file.storage.delete, file.name))
            setattr(signature, name, "")
        elif isinstance(field, models.BooleanField):
            setattr(signature, name, False)
        else:
            setattr(signature, name, "")


def signature_withdraw(*, signature_id: int, token: str) -> bool:
    """Withdraw a signature and erase its personal data; False for a bad token."""
    from .tokens import withdraw_token

    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update()
            .select_related("letter")
            .filter(pk=signature_id)
            .first()
        )
        if signature is None or not withdraw_token.check_token(signature, token):
            return False
        was_counted = is_counted(
            status=signature.status, kind=signature.kind, letter=signature.letter
        )
        _erase(signature)
        admin_history_erase(signature_ids=[signature.pk])
        signature.status = SignatureStatus.WITHDRAWN
        signature.withdrawn_at = timezone.now()
        signature.save()
        if was_counted:
            _tally_adjust(letter_id=signature.letter_id, delta=-1)
    return True


REVIEWABLE = [
    SignatureStatus.CONFIRMED,
    SignatureStatus.APPROVED,
    SignatureStatus.REJECTED,
]


def _review(*, signature_ids, to_status: str, user, reason: str = "") -> int:
    changed = 0
    with transaction.atomic():
        signatures = (
            Signature.objects.select_for_update()
            .select_related("letter")
            .filter(pk__in=list(signature_ids))
            .filter(status__in=REVIEWABLE)
            .exclude(status=to_status)
            .order_by("pk")
        )
        for signature in signatures:
            before = is_counted(
                status=signature.status, kind=signature.kind, letter=signature.letter
            )
            signature.status = to_status
            signature.reviewed_at = timezone.now()
            signature.reviewed_by = user
            signature.rejection_reason = reason
            signature.save(
                update_fields=[
                    "status",
                    "reviewed_at",
                    "reviewed_by",
                    "rejection_reason",
                ]
            )
            after = is_counted(
                status=signature.status, kind=signature.kind, letter=signature.letter
            )
            _tally_adjust(letter_id=signature.letter_id, delta=int(after) - int(before))
            changed += 1
    return changed


def signatures_approve(*, signature_ids, user) -> int:
    """Approve confirmed (or earlier rejected) signatures; returns how many changed."""
    return _review(
        signature_ids=signature_ids, to_status=SignatureStatus.APPROVED, user=user
    )


def signatures_reject(*, signature_ids, user, reason: str) -> int:
    """Reject confirmed or approved signatures with a reason; return the count."""
    return _review(
        signature_ids=signature_ids,
        to_status=SignatureStatus.REJECTED,
        user=user,
        reason=reason,
    )


def letter_recount(*, letter: Letter) -> int:
    """Recompute a letter's public count from the signatures (repairs any drift)."""
    statuses = [SignatureStatus.APPROVED]
    confirmed = Q(status=SignatureStatus.CONFIRMED)
    if letter.requires_approval:
        confirmed &= Q(kind=SignerKind.INDIVIDUAL)
    with transaction.atomic():
        count = Signature.objects.filter(
            Q(letter=letter) & (Q(status__in=statuses) | confirmed)
        ).count()
        LetterTally.objects.update_or_create(
            letter=letter, defaults={"public_count": count}
        )
    return count


def signature_record_sent(*, signature_id: int) -> None:
    Signature.objects.filter(pk=signature_id).update(
        emails_sent=F("emails_sent") + 1, email_sent_at=timezone.now(), email_error=""
    )


def signature_record_failure(*, signature_id: int, error: str) -> None:
    """Record a permanent delivery failure; the outbox sweep leaves such rows alone."""
    Signature.objects.filter(pk=signature_id).update(email_error=error[:500])


# Deletion, retention and anonymisation (docs/decisions.md, "Retention").


def signatures_delete(*, signature_ids) -> int:
    """Delete signatures with their logos and admin history; the tally follows.

    Returns how many were deleted. Deleting is for rows that should never have
    been there (spam, tests); a signer leaving is a withdrawal, which keeps an
    anonymous row.
    """
    with transaction.atomic():
        signatures = list(
            Signature.objects.select_for_update()
            .select_related("letter")
            .filter(pk__in=list(signature_ids))
            .order_by("pk")
        )
        for signature in signatures:
            if is_counted(
                status=signature.status, kind=signature.kind, letter=signature.letter
            ):
                _tally_adjust(letter_id=signature.letter_id, delta=-1)
            if signature.logo:
                logo = signature.logo
                transaction.on_commit(partial(logo.storage.delete, logo.name))
        ids = [signature.pk for signature in signatures]
        if ids:
            Signature.objects.filter(pk__in=ids).delete()
            admin_history_delete(signature_ids=ids)
    return len(ids)


def signature_delete(*, signature_id: int) -> bool:
    """Delete one signature (see ``signatures_delete``); False if it was gone."""
    return bool(signatures_delete(signature_ids=[signature_id]))


@dataclass(frozen=True)
class PurgeReport:
    pending: int
    rejected: int


def signatures_purge_expired(*, now=None) -> PurgeReport:
    """Delete PENDING signatures whose confirm links expired, and old REJECTED ones.

    A pending signature's newest link is made when its newest email is sent, so the
    clock starts at the latest of its creation, last email request and last send;
    one that still owes an email is left alone. Rejected ones go
    SIGNATURE_REJECTED_RETENTION_DAYS after the decision. Neither counts publicly.
    Status alone decides: a signature an editor approved without an email address
    is as final as a confirmed one.
    """
    from datetime import timedelta

    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    pending_cutoff = now - timedelta(
        seconds=settings.SIGNATURE_TOKEN_TIMEOUT
        + settings.SIGNATURE_PENDING_RETENTION_MARGIN
    )
    rejected_cutoff = now - timedelta(days=settings.SIGNATURE_REJECTED_RETENTION_DAYS)
    last_link = Greatest(
        "created_at",
        Coalesce("email_requested_at", "created_at"),
        Coalesce("email_sent_at", "created_at"),
    )
    pending = (
        Signature.objects.filter(status=SignatureStatus.PENDING)
        .alias(last_link=last_link)
        .filter(last_link__lt=pending_cutoff, emails_sent__gte=F("emails_requested"))
    )
    rejected = Signature.objects.filter(status=SignatureStatus.REJECTED).filter(
        Q(reviewed_at__lt=rejected_cutoff)
        | Q(reviewed_at__isnull=True, created_at__lt=rejected_cutoff)
    )
    purged = {}
    for name, queryset in (("pending", pending), ("rejected", rejected)):
        purged[name] = 0
        while True:
            # Batches: a million stale rows must not hold one long transaction.
            # The rows are locked as selected, so one resent or reviewed meanwhile
            # no longer matches; one locked elsewhere waits for the next sweep.
            with transaction.atomic():
                ids = list(
                    queryset.select_for_update(skip_locked=True)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:500]
                )
                if not ids:
                    break
                purged[name] += signatures_delete(signature_ids=ids)
    return PurgeReport(**purged)


@dataclass(frozen=True)
class AnonymiseReport:
    """What ``letter_anonymise`` changed (or, on a dry run, would change)."""

    letter: str
    dry_run: bool
    # Listed organisations: contact data blanked, published fields kept.
    listed: int
    # Unlisted signers and individuals: every personal field blanked.
    unlisted: int
    # How many non-empty values of each field are (or would be) blanked.
    fields: dict[str, int]


class LetterStillOpen(Exception):
    """Only a letter that takes no signatures (closed or unpublished) is anonymised."""


def letter_anonymise(*, letter: Letter, dry_run: bool) -> AnonymiseReport:
    """Erase the signers' personal data of a closed letter, keeping what was public.

    Confirmed and approved signatures keep their status, so the count stays. A
    listed organisation keeps its published fields (name, website, country, type,
    logo) and loses its contact data; unlisted signers and individuals (never
    listed) lose everything. Pending and rejected ones are left to the retention
    sweep. Anonymised signatures can no longer be withdrawn by link (their tokens
    cover the erased address): editors handle such requests.
    """
    if letter.is_signing_open():
        raise LetterStillOpen
    counts: dict[str, int] = dict.fromkeys(Signature.PERSONAL_FIELDS, 0)
    listed = unlisted = 0
    with transaction.atomic():
        signatures = (
            Signature.objects.select_for_update()
            .filter(letter=letter, status__in=CONFIRMED_STATES)
            .order_by("pk")
        )
        touched = []
        for signature in signatures.iterator(chunk_size=1000):
            published = (
                signature.is_public and signature.kind == SignerKind.ORGANISATION
            )
            keep = (*Signature.PUBLISHED_FIELDS, "is_public") if published else ()
            erased = [
                name
                for name in Signature.PERSONAL_FIELDS
                if name not in keep and getattr(signature, name)
            ]
            if not erased:
                continue
            for name in erased:
                counts[name] += 1
            if published:
                listed += 1
            else:
                unlisted += 1
            touched.append(signature.pk)
            if not dry_run:
                _erase(signature, keep=keep)
                signature.save()
        if not dry_run and touched:
            admin_history_erase(signature_ids=touched)
    return AnonymiseReport(
        letter=letter.slug,
        dry_run=dry_run,
        listed=listed,
        unlisted=unlisted,
        fields={name: n for name, n in counts.items() if n},
    )
