"""Writes for signatures. Each service owns its transaction.

Counting rule: a signature counts publicly once CONFIRMED, or once APPROVED where
the letter requires approval of organisations. ``LetterTally`` follows every change.
"""

import functools
import io
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from uuid import UUID

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from djangocms_versioning.constants import DRAFT
from djangocms_versioning.models import Version
from kombu.exceptions import OperationalError as KombuOperationalError
from PIL import Image, ImageOps

from pages.caching import letter_cache_bump
from pages.models import ChangeKind, Letter, LetterContent
from pages.services import letter_plugin_cache_invalidate

from . import offline, outbox, share_images
from .addresses import email_canonical
from .delivery_pack import (
    BUILD_LEASE,
    LIST_GRACE,
    PackContent,
    pack_content,
    pack_file_name,
    pack_render,
    pack_storage,
)
from .domains import domain_matches
from .erasure import admin_history_delete, admin_history_erase
from .models import (
    OWED_EMAIL_STATES,
    DeliveryPack,
    DeliveryPackState,
    EmailKind,
    LetterChangeNotice,
    LetterTally,
    OutboundEmail,
    Signature,
    SignatureSource,
    SignatureStatus,
    SignerKind,
)
from .tallies import (
    country_tally_adjust,
    country_tally_rebuild,
    listed_country,
    version_tally_adjust,
    version_tally_rebuild,
)
from .tokens import confirm_token, withdraw_token

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


def _count_moved(*, letter_id: int, before: int, after: int) -> None:
    """On commit, refresh what shows a letter's count (call inside the transaction).

    The letter page and list copies (by version), the CMS placeholders that show
    the letter (teasers on the home page), and, when the count enters a new step,
    the share images.
    """
    transaction.on_commit(partial(letter_cache_bump, letter_id))
    transaction.on_commit(
        partial(letter_plugin_cache_invalidate, letter_id=letter_id), robust=True
    )
    if share_images.step_crossed(before=before, after=after):
        transaction.on_commit(
            partial(share_images.share_images_queue, letter_id), robust=True
        )


def _tally_adjust(
    *, letter_id: int, delta: int, country: str = "", content_id: int | None = None
) -> None:
    if not delta:
        return
    # ``country``: tallies.listed_country(signature), read before any erasure.
    country_tally_adjust(letter_id=letter_id, country=country, delta=delta)
    # ``content_id``: the version the signature is bound to (never changes once
    # it counts), for the change log's per-version counts.
    version_tally_adjust(content_id=content_id, delta=delta)
    if delta < 0:  # someone left the count, perhaps the list: no pack keeps them
        delivery_packs_discard(letter_id=letter_id)
    LetterTally.objects.get_or_create(letter_id=letter_id)
    # Never below zero: a drifted tally (see letter_recount) must not fail a withdrawal.
    LetterTally.objects.filter(letter_id=letter_id).update(
        public_count=Greatest(F("public_count") + delta, 0)
    )
    # The row is locked by the UPDATE: this reads the count this change made.
    after = LetterTally.objects.values_list("public_count", flat=True).get(
        letter_id=letter_id
    )
    _count_moved(letter_id=letter_id, before=max(after - delta, 0), after=after)


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


