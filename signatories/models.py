"""Endorsements of letters by organisations (and, where a letter allows, individuals).

The contact email is never shown publicly. A withdrawn signature keeps no personal
data: only its letter, kind and dates remain, so it can still be counted anonymously.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from pages.models import Letter, LetterContent


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
    # Every field that describes the signer (or that an editor wrote about them).
    # Erasure (withdrawal, retention, deletion of a letter's data) blanks exactly
    # these; every text or file field must be here or in NON_PERSONAL_FIELDS, and a
    # test fails until a new field is classified.
    PERSONAL_FIELDS = (
        "organisation",
        "website",
        "country",
        "organisation_type",
        "contact_name",
        "contact_role",
        "contact_email",
        "email_normalised",
        "logo",
        "comment",
        "newsletter",
        "is_public",
        "domain_match",
        "rejection_reason",
    )
    # Published for a listed organisation (the public list shows these): a closed
    # letter's anonymisation keeps them as they were published.
    PUBLISHED_FIELDS = (
        "organisation",
        "website",
        "country",
        "organisation_type",
        "logo",
    )
    NON_PERSONAL_FIELDS = ("kind", "status", "language", "text_hash")

    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, related_name="signatures"
    )
    # The published version of the letter's text the signer was shown (in their
    # language, or its fallback), and the SHA-256 of its canonical text
    # (docs/decisions.md, "What a signature is bound to"). Not personal: erasure
    # keeps them, so a withdrawn signature still says what it had endorsed.
    letter_content = models.ForeignKey(
        LetterContent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="signatures",
        verbose_name=_("version signed"),
    )
    text_hash = models.CharField(
        _("hash of the text signed"), max_length=64, blank=True, editable=False
    )
    # Links in emails name this, not the sequential pk: ids cannot be enumerated.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
    # The canonical address (signatories.addresses): one signature per letter and
    # mailbox. Tokens cover it, so erasing it kills every link of the signature.
    email_normalised = models.CharField(max_length=254, blank=True, editable=False)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    is_public = models.BooleanField(_("listed publicly"), default=True)
    # Whether the contact address's domain is the website's: a hint for editors,
    # set by the services whenever either changes (signatories.domains).
    domain_match = models.BooleanField(_("domain match"), default=False, editable=False)
    newsletter = models.BooleanField(_("newsletter"), default=False)
    language = models.CharField(_("language"), max_length=10, default="en")

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


class LetterVersionTally(models.Model):
    """The public count of one version of a letter's text: who signed that version.

    Kept in step by the services in the same transaction as ``LetterTally`` (a
    counted signature never changes version), so the change log reads it.
    """

    content = models.OneToOneField(
        LetterContent,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="signature_tally",
    )
    public_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("signature count of a version")

    def __str__(self) -> str:
        return f"{self.content_id}: {self.public_count}"


class LetterChangeNotice(models.Model):
    """A substantive new version whose earlier signers are owed a notice.

    Recorded in the transaction that publishes the version, so a broker that is
    down then loses nothing: the outbox sweep queues the work again until
    ``completed_at`` is set. Each signer's email is one outbox row, unique per
    (signature, version).
    """

    content = models.OneToOneField(
        LetterContent,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="change_notice",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # While in the future, a queued or running task holds the notice.
    lease_until = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    emails_queued = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("notice of a changed letter")
        verbose_name_plural = _("notices of changed letters")

    def __str__(self) -> str:
        return f"{self.content_id}: {self.emails_queued}"


class EmailKind(models.TextChoices):
    """What an outbound email says; ``signatories.outbox`` maps each to templates."""

    CONFIRM = "confirm", _("Confirmation request")
    ALREADY_SIGNED = "already_signed", _("Already signed")
    APPROVED = "approved", _("Signature approved")
    REJECTED = "rejected", _("Signature rejected")
    LETTER_CHANGED = "letter_changed", _("Letter changed")


class EmailState(models.TextChoices):
    PENDING = "pending", _("Owed")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED_PERMANENT = "failed_permanent", _("Refused by the recipient's server")
    CANCELLED = "cancelled", _("Not needed any more")


OWED_EMAIL_STATES = (EmailState.PENDING, EmailState.SENDING)


class OutboundEmail(models.Model):
    """One email the site owes someone: the outbox (see ``signatories.outbox``)."""

    kind = models.CharField(_("kind"), max_length=40, choices=EmailKind.choices)
    signature = models.ForeignKey(
        Signature,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
    )
    # The version an email is about (a changed letter's notice), else null.
    letter_content = models.ForeignKey(
        LetterContent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Blanked once the email is settled (sent, refused, cancelled): store the least.
    recipient = models.EmailField(_("recipient"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=EmailState.choices,
        default=EmailState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While in the future, someone holds the row: a queued task or a sending worker.
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    # The SMTP code and exception class only: never an address.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at"]
        indexes = [
            # The sweep: owed rows that are due, small because settled rows drop out.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="outbox_owed_due",
            ),
        ]
        constraints = [
            # One notice per signer and version: a task run twice adds nothing.
            models.UniqueConstraint(
                fields=["signature", "kind", "letter_content"],
                condition=Q(letter_content__isnull=False),
                name="outbox_one_email_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"


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
