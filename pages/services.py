"""Writes for letters and recommendations."""

import datetime
from functools import partial

from cms.models import CMSPlugin, Placeholder
from cms.plugin_pool import plugin_pool
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from djangocms_versioning.constants import DRAFT
from djangocms_versioning.models import Version

from .caching import letter_cache_bump
from .canonical import text_hash
from .events import letter_version_published
from .models import (
    Delivery,
    Letter,
    LetterContent,
    LetterPluginModel,
    PublicationStatus,
    Recommendation,
    RecommendationStatus,
    RecommendationStatusChange,
    RecommendationText,
    Response,
    Update,
    UpdateContent,
    UpdatesPluginModel,
)
from .uploads import delivery_file_stripped


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
            content=content,
            number=number,
            title=rec_title,
            body=rec_body,
        )
    return content


@transaction.atomic
def recommendation_text_set(
    *,
    content: LetterContent,
    number: int,
    title: str,
    body: str = "",
) -> RecommendationText:
    """Set a recommendation's wording in a draft version (creating it if new).

    A new recommendation starts as proposed with an empty tracker history.
    """
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
    """Record a status change: one history entry and the new current status.

    The only writer of a recommendation's status (the admin shows it read-only and
    records changes through here). The status it already has records nothing; a
    change dated in the future or before the last recorded one is refused
    (ValidationError), so the history always ends with the current status.
    """
    if status not in RecommendationStatus.values:
        raise ValueError(f"Unknown recommendation status: {status!r}")
    changed_on = changed_on or timezone.localdate()
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if locked.status == status:
        return locked
    recommendation_status_change_check(
        recommendation=locked, status=status, changed_on=changed_on
    )
    RecommendationStatusChange.objects.create(
        recommendation=locked, status=status, changed_on=changed_on
    )
    Recommendation.objects.filter(pk=locked.pk).update(
        status=status, status_changed_on=changed_on
    )
    locked.status, locked.status_changed_on = status, changed_on
    _tracker_changed(locked.letter_id)
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


# ---------------------------------------------------------------------------
# The recommendation tracker and the delivery record (issues 15 and 16).
# ---------------------------------------------------------------------------


def _tracker_changed(*letter_ids: int) -> None:
    """Refresh the letter's cached page and plugins once the transaction commits.

    The page version is also moved by the post_save receivers (pages.caching), but
    inside the transaction: a reader could cache the old page under the new version
    before the commit. Moving it again after the commit closes that window.
    """
    campaign_content_changed()
    for letter_id in set(letter_ids):
        transaction.on_commit(partial(letter_cache_bump, letter_id))


def recommendation_status_change_check(
    *, recommendation: Recommendation, status: str, changed_on: datetime.date
) -> None:
    """Raise ValidationError (keys ``status``, ``changed_on``) for a change refused."""
    errors: dict[str, str] = {}
    if status == recommendation.status:
        errors["status"] = _("The recommendation already has this status.")
    if changed_on > timezone.localdate():
        errors["changed_on"] = _("The date cannot be in the future.")
    elif recommendation.pk:
        last = (
            RecommendationStatusChange.objects.filter(recommendation=recommendation)
            .order_by("-changed_on")
            .values_list("changed_on", flat=True)
            .first()
        )
        if last is not None and changed_on < last:
            errors["changed_on"] = _(
                "The last recorded change is dated %(date)s: a new one cannot be "
                "dated earlier."
            ) % {"date": date_format(last)}
    if errors:
        raise ValidationError(errors)


def _text_translations(translations: dict[str, str] | None, language: str) -> dict:
    # Blank translations and one into the original's own language say nothing.
    return {
        code: text.strip()
        for code, text in (translations or {}).items()
        if code != language and text and text.strip()
    }


