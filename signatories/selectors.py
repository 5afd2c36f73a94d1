"""Reads for public pages and the API: cheap at a million signatures."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q, QuerySet

from pages.models import Letter

from .models import LetterTally, Signature, SignatureStatus, SignerKind


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
        qs.order_by("id").only(
            "id",
            "organisation",
            "website",
            "country",
            "organisation_type",
            "logo",
            "comment",
            "letter_id",
        )[: limit + 1]
    )
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return SignatoryPage(items=rows[:limit], next_cursor=next_cursor)


COUNTRIES_CACHE_SECONDS = 300


def letter_signatory_countries(*, letter: Letter) -> list[str]:
    """Country codes present among listed signatories (for the filter).

    A DISTINCT over every listed signature grows with the letter, so the answer is
    cached for a few minutes: a new country may take that long to appear.
    """

    def compute() -> list[str]:
        return list(
            Signature.objects.filter(_listed(letter))
            .exclude(country="")
            .order_by("country")
            .values_list("country", flat=True)
            .distinct()
        )

    key = f"signatories:countries:{letter.pk}:{letter.requires_approval}"
    return cache.get_or_set(key, compute, COUNTRIES_CACHE_SECONDS)


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
