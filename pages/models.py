"""Published content: letters, their recommendations, and updates.

Each is a stable record with per-language text (django-parler translation rows);
English is the fallback. Editors keep a record as a draft until they publish it.
"""

import uuid
from pathlib import Path

from cms.models import CMSPlugin
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from djangocms_text.fields import HTMLField
from parler.managers import TranslatableManager, TranslatableQuerySet
from parler.models import TranslatableModel, TranslatedFields

from .uploads import validate_delivery_file

# Slugs that would shadow the letters apphook's own URLs.
RESERVED_SLUGS = frozenset({"updates", "feed", "atom", "rss", "api", "admin", "sign"})


def validate_letter_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another."))


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(TranslatableQuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)


PublishableManager = TranslatableManager.from_queryset(PublishableQuerySet)


class Letter(TranslatableModel):
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
    )
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

    translations = TranslatedFields(
        title=models.CharField(_("title"), max_length=200),
        recipient=models.CharField(_("recipient"), max_length=300),
        sender=models.CharField(_("from"), max_length=300, blank=True),
        summary=models.TextField(
            _("summary"), blank=True, help_text=_("One or two sentences, plain text.")
        ),
        body=HTMLField(_("text of the letter"), blank=True),
    )

    objects = PublishableManager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.safe_translation_getter("title", any_language=True) or self.slug

    def get_absolute_url(self) -> str:
        try:
            return reverse("letters:letter-detail", kwargs={"slug": self.slug})
        except NoReverseMatch:  # no page carries the letters apphook yet
            return ""

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    def is_signing_open(self, *, now=None) -> bool:
        """Return whether signatures are accepted at ``now`` (published, in window)."""
        now = now or timezone.now()
        if not self.is_published:
            return False
        if self.signing_opens and now < self.signing_opens:
            return False
        return not (self.signing_closes and now >= self.signing_closes)


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")


class Recommendation(TranslatableModel):
    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.PROPOSED,
    )
    status_changed_on = models.DateField(_("status date"), null=True, blank=True)

    translations = TranslatedFields(
        title=models.CharField(_("title"), max_length=300),
        body=HTMLField(_("text"), blank=True),
        response=models.TextField(_("the target's response"), blank=True),
    )

    objects = TranslatableManager()

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
        title = self.safe_translation_getter("title", any_language=True) or ""
        return f"{self.number}. {title}"

    def get_absolute_url(self) -> str:
        base = self.letter.get_absolute_url()
        return f"{base}#{self.anchor}" if base else ""

    @property
    def anchor(self) -> str:
        return f"recommendation-{self.number}"


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


class Update(TranslatableModel):
    letter = models.ForeignKey(
        Letter,
        on_delete=models.CASCADE,
        related_name="updates",
        null=True,
        blank=True,
        help_text=_("Leave empty for news about the whole campaign."),
    )
    published_on = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )

    translations = TranslatedFields(
        title=models.CharField(_("title"), max_length=300),
        body=HTMLField(_("text"), blank=True),
    )

    objects = PublishableManager()

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.safe_translation_getter("title", any_language=True) or str(self.pk)

    def get_absolute_url(self) -> str:
        try:
            return reverse("letters:update-list") + f"#update-{self.pk}"
        except NoReverseMatch:
            return ""


class LetterPluginModel(CMSPlugin):
    """A plugin that shows something about one letter."""

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, verbose_name=_("letter")
    )

    def __str__(self) -> str:
        return str(self.letter)


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
