"""Counts kept beside the letter's tally: per country and per version.

The services call ``country_tally_adjust`` and ``version_tally_adjust`` inside the
transaction that moves the public count, so the country filter reads a table of at
most ~250 rows per letter and the change log one row per version.
"""

from django.db.models import Count, F, Q
from django.db.models.functions import Greatest

from pages.models import Letter

from .models import (
    LetterCountryTally,
    LetterVersionTally,
    Signature,
    SignatureStatus,
    SignerKind,
)


def listed_country(signature: Signature) -> str:
    """The country a signature adds to the filter once counted, or "" if never listed.

    Independent of the status: the caller's delta says whether it enters or leaves.
    Call it before erasing the signature's fields.
    """
    if signature.is_public and signature.kind == SignerKind.ORGANISATION:
        return str(signature.country or "")
    return ""


def country_tally_adjust(*, letter_id: int, country: str, delta: int) -> None:
    """Move one country's listed count; call inside the caller's transaction."""
    if not country or not delta:
        return
    LetterCountryTally.objects.get_or_create(letter_id=letter_id, country=country)
    LetterCountryTally.objects.filter(letter_id=letter_id, country=country).update(
        listed_count=Greatest(F("listed_count") + delta, 0)
    )


def country_tally_rebuild(*, letter: Letter) -> None:
    """Recompute a letter's country counts from the signatures (repairs drift)."""
    listed = Q(status=SignatureStatus.APPROVED)
    if not letter.requires_approval:
        listed |= Q(status=SignatureStatus.CONFIRMED)
    counts = (
        Signature.objects.filter(
            listed, letter=letter, is_public=True, kind=SignerKind.ORGANISATION
        )
        .exclude(country="")
        .values_list("country")
        .annotate(n=Count("id"))
        .order_by()
    )
    LetterCountryTally.objects.filter(letter=letter).delete()
    LetterCountryTally.objects.bulk_create(
        LetterCountryTally(letter=letter, country=code, listed_count=n)
        for code, n in counts
    )


def version_tally_adjust(*, content_id: int | None, delta: int) -> None:
    """Move one version's public count; call inside the caller's transaction."""
    if not content_id or not delta:
        return
    LetterVersionTally.objects.get_or_create(content_id=content_id)
    LetterVersionTally.objects.filter(content_id=content_id).update(
        public_count=Greatest(F("public_count") + delta, 0)
    )


def counted(letter: Letter) -> Q:
    """Signatures that count publicly (``services.is_counted`` as a filter)."""
    confirmed = Q(status=SignatureStatus.CONFIRMED)
    if letter.requires_approval:
        confirmed &= Q(kind=SignerKind.INDIVIDUAL)
    return Q(status=SignatureStatus.APPROVED) | confirmed


def version_tally_rebuild(*, letter: Letter) -> None:
    """Recompute the per-version counts of a letter's signatures (repairs drift)."""
    counts = dict(
        Signature.objects.filter(counted(letter), letter=letter)
        .exclude(letter_content=None)
        .values_list("letter_content_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    versions = LetterVersionTally.objects.filter(content__letter=letter)
    versions.exclude(content_id__in=list(counts)).update(public_count=0)
    for content_id, n in counts.items():
        LetterVersionTally.objects.update_or_create(
            content_id=content_id, defaults={"public_count": n}
        )
