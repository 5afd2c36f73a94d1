"""Published content: letters, their recommendations, and updates.

Each is a stable record with per-language text (django-parler translation rows);
English is the fallback. Editors keep a record as a draft until they publish it.
"""

from cms.models import CMSPlugin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djangocms_text.fields import HTMLField
from parler.managers import TranslatableManager, TranslatableQuerySet
from parler.models import TranslatableModel, TranslatedFields

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