def _signature_lock_and_replace(
    *, letter_id: int, email_normalised: str, changes: dict
) -> tuple[Signature, bool]:
    """Lock the signature of this address and, while PENDING, write ``changes``.

    One statement instead of a locking read plus an UPDATE (one round trip less
    on every sign-up). Returns the row as it was before the change (its old logo
    is needed) and whether the change was written.
    """
    if connection.vendor != "postgresql":
        # SQLite (the embedded default) has no UPDATE inside WITH: a locking read
        # and a conditional UPDATE, the same two steps for a new and a known address.
        signature = Signature.objects.select_for_update().get(
            letter_id=letter_id, email_normalised=email_normalised
        )
        replaced = Signature.objects.filter(
            pk=signature.pk, status=SignatureStatus.PENDING
        ).update(**changes)
        return signature, bool(replaced)
    table = Signature._meta.db_table
    fields = Signature._meta.concrete_fields
    columns = ", ".join(f'"{f.column}"' for f in fields)
    sets, params = [], []
    for name, value in changes.items():
        field = Signature._meta.get_field(name)
        sets.append(f'"{field.column}" = %s')
        params.append(field.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH locked AS (
                SELECT {columns} FROM {table}
                WHERE letter_id = %s AND email_normalised = %s
                FOR UPDATE
            ), replaced AS (
                UPDATE {table} t SET {", ".join(sets)}
                FROM locked WHERE t.id = locked.id AND locked.status = %s
                RETURNING t.id
            )
            SELECT {columns}, (SELECT COUNT(*) FROM replaced) FROM locked
            """,  # noqa: S608 (names come from the model)
            [letter_id, email_normalised, *params, SignatureStatus.PENDING],
        )
        row = cursor.fetchone()
    if row is None:  # erased between the INSERT and this statement
        raise Signature.DoesNotExist
    signature = Signature.from_db(
        connection.alias, [f.attname for f in fields], row[:-1]
    )
    return signature, bool(row[-1])


# A signature in these states is owed an email when its address submits again.
OWED_STATES = (
    SignatureStatus.PENDING,
    SignatureStatus.CONFIRMED,
    SignatureStatus.APPROVED,
)


@functools.cache
def _signature_upsert_sql(changed: tuple[str, ...]) -> str:
    """The statement ``_signature_upsert`` runs when ``changed`` are replaced.

    Built once per process (the columns come from the model): composing it through
    the ORM's insert compiler on every sign-up cost as much CPU as a third of the
    view.
    """
    table = Signature._meta.db_table
    inserted = _upsert_insert_fields()
    columns = ", ".join(f'"{f.column}"' for f in inserted)
    values = ", ".join(["%s"] * len(inserted))
    sets = []
    for name in changed:
        column = Signature._meta.get_field(name).column
        sets.append(
            f'"{column}" = CASE WHEN t.status = %s THEN EXCLUDED."{column}" '
            f'ELSE t."{column}" END'
        )
    # Moved by a submission that may be owed an email (the same rule as the mail
    # below); the new value says whether this one is under the cap.
    owed_rule = "t.contact_email <> '' AND t.status IN (%s, %s, %s)"
    sets.append(
        f"capped_emails = CASE WHEN {owed_rule} "
        f"THEN {outbox.capped_count_sql('t.capped_emails')} ELSE t.capped_emails END"
    )
    returning = ", ".join(f'u."{f.column}"' for f in Signature._meta.concrete_fields)
    mail, _params = outbox.capped_email_insert("u")  # its values bound per call
    return f"""
        WITH prior AS (
            SELECT logo FROM {table}
            WHERE letter_id = %s AND email_normalised = %s
        ), u AS (
            INSERT INTO "{table}" AS t ({columns}) VALUES ({values})
            ON CONFLICT (letter_id, email_normalised) WHERE email_normalised <> ''
            DO UPDATE SET {", ".join(sets)}
            RETURNING t.*
        ), mail AS (
            {mail}
            WHERE s.contact_email <> '' AND s.status IN (%s, %s, %s)
              AND s.capped_emails <= %s
            RETURNING id
        )
        SELECT {returning}, (SELECT logo FROM prior), (SELECT id FROM mail)
        FROM u
    """  # noqa: S608 (names come from the models)


@functools.cache
def _upsert_insert_fields() -> tuple:
    return tuple(
        f for f in Signature._meta.concrete_fields if f is not Signature._meta.pk
    )


def _signature_upsert(
    *, candidate: Signature, changes: dict
) -> tuple[Signature, bool, str, int | None]:
    """Store ``candidate`` or, for a known address, write ``changes`` while PENDING;
    owe the confirmation (or "already signed") email. PostgreSQL, one statement.

    INSERT … ON CONFLICT DO UPDATE takes the row lock and returns the row whether
    it was new or known, so both run this one statement in autocommit (atomic on
    its own): the answer, the queries and their cost are the same either way. The
    owed email is inserted by the same statement under the same rules as
    ``outbox.email_queue_capped``: the row's ``capped_emails``, moved by the
    same upsert under the row lock, keeps the cap exact however many submissions
    arrive at once. Returns the row as it is now,
    whether ``changes`` were written (new or still pending), the logo it had before,
    and the owed email's id (None when the cap was reached or nothing is owed).
    """
    # The values as the ORM's INSERT would send them (pre_save fills created_at).
    insert_params = [
        f.get_db_prep_save(f.pre_save(candidate, True), connection)
        for f in _upsert_insert_fields()
    ]
    mail_params = outbox.capped_email_params()
    all_fields = Signature._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            _signature_upsert_sql(tuple(changes)),
            [
                candidate.letter_id,
                candidate.email_normalised,
                *insert_params,
                *[SignatureStatus.PENDING] * len(changes),
                *OWED_STATES,
                settings.SIGNATURE_MAX_EMAILS,
                *mail_params,
                *OWED_STATES,
                settings.SIGNATURE_MAX_EMAILS,
            ],
        )
        row = cursor.fetchone()
    values, (old_logo, email_id) = row[:-2], row[-2:]
    signature = Signature.from_db(
        connection.alias, [f.attname for f in all_fields], values
    )
    created = signature.public_id == candidate.public_id
    replaced = created or signature.status == SignatureStatus.PENDING
    return signature, replaced, (old_logo or "") if not created else "", email_id


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
    source: str = SignatureSource.WEB,
    source_note: str = "",
    only_new: bool = False,
) -> SignResult:
    """Store a PENDING signature and owe it a confirmation email.

    The holder of the mailbox decides what is published: while the signature is
    PENDING, signing again with the same address replaces every detail (the newest
    submission wins, logo included) and owes a confirmation email for it. Once
    confirmed, a repeat changes nothing and owes an "already signed" email. Either
    way at most SIGNATURE_MAX_EMAILS such emails per signature. A new and a known
    address run the same statements, so neither the answer nor its cost tells them
    apart; callers answer both the same way.

    ``only_new`` (an editor's import, which may run twice) leaves a known address's
    signature as it is and owes it nothing: no replaced details, no email.
    ``source`` and ``source_note`` are those of the first submission.
    """
    if not letter.is_signing_open():
        raise SigningClosed
    if kind == SignerKind.INDIVIDUAL and not letter.allow_individuals:
        raise SigningNotAllowed
    # The version the sign page shows in this language (or its fallback), from the
    # letter's mirror: no query. A pending signature that signs again is bound
    # anew, so signing after a change binds to the change.
    content_id, text_hash = letter.published_text(language) or (None, "")
    email = email_normalise(contact_email)
    logo_file = logo_reencode(logo) if logo else None
    details = {
        "kind": kind,
        "organisation": organisation,
        "website": website,
        # Stored, not worked out per row: the admin filters on it and the CSV export
        # streams it straight from the database.
        "domain_match": domain_matches(email=email, website=website),
        "country": country,
        "organisation_type": organisation_type,
        "contact_name": contact_name,
        "contact_role": contact_role,
        "comment": comment,
        "is_public": is_public,
        "newsletter": newsletter,
        "language": language,
        "letter_content_id": content_id,
        "text_hash": text_hash,
    }
    candidate = Signature(
        letter=letter,
        email_normalised=email,
        contact_email=contact_email.strip(),  # the first spelling is kept
        source=source,
        source_note=source_note,
        **details,
    )
    if logo_file is not None:
        candidate.logo.save(logo_file.name, logo_file, save=False)
    new_logo = candidate.logo.name or ""
    storage = candidate.logo.storage
    if connection.vendor == "postgresql" and not only_new:
        # One statement in autocommit: no BEGIN and COMMIT round trips either. A
        # new row is owed its confirmation request (as email_queue_capped counts).
        candidate.capped_emails = 1
        signature, replaced, old_logo, email_id = _signature_upsert(
            candidate=candidate, changes={"logo": new_logo, **details}
        )
        if replaced and old_logo and old_logo != new_logo:
            transaction.on_commit(partial(storage.delete, old_logo))
        elif not replaced and new_logo:
            transaction.on_commit(partial(storage.delete, new_logo))
        if email_id is not None:
            transaction.on_commit(partial(outbox.enqueue, email_id))
        return SignResult(
            signature=signature, created=signature.public_id == candidate.public_id
        )
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: one statement, whether the address is new or not
        # (a savepoint rolled back on IntegrityError would cost a known one more).
        Signature.objects.bulk_create([candidate], ignore_conflicts=True)
        if only_new:
            signature = Signature.objects.get(letter=letter, email_normalised=email)
            created = signature.public_id == candidate.public_id
            if created:
                outbox.email_queue_capped(signature_id=signature.pk, signing_open=True)
            elif new_logo:
                storage = candidate.logo.storage
                transaction.on_commit(partial(storage.delete, new_logo))
            return SignResult(signature=signature, created=created)
        # For a new row the update writes what it already holds: the same statement
        # runs for a new and a known address.
        signature, replaced = _signature_lock_and_replace(
            letter_id=letter.pk,
            email_normalised=email,
            changes={"logo": new_logo, **details},
        )
        created = signature.public_id == candidate.public_id
        old_logo = signature.logo.name or ""
        if replaced:
            for field, value in details.items():
                setattr(signature, field, value)
            signature.logo.name = new_logo
            if old_logo and old_logo != new_logo:
                transaction.on_commit(partial(storage.delete, old_logo))
        elif new_logo:
            transaction.on_commit(partial(storage.delete, new_logo))
        outbox.email_queue_capped(signature_id=signature.pk, signing_open=True)
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
        signature = (
            Signature.objects.select_for_update()
            .select_related("letter")
            .get(pk=signature_id)
        )
        counted = is_counted(
            status=signature.status, kind=signature.kind, letter=signature.letter
        )
        listed_before = listed_country(signature) if counted else ""
        was_listed = (
            counted
            and signature.is_public
            and signature.kind == SignerKind.ORGANISATION
        )
        old_logo = signature.logo.name if signature.logo else ""
        for field, value in details.items():
            setattr(signature, field, value)
        signature.domain_match = domain_matches(
            email=signature.email_normalised, website=signature.website
        )
        if logo_file is not None:
            signature.logo.save(logo_file.name, logo_file, save=False)
        elif logo_clear:
            signature.logo = ""
        signature.save()
        listed_after = listed_country(signature) if counted else ""
        if listed_before != listed_after:  # a changed country or listing choice
            country_tally_adjust(
                letter_id=signature.letter_id, country=listed_before, delta=-1
            )
            country_tally_adjust(
                letter_id=signature.letter_id, country=listed_after, delta=1
            )
            transaction.on_commit(partial(letter_cache_bump, signature.letter_id))
        published = {*Signature.PUBLISHED_FIELDS, "is_public"}
        if was_listed and (published & set(details) or logo_file or logo_clear):
            # A listed signer's published details changed (or they left the list).
            delivery_packs_discard(letter_id=signature.letter_id)
        if old_logo and old_logo != signature.logo.name:
            storage = signature.logo.storage
            transaction.on_commit(partial(storage.delete, old_logo))
    return signature


def signature_resend(*, letter: Letter, contact_email: str) -> None:
    """Owe another email to this address's signature, if one exists and is under cap.

    Says nothing about whether it exists, and does the same work either way (one
    locking read, one conditional insert): the caller shows the same page. No
    confirmation request goes out once the letter is closed.
    """
    email = email_normalise(contact_email)
    with transaction.atomic():
        found = (
            Signature.objects.select_for_update()
            .filter(letter=letter, email_normalised=email)
            .values_list("pk", flat=True)
            .first()
        )
        outbox.email_queue_capped(
            signature_id=found or 0, signing_open=letter.is_signing_open()
        )


CONFIRMED_STATES = (SignatureStatus.CONFIRMED, SignatureStatus.APPROVED)


class LinkOutcome:
    """What a confirm or withdraw link leads to (``LinkResult.outcome``)."""

    INVALID = "invalid"  # no such signature, or a token not made for it: one answer
    EXPIRED = "expired"  # a genuine token past its lifetime: offer a new link
    UNPUBLISHED = "unpublished"  # the letter is unpublished: nothing counts
    OPEN = "open"  # valid: show the page with its one button
    DONE = "done"  # confirmed (now or before) or withdrawn


@dataclass(frozen=True)
class LinkResult:
    outcome: str
    signature: Signature | None = None

    @property
    def letter(self) -> Letter | None:
        return self.signature.letter if self.signature else None


def _signature_for_link(
    *, public_id: UUID | None, signature_id: int | None, lock: bool
) -> Signature | None:
    # Links name the random public_id; links mailed before it existed name the pk.
    if public_id is not None:
        lookup = {"public_id": public_id}
    elif signature_id is not None:
        lookup = {"pk": signature_id}
    else:
        return None
    signatures = Signature.objects.select_related("letter")
    if lock:
        signatures = signatures.select_for_update(of=("self",))
    return signatures.filter(**lookup).first()


def _confirm_outcome(signature: Signature | None, token: str | None) -> str:
    """Judge a confirm link without changing anything."""
    if signature is None:
        return LinkOutcome.INVALID
    # The token was made for the PENDING state; once confirmed, only a link that
    # was genuinely made for this signature learns that it is confirmed.
    made_for = {"as_status": SignatureStatus.PENDING}
    if signature.status == SignatureStatus.PENDING:
        valid = confirm_token.check_token(signature, token)
    elif signature.status in CONFIRMED_STATES:
        valid = confirm_token.check_token(signature, token, **made_for)
    else:
        return LinkOutcome.INVALID
    if not valid:
        genuine = confirm_token.is_genuine(signature, token, **made_for)
        return LinkOutcome.EXPIRED if genuine else LinkOutcome.INVALID
    if not signature.letter.is_published:
        return LinkOutcome.UNPUBLISHED
    if signature.status == SignatureStatus.PENDING:
        return LinkOutcome.OPEN
    return LinkOutcome.DONE


def signature_confirm_check(
    *, token: str | None, public_id: UUID | None = None, signature_id: int | None = None
) -> LinkResult:
    """Judge a confirm link for the page shown before the button; changes nothing.

    A wrong or missing token gets the same outcome whatever the signature's state.
    """
    signature = _signature_for_link(
        public_id=public_id, signature_id=signature_id, lock=False
    )
    outcome = _confirm_outcome(signature, token)
    return LinkResult(outcome, signature if outcome != LinkOutcome.INVALID else None)


def signature_confirm(
    *,
    token: str | None,
    public_id: UUID | None = None,
    signature_id: int | None = None,
    is_public: bool | None = None,
) -> LinkResult:
    """Confirm a PENDING signature; confirming twice is harmless.

    The confirmer may change the listing choice (``is_public``) as they confirm. A
    letter that is closed but still published accepts confirmations within the
    link's lifetime; on an unpublished letter nothing counts and nothing changes.
    """
    with transaction.atomic():
        signature = _signature_for_link(
            public_id=public_id, signature_id=signature_id, lock=True
        )
        outcome = _confirm_outcome(signature, token)
        if outcome == LinkOutcome.INVALID:
            return LinkResult(outcome)
        if outcome != LinkOutcome.OPEN:
            return LinkResult(outcome, signature)
        signature.status = SignatureStatus.CONFIRMED
        signature.confirmed_at = timezone.now()
        update_fields = ["status", "confirmed_at"]
        if is_public is not None:
            signature.is_public = is_public
            update_fields.append("is_public")
        signature.save(update_fields=update_fields)
        if is_counted(
            status=signature.status, kind=signature.kind, letter=signature.letter
        ):
            _tally_adjust(
                letter_id=signature.letter_id,
                delta=1,
                country=listed_country(signature),
                content_id=signature.letter_content_id,
            )
        # Signed before a substantive change and confirmed after it: owed its
        # notice like every earlier signer (the others got theirs meanwhile).
        for content_id in _later_notices(signature):
            outbox.emails_queue_about_version(
                kind=EmailKind.LETTER_CHANGED,
                content_id=content_id,
                signature_ids=[signature.pk],
            )
    return LinkResult(LinkOutcome.DONE, signature)


def _later_notices(signature: Signature) -> list[int]:
    """Substantive versions of the signed text published after it (one query)."""
    if not signature.letter_content_id:
        return []
    signed_language = LetterContent._original_manager.filter(
        pk=signature.letter_content_id
    ).values("language")
    # Per letter and language, versions are created (and published) in pk order.
    return list(
        LetterChangeNotice.objects.filter(
            content__letter_id=signature.letter_id,
            content__language=Subquery(signed_language),
            content_id__gt=signature.letter_content_id,
        ).values_list("content_id", flat=True)
    )


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


def _withdraw_outcome(signature: Signature | None, token: str | None) -> str:
    if signature is None:
        return LinkOutcome.INVALID
    if withdraw_token.check_token(signature, token):
        return LinkOutcome.OPEN
    if withdraw_token.is_genuine(signature, token):
        return LinkOutcome.EXPIRED
    return LinkOutcome.INVALID


def signature_withdraw_check(
    *, token: str | None, public_id: UUID | None = None, signature_id: int | None = None
) -> LinkResult:
    """Judge a withdraw link for the page shown before the button; changes nothing."""
    signature = _signature_for_link(
        public_id=public_id, signature_id=signature_id, lock=False
    )
    outcome = _withdraw_outcome(signature, token)
    return LinkResult(outcome, signature if outcome != LinkOutcome.INVALID else None)


def signature_withdraw(
    *, token: str | None, public_id: UUID | None = None, signature_id: int | None = None
) -> LinkResult:
    """Withdraw a signature, erase its personal data and drop emails still owed."""
    with transaction.atomic():
        signature = _signature_for_link(
            public_id=public_id, signature_id=signature_id, lock=True
        )
        outcome = _withdraw_outcome(signature, token)
        if outcome != LinkOutcome.OPEN:
            return LinkResult(
                outcome, signature if outcome != LinkOutcome.INVALID else None
            )
        was_counted = is_counted(
            status=signature.status, kind=signature.kind, letter=signature.letter
        )
        country = listed_country(signature)
        _erase(signature)
        admin_history_erase(signature_ids=[signature.pk])
        signature.status = SignatureStatus.WITHDRAWN
        signature.withdrawn_at = timezone.now()
        signature.save()
        outbox.emails_cancel(signature_id=signature.pk)
        if was_counted:
            _tally_adjust(
                letter_id=signature.letter_id,
                delta=-1,
                country=country,
                content_id=signature.letter_content_id,
            )
    return LinkResult(LinkOutcome.DONE, signature)


DECISION_EMAILS = {
    SignatureStatus.APPROVED: EmailKind.APPROVED,
    SignatureStatus.REJECTED: EmailKind.REJECTED,
}

REVIEWABLE = [
    SignatureStatus.AWAITING_REVIEW,  # offline, no address: only an editor decides
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
                content_id=signature.letter_content_id,
            )
            # One notice per decision, in the signer's language; not capped.
            if signature.contact_email and to_status in DECISION_EMAILS:
                outbox.email_queue(kind=DECISION_EMAILS[to_status], signature=signature)
            changed += 1
    return changed


def signatures_approve(*, signature_ids, user) -> int:
    """Approve confirmed, offline (awaiting review) or earlier rejected signatures.

    Returns how many changed.
    """
    return _review(
        signature_ids=signature_ids, to_status=SignatureStatus.APPROVED, user=user
    )


def signatures_reject(*, signature_ids, user, reason: str) -> int:
    """Reject reviewable signatures (see REVIEWABLE) with a reason; return how many."""
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
        before = (
            LetterTally.objects.select_for_update()
            .filter(letter=letter)
            .values_list("public_count", flat=True)
            .first()
        ) or 0
        count = Signature.objects.filter(
            Q(letter=letter) & (Q(status__in=statuses) | confirmed)
        ).count()
        LetterTally.objects.update_or_create(
            letter=letter, defaults={"public_count": count}
        )
        country_tally_rebuild(letter=letter)
        version_tally_rebuild(letter=letter)
        _count_moved(letter_id=letter.pk, before=before, after=count)
    return count


# Signatures gathered offline (docs/decisions.md, "Offline signatures").


class ImportOutcome:
    """What became of one row of an offline import (``ImportedRow.outcome``)."""

    READY = "ready"  # a dry run: the row would be imported
    IMPORTED = "imported"
    DUPLICATE = "duplicate"  # already signed, or twice in the file: skipped
    INVALID = "invalid"  # the row's errors say why: skipped


@dataclass(frozen=True)
class ImportedRow:
    line: int
    name: str
    country: str
    email: str
    listed: bool | None  # None: the row's value could not be read
    outcome: str
    messages: tuple[str, ...] = ()

    @property
    def needs_approval(self) -> bool:
        """Without an address nobody confirms it: it counts once an editor approves."""
        return not self.email


@dataclass(frozen=True)
class ImportReport:
    dry_run: bool
    rows: tuple[ImportedRow, ...]

    def _count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def ready(self) -> int:
        return self._count(ImportOutcome.READY)

    @property
    def imported(self) -> int:
        return self._count(ImportOutcome.IMPORTED)

    @property
    def duplicates(self) -> int:
        return self._count(ImportOutcome.DUPLICATE)

    @property
    def invalid(self) -> int:
        return self._count(ImportOutcome.INVALID)

    @property
    def awaiting_approval(self) -> int:
        """Imported rows without an address: the editors' queue grew by these."""
        return sum(
            1
            for row in self.rows
            if row.outcome == ImportOutcome.IMPORTED and row.needs_approval
        )


def _signature_create_unconfirmable(
    *, letter: Letter, check: offline.RowCheck, source_note: str
) -> tuple[Signature, bool]:
    """Store an offline signature without an address, waiting for an editor.

    ON CONFLICT DO NOTHING against the (letter, offline_key) constraint: a row
    imported before, or by a concurrent import, is found instead of stored twice.
    """
    data = {k: v for k, v in check.data.items() if k != "contact_email"}
    candidate = Signature(
        letter=letter,
        status=SignatureStatus.AWAITING_REVIEW,
        source=SignatureSource.OFFLINE,
        source_note=source_note,
        offline_key=check.offline_key,
        **data,
    )
    Signature.objects.bulk_create([candidate], ignore_conflicts=True)
    signature = Signature.objects.get(letter=letter, offline_key=check.offline_key)
    return signature, signature.public_id == candidate.public_id


def _import_log(*, user, signature: Signature) -> None:
    """Record who imported the signature, in the admin history (erased with it)."""
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        user_id=user.pk,
        content_type=ContentType.objects.get_for_model(Signature),
        object_id=str(signature.pk),
        object_repr=str(signature)[:200],
        action_flag=ADDITION,
        change_message='[{"added": {}}]',
    )


def signatures_import(
    *,
    letter: Letter,
    rows: list[offline.CsvRow],
    source_note: str,
    imported_by=None,
    dry_run: bool,
    language: str = settings.LANGUAGE_CODE,
) -> ImportReport:
    """Check and (unless ``dry_run``) store signatures gathered offline.

    Each row is checked like a web sign-up (``offline.row_validate``). A row with
    an address is signed as on the web (PENDING, a confirmation email through the
    outbox); one without waits in the approval queue and counts only once an editor
    approves it. A row whose signer already signed the letter (by address, or by
    name and country for rows without one), or that repeats an earlier row of the
    file, is skipped and owes no email: importing a file twice changes nothing.
    Each row is stored in its own transaction, so a bad row never costs the good
    ones. Raises SigningClosed (nothing is stored) when the letter takes no
    signatures.
    """
    if not letter.is_signing_open():
        raise SigningClosed
    checks = [
        offline.row_validate(letter=letter, row=row, language=language) for row in rows
    ]
    valid = [check for check in checks if not check.errors]
    emails = {c.email_normalised for c in valid if c.email_normalised}
    keys = {c.offline_key for c in valid if c.offline_key}
    known_emails = set(
        Signature.objects.filter(
            letter=letter, email_normalised__in=emails
        ).values_list("email_normalised", flat=True)
    )
    known_keys = set(
        Signature.objects.filter(letter=letter, offline_key__in=keys).values_list(
            "offline_key", flat=True
        )
    )
    seen: dict[str, int] = {}
    results = []
    for check in checks:
        outcome, messages = ImportOutcome.READY, []
        identity = check.email_normalised or check.offline_key
        if check.errors:
            outcome, messages = ImportOutcome.INVALID, check.errors
        elif identity in seen:
            outcome = ImportOutcome.DUPLICATE
            messages = [
                _("The same signer as on line %(line)d.") % {"line": seen[identity]}
            ]
        elif identity in known_emails:
            outcome = ImportOutcome.DUPLICATE
            messages = [_("Already signed: this address has signed this letter.")]
        elif identity in known_keys:
            outcome = ImportOutcome.DUPLICATE
            messages = [_("Already imported: this signer has signed this letter.")]
        if outcome == ImportOutcome.READY:
            seen[identity] = check.line
            if not dry_run:
                outcome, messages = _import_row(
                    letter=letter,
                    check=check,
                    source_note=source_note,
                    imported_by=imported_by,
                )
        data = check.data
        results.append(
            ImportedRow(
                line=check.line,
                name=check.name,
                country=data.get("country") or check.values.get("country", ""),
                email=data.get("contact_email", check.values.get("contact_email", "")),
                listed=bool(data.get("is_public")) if data else None,
                outcome=outcome,
                messages=tuple(str(m) for m in messages),
            )
        )
    return ImportReport(dry_run=dry_run, rows=tuple(results))


def _import_row(
    *, letter: Letter, check: offline.RowCheck, source_note: str, imported_by
) -> tuple[str, list[str]]:
    """Store one checked row in its own transaction; return its outcome."""
    try:
        with transaction.atomic():
            if check.email_normalised:
                result = signature_create(
                    letter=letter,
                    source=SignatureSource.OFFLINE,
                    source_note=source_note,
                    only_new=True,
                    **check.data,
                )
                signature, created = result.signature, result.created
            else:
                signature, created = _signature_create_unconfirmable(
                    letter=letter, check=check, source_note=source_note
                )
            if created and imported_by is not None:
                _import_log(user=imported_by, signature=signature)
    except SigningClosed:
        return ImportOutcome.INVALID, [_("Signing closed during the import.")]
    except (IntegrityError, DataError, Signature.DoesNotExist) as exc:
        # DoesNotExist: the row it collided with was erased in between.
        # The class only: the database's message quotes the row's values.
        logger.warning(
            "Offline import: line %d not stored (%s)", check.line, type(exc).__name__
        )
        return ImportOutcome.INVALID, [_("This row could not be stored.")]
    if not created:  # a concurrent import, or a sign-up, got there first
        return ImportOutcome.DUPLICATE, [_("Already signed: skipped.")]
    return ImportOutcome.IMPORTED, []


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
                _tally_adjust(
                    letter_id=signature.letter_id,
                    delta=-1,
                    country=listed_country(signature),
                    content_id=signature.letter_content_id,
                )
            if signature.logo:
                logo = signature.logo
                transaction.on_commit(partial(logo.storage.delete, logo.name))
        ids = [signature.pk for signature in signatures]
        if ids:
            # Their emails hold addresses: they go too, owed or settled.
            OutboundEmail.objects.filter(signature_id__in=ids).delete()
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
    unreviewed: int = 0


def signatures_purge_expired(*, now=None) -> PurgeReport:
    """Delete PENDING signatures whose confirm links expired, old REJECTED ones and
    offline ones that no editor approved in time.

    A pending signature's newest link is made when its newest confirmation request
    is sent (the outbox records when), so the clock starts at the later of its
    creation and that send; one that is still owed a confirmation request is left
    alone. Rejected ones go
    SIGNATURE_REJECTED_RETENTION_DAYS after the decision. An offline signature
    without an address that still awaits review goes
    SIGNATURE_UNREVIEWED_RETENTION_DAYS after its import. None of these counts
    publicly. Status alone decides: a signature an editor approved without an
    email address is as final as a confirmed one.
    """
    now = now or timezone.now()
    pending_cutoff = now - timedelta(
        seconds=settings.SIGNATURE_TOKEN_TIMEOUT
        + settings.SIGNATURE_PENDING_RETENTION_MARGIN
    )
    rejected_cutoff = now - timedelta(days=settings.SIGNATURE_REJECTED_RETENTION_DAYS)
    confirm_emails = OutboundEmail.objects.filter(
        signature=OuterRef("pk"), kind=EmailKind.CONFIRM
    )
    # The newest link is made when the newest confirmation request is sent.
    last_sent = Subquery(
        confirm_emails.exclude(sent_at=None).order_by("-sent_at").values("sent_at")[:1]
    )
    pending = (
        Signature.objects.filter(status=SignatureStatus.PENDING)
        .alias(last_link=Greatest("created_at", Coalesce(last_sent, "created_at")))
        .filter(last_link__lt=pending_cutoff)
        .exclude(Exists(confirm_emails.filter(state__in=OWED_EMAIL_STATES)))
    )
    rejected = Signature.objects.filter(status=SignatureStatus.REJECTED).filter(
        Q(reviewed_at__lt=rejected_cutoff)
        | Q(reviewed_at__isnull=True, created_at__lt=rejected_cutoff)
    )
    unreviewed = Signature.objects.filter(
        status=SignatureStatus.AWAITING_REVIEW,
        created_at__lt=now
        - timedelta(days=settings.SIGNATURE_UNREVIEWED_RETENTION_DAYS),
    )
    purged = {}
    for name, queryset in (
        ("pending", pending),
        ("rejected", rejected),
        ("unreviewed", unreviewed),
    ):
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
            for signature_id in touched:  # owed emails hold the erased address
                outbox.emails_cancel(signature_id=signature_id)
    return AnonymiseReport(
        letter=letter.slug,
        dry_run=dry_run,
        listed=listed,
        unlisted=unlisted,
        fields={name: n for name, n in counts.items() if n},
    )


# Delivery packs: the PDF of a letter with its public list (signatories.delivery_pack).

PACK_BUILD_TASK = "signatories.tasks.delivery_pack_build"


def _pack_enqueue(pack_id: int) -> None:
    # After commit. A broker that is down must not fail the editor's request: the
    # pack stays "being prepared", and a request after its lease queues it again.
    try:
        current_app.tasks[PACK_BUILD_TASK].delay(pack_id)
    except (KombuOperationalError, OSError):
        logger.warning("Broker unavailable; delivery pack %s not queued", pack_id)


def _pack_is_current(pack: DeliveryPack, content: PackContent, *, now) -> bool:
    """Whether ``pack``'s file may be handed out while the site says ``content``."""
    if (
        pack.state != DeliveryPackState.READY
        or not pack.file_name
        or pack.text_fingerprint != content.text_fingerprint
    ):
        return False
    if pack.list_fingerprint == content.list_fingerprint:
        return True
    # The build the editor asked for moments ago, read after they asked and not yet
    # handed out: signatures that came in since wait for the next request.
    return (
        pack.read_at is not None
        and pack.read_at >= pack.requested_at
        and now - pack.requested_at < LIST_GRACE
        and (pack.handed_out_at is None or pack.handed_out_at < pack.built_at)
    )


def delivery_pack_request(
    *, letter: Letter, language: str, retry: bool = False
) -> DeliveryPack:
    """Return ``letter``'s pack in ``language`` to hand out; queue a build if stale.

    READY means its file prints what the site says now (or is the build asked for
    moments ago, see ``_pack_is_current``), and the caller hands it out. Otherwise
    the pack comes back BUILDING with one build queued on commit: a build under way
    is not queued twice, and a FAILED pack again only with ``retry`` or once the
    content moved. A stale file is deleted here: it is never handed out again.
    """
    content = pack_content(letter_id=letter.pk, language=language)
    storage = pack_storage()
    now = timezone.now()
    with transaction.atomic():
        DeliveryPack.objects.get_or_create(letter=letter, language=language)
        pack = DeliveryPack.objects.select_for_update().get(
            letter=letter, language=language
        )
        if _pack_is_current(pack, content, now=now) and storage.exists(pack.file_name):
            pack.handed_out_at = now
            pack.save(update_fields=["handed_out_at"])
            return pack
        if (
            pack.state == DeliveryPackState.BUILDING
            and pack.requested_at > now - BUILD_LEASE
            and pack.text_fingerprint  # a new row has queued nothing yet
        ):
            return pack
        asked = (content.text_fingerprint, content.list_fingerprint)
        if (
            pack.state == DeliveryPackState.FAILED
            and (pack.text_fingerprint, pack.list_fingerprint) == asked
            and not retry
        ):
            return pack
        if pack.file_name:
            transaction.on_commit(partial(storage.delete, pack.file_name))
        pack.state = DeliveryPackState.BUILDING
        pack.text_fingerprint, pack.list_fingerprint = asked
        pack.file_name = ""
        pack.requested_at = now
        pack.error = ""
        pack.save()
        transaction.on_commit(partial(_pack_enqueue, pack.pk))
    return pack


def _pack_record_failure(*, pack_id: int, content: PackContent, error: str) -> None:
    with transaction.atomic():
        pack = DeliveryPack.objects.select_for_update().filter(pk=pack_id).first()
        if pack is None:
            return
        pack.state = DeliveryPackState.FAILED
        pack.text_fingerprint = content.text_fingerprint
        pack.list_fingerprint = content.list_fingerprint
        pack.error = error[:200]
        pack.save()


def _pack_record(*, pack_id: int, content: PackContent, name: str, read_at) -> bool:
    """Make ``name`` the file of pack ``pack_id``; False if it must not be kept."""
    storage = pack_storage()
    with transaction.atomic():
        pack = DeliveryPack.objects.select_for_update().filter(pk=pack_id).first()
        if pack is None or (pack.discarded_at and pack.discarded_at >= read_at):
            # Gone, or a signer left the list while this was rendered: the new
            # file may name them.
            transaction.on_commit(partial(storage.delete, name))
            return False
        if pack.file_name and pack.file_name != name:
            transaction.on_commit(partial(storage.delete, pack.file_name))
        pack.state = DeliveryPackState.READY
        pack.text_fingerprint = content.text_fingerprint
        pack.list_fingerprint = content.list_fingerprint
        pack.file_name = name
        pack.read_at = read_at
        pack.built_at = timezone.now()
        pack.error = ""
        pack.save()
    return True


def delivery_pack_build(*, pack_id: int) -> bool:
    """Build pack ``pack_id``'s PDF and keep it; False if there was nothing to do.

    Quiet if the pack (or its letter) is gone, or if its file already prints the
    current content. A render error is logged and recorded (FAILED, with the
    exception's class), not retried: the same content would fail the same way.
    """
    storage = pack_storage()
    for _attempt in range(3):  # a signer leaving mid-render means reading again
        pack = DeliveryPack.objects.filter(pk=pack_id).first()
        if pack is None:
            return False
        read_at = timezone.now()
        try:
            content = pack_content(letter_id=pack.letter_id, language=pack.language)
        except Letter.DoesNotExist:
            return False
        if (
            pack.state == DeliveryPackState.READY
            and (pack.text_fingerprint, pack.list_fingerprint)
            == (content.text_fingerprint, content.list_fingerprint)
            and pack.file_name
            and storage.exists(pack.file_name)
        ):
            return False
        try:
            pdf = pack_render(content)
        except Exception as exc:  # a bug or a time limit: the same again would fail
            logger.exception("Delivery pack %s could not be built", pack_id)
            _pack_record_failure(
                pack_id=pack_id, content=content, error=type(exc).__name__
            )
            return False
        name = storage.save(pack_file_name(content), ContentFile(pdf))
        if _pack_record(pack_id=pack_id, content=content, name=name, read_at=read_at):
            return True
    return False


def delivery_packs_discard(*, letter_id: int) -> None:
    """Delete a letter's pack files: a signer left its list or changed what it shows.

    Inside the caller's transaction (a withdrawal, rejection, deletion, an edit).
    No copy of a departed signer's name outlives the list, and a build that read
    the list before now does not keep its file (``_pack_record``).
    """
    packs = list(
        DeliveryPack.objects.select_for_update()
        .filter(letter_id=letter_id)
        .values_list("pk", "file_name")
    )
    if not packs:
        return
    storage = pack_storage()
    for _pk, name in packs:
        if name:
            transaction.on_commit(partial(storage.delete, name))
    DeliveryPack.objects.filter(pk__in=[pk for pk, _name in packs]).update(
        file_name="", discarded_at=timezone.now()
    )


# Substantive changes: telling the signers of earlier versions (docs/decisions.md,
# "What a signature is bound to").

NOTICE_TASK = "signatories.tasks.notify_letter_changed"
NOTICE_BATCH = 500


def _notice_enqueue(content_id: int) -> None:
    # After commit. A broker that is down must not fail the publish: the notice
    # stays open and the outbox sweep queues it once its lease runs out.
    try:
        current_app.tasks[NOTICE_TASK].delay(content_id)
    except (KombuOperationalError, OSError):
        logger.warning("Broker unavailable; notice %s left to the sweep", content_id)


def _notice_lease():
    return timezone.now() + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def letter_version_announce(
    *, content_id: int, change_kind: str, is_first: bool
) -> bool:
    """Owe the earlier signers a notice of a substantive new version of the text.

    Called as the version is published, inside its transaction: the notice is
    recorded with the publication and its work queued on commit. A correction, or
    the first version in a language, owes nothing. Returns whether one is owed.
    """
    if change_kind != ChangeKind.SUBSTANTIVE or is_first:
        return False
    _notice, created = LetterChangeNotice.objects.get_or_create(
        content_id=content_id, defaults={"lease_until": _notice_lease()}
    )
    if created:
        transaction.on_commit(partial(_notice_enqueue, content_id))
    return created


def _earlier_versions(content: LetterContent) -> list[int]:
    """The versions of the same text (letter and language) published before it."""
    version = Version.objects.get_for_content(content)
    same_text = LetterContent._original_manager.filter(
        letter_id=content.letter_id, language=content.language
    ).exclude(pk=content.pk)
    return list(
        Version.objects.filter(
            content_type_id=version.content_type_id,
            object_id__in=same_text.values("pk"),
            pk__lt=version.pk,
        )
        .exclude(state=DRAFT)
        .values_list("object_id", flat=True)
    )


def letter_change_emails_queue(
    *, content_id: int, batch_size: int = NOTICE_BATCH
) -> int:
    """Owe every signer of an earlier version one email about this version.

    Confirmed and approved signatures bound to an earlier version of the same
    text, in any signer's language, in batches of ``batch_size`` (one transaction
    each, keyset by id), so a million signers never hold one long transaction.
    Running it again adds nothing (one email per signature and version). Returns
    how many emails this run added.
    """
    notice = LetterChangeNotice.objects.filter(
        content_id=content_id, completed_at=None
    ).first()
    if notice is None:
        return 0
    content = LetterContent._original_manager.filter(pk=content_id).first()
    earlier = _earlier_versions(content) if content is not None else []
    signers = (
        Signature.objects.filter(
            letter_content_id__in=earlier, status__in=CONFIRMED_STATES
        )
        .exclude(contact_email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued, after = 0, 0
    while earlier:
        with transaction.atomic():
            ids = list(signers.filter(pk__gt=after)[:batch_size])
            if not ids:
                break
            added = outbox.emails_queue_about_version(
                kind=EmailKind.LETTER_CHANGED,
                content_id=content_id,
                signature_ids=ids,
            )
            LetterChangeNotice.objects.filter(content_id=content_id).update(
                emails_queued=F("emails_queued") + added,
                lease_until=_notice_lease(),
            )
        queued += added
        after = ids[-1]
    LetterChangeNotice.objects.filter(content_id=content_id).update(
        completed_at=timezone.now(), lease_until=None
    )
    return queued


def letter_change_notices_due() -> list[int]:
    """Lease and return open notices nobody is working on (the sweep's half)."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            LetterChangeNotice.objects.select_for_update(skip_locked=True)
            .filter(completed_at=None)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .values_list("content_id", flat=True)[:100]
        )
        LetterChangeNotice.objects.filter(content_id__in=due).update(
            lease_until=_notice_lease()
        )
    for content_id in due:
        _notice_enqueue(content_id)
    return due
