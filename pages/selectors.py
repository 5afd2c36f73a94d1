"""Reads for the public site. Drafts are visible to staff only."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import get_language

from .models import (
    Delivery,
    Letter,
    PublicationStatus,
    Recommendation,
    RecommendationStatusChange,
    Response,
    Update,
)


def letter_list_public() -> QuerySet[Letter]:
    return Letter.objects.published().prefetch_related("translations")


def letter_get_public(*, slug: str, include_drafts: bool = False) -> Letter:
    """Return the letter with recommendations prefetched, or raise Http404.

    Everything the page and the API show comes in bulk: the recommendations with
    their status history and responses, the letter's own responses and deliveries
    (``recommendation_timeline`` and ``letter_timeline`` read these).
    """
    letters = Letter.objects.all() if include_drafts else Letter.objects.published()
    try:
        return letters.prefetch_related(
            "translations",
            Prefetch("recommendations", queryset=_recommendations_with_history()),
            "responses",
            "deliveries",
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


# ---------------------------------------------------------------------------
# The recommendation tracker and the delivery record (issues 15 and 16).
# ---------------------------------------------------------------------------


def _recommendations_with_history() -> QuerySet[Recommendation]:
    return Recommendation.objects.prefetch_related(
        "translations", "history", "responses"
    )


def letter_recommendations_public(*, letter: Letter) -> list[Recommendation]:
    """A letter's recommendations with what their timelines show (for plugins)."""
    recommendations = list(_recommendations_with_history().filter(letter=letter))
    for recommendation in recommendations:
        recommendation.letter = letter
    return recommendations


@dataclass(frozen=True)
class TimelineEvent:
    """One dated entry of a public timeline.

    ``kind`` is "status" (``item`` a RecommendationStatusChange), "response" (a
    Response; ``text`` is its text for the reader and ``language`` the language of
    that text) or "delivery" (a Delivery).
    """

    date: datetime.date
    kind: str
    item: RecommendationStatusChange | Response | Delivery
    text: str = ""
    language: str = ""


def _response_event(response: Response, language: str) -> TimelineEvent:
    text, shown_in = response.text_in(language)
    return TimelineEvent(response.date, "response", response, text, shown_in)


def _in_order(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """Oldest first; entries of one day in the order they were recorded."""

    def key(event: TimelineEvent):
        item = event.item
        recorded = getattr(item, "recorded_at", None) or item.created_at
        return (event.date, recorded, item.pk)

    return sorted(events, key=key)


def recommendation_timeline(
    *, recommendation: Recommendation, language: str | None = None
) -> list[TimelineEvent]:
    """A recommendation's status changes and the target's responses, oldest first.

    Reads the prefetched history and responses when the recommendation came
    through ``letter_get_public`` (no query then).
    """
    language = language or get_language()
    events = [
        TimelineEvent(change.changed_on, "status", change)
        for change in recommendation.history.all()
    ]
    events += [_response_event(r, language) for r in recommendation.responses.all()]
    return _in_order(events)


def letter_timeline(
    *, letter: Letter, language: str | None = None
) -> list[TimelineEvent]:
    """The letter's deliveries and the target's replies to it as a whole, oldest first.

    Responses to single recommendations are in their ``recommendation_timeline``.
    Reads the prefetched rows when the letter came through ``letter_get_public``.
    """
    language = language or get_language()
    events = [
        TimelineEvent(delivery.date, "delivery", delivery)
        for delivery in letter.deliveries.all()
    ]
    events += [
        _response_event(response, language)
        for response in letter.responses.all()
        if response.recommendation_id is None
    ]
    return _in_order(events)


def delivery_file_public(
    *, slug: str, delivery_id: int, include_unlisted: bool = False
) -> Delivery:
    """A delivery's file readers may open (editors: any), or Http404.

    Public: a published letter's delivery whose file an editor chose to show.
    """
    deliveries = Delivery.objects.select_related("letter").exclude(file="")
    if not include_unlisted:
        deliveries = deliveries.filter(
            file_public=True, letter__status=PublicationStatus.PUBLISHED
        )
    delivery = deliveries.filter(pk=delivery_id, letter__slug=slug).first()
    if delivery is None:
        raise Http404("No such file.")
    return delivery
