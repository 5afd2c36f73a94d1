"""Writes for letters and recommendations."""

import datetime

from cms.models import CMSPlugin, Placeholder
from cms.plugin_pool import plugin_pool
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from djangocms_versioning.constants import DRAFT
from djangocms_versioning.models import Version

from .canonical import text_hash
from .events import letter_version_published
from .models import (
    Letter,
    LetterContent,
    LetterPluginModel,
    PublicationStatus,
    Recommendation,
    RecommendationStatusChange,
    RecommendationText,
    Update,
    UpdateContent,
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


def campaign_content_changed() -> None:
    """Invalidate caches once the current transaction commits (now, outside one)."""
    transaction.on_commit(campaign_plugin_cache_invalidate)


SYSTEM_USERNAME = "campaign-system"


def system_user():
    """The documented account that owns versions made by code (migrations, demo).

    It cannot log in: no usable password and inactive (docs/decisions.md).
    """
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


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
    created_by=None,
    **letter_fields,
) -> Letter:
    """Create a letter with a draft version of its text in one language."""
    letter = Letter(
        slug=slug,
        goal=goal,
        requires_approval=requires_approval,
        allow_individuals=allow_individuals,
        **letter_fields,
    )
    letter.full_clean()
    letter.save()
    letter_content_create(
        letter=letter,
        language=language,
        title=title,
        recipient=recipient,
        sender=sender,
        summary=summary,
        body=body,
        created_by=created_by,
    )
    campaign_content_changed()
    return letter


@transaction.atomic
def letter_content_create(
    *,
    letter: Letter,
    language: str,
    title: str,
    recipient: str,
    sender: str = "",
    summary: str = "",
    body: str = "",
    recommendations: dict[int, tuple[str, str]] | None = None,
    created_by=None,
) -> LetterContent:
    """Add a draft of the letter's text in a language it has no version in yet.

    ``recommendations`` maps a recommendation's number to its (title, body) in
    this language; a number the letter has no recommendation for creates one.
    """
    user = created_by or system_user()
    content = LetterContent.objects.with_user(user).create(
        letter=letter,
        language=language,
        title=title,
        recipient=recipient,
        sender=sender,
        summary=summary,
        body=body,
    )
    for number, (rec_title, rec_body) in (recommendations or {}).items():
        recommendation_text_set(
            content=content, number=number, title=rec_title, body=rec_body
        )
    return content


@transaction.atomic
def recommendation_text_set(
    *, content: LetterContent, number: int, title: str, body: str = ""
) -> RecommendationText:
    """Set a recommendation's wording in a draft version (creating it if new)."""
    version = Version.objects.get_for_content(content)
    if version.state != DRAFT:
        raise ValueError("Only a draft version of a letter can be edited.")
    recommendation, _created = Recommendation.objects.get_or_create(
        letter_id=content.letter_id, number=number
    )
    text, _created = RecommendationText.objects.update_or_create(
        content=content,
        recommendation=recommendation,
        defaults={"title": title, "body": body},
    )
    content.__dict__.pop("_recommendation_text_map", None)
    return text


@transaction.atomic
def recommendation_text_remove(*, content: LetterContent, number: int) -> int:
    """Drop a recommendation from a draft version (earlier versions keep it)."""
    version = Version.objects.get_for_content(content)
    if version.state != DRAFT:
        raise ValueError("Only a draft version of a letter can be edited.")
    deleted, _ = RecommendationText.objects.filter(
        content=content, recommendation__number=number
    ).delete()
    content.__dict__.pop("_recommendation_text_map", None)
    return deleted


def content_publish(*, content, user=None) -> Version:
    """Publish a draft version (letter or update text) as ``user``."""
    version = Version.objects.get_for_content(content)
    version.publish(user or system_user())
    return version


def content_unpublish(*, content, user=None) -> Version:
    """Withdraw a published version from the site (it can be published again)."""
    version = Version.objects.get_for_content(content)
    version.unpublish(user or system_user())
    return version


def content_new_draft(*, content, user=None):
    """A new draft copied from ``content``'s version (the existing draft if any)."""
    version = Version.objects.get_for_content(content)
    draft = version.get_latest_draft_version() if version.state != DRAFT else version
    if draft is not None and draft.state == DRAFT:
        return draft.content
    with transaction.atomic():
        return version.copy(user or system_user()).content


