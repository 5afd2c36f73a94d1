"""Writes for signatures. Each service owns its transaction.

Counting rule: a signature counts publicly once CONFIRMED, or once APPROVED where
the letter requires approval of organisations. ``LetterTally`` follows every change.
"""

import hashlib
import hmac
import io
import logging
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from PIL import Image, ImageOps

from pages.caching import letter_cache_bump
from pages.models import Letter

from .models import LetterTally, Signature, SignatureStatus, SignerKind
from .tallies import country_tally_adjust, country_tally_rebuild, listed_country

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
    """Return the canonical form used for uniqueness: trimmed and lower-cased."""
    return email.strip().lower()


def ip_hash(ip: str | None) -> str:
    """Return a keyed hash of a client address; raw addresses are never stored."""
    if not ip:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"ip:{ip}".encode(), hashlib.sha256).hexdigest()


def is_counted(*, status: str, kind: str, letter: Letter) -> bool:
    if status == SignatureStatus.APPROVED:
        return True
    needs_approval = letter.requires_approval and kind == SignerKind.ORGANISATION
    return status == SignatureStatus.CONFIRMED and not needs_approval


def _tally_adjust(*, letter_id: int, delta: int, country: str = "") -> None:
    if not delta:
        return
    # ``country``: tallies.listed_country(signature), read before any erasure.
    country_tally_adjust(letter_id=letter_id, country=country, delta=delta)
    transaction.on_commit(partial(letter_cache_bump, letter_id))
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
    client_ip: str | None = None,
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
                    ip_hash=ip_hash(client_ip),
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
            _tally_adjust(
                letter_id=signature.letter_id,
                delta=1,
                country=listed_country(signature),
            )
    return signature


def _erase(signature: Signature) -> None:
    if signature.logo:
        name = signature.logo.name
        storage = signature.logo.storage
        transaction.on_commit(partial(storage.delete, name))
    for field in (
        "organisation",
        "website",
        "country",
        "organisation_type",
        "contact_name",
        "contact_role",
        "contact_email",
        "email_normalised",
        "comment",
        "ip_hash",
        "rejection_reason",
        "email_error",
    ):
        setattr(signature, field, "")
    signature.logo = ""
    signature.newsletter = False
    signature.is_public = False


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
        country = listed_country(signature)
        _erase(signature)
        signature.status = SignatureStatus.WITHDRAWN
        signature.withdrawn_at = timezone.now()
        signature.save()
        if was_counted:
            _tally_adjust(letter_id=signature.letter_id, delta=-1, country=country)
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
            _tally_adjust(
                letter_id=signature.letter_id,
                delta=int(after) - int(before),
                country=listed_country(signature),
            )
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
        country_tally_rebuild(letter=letter)
        transaction.on_commit(partial(letter_cache_bump, letter.pk))
    return count


def signature_record_sent(*, signature_id: int) -> None:
    Signature.objects.filter(pk=signature_id).update(
        emails_sent=F("emails_sent") + 1, email_sent_at=timezone.now(), email_error=""
    )


def signature_record_failure(*, signature_id: int, error: str) -> None:
    """Record a permanent delivery failure; the outbox sweep leaves such rows alone."""
    Signature.objects.filter(pk=signature_id).update(email_error=error[:500])
