"""Reads for public pages and the API: cheap at a million signatures."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from djangocms_versioning.constants import PUBLISHED
from djangocms_versioning.models import StateTracking, Version

from pages.models import Letter, LetterContent
from pages.selectors import PUBLIC_VERSION_STATES

from .models import (
    LetterCountryTally,
    LetterTally,
    LetterVersionTally,
    Signature,
    SignatureStatus,
    SignerKind,
)


def _listed(letter: Letter) -> Q:
    """Signatures shown publicly: counted organisations that asked to be listed."""
    listed = Q(status=SignatureStatus.APPROVED)
    if not letter.requires_approval:
        listed |= Q(status=SignatureStatus.CONFIRMED)
    return listed & Q(letter=letter, is_public=True, kind=SignerKind.ORGANISATION)


def letter_signature_count(*, letter: Letter) -> int:
    """The public count, from the denormalised tally (no COUNT(*) per request)."""
    tally = LetterTally.objects.filter(letter=letter).values_list(
        "public_count", flat=True
    )
    return next(iter(tally), 0)


def letter_signature_counts(*, letters) -> dict[int, int]:
    """Public counts for many letters in one query."""
    return dict(
        LetterTally.objects.filter(letter__in=letters).values_list(
            "letter_id", "public_count"
        )
    )


@dataclass(frozen=True)
class SignatoryPage:
    items: list[Signature]
    next_cursor: int | None


def letter_public_signatories(
    *,
    letter: Letter,
    country: str = "",
    organisation_type: str = "",
    after: int | None = None,
    limit: int = 50,
) -> SignatoryPage:
    """One page of listed organisations in signing order; keyset-paginated by id."""
    qs: QuerySet[Signature] = Signature.objects.filter(_listed(letter))
    if country:
        qs = qs.filter(country=country)
    if organisation_type:
        qs = qs.filter(organisation_type=organisation_type)
    if after:
        qs = qs.filter(id__gt=after)
    rows = list(
        qs.order_by("id")
        .only(
            "id",
            "organisation",
            "website",
            "country",
            "organisation_type",
            "logo",
            "comment",
            "letter_id",
            "letter_content_id",
            "text_hash",
        )
        # The number of the version signed, joined (one version row per text).
        .annotate(version_number=F("letter_content__versions__number"))[: limit + 1]
    )
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return SignatoryPage(items=rows[:limit], next_cursor=next_cursor)


def letter_recent_signatories(*, letter: Letter, limit: int = 5) -> list[Signature]:
    """The newest listed organisations (never unlisted, pending or withdrawn ones).

    One backward range scan of the public-list index per counted status (at most
    two), each stopping after ``limit`` rows: as cheap at a million as at ten.
    """
    statuses = [SignatureStatus.APPROVED]
    if not letter.requires_approval:
        statuses.append(SignatureStatus.CONFIRMED)
    rows: list[Signature] = []
    for status in statuses:
        rows += (
            Signature.objects.filter(
                letter=letter,
                status=status,
                is_public=True,
                kind=SignerKind.ORGANISATION,
            )
            .order_by("-id")
            .only("id", "organisation", "country", "letter_id")[:limit]
        )
    rows.sort(key=lambda signature: signature.id, reverse=True)
    return rows[:limit]


def letter_signatory_countries(*, letter: Letter) -> list[str]:
    """Country codes present among listed signatories (for the filter).

    Read from the per-country tally the services keep (at most ~250 rows), never a
    DISTINCT over the signatures: as cheap at a million signatures as at ten.
    """
    return list(
        LetterCountryTally.objects.filter(letter=letter, listed_count__gt=0)
        .order_by("country")
        .values_list("country", flat=True)
    )


@dataclass(frozen=True)
class SignatoryListing:
    """What the public list shows: one page, the filter in force, its choices."""

    letter: Letter
    page: SignatoryPage
    country: str
    organisation_type: str
    after: int | None
    countries: list[str]


def letter_signatory_listing(
    *,
    letter: Letter,
    country: str = "",
    organisation_type: str = "",
    after: int | None = None,
    limit: int = 50,
) -> SignatoryListing:
    """One filtered page of the public list with the filter's country choices."""
    return SignatoryListing(
        letter=letter,
        page=letter_public_signatories(
            letter=letter,
            country=country,
            organisation_type=organisation_type,
            after=after,
            limit=limit,
        ),
        country=country,
        organisation_type=organisation_type,
        after=after,
        countries=letter_signatory_countries(letter=letter),
    )


def signature_public_logo(*, signature_id: int) -> Signature | None:
    """A listed signature with a logo, or None: hidden signers' logos are not served."""
    signature = (
        Signature.objects.select_related("letter")
        .filter(pk=signature_id)
        .exclude(logo="")
        .first()
    )
    if signature is None:
        return None
    if not Signature.objects.filter(
        _listed(signature.letter), pk=signature_id
    ).exists():
        return None
    return signature


def letter_listed_signatories(*, letter: Letter) -> QuerySet[Signature]:
    """Every listed organisation of a letter, unpaginated, with published fields only.

    The public list's rule (``_listed``), for the printed delivery pack: never a
    pending, hidden or withdrawn signer, never a contact field.
    """
    return (
        Signature.objects.filter(_listed(letter))
        .order_by("id")
        .only("id", "organisation", "country", "organisation_type", "logo")
    )


@dataclass(frozen=True)
class VersionEntry:
    """One published version of a letter's text in the public change log."""

    content_id: int
    number: int
    language: str
    published_on: datetime.date
    note: str
    text_hash: str
    count: int
    current: bool


def letter_change_log(*, letter: Letter, language: str) -> list[VersionEntry]:
    """Every published version of the letter's text in ``language``, newest first.

    With each version's date, the editor's note, its hash and how many counted
    signatures are bound to it (from ``LetterVersionTally``: no COUNT per view).
    One query: the version, its first publication and its tally are subqueries.
    A version published before versioning has no publication record: it shows
    the letter's date.
    """
    content_type = ContentType.objects.get_for_model(LetterContent)
    versions = Version.objects.filter(
        content_type=content_type, object_id=OuterRef("pk")
    )
    first_published = StateTracking.objects.filter(
        version__content_type=content_type,
        version__object_id=OuterRef("pk"),
        new_state=PUBLISHED,
    ).order_by("date")
    tally = LetterVersionTally.objects.filter(content_id=OuterRef("pk"))
    rows = (
        LetterContent._original_manager.filter(letter=letter, language=language)
        .only("pk", "language", "change_note", "text_hash")
        .annotate(
            version_pk=Subquery(versions.values("pk")[:1]),
            version_number=Subquery(versions.values("number")[:1]),
            version_state=Subquery(versions.values("state")[:1]),
            first_published=Subquery(first_published.values("date")[:1]),
            public_count=Coalesce(Subquery(tally.values("public_count")[:1]), 0),
        )
        .filter(version_state__in=PUBLIC_VERSION_STATES)
        .order_by("-version_pk")
    )
    return [
        VersionEntry(
            content_id=row.pk,
            number=int(row.version_number),
            language=row.language,
            published_on=timezone.localdate(row.first_published)
            if row.first_published
            else letter.published_on,
            note=row.change_note,
            text_hash=row.text_hash,
            count=row.public_count,
            current=row.version_state == PUBLISHED,
        )
        for row in rows
    ]
