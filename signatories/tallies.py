"""Per-country counts of listed organisations, kept beside the letter's tally.

The services call ``country_tally_adjust`` inside the transaction that moves the
public count, so the country filter reads a table of at most ~250 rows per letter.
"""

from django.db.models import F, Q
from django.db.models.functions import Greatest

from pages.models import Letter

from .models import LetterCountryTally, Signature, SignatureStatus, SignerKind


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
    from django.db.models import Count

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
