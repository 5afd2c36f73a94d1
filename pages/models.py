"""Published content: letters, their recommendations, and updates.

Letters and updates are stable records whose per-language text lives in content
rows versioned by djangocms-versioning (draft, published, archived); readers see
the published text in their language, else a fallback (``pages.languages``).
"""

import uuid
from pathlib import Path

from cms.models import CMSPlugin
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from djangocms_text.fields import HTMLField

from .uploads import validate_delivery_file

# Slugs that would shadow the letters apphook's own URLs.
RESERVED_SLUGS = frozenset({"updates", "feed", "atom", "rss", "api", "admin", "sign"})


def validate_letter_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another."))


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Records with a published version in at least one language."""
        return self.filter(status=PublicationStatus.PUBLISHED)


class PublishedTextMixin:
    """Text shown to readers: the published content in the active language.

    Falls back through the language's fallbacks (``pages.languages``), then any
    published language. A selector may hand over preloaded contents; otherwise the
    first access reads them once per instance.
    """

    def _published_contents_queryset(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def content(self, language: str | None = None):
        """The published content shown in ``language`` (with fallbacks), or None."""
        from .languages import fallback_chain

        cache = self.__dict__.get("_published_contents")
        if cache is None:
            self.set_published_contents(self._published_contents_queryset())
            cache = self.__dict__["_published_contents"]
        for code in fallback_chain(language or get_language()):
            if code in cache:
                return cache[code]
        return next(iter(cache.values()), None)

    def set_published_contents(self, contents) -> None:
        """Hand over already loaded published contents (a selector's prefetch)."""
        self.__dict__["_published_contents"] = {c.language: c for c in contents}

    def _text(self, field: str) -> str:
        content = self.content()
        return getattr(content, field) if content else ""


class Letter(PublishedTextMixin, models.Model):
    """The stable record of a letter: its address, signing window and rules.

    Its text lives in ``LetterContent`` rows, one per language and version, managed
    by djangocms-versioning (draft, published, archived). ``status`` and
    ``published_languages`` mirror which languages have a published version (and
    ``published_texts`` which version, with its hash); only
    ``pages.services.letter_sync_publication`` writes them, on every publish and
    unpublish, so that reads stay one indexed query.
    """

    slug = models.SlugField(
        _("address"),
        max_length=80,
        unique=True,
        validators=[validate_letter_slug],
        help_text=_("Part of the letter's web address, in Latin letters."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
        editable=False,
    )
    published_languages = models.JSONField(default=list, blank=True, editable=False)
    # Language -> [content id, text hash] of its published version: what a signature
    # made in that language is bound to, with no query per sign-up.
    published_texts = models.JSONField(default=dict, blank=True, editable=False)
    published_on = models.DateField(_("date of the letter"), default=timezone.localdate)
    signing_opens = models.DateTimeField(_("signing opens"), null=True, blank=True)
    signing_closes = models.DateTimeField(_("signing closes"), null=True, blank=True)
    goal = models.PositiveIntegerField(_("signature goal"), default=100)
    requires_approval = models.BooleanField(
        _("signatures need an editor's approval"), default=False
    )
    allow_individuals = models.BooleanField(_("individuals may sign"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        content = self.content()
        if content is None:  # never published: editors know it by its draft
            content = (
                LetterContent.admin_manager.filter(letter=self).order_by("-pk").first()
            )
        return content.title if content else self.slug

    def get_absolute_url(self) -> str:
        try:
            return reverse("letters:letter-detail", kwargs={"slug": self.slug})
        except NoReverseMatch:  # no page carries the letters apphook yet
            return ""

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    def is_published_in(self, language: str) -> bool:
        return language in (self.published_languages or [])

    def is_signing_open(self, *, now=None, language: str | None = None) -> bool:
        """Return whether signatures are accepted at ``now`` (published, in window).

        With ``language``, the letter must also have a published version in it.
        """
        now = now or timezone.now()
        if not self.is_published:
            return False
        if language is not None and not self.is_published_in(language):
            return False
        if self.signing_opens and now < self.signing_opens:
            return False
        return not (self.signing_closes and now >= self.signing_closes)

    def _published_contents_queryset(self):
        return LetterContent.objects.filter(letter=self)

    def published_text(self, language: str | None = None) -> tuple[int, str] | None:
        """(content id, text hash) of the published text shown in ``language``.

        The same fallbacks as ``content()``, read from the mirror: no query.
        """
        from .languages import fallback_chain

        texts = self.published_texts or {}
        for code in fallback_chain(language or get_language()):
            if code in texts:
                return tuple(texts[code])
        first = next(iter(sorted(texts)), None)
        return tuple(texts[first]) if first else None

    def current_recommendations(self) -> list["Recommendation"]:
        """The recommendations the shown version of the text has, in order."""
        content = self.content()
        if content is None:
            return []
        texts = content.recommendation_text_map()
        return [r for r in self.recommendations.all() if r.pk in texts]

    title = property(lambda self: self._text("title"))
    recipient = property(lambda self: self._text("recipient"))
    sender = property(lambda self: self._text("sender"))
    summary = property(lambda self: self._text("summary"))
    body = property(lambda self: self._text("body"))


class ChangeKind(models.TextChoices):
    CORRECTION = "correction", _("Correction (no notice to signers)")
    SUBSTANTIVE = "substantive", _("Substantive change (signers are told)")


class LetterContent(models.Model):
    """The text of a letter in one language: one row per version.

    Registered with djangocms-versioning (``pages.cms_config``): ``objects`` returns
    published rows only, ``admin_manager`` every row. What signers endorse is this
    row's canonical text (``canonical_text``), hashed into each signature.
    """

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="contents"
    )
    language = models.CharField(_("language"), max_length=15, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    recipient = models.CharField(_("recipient"), max_length=300)
    sender = models.CharField(_("from"), max_length=300, blank=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences, plain text.")
    )
    body = HTMLField(_("text of the letter"), blank=True)
    change_kind = models.CharField(
        _("kind of change"),
        max_length=20,
        choices=ChangeKind.choices,
        default=ChangeKind.CORRECTION,
        help_text=_(
            "For a new version of a letter that has signatures: a substantive change "
            "emails everyone who signed an earlier version when it is published."
        ),
    )
    change_note = models.CharField(
        _("note on this version"),
        max_length=200,
        blank=True,
        help_text=_("One line, shown publicly in the letter's change log."),
    )
    # SHA-256 of ``canonical_text()``, stored when the version is published
    # (``pages.services.letter_content_seal``); blank while it is a draft.
    text_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("letter text")
        verbose_name_plural = _("letter texts")
        ordering = ["letter_id", "language", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        with translation.override(self.language):
            return self.letter.get_absolute_url()

    def recommendation_rows(self) -> list["RecommendationText"]:
        """This version's recommendation texts, in their stable order.

        Uses the rows a selector prefetched (with their recommendations), if any.
        """
        if "recommendation_texts" in getattr(self, "_prefetched_objects_cache", {}):
            rows = self.recommendation_texts.all()
        else:
            rows = self.recommendation_texts.select_related("recommendation")
        return sorted(rows, key=lambda r: r.recommendation.number)

    def recommendation_text_map(self) -> dict[int, "RecommendationText"]:
        """Recommendation id to its text in this version (read once per row)."""
        cached = self.__dict__.get("_recommendation_text_map")
        if cached is None:
            cached = {r.recommendation_id: r for r in self.recommendation_texts.all()}
            self.__dict__["_recommendation_text_map"] = cached
        return cached

    def canonical_text(self) -> str:
        """The text a signature endorses, as documented in docs/decisions.md."""
        from .canonical import canonical_text

        return canonical_text(self)


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")


class Recommendation(models.Model):
    """A recommendation of a letter: a stable identity across the letter's versions.

    Its number and anchor, status and tracker history survive edits of its text;
    the text itself (``RecommendationText``) belongs to each version of the letter.
    """

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.PROPOSED,
        editable=False,
    )
    status_changed_on = models.DateField(
        _("status date"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["letter", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "number"], name="recommendation_unique_number"
            )
        ]

    def __str__(self) -> str:
        title = self.title
        return f"{self.number}. {title}" if title else f"{self.number}."

    def get_absolute_url(self) -> str:
        base = self.letter.get_absolute_url()
        return f"{base}#{self.anchor}" if base else ""

    @property
    def anchor(self) -> str:
        return f"recommendation-{self.number}"

    def content(self, language: str | None = None) -> "LetterContent | None":
        """The letter text this recommendation is shown in (its wording is there)."""
        return self.letter.content(language)

    def text(self, content: "LetterContent | None" = None):
        """This recommendation's text in ``content`` (default: the text shown)."""
        content = content or self.letter.content()
        if content is None:
            return None
        return content.recommendation_text_map().get(self.pk)

    title = property(lambda self: getattr(self.text(), "title", ""))
    body = property(lambda self: getattr(self.text(), "body", ""))


class RecommendationText(models.Model):
    """A recommendation's wording in one version of the letter (versioned with it)."""

    content = models.ForeignKey(
        LetterContent, on_delete=models.CASCADE, related_name="recommendation_texts"
    )
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="texts"
    )
    title = models.CharField(_("title"), max_length=300)
    body = HTMLField(_("text"), blank=True)

    class Meta:
        verbose_name = _("recommendation text")
        verbose_name_plural = _("recommendation texts")
        ordering = ["content_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content", "recommendation"],
                name="recommendation_text_unique_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation.number}. {self.title}"


class RecommendationStatusChange(models.Model):
    """One entry in a recommendation's status history."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="history"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RecommendationStatus.choices
    )
    changed_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.changed_on})"


class Update(PublishedTextMixin, models.Model):
    """News about a letter or the campaign; its text is versioned per language."""

    letter = models.ForeignKey(
        Letter,
        on_delete=models.CASCADE,
        related_name="updates",
        null=True,
        blank=True,
        help_text=_("Leave empty for news about the whole campaign."),
    )
    published_on = models.DateField(_("date"), default=timezone.localdate)
    # Mirrors whether any language has a published version (pages.services).
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
        editable=False,
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title or str(self.pk)

    def get_absolute_url(self) -> str:
        try:
            return reverse("letters:update-list") + f"#update-{self.pk}"
        except NoReverseMatch:
            return ""

    def _published_contents_queryset(self):
        return UpdateContent.objects.filter(update=self)

    title = property(lambda self: self._text("title"))
    body = property(lambda self: self._text("body"))


class UpdateContent(models.Model):
    """The text of an update in one language: one row per version."""

    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, related_name="contents"
    )
    language = models.CharField(_("language"), max_length=15, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    body = HTMLField(_("text"), blank=True)

    class Meta:
        verbose_name = _("update text")
        verbose_name_plural = _("update texts")
        ordering = ["update_id", "language", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        with translation.override(self.language):
            return self.update.get_absolute_url()


class LetterPluginModel(CMSPlugin):
    """A plugin that shows something about one letter.

    Deleting the letter keeps the plugin (its page layout is the editors'): it then
    shows editors that the letter is no longer available and readers nothing.
    """

    letter = models.ForeignKey(
        Letter,
        on_delete=models.SET_NULL,
        null=True,
        verbose_name=_("letter"),
    )

    def __str__(self) -> str:
        return str(self.letter) if self.letter_id else str(_("Letter deleted"))


class UpdatesPluginModel(CMSPlugin):
    letter = models.ForeignKey(
        Letter,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("letter"),
        help_text=_("Leave empty to show updates from every letter."),
    )
    limit = models.PositiveSmallIntegerField(_("how many"), default=5)

    def __str__(self) -> str:
        return str(self.letter or _("All updates"))


# ---------------------------------------------------------------------------
# The recommendation tracker and the delivery record (issues 15 and 16).
#
# Not part of the letter's text and not versioned with it: editors add responses
# and deliveries at any time without touching (or re-publishing) the letter.
# Writes go through pages.services (response_add, delivery_record, ...).
# ---------------------------------------------------------------------------


def _response_languages():
    return list(settings.LANGUAGES)


class Response(models.Model):
    """One answer of the letter's target: to a recommendation, or to the whole letter.

    The text is kept as the target wrote or said it, in ``language``; editors may add
    translations of it (``text_translations``, language code -> text). Readers get
    the translation into their language where there is one, else the text as
    written, marked with its language.
    """

    letter = models.ForeignKey(
        Letter,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("letter"),
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("recommendation"),
        help_text=_("Leave empty for a reply to the letter as a whole."),
    )
    date = models.DateField(_("date"), help_text=_("When the target responded."))
    text = models.TextField(
        _("text"), help_text=_("As the target wrote or said it (plain text).")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=_response_languages,
        help_text=_("The language the text is written in."),
    )
    text_translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_("Language code to translated text."),
    )
    evidence_url = models.URLField(
        _("evidence"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A link to the response itself: a statement, a letter, a video."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["date", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.date}: {Truncator(self.text).chars(60)}"

    def clean(self) -> None:
        errors = {}
        if self.recommendation_id and self.letter_id:
            if self.recommendation.letter_id != self.letter_id:
                errors["recommendation"] = _(
                    "This recommendation belongs to another letter."
                )
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("The date cannot be in the future.")
        codes = {code for code, _name in settings.LANGUAGES}
        translations = self.text_translations or {}
        if not isinstance(translations, dict) or any(
            code not in codes or not isinstance(text, str)
            for code, text in translations.items()
        ):
            errors["text_translations"] = _("Unknown language in the translations.")
        if errors:
            raise ValidationError(errors)

    def text_in(self, language: str) -> tuple[str, str]:
        """The text for a reader of ``language`` and the language it is in."""
        if language != self.language:
            translated = (self.text_translations or {}).get(language, "").strip()
            if translated:
                return translated, language
        return self.text, self.language


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    POST = "post", _("Post")
    IN_PERSON = "in_person", _("In person")
    EVENT = "event", _("At an event")
    OTHER = "other", _("Other")


def delivery_file_path(instance, filename: str) -> str:
    """A random name: the uploaded file's own name may say more than it should."""
    return f"deliveries/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Delivery(models.Model):
    """A record that the letter reached its target: when, to whom and how."""

    letter = models.ForeignKey(
        Letter,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("letter"),
    )
    date = models.DateField(_("date delivered"))
    recipient = models.CharField(
        _("delivered to"),
        max_length=300,
        help_text=_("The person or office that received the letter, as shown."),
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=DeliveryChannel.choices
    )
    file = models.FileField(
        _("file"),
        upload_to=delivery_file_path,
        blank=True,
        max_length=200,
        validators=[validate_delivery_file],
        help_text=_(
            "Optional proof of delivery: PDF, JPEG or PNG. Photos are stored "
            "without their metadata (location, camera)."
        ),
    )
    file_public = models.BooleanField(
        _("show the file publicly"),
        default=False,
        help_text=_("Unticked, only editors can open the file."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("For editors; never shown publicly.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["date", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.recipient}"

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("The date cannot be in the future.")})

    def get_file_url(self) -> str:
        """Where the file is served (to everyone once ``file_public``), or ""."""
        if not self.file:
            return ""
        try:
            return reverse(
                "letters:delivery-file",
                kwargs={"slug": self.letter.slug, "delivery_id": self.pk},
            )
        except NoReverseMatch:  # no page carries the letters apphook yet
            return ""

    @property
    def channel_phrase(self) -> str:
        """How it was delivered, as the end of a sentence ("by email"), or ""."""
        return str(DELIVERY_CHANNEL_PHRASES.get(self.channel, ""))

    @property
    def file_kind(self) -> str:
        """PDF or image: what a link to the file says it opens."""
        return "pdf" if self.file.name.lower().endswith(".pdf") else "image"


DELIVERY_CHANNEL_PHRASES = {
    DeliveryChannel.EMAIL: _("by email"),
    DeliveryChannel.POST: _("by post"),
    DeliveryChannel.IN_PERSON: _("in person"),
    DeliveryChannel.EVENT: _("at an event"),
}
