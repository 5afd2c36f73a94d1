"""Writes for letters and recommendations."""

import datetime

from cms.models import CMSPlugin, Placeholder
from cms.plugin_pool import plugin_pool
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import (
    Letter,
    LetterPluginModel,
    PublicationStatus,
    Recommendation,
    RecommendationStatusChange,
    UpdatesPluginModel,
)


def _campaign_plugin_types() -> list[str]:
    """Plugin types that render letters, recommendations or updates (any app's)."""
    return [
        plugin.__name__
        for plugin in plugin_pool.get_all_plugins()
        if plugin.model
        and issubclass(plugin.model, LetterPluginModel | UpdatesPluginModel)
    ]


def campaign_plugin_cache_invalidate() -> int:
    """Drop the cached renderings of every placeholder that shows campaign content.

    django CMS caches a placeholder's HTML per language (and, with the page cache,
    whole pages); it cannot know that a letter changed under a plugin, so a teaser
    would outlive an unpublished letter. Returns how many placeholders were cleared.
    """
    placeholder_ids = (
        CMSPlugin.objects.filter(plugin_type__in=_campaign_plugin_types())
        .values_list("placeholder_id", flat=True)
        .distinct()
    )
    placeholders = list(Placeholder.objects.filter(pk__in=list(placeholder_ids)))
    for placeholder in placeholders:
        for language, _name in settings.LANGUAGES:
            placeholder.clear_cache(language)
    return len(placeholders)


def letter_plugin_cache_invalidate(*, letter_id: int) -> int:
    """Drop the cached renderings of the placeholders that show one letter.

    For changes that only touch what a letter's plugins show, such as its public
    count on a teaser (``signatories`` calls this on commit when the count moves).
    Returns how many placeholders were cleared.
    """
    shown = set(
        LetterPluginModel.objects.filter(letter_id=letter_id).values_list(
            "placeholder_id", "language"
        )
    )
    placeholders = Placeholder.objects.in_bulk({pk for pk, _language in shown})
    for placeholder_id, language in sorted(shown):
        if placeholder_id in placeholders:
            # A placeholder holds one language's plugins: clear only that one.
            placeholders[placeholder_id].clear_cache(language)
    return len(placeholders)


def campaign_content_changed() -> None:
    """Invalidate caches once the current transaction commits (now, outside one)."""
    transaction.on_commit(campaign_plugin_cache_invalidate)


@transaction.atomic
def letter_create(
    *,
    slug: str,
    language: str,
    title: str,
    recipient: str,
    sender: str = "",
    summary: str = "",
    body: str = "",
    goal: int = 100,
    requires_approval: bool = False,
    allow_individuals: bool = False,
) -> Letter:
    """Create a draft letter with its text in one language."""
    letter = Letter(
        slug=slug,
        goal=goal,
        requires_approval=requires_approval,
        allow_individuals=allow_individuals,
    )
    letter.set_current_language(language)
    letter.title, letter.recipient, letter.sender = title, recipient, sender
    letter.summary, letter.body = summary, body
    letter.full_clean()
    letter.save()
    campaign_content_changed()
    return letter


@transaction.atomic
def recommendation_set_status(
    *,
    recommendation: Recommendation,
    status: str,
    changed_on: datetime.date | None = None,
) -> Recommendation:
    """Set the status and record it in the history; the same status twice is a no-op."""
    changed_on = changed_on or timezone.localdate()
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    # Compare with the history too: the admin has already saved the new status on
    # the row when it calls this, so the row alone would make every change a no-op.
    last = locked.history.order_by("-pk").first()
    if locked.status == status and last is not None and last.status == status:
        return locked
    RecommendationStatusChange.objects.create(
        recommendation=locked, status=status, changed_on=changed_on
    )
    Recommendation.objects.filter(pk=locked.pk).update(
        status=status, status_changed_on=changed_on
    )
    locked.status, locked.status_changed_on = status, changed_on
    campaign_content_changed()
    return locked


@transaction.atomic
def letters_set_status(*, letter_ids, status: str) -> int:
    """Publish or return letters to draft; return how many changed.

    Each letter is saved (not a bulk update) so that its save signals run.
    """
    if status not in PublicationStatus.values:
        raise ValueError(f"Unknown publication status: {status!r}")
    letters = (
        Letter.objects.select_for_update()
        .filter(pk__in=list(letter_ids))
        .exclude(status=status)
        .order_by("pk")
    )
    changed = 0
    for letter in letters:
        letter.status = status
        letter.save(update_fields=["status", "updated_at"])
        changed += 1
    if changed:
        campaign_content_changed()
    return changed
