"""Writes for letters and recommendations."""

import datetime
from functools import partial

from cms.models import CMSPlugin, Placeholder
from cms.plugin_pool import plugin_pool
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .caching import letter_cache_bump
from .models import (
    Delivery,
    Letter,
    LetterPluginModel,
    PublicationStatus,
    Recommendation,
    RecommendationStatus,
    RecommendationStatusChange,
    Response,
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
