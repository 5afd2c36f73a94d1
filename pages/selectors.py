"""Reads for the public site. Drafts are visible to staff only."""

from django.db.models import Prefetch
from django.http import Http404
from djangocms_versioning.constants import ARCHIVED, DRAFT, PUBLISHED, UNPUBLISHED
from djangocms_versioning.models import Version

from .models import (
    Letter,
    LetterContent,
    Recommendation,
    RecommendationText,
    Update,
    UpdateContent,
)


def _published_letter_contents():
    texts = RecommendationText.objects.select_related("recommendation")
    return LetterContent.objects.prefetch_related(
        Prefetch("recommendation_texts", queryset=texts)
    )


def _attach_contents(records, attribute: str) -> None:
    for record in records:
        record.set_published_contents(getattr(record, attribute))


def letter_list_public() -> list[Letter]:
    letters = list(
        Letter.objects.published().prefetch_related(
            Prefetch(
                "contents", queryset=LetterContent.objects.all(), to_attr="published"
            )
        )
    )
    _attach_contents(letters, "published")
    return letters


def letter_get_public(*, slug: str, include_drafts: bool = False) -> Letter:
    """The letter with its published texts and recommendations, or Http404.

    With ``include_drafts`` (staff), a letter with no published version yet shows
    its latest draft instead.
    """
    letters = Letter.objects.all() if include_drafts else Letter.objects.published()
    recommendations = Recommendation.objects.prefetch_related("history")
    try:
        letter = letters.prefetch_related(
            Prefetch(
                "contents", queryset=_published_letter_contents(), to_attr="published"
            ),
            Prefetch("recommendations", queryset=recommendations),
        ).get(slug=slug)
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None
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
            .prefetch_related(
                Prefetch(
                    "contents",
                    queryset=LetterContent.objects.all(),
                    to_attr="published",
                )
            )
            .get(slug=slug)
        )
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None
    letter.set_published_contents(letter.published)
    return letter


def letter_get_public_by_id(*, letter_id: int) -> Letter | None:
    """The published letter with this id and its translations, or None."""
    return (
        Letter.objects.published()
        .prefetch_related("translations")
        .filter(pk=letter_id)
        .first()
    )


def letter_get_for_signing(*, slug: str) -> Letter:
    """The published letter without its text: a sign-up only needs its dates and
    rules (a page rendered after all loads the text on demand)."""
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


def letter_versions_public(*, letter: Letter, language: str) -> list[dict]:
    """The published history of a letter's text in ``language``, newest first.

    Every version that was ever published (the current one and archived or
    unpublished ones that had been public), with its number and dates.
    """
    contents = LetterContent._original_manager.filter(letter=letter, language=language)
    versions = (
        Version.objects.filter(
            content_type__app_label="pages",
            content_type__model="lettercontent",
            object_id__in=contents.values("pk"),
            state__in=(PUBLISHED, ARCHIVED, UNPUBLISHED),
        )
        .exclude(state=DRAFT)
        .order_by("-pk")
    )
    by_id = {c.pk: c for c in contents}
    rows = []
    for version in versions:
        content = by_id.get(version.object_id)
        if content is None:
            continue
        rows.append({"version": version, "content": content})
    return rows


def update_list_public(*, letter: Letter | None = None, limit: int | None = None):
    """Published updates, newest first: of one letter, or of all published ones."""
    updates = (
        Update.objects.published()
        .exclude(letter__status="draft")
        .prefetch_related(
            Prefetch(
                "contents", queryset=UpdateContent.objects.all(), to_attr="published"
            )
        )
    )
    if letter is None:
        rows = list(updates.select_related("letter")[:limit] if limit else updates)
    else:
        # One letter's updates: reuse the letter already loaded (its text too).
        scoped = updates.filter(letter=letter)
        rows = list(scoped[:limit] if limit else scoped)
        for update in rows:
            update.letter = letter
    _attach_contents(rows, "published")
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
