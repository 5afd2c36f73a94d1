"""Reads for the public site. Drafts are visible to staff only."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from .models import Letter, PublicationStatus, Recommendation, Update


def letter_list_public() -> QuerySet[Letter]:
    return Letter.objects.published().prefetch_related("translations")


def letter_get_public(*, slug: str, include_drafts: bool = False) -> Letter:
    """Return the letter with recommendations prefetched, or raise Http404."""
    letters = Letter.objects.all() if include_drafts else Letter.objects.published()
    recommendations = Recommendation.objects.prefetch_related("translations", "history")
    try:
        return letters.prefetch_related(
            "translations", Prefetch("recommendations", queryset=recommendations)
        ).get(slug=slug)
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None


def letter_get_public_plain(*, slug: str) -> Letter:
    """The published letter with its translations only (for pages about it)."""
    try:
        return (
            Letter.objects.published().prefetch_related("translations").get(slug=slug)
        )
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None


def letter_get_public_by_id(*, letter_id: int) -> Letter | None:
    """The published letter with this id and its translations, or None."""
    return (
        Letter.objects.published()
        .prefetch_related("translations")
        .filter(pk=letter_id)
        .first()
    )


def letter_get_for_signing(*, slug: str) -> Letter:
    """The published letter without its translations: a sign-up only needs its
    dates and rules (a page rendered after all loads a translation on demand)."""
    try:
        return Letter.objects.published().get(slug=slug)
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None


def letter_public_id(*, slug: str) -> int:
    """The id of the published letter at ``slug`` (one indexed query), or Http404."""
    letter_id = (
        Letter.objects.published().filter(slug=slug).values_list("pk", flat=True)
    ).first()
    if letter_id is None:
        raise Http404("No such letter.")
    return letter_id


def update_list_public(*, letter: Letter | None = None, limit: int | None = None):
    """Published updates, newest first: of one letter, or of all published ones."""
    updates = Update.objects.published().exclude(letter__status=PublicationStatus.DRAFT)
    if letter is None:
        updates = updates.select_related("letter").prefetch_related(
            "translations", "letter__translations"
        )
        return updates[:limit] if limit else updates
    # One letter's updates: reuse the letter already loaded (its translations too)
    # instead of reading it and its translations again.
    rows = list(
        updates.filter(letter=letter).prefetch_related("translations")[:limit]
        if limit
        else updates.filter(letter=letter).prefetch_related("translations")
    )
    for update in rows:
        update.letter = letter
    return rows
