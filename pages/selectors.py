"""Reads for the public site. Drafts are visible to staff only."""

import copy
import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import translation
from django.utils.translation import get_language
from djangocms_versioning.constants import DRAFT, PUBLISHED, UNPUBLISHED
from djangocms_versioning.models import StateTracking, Version

from .models import (
    Delivery,
    Letter,
    LetterContent,
    PublicationStatus,
    Recommendation,
    RecommendationStatusChange,
    RecommendationText,
    Response,
    Update,
    UpdateContent,
)


def _published_letter_contents():
    texts = RecommendationText.objects.select_related("recommendation")
    return LetterContent.objects.prefetch_related(
        Prefetch("recommendation_texts", queryset=texts)
    )


def _published_texts(queryset=None) -> Prefetch:
    """Prefetch a letter's (or an update's) published texts as ``.published``."""
    return Prefetch(
        "contents",
        queryset=queryset if queryset is not None else LetterContent.objects.all(),
        to_attr="published",
    )


def _attach_contents(records) -> None:
    for record in records:
        record.set_published_contents(record.published)


def letter_list_public() -> list[Letter]:
    letters = list(Letter.objects.published().prefetch_related(_published_texts()))
    _attach_contents(letters)
    return letters


def letter_get_public(*, slug: str, include_drafts: bool = False) -> Letter:
    """The letter with its published texts and recommendations, or Http404.

    Everything the page and the API show comes in bulk: the published texts, the
    recommendations with their status history and responses, the letter's own
    responses and deliveries (``recommendation_timeline`` and ``letter_timeline``
    read these). With ``include_drafts`` (staff), a letter with no published
    version yet shows its latest draft instead.
    """
    letters = Letter.objects.all() if include_drafts else Letter.objects.published()
    try:
        letter = letters.prefetch_related(
            _published_texts(_published_letter_contents()),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.prefetch_related("history"),
            ),
            "responses",
            "deliveries",
        ).get(slug=slug)
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None
    # One read of the letter's responses serves its recommendations' timelines too.
    by_recommendation = {}
    for response in letter.responses.all():
        by_recommendation.setdefault(response.recommendation_id, []).append(response)
    for recommendation in letter.recommendations.all():
        recommendation._prefetched_objects_cache["responses"] = by_recommendation.get(
            recommendation.pk, []
        )
    contents = letter.published
    if not contents and include_drafts:
        contents = list(
            LetterContent.admin_manager.latest_content()
            .filter(letter=letter)
            .prefetch_related("recommendation_texts")
        )
    letter.set_published_contents(contents)
    return letter


def letter_get_public_plain(*, slug: str) -> Letter:
    """The published letter with its published texts only (for pages about it)."""
    try:
        letter = (
            Letter.objects.published()
            .prefetch_related(_published_texts())
            .get(slug=slug)
        )
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None
    letter.set_published_contents(letter.published)
    return letter


def letter_get_public_by_id(*, letter_id: int) -> Letter | None:
    """The published letter with this id and its published texts, or None."""
    letter = (
        Letter.objects.published()
        .prefetch_related(_published_texts())
        .filter(pk=letter_id)
        .first()
    )
    if letter is not None:
        letter.set_published_contents(letter.published)
    return letter


# Sign-ups read a letter's rules from a copy kept per process for a moment: during
# a rush every sign-up would otherwise read the same row. Anything that moves the
# letter's cache version clears this process's copies at once (pages.caching); other
# processes see a change within SIGNING_LETTER_SECONDS. Being a second late is
# harmless: a sign-up accepted just after signing closed stays pending, because no
# confirmation request goes out for a closed letter (signatories.emails).
_signing_letters: dict[str, tuple[float, Letter | None]] = {}


def signing_letters_forget() -> None:
    """Drop this process's copies of letters kept for signing."""
    _signing_letters.clear()


def letter_get_for_signing(*, slug: str) -> Letter:
    """The published letter without its text: a sign-up only needs its dates and
    rules (a page rendered after all loads the text on demand). Each caller gets a
    copy of its own."""
    now = time.monotonic()
    kept = _signing_letters.get(slug)
    if kept is None or kept[0] < now:
        letter = Letter.objects.published().filter(slug=slug).first()
        kept = (now + settings.SIGNING_LETTER_SECONDS, letter)
        if settings.SIGNING_LETTER_SECONDS > 0:
            if len(_signing_letters) > 1000:  # slugs are few; guessed ones are not
                _signing_letters.clear()
            _signing_letters[slug] = kept
    if kept[1] is None:
        raise Http404("No such letter.")
    return copy.copy(kept[1])


def letter_public_id(*, slug: str) -> int:
    """The id of the published letter at ``slug`` (one indexed query), or Http404."""
    letter_id = (
        Letter.objects.published().filter(slug=slug).values_list("pk", flat=True)
    ).first()
    if letter_id is None:
        raise Http404("No such letter.")
    return letter_id


def letter_content_for_preview(*, content_id: int) -> LetterContent:
    """Any version of a letter's text (staff preview), or Http404."""
    content = (
        LetterContent.admin_manager.select_related("letter")
        .prefetch_related("recommendation_texts__recommendation")
        .filter(pk=content_id)
        .first()
    )
    if content is None:
        raise Http404("No such version.")
    return content


