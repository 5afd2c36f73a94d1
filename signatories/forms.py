import unicodedata

from django import forms
from django.conf import settings
from django.core.validators import EmailValidator, ProhibitNullCharactersValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .addresses import email_canonical
from .countries import country_choices
from .models import OrganisationType, SignerKind

ALLOWED_LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def _clean_text(value: str) -> str:
    """Collapse whitespace and drop invisible (format) characters from one line.

    Control characters other than whitespace never get here: the field's
    ``validate_storable_text`` refuses them."""
    value = "".join(
        ch for ch in value if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    return " ".join(value.split())


def validate_storable_text(value: str) -> None:
    """Refuse lone surrogates, NUL and other non-whitespace control characters.

    JSON can carry a lone surrogate ("\\ud800") that no database can encode, and
    PostgreSQL refuses NUL: both were 500s. People never type the other controls;
    tabs and line breaks are whitespace and stay (one-line fields collapse them).
    """
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and not char.isspace()):
            raise forms.ValidationError(
                _("Remove the control characters or broken Unicode from this field."),
                code="control_characters",
            )


def validate_email_domain(value: str) -> None:
    """Refuse an address whose domain has no IDNA (ASCII) form.

    Django's validator accepts some such domains (a 60-letter non-ASCII label); the
    mail server and the address normaliser could not use them.
    """
    domain = value.rpartition("@")[2]
    try:
        for form in (domain, unicodedata.normalize("NFKC", domain)):
            form.encode("idna")
    except UnicodeError:
        raise forms.ValidationError(EmailValidator.message, code="invalid") from None


class StorableTextMixin:
    """Check every text field (char, email, URL) with ``validate_storable_text``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            # Ours covers NUL too: one message, not two.
            field.validators = [
                validate_storable_text,
                *(
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ),
            ]
            if isinstance(field, forms.EmailField):
                field.validators.append(validate_email_domain)


def _clean_email(value: str) -> str:
    """Refuse an address with no canonical form (the services could not store it)."""
    try:
        email_canonical(value)
    except ValueError:
        raise forms.ValidationError(
            _("Enter a valid email address."), code="invalid"
        ) from None
    return value


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *country_choices(get_language() or settings.LANGUAGE_CODE)]


# Required only when signing for an organisation, so not ``required`` on the field.
ORGANISATION_FIELDS = ("organisation", "organisation_type")


class SignatureForm(StorableTextMixin, forms.Form):
    """The sign-on form. It validates; signatories.services stores."""

    kind = forms.ChoiceField(
        label=_("I sign"),
        choices=[
            (SignerKind.ORGANISATION, _("on behalf of an organisation")),
            (SignerKind.INDIVIDUAL, _("as an individual")),
        ],
        initial=SignerKind.ORGANISATION,
        widget=forms.RadioSelect,
        required=False,  # absent means "organisation" (API clients, old forms)
    )
    organisation = forms.CharField(
        label=_("Organisation name"), max_length=200, required=False
    )
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https"
    )
    # Evaluated on each render, in the request's language; the empty first choice
    # makes a hasty submit fail here instead of recording the first country.
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices)
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"),
        choices=[("", "—"), *OrganisationType.choices],
        required=False,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_role = forms.CharField(label=_("Role"), max_length=200, required=False)
    contact_email = forms.EmailField(
        label=_("Contact email"),
        max_length=254,
        help_text=_("We send a confirmation link here. It is never shown publicly."),
    )
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("Optional. PNG, JPEG, GIF or WebP, at most 2 MB."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_public = forms.BooleanField(
        label=_("List us publicly"),
        required=False,
        initial=True,
        help_text=_(
            "Untick this if being named could put you at risk: your signature is "
            "counted, but your name is never shown."
        ),
    )
    newsletter = forms.BooleanField(
        label=_("Send us occasional news about this campaign"),
        required=False,
        initial=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the data above is stored to count and, if chosen, list our "
            "signature. It can be withdrawn at any time with the link in the email."
        ),
        required=True,
    )
    # Honeypot: hidden from people, tempting to bots. Filled in means "drop quietly".
    fax_number = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter = letter
        if not letter.allow_individuals:
            del self.fields["kind"]
        # The note the template shows after each label ("(required)").
        for field in self.fields.values():
            field.required_note = _("required") if field.required else ""
        for name in ORGANISATION_FIELDS:
            self.fields[name].required_note = (
                _("required for organisations")
                if letter.allow_individuals
                else _("required")
            )
        self.fields["fax_number"].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1"}
        )

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("fax_number"))

    def clean_organisation(self):
        return _clean_text(self.cleaned_data["organisation"])

    def clean_contact_name(self):
        value = _clean_text(self.cleaned_data["contact_name"])
        if not value:
            raise forms.ValidationError(_("Please enter a name."))
        return value

    def clean_contact_email(self):
        return _clean_email(self.cleaned_data["contact_email"])

    def clean_contact_role(self):
        return _clean_text(self.cleaned_data["contact_role"])

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo:
            return None
        if logo.size > settings.LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is too large (at most 2 MB)."))
        image = getattr(logo, "image", None)
        if image is None or image.format not in ALLOWED_LOGO_FORMATS:
            raise forms.ValidationError(_("Upload a PNG, JPEG, GIF or WebP image."))
        if image.width * image.height > settings.LOGO_MAX_PIXELS:
            raise forms.ValidationError(_("The logo is too large in pixels."))
        # verify() reads no pixel data: a truncated JPEG passes it, then fails to
        # decode when the service re-encodes it. Decode it here to fail as input.
        try:
            logo.seek(0)
            with Image.open(logo) as decoded:
                decoded.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise forms.ValidationError(
                self.fields["logo"].error_messages["invalid_image"],
                code="invalid_image",
            ) from None
        finally:
            logo.seek(0)
        return logo

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or SignerKind.ORGANISATION
        data["kind"] = kind
        if kind == SignerKind.ORGANISATION:
            if not data.get("organisation") and "organisation" not in self.errors:
                self.add_error(
                    "organisation", _("Please enter the organisation's name.")
                )
            if (
                not data.get("organisation_type")
                and "organisation_type" not in self.errors
            ):
                self.add_error("organisation_type", _("Please choose a type."))
        return data

    def service_kwargs(self) -> dict:
        """The cleaned data as keyword arguments for ``signature_create``."""
        fields = (
            "kind",
            "organisation",
            "website",
            "country",
            "organisation_type",
            "contact_name",
            "contact_role",
            "contact_email",
            "logo",
            "comment",
            "is_public",
            "newsletter",
        )
        return {name: self.cleaned_data.get(name) for name in fields} | {
            "organisation": self.cleaned_data.get("organisation") or "",
            "website": self.cleaned_data.get("website") or "",
            "organisation_type": self.cleaned_data.get("organisation_type") or "",
            "contact_role": self.cleaned_data.get("contact_role") or "",
            "comment": self.cleaned_data.get("comment") or "",
        }


class ResendForm(StorableTextMixin, forms.Form):
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254)

    def clean_contact_email(self):
        return _clean_email(self.cleaned_data["contact_email"])


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept for the record, not sent)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


# PIL must refuse decompression bombs before our own pixel check runs.
Image.MAX_IMAGE_PIXELS = 50_000_000
