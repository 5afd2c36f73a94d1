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
    # Gathered offline without an email address: nobody can confirm it, so it
    # counts only once an editor approves it (signatories.review's queue).
    AWAITING_REVIEW = "awaiting_review", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SignerKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    INDIVIDUAL = "individual", _("Individual")


class SignatureSource(models.TextChoices):
    """How a signature reached us."""

    WEB = "web", _("Sign-on form")
    API = "api", _("API")
    OFFLINE = "offline", _("Gathered offline")


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
        # Where it was gathered ("Berlin event") can say who was there.
        "source_note",
        # Derived from the name and country (signatories.offline.offline_key).
        "offline_key",
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
    NON_PERSONAL_FIELDS = ("kind", "status", "language", "source", "text_hash")

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
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=SignatureSource.choices,
        default=SignatureSource.WEB,
        editable=False,
    )
    # The editor's words for where an offline signature was gathered.
    source_note = models.CharField(
        _("gathered at"), max_length=200, blank=True, editable=False
    )
    # An offline signature without an email address is unique per letter by this
    # key (kind, name and country, normalised), so importing a file twice, even
    # concurrently, stores each row once. Empty for every other signature.
    offline_key = models.CharField(max_length=64, blank=True, editable=False)
    # How many confirmation requests and "already signed" emails this signature has
    # been owed (SIGNATURE_MAX_EMAILS caps them; it stops counting one above). Kept
    # on the row, whose lock every submission takes, so the cap holds exactly even
    # when one statement both upserts the row and owes the email.
    capped_emails = models.PositiveSmallIntegerField(default=0, editable=False)

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
            ),
            models.UniqueConstraint(
                fields=["letter", "offline_key"],
                condition=~Q(offline_key=""),
                name="signature_unique_offline_key_per_letter",
            ),
        ]
        indexes = [
            # The public list: keyset pagination over listed signatures of a letter.
            models.Index(
                fields=["letter", "status", "is_public", "kind", "id"],
                name="signature_public_list",
            ),
            # The editors' dashboard: one letter's signatures per day and state,
            # read from the index alone; also the letter's first signature.
            models.Index(
                fields=["letter", "created_at", "status"],
                name="signature_letter_day",
            ),
            # A newsletter's recipients: keyset over a letter's opted-in signers.
            models.Index(
                fields=["letter", "id"],
                condition=Q(newsletter=True),
                name="signature_newsletter",
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
    NEWSLETTER = "newsletter", _("Newsletter")
    LETTER_CHANGED = "letter_changed", _("Letter changed")


class EmailState(models.TextChoices):
    PENDING = "pending", _("Owed")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED_PERMANENT = "failed_permanent", _("Refused by the recipient's server")
    CANCELLED = "cancelled", _("Not needed any more")


OWED_EMAIL_STATES = (EmailState.PENDING, EmailState.SENDING)


class NewsletterState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")


class Newsletter(models.Model):
    """An update editors send once to a letter's opted-in signers, and its record.

    Its languages are those it has a text in (``NewsletterText``); a signer gets it
    only in their own language. Once sent it is read-only: who sent it, when and to
    how many stay as the record of that send.
    """

    letter = models.ForeignKey(
        Letter,
        on_delete=models.PROTECT,
        related_name="newsletters",
        verbose_name=_("letter"),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=NewsletterState.choices,
        default=NewsletterState.DRAFT,
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    send_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    # When every recipient's email was queued; delivery follows through the outbox.
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(
        _("recipients"), null=True, blank=True
    )
    # While in the future, a task is building the recipients' emails (or is queued
    # to); past it while SENDING, the sweep queues the build again.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created_at"]
        permissions = [("send_newsletter", _("Can send newsletters"))]

    def __str__(self) -> str:
        texts = sorted(self.texts.all(), key=lambda t: t.language != "en")
        return texts[0].subject if texts else _("Newsletter #%s") % self.pk


class NewsletterText(models.Model):
    """A newsletter's subject and body in one language (plain text)."""

    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="texts"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        max_length=20000,
        help_text=_(
            "Plain text. Blank lines separate paragraphs; web addresses become links."
        ),
    )

    class Meta:
        verbose_name = _("text in one language")
        verbose_name_plural = _("texts")
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "language"],
                name="newsletter_text_one_per_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_language_display()}: {self.subject}"


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
    # The newsletter this email carries (kind NEWSLETTER); kept as the send's record.
    newsletter = models.ForeignKey(
        Newsletter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emails",
    )

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at"]
        constraints = [
            # Each signer gets a newsletter at most once, however often it is sent.
            models.UniqueConstraint(
                fields=["newsletter", "signature"],
                condition=Q(newsletter__isnull=False),
                name="outbox_one_newsletter_per_signature",
            ),
            # One notice per signer and version: a task run twice adds nothing.
            models.UniqueConstraint(
                fields=["signature", "kind", "letter_content"],
                condition=Q(letter_content__isnull=False),
                name="outbox_one_email_per_version",
            ),
        ]
        indexes = [
            # The sweep: owed rows that are due, small because settled rows drop out.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="outbox_owed_due",
            ),
            # Drains claim in this order (answers to submissions before newsletters,
            # then oldest): an index scan that stops after a batch, and skips the
            # entries of rows already sent once it has seen them (a queue table
            # leaves many between vacuums).
            models.Index(
                models.ExpressionWrapper(
                    Q(newsletter__isnull=False), output_field=models.BooleanField()
                ),
                "next_attempt_at",
                "id",
                condition=Q(state="pending"),
                name="outbox_claim_order",
            ),
            # Bounces per letter on the dashboard: refusals are few, so is this.
            models.Index(
                fields=["signature"],
                condition=Q(state="failed_permanent"),
                name="outbox_refused",
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


class DeliveryPackState(models.TextChoices):
    BUILDING = "building", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be prepared")


class DeliveryPack(models.Model):
    """The printable PDF of a letter in one language, for delivering it by hand.

    Built by a task (``signatories.services.delivery_pack_build``) into the private
    ``delivery_packs`` storage and handed to editors only while its fingerprints
    still describe what the letter and its public list say (see
    ``signatories.delivery_pack``). One row per letter and language, naming the
    current file; a stale file is never handed out and is deleted once replaced.
    """

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="delivery_packs"
    )
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=DeliveryPackState.choices,
        default=DeliveryPackState.BUILDING,
    )
    # Of the content the file shows (READY), or that was asked for (BUILDING, FAILED).
    text_fingerprint = models.CharField(max_length=64, blank=True)
    list_fingerprint = models.CharField(max_length=64, blank=True)
    # A name in the "delivery_packs" storage; blank while there is no file.
    file_name = models.CharField(max_length=300, blank=True)
    # When an editor last asked for a pack that had to be built (again).
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # When the content in the file was read (a build starts by reading it).
    read_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    # When the file was last handed to an editor.
    handed_out_at = models.DateTimeField(null=True, blank=True)
    # When a signer last left the list: a file read before then is not kept.
    discarded_at = models.DateTimeField(null=True, blank=True)
    # The exception class only, for the admin: details go to the log.
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery pack")
        verbose_name_plural = _("delivery packs")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "language"], name="delivery_pack_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter} ({self.language})"
