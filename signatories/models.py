"""Endorsements of letters by organisations (and, where a letter allows, individuals).

The contact email is never shown publicly. A withdrawn signature keeps no personal
data: only its letter, kind and dates remain, so it can still be counted anonymously.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from pages.models import Letter


class SignatureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for email confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SignerKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    INDIVIDUAL = "individual", _("Individual")


class OrganisationType(models.TextChoices):
    NGO = "ngo", _("NGO")
    MEDIA = "media", _("Media outlet")
    UNION = "union", _("Union")
    ACADEMIC = "academic", _("Academic")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Signature(models.Model):
    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, related_name="signatures"
    )
    kind = models.CharField(
        _("signing as"),
        max_length=20,
        choices=SignerKind.choices,
        default=SignerKind.ORGANISATION,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SignatureStatus.choices,
        default=SignatureStatus.PENDING,
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    country = CountryField(_("country"), blank=True)
    organisation_type = models.CharField(
        _("type of organisation"),
        max_length=20,
        choices=OrganisationType.choices,
        blank=True,
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_role = models.CharField(_("role"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), max_length=254, blank=True)
    # Lower-cased, trimmed address: the database keeps one signature per letter for it.
    email_normalised = models.CharField(max_length=254, blank=True, editable=False)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    is_public = models.BooleanField(_("listed publicly"), default=True)
    newsletter = models.BooleanField(_("newsletter"), default=False)
    language = models.CharField(_("language"), max_length=10, default="en")
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    created_at = models.DateTimeField(_("signed at"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    # Outbox: an email is owed while emails_sent < emails_requested.
    emails_requested = models.PositiveSmallIntegerField(default=0)
    emails_sent = models.PositiveSmallIntegerField(default=0)
    email_requested_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(_("email error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "email_normalised"],
                condition=~Q(email_normalised=""),
                name="signature_unique_email_per_letter",
            )
        ]
        indexes = [
            # The public list: keyset pagination over listed signatures of a letter.
            models.Index(
                fields=["letter", "status", "is_public", "kind", "id"],
                name="signature_public_list",
            ),
            # The outbox sweep.
            models.Index(
                fields=["status", "email_requested_at"],
                name="signature_outbox",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation or self.contact_name or f"#{self.pk}"

    @property
    def display_name(self) -> str:
        return (
            self.organisation
            if self.kind == SignerKind.ORGANISATION
            else (self.contact_name)
        )


class LetterTally(models.Model):
    """The public signature count of a letter, kept in step by the services."""

    letter = models.OneToOneField(
        Letter, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    public_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signature count")

    def __str__(self) -> str:
        return f"{self.letter}: {self.public_count}"


class LetterCountryTally(models.Model):
    """How many publicly listed organisations of a letter come from each country.

    Kept in step by the services in the same transaction as ``LetterTally``, so the
    country filter never runs a DISTINCT over a million signatures.
    """

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="country_tallies"
    )
    country = models.CharField(max_length=2)
    listed_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("listed organisations per country")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "country"], name="letter_country_tally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter}: {self.country} {self.listed_count}"