# States of versions that were public at some point: djangocms-versioning moves a
# version to UNPUBLISHED only from PUBLISHED, and archives only drafts.
PUBLIC_VERSION_STATES = (PUBLISHED, UNPUBLISHED)


@dataclass
class PublicVersion:
    """One once-published version of a letter's text, for its public page."""

    letter: Letter
    content: LetterContent
    number: int
    published_at: datetime.datetime
    is_current: bool
    current: LetterContent | None


def _letter_content_type() -> ContentType:
    return ContentType.objects.get_for_model(LetterContent)


def letter_version_public(
    *, letter_id: int, language: str, number: int
) -> PublicVersion:
    """Version ``number`` of a published letter's text in ``language``, or Http404.

    ``letter_id`` is a published letter's (``letter_public_id``).

    Only versions that were published at some point are public; a draft, or a
    draft that was discarded (archived) without being published, is not. Also
    loads the current published text in that language (for the diff).
    """
    first_published = (
        StateTracking.objects.filter(version=OuterRef("pk"), new_state=PUBLISHED)
        .values("version")
        .annotate(first=Min("date"))
        .values("first")
    )
    version = (
        Version.objects.filter(
            content_type=_letter_content_type(),
            object_id__in=LetterContent._original_manager.filter(
                letter_id=letter_id, language=language
            ).values("pk"),
            number=str(number),
            state__in=PUBLIC_VERSION_STATES,
        )
        .annotate(first_published=Subquery(first_published))
        .first()
    )
    if version is None:
        raise Http404("No such version.")
    # The version's text and the current published one, in one query (plus the
    # recommendation wording of both).
    texts = RecommendationText.objects.select_related("recommendation")
    contents = list(
        LetterContent._original_manager.filter(letter_id=letter_id, language=language)
        .filter(Q(pk=version.object_id) | Q(versions__state=PUBLISHED))
        .select_related("letter")
        .prefetch_related(Prefetch("recommendation_texts", queryset=texts))
        .distinct()
    )
    content = next(c for c in contents if c.pk == version.object_id)
    current = next((c for c in contents if c.pk != version.object_id), None)
    is_current = version.state == PUBLISHED
    return PublicVersion(
        letter=content.letter,
        content=content,
        number=int(version.number),
        # Versions moved in by a data migration have no state history.
        published_at=version.first_published or version.created,
        is_current=is_current,
        current=content if is_current else current,
    )


def letter_menu_entries(*, language: str) -> list[tuple[int, str, str]]:
    """(letter id, title, URL) of every published letter, as the letter list has them.

    One query: the published texts with their letters. A letter shows in
    ``language`` or, failing that, in its fallback (as on its page).
    """
    from .languages import fallback_chain

    by_letter: dict[int, dict[str, LetterContent]] = {}
    contents = LetterContent.objects.select_related("letter").order_by(
        "-letter__published_on", "-letter__pk"
    )
    for content in contents:
        by_letter.setdefault(content.letter_id, {})[content.language] = content
    entries = []
    with translation.override(language):
        for letter_id, texts in by_letter.items():
            code = next((c for c in fallback_chain(language) if c in texts), None)
            content = texts[code] if code else next(iter(texts.values()))
            url = content.letter.get_absolute_url()
            if url:
                entries.append((letter_id, content.title, url))
    return entries


def letter_draft_content(
    *, letter: Letter, language: str | None = None
) -> LetterContent | None:
    """The draft of a letter's text in ``language`` (else in any language), or None."""
    drafts = LetterContent.admin_manager.filter(
        letter=letter, versions__state=DRAFT
    ).order_by("pk")
    if language:
        return drafts.filter(language=language).first() or drafts.first()
    return drafts.first()


def letter_content_is_published(*, content: LetterContent) -> bool:
    """Whether this version of a letter's text is the one readers see."""
    return LetterContent.objects.filter(pk=content.pk).exists()


def update_list_public(*, letter: Letter | None = None, limit: int | None = None):
    """Published updates, newest first: of one letter, or of all published ones."""
    updates = (
        Update.objects.published()
        .exclude(letter__status="draft")
        .prefetch_related(_published_texts(UpdateContent.objects.all()))
    )
    if letter is None:
        rows = list(updates.select_related("letter")[:limit] if limit else updates)
    else:
        # One letter's updates: reuse the letter already loaded (its text too).
        scoped = updates.filter(letter=letter)
        rows = list(scoped[:limit] if limit else scoped)
        for update in rows:
            update.letter = letter
    _attach_contents(rows)
    return rows


def update_content_for_preview(*, content_id: int) -> UpdateContent:
    content = (
        UpdateContent.admin_manager.select_related("update")
        .filter(pk=content_id)
        .first()
    )
    if content is None:
        raise Http404("No such version.")
    return content


# ---------------------------------------------------------------------------
# The recommendation tracker and the delivery record (issues 15 and 16).
# ---------------------------------------------------------------------------


def _recommendations_with_history() -> QuerySet[Recommendation]:
    return Recommendation.objects.prefetch_related("history", "responses")


def letter_recommendations_public(*, letter: Letter) -> list[Recommendation]:
    """A letter's recommendations with what their timelines show (for plugins)."""
    content = letter.content()
    shown = content.recommendation_text_map() if content is not None else {}
    recommendations = [
        recommendation
        for recommendation in _recommendations_with_history().filter(letter=letter)
        if recommendation.pk in shown  # those the shown version of the text has
    ]
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