@transaction.atomic
def response_add(
    *,
    letter: Letter,
    recommendation: Recommendation | None = None,
    date: datetime.date,
    text: str,
    language: str,
    evidence_url: str = "",
    text_translations: dict[str, str] | None = None,
) -> Response:
    """Add a response of the target, to a recommendation or (None) the whole letter.

    Raises ValidationError for a recommendation of another letter, a date in the
    future, an unknown language or a link that is not http(s).
    """
    response = Response(
        letter=letter,
        recommendation=recommendation,
        date=date,
        text=text.strip(),
        language=language,
        evidence_url=evidence_url,
        text_translations=_text_translations(text_translations, language),
    )
    response.full_clean()
    response.save()
    _tracker_changed(letter.pk)
    return response


@transaction.atomic
def response_update(
    *,
    response_id: int,
    letter: Letter,
    recommendation: Recommendation | None,
    date: datetime.date,
    text: str,
    language: str,
    evidence_url: str,
    text_translations: dict[str, str] | None,
) -> Response:
    """Correct a recorded response (same checks as ``response_add``)."""
    response = Response.objects.select_for_update().get(pk=response_id)
    old_letter_id = response.letter_id
    response.letter, response.recommendation = letter, recommendation
    response.date, response.text, response.language = date, text.strip(), language
    response.evidence_url = evidence_url
    response.text_translations = _text_translations(text_translations, language)
    response.full_clean()
    response.save()
    _tracker_changed(old_letter_id, letter.pk)
    return response


@transaction.atomic
def response_delete(*, response_id: int) -> None:
    """Delete a response (a mistaken entry); nothing if it is gone already."""
    response = Response.objects.filter(pk=response_id).first()
    if response is None:
        return
    response.delete()
    _tracker_changed(response.letter_id)


def _delivery_file_set(delivery: Delivery, file: UploadedFile) -> None:
    """Validate the upload (ValidationError on ``file``) and keep a lean copy."""
    delivery.file = file
    delivery.full_clean()
    stripped = delivery_file_stripped(file)
    if stripped is not None:
        delivery.file = stripped


def _file_delete_on_commit(delivery: Delivery, name: str) -> None:
    if name:
        transaction.on_commit(partial(delivery.file.storage.delete, name))


@transaction.atomic
def delivery_record(
    *,
    letter: Letter,
    date: datetime.date,
    recipient: str,
    channel: str,
    file: UploadedFile | None = None,
    file_public: bool = False,
    note: str = "",
) -> Delivery:
    """Record that the letter was delivered: when, to whom and how.

    An uploaded file is checked (PDF, JPEG or PNG, size, content: ValidationError)
    and a photo is stored re-encoded, without its metadata.
    """
    delivery = Delivery(
        letter=letter,
        date=date,
        recipient=recipient.strip(),
        channel=channel,
        file_public=file_public,
        note=note,
    )
    if file:
        _delivery_file_set(delivery, file)
    else:
        delivery.full_clean()
    delivery.save()
    _tracker_changed(letter.pk)
    return delivery


@transaction.atomic
def delivery_update(
    *,
    delivery_id: int,
    letter: Letter,
    date: datetime.date,
    recipient: str,
    channel: str,
    file: UploadedFile | None = None,
    file_clear: bool = False,
    file_public: bool,
    note: str,
) -> Delivery:
    """Correct a delivery record; a new file (or ``file_clear``) drops the old one."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    old_letter_id, old_file = delivery.letter_id, delivery.file.name
    delivery.letter, delivery.date, delivery.channel = letter, date, channel
    delivery.recipient, delivery.note = recipient.strip(), note
    delivery.file_public = file_public
    if file:
        _delivery_file_set(delivery, file)
    else:
        if file_clear:
            delivery.file = ""
        delivery.full_clean()
    delivery.save()
    if old_file and old_file != delivery.file.name:
        _file_delete_on_commit(delivery, old_file)
    _tracker_changed(old_letter_id, letter.pk)
    return delivery


@transaction.atomic
def delivery_delete(*, delivery_id: int) -> None:
    """Delete a delivery record and its file; nothing if it is gone already."""
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return
    name = delivery.file.name
    delivery.delete()
    _file_delete_on_commit(delivery, name)
    _tracker_changed(delivery.letter_id)