def letter_content_copy(original: LetterContent) -> LetterContent:
    """Copy a letter's text and its recommendations' wording into a new version.

    The new version starts as a correction with no note: the editor says what it
    is before publishing it.
    """
    fields = {
        field.name: getattr(original, field.name)
        for field in LetterContent._meta.fields
        if field.name not in ("id", "change_kind", "change_note", "text_hash")
    }
    new = LetterContent._original_manager.create(**fields)
    RecommendationText.objects.bulk_create(
        RecommendationText(
            content=new,
            recommendation_id=text.recommendation_id,
            title=text.title,
            body=text.body,
        )
        for text in original.recommendation_texts.all()
    )
    return new


@transaction.atomic
def letter_sync_publication(*, letter_id: int) -> Letter:
    """Mirror which languages of a letter have a published version on the letter."""
    letter = Letter.objects.select_for_update().get(pk=letter_id)
    rows = LetterContent.objects.filter(letter_id=letter_id).values_list(
        "language", "pk", "text_hash"
    )
    texts = {language: [pk, digest] for language, pk, digest in sorted(rows)}
    languages = sorted(texts)
    status = PublicationStatus.PUBLISHED if languages else PublicationStatus.DRAFT
    if (languages, texts, status) != (
        letter.published_languages,
        letter.published_texts,
        letter.status,
    ):
        letter.published_languages, letter.published_texts = languages, texts
        letter.status = status
        letter.save(
            update_fields=[
                "published_languages",
                "published_texts",
                "status",
                "updated_at",
            ]
        )
    campaign_content_changed()
    return letter


@transaction.atomic
def update_sync_publication(*, update_id: int) -> Update:
    """Mirror whether an update has a published version in any language."""
    update = Update.objects.select_for_update().get(pk=update_id)
    published = UpdateContent.objects.filter(update_id=update_id).exists()
    status = PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT
    if status != update.status:
        update.status = status
        update.save(update_fields=["status"])
    campaign_content_changed()
    return update


def letter_content_seal(*, content: LetterContent) -> str:
    """Store the hash of a version's canonical text; call as it is published.

    A published version is never edited (a change is a new version), so the hash
    stored here is what every signature made against it carries.
    """
    content.text_hash = text_hash(content)
    LetterContent._original_manager.filter(pk=content.pk).update(
        text_hash=content.text_hash
    )
    return content.text_hash


def on_letter_content_publish(version: Version) -> None:
    content = version.content
    letter_content_seal(content=content)
    letter_sync_publication(letter_id=content.letter_id)
    previous = (
        Version.objects.filter(
            content_type=version.content_type,
            object_id__in=LetterContent._original_manager.filter(
                letter_id=content.letter_id, language=content.language
            ).values("pk"),
            pk__lt=version.pk,
        )
        .exclude(state=DRAFT)
        .exists()
    )
    letter_version_published.send(
        sender=LetterContent, content=content, version=version, is_first=not previous
    )


def on_letter_content_unpublish(version: Version) -> None:
    letter_sync_publication(letter_id=version.content.letter_id)


def on_update_content_publish(version: Version) -> None:
    update_sync_publication(update_id=version.content.update_id)


def on_update_content_unpublish(version: Version) -> None:
    update_sync_publication(update_id=version.content.update_id)


def letter_content_preview_url(content: LetterContent) -> str:
    return reverse("letter-preview", kwargs={"content_id": content.pk})


def update_content_preview_url(content: UpdateContent) -> str:
    return reverse("update-preview", kwargs={"content_id": content.pk})


@transaction.atomic
def update_create(
    *,
    language: str,
    title: str,
    body: str = "",
    letter: Letter | None = None,
    published_on: datetime.date | None = None,
    created_by=None,
) -> Update:
    """Create an update with a draft of its text in one language."""
    update = Update.objects.create(
        letter=letter, published_on=published_on or timezone.localdate()
    )
    update_content_create(
        update=update, language=language, title=title, body=body, created_by=created_by
    )
    campaign_content_changed()
    return update


def update_content_create(
    *, update: Update, language: str, title: str, body: str = "", created_by=None
) -> UpdateContent:
    """Add a draft of an update's text in a language it has no version in yet."""
    return UpdateContent.objects.with_user(created_by or system_user()).create(
        update=update, language=language, title=title, body=body
    )


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
def letters_unpublish(*, letter_ids, user=None) -> int:
    """Take letters off the site in every language; return how many changed.

    Each published version is unpublished through djangocms-versioning, so its
    hooks keep the letter's mirror and the caches in step.
    """
    changed = 0
    letters = Letter.objects.select_for_update().filter(pk__in=list(letter_ids))
    for letter in letters.order_by("pk"):
        contents = list(LetterContent.objects.filter(letter=letter))
        for content in contents:
            content_unpublish(content=content, user=user)
        changed += bool(contents)
    return changed
