"""Published content: letters, their recommendations, and updates.

Each is a stable record with per-language text (django-parler translation rows);
English is the fallback. Editors keep a record as a draft until they publish it.
"""

from cms.models import CMSPlugin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from djangocms_text.fields import HTMLField

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
    ``published_languages`` mirror which languages have a published version; only
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

    class Meta:
        verbose_name = _("letter text")
        verbose_name_plural = _("letter texts")
        ordering = ["letter", "language", "pk"]

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

    def text_hash(self) -> str:
        from .canonical import text_hash

        return text_hash(self)


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
        ordering = ["content", "recommendation__number"]
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
        ordering = ["update", "language", "pk"]

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
