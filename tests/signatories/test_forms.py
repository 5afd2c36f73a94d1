import re

import pytest
from django.template import Context, Template
from django.utils import translation

from signatories import services
from signatories.countries import country_choices
from signatories.forms import RejectForm, ResendForm, SignatureForm
from tests.factories import LetterFactory

from .images import (
    image_bytes,
    png_over_two_megabytes,
    truncated_jpeg,
    upload,
)

pytestmark = pytest.mark.django_db


def form(letter, data, files=None):
    return SignatureForm(data, files, letter=letter)


def test_valid_form_gives_the_service_its_arguments(letter, sign_data):
    """Cleaned data maps one to one onto signature_create's keyword arguments."""
    bound = form(letter, sign_data)
    assert bound.is_valid(), bound.errors
    kwargs = bound.service_kwargs()
    assert kwargs["kind"] == "organisation"
    assert kwargs["logo"] is None
    assert kwargs["is_public"] is True and kwargs["newsletter"] is False
    signature = services.signature_create(letter=letter, **kwargs).signature
    assert signature.organisation == "Kestrel Rights Alliance"
    assert signature.country == "UA"


def test_missing_kind_means_organisation(sign_data):
    """Without a 'kind' a submission signs for an organisation."""
    letter = LetterFactory(allow_individuals=True)
    bound = form(letter, sign_data)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["kind"] == "organisation"


def test_kind_is_offered_only_where_individuals_may_sign(letter):
    """The 'I sign as' choice appears only on letters open to individuals."""
    assert "kind" not in SignatureForm(letter=letter).fields
    assert "kind" in SignatureForm(letter=LetterFactory(allow_individuals=True)).fields


def test_individual_needs_no_organisation(sign_data):
    """An individual signs with a name and an address, no organisation."""
    letter = LetterFactory(allow_individuals=True)
    data = sign_data | {"kind": "individual", "organisation": ""}
    data["organisation_type"] = ""
    bound = form(letter, data)
    assert bound.is_valid(), bound.errors


def test_individual_choice_ignored_where_not_allowed(letter, sign_data):
    """On an organisations-only letter a posted kind=individual changes nothing."""
    bound = form(letter, sign_data | {"kind": "individual"})
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["kind"] == "organisation"


@pytest.mark.parametrize("field", ["organisation", "organisation_type"])
def test_organisation_fields_required_for_organisations(letter, sign_data, field):
    """An organisation must give its name and type."""
    bound = form(letter, sign_data | {field: ""})
    assert not bound.is_valid()
    assert field in bound.errors


@pytest.mark.parametrize(
    "field", ["country", "contact_name", "contact_email", "consent"]
)
def test_required_fields(letter, sign_data, field):
    """Country, contact person, address and consent are required."""
    data = dict(sign_data)
    del data[field]
    bound = form(letter, data)
    assert not bound.is_valid()
    assert list(bound.errors) == [field]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"contact_email": "a@b"}, "contact_email"),
        ({"contact_email": "x" * 250 + "@kestrel.example"}, "contact_email"),
        ({"organisation": "x" * 10_000}, "organisation"),
        ({"contact_name": "x" * 201}, "contact_name"),
        ({"comment": "x" * 1001}, "comment"),
        ({"country": "XX"}, "country"),
        ({"country": "ua"}, "country"),
        ({"organisation_type": "cult"}, "organisation_type"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "x" * 301}, "website"),
        ({"organisation": "Nul\x00Org"}, "organisation"),
    ],
)
def test_bad_values_are_refused(letter, sign_data, change, field):
    """Each malformed value is reported on its own field."""
    bound = form(letter, sign_data | change)
    assert not bound.is_valid()
    assert field in bound.errors


def test_one_line_fields_lose_control_characters_and_extra_space(letter, sign_data):
    """Names keep their words but lose invisible and bidi control characters."""
    bound = form(
        letter,
        sign_data
        | {
            "organisation": "  Kestrel\u202e Rights\n\t Alliance\u200b\u2066 ",
            "contact_name": "Olena\u00a0 K.",
            "contact_role": " Director\r\n",
        },
    )
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["organisation"] == "Kestrel Rights Alliance"
    assert bound.cleaned_data["contact_name"] == "Olena K."
    assert bound.cleaned_data["contact_role"] == "Director"


def test_blank_name_after_cleaning_is_refused(letter, sign_data):
    """A name of only invisible characters is no name."""
    bound = form(letter, sign_data | {"contact_name": "\u200b \u200e"})
    assert not bound.is_valid()
    assert "contact_name" in bound.errors


def test_website_without_scheme_gets_https(letter, sign_data):
    """A bare domain is read as an https address."""
    bound = form(letter, sign_data | {"website": "kestrel.example"})
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["website"] == "https://kestrel.example"


def test_honeypot_marks_spam(letter, sign_data):
    """A filled-in fax number marks the submission as spam, yet it validates."""
    bound = form(letter, sign_data | {"fax_number": "+1 555 0100"})
    assert bound.is_valid()
    assert bound.is_spam
    clean = form(letter, sign_data)
    assert clean.is_valid() and not clean.is_spam


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (image_bytes("PNG"), "logo.png"),
        (image_bytes("JPEG"), "logo.jpg"),
        (image_bytes("GIF", mode="P"), "logo.gif"),
        (image_bytes("WEBP"), "logo.webp"),
        (image_bytes("JPEG", mode="CMYK"), "print.jpg"),
        (image_bytes("PNG", mode="LA"), "alpha.png"),
    ],
)
def test_logo_formats_accepted(letter, sign_data, data, name):
    """PNG, JPEG (CMYK too), GIF and WebP logos are accepted and re-encodable."""
    bound = form(letter, sign_data, {"logo": upload(data, name)})
    assert bound.is_valid(), bound.errors
    stored = services.logo_reencode(bound.cleaned_data["logo"])
    assert stored.name.endswith(".png")


@pytest.mark.parametrize(
    "data",
    [
        b"<?php echo 1; ?>",
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        image_bytes("BMP"),
        image_bytes("TIFF"),
        truncated_jpeg(),
    ],
    ids=["text", "empty", "png-header-only", "bmp", "tiff", "truncated-jpeg"],
)
def test_bad_logo_is_refused(letter, sign_data, data):
    """Non-images, unsupported formats and damaged images are form errors."""
    bound = form(letter, sign_data, {"logo": upload(data)})
    assert not bound.is_valid()
    assert list(bound.errors) == ["logo"]


def test_logo_over_two_megabytes_is_refused(letter, sign_data):
    """A valid image over LOGO_MAX_BYTES (2 MB) is refused."""
    data = png_over_two_megabytes()
    assert len(data) > 2 * 1024 * 1024
    bound = form(letter, sign_data, {"logo": upload(data)})
    assert not bound.is_valid()
    assert "too large" in bound.errors["logo"][0]


def test_logo_over_the_pixel_limit_is_refused(letter, sign_data, settings):
    """A small file that decodes to too many pixels is refused."""
    settings.LOGO_MAX_PIXELS = 32 * 32
    bound = form(letter, sign_data, {"logo": upload(image_bytes(size=(64, 64)))})
    assert not bound.is_valid()
    assert "pixels" in bound.errors["logo"][0]


def test_resend_form_needs_an_address():
    """The new-link form takes one valid address."""
    assert ResendForm({"contact_email": "olena@kestrel.example"}).is_valid()
    assert not ResendForm({"contact_email": "nope"}).is_valid()
    assert not ResendForm({}).is_valid()


def test_reject_form_needs_a_reason():
    """Editors must give a reason to reject."""
    assert not RejectForm({"reason": ""}).is_valid()
    assert RejectForm({"reason": "Not an organisation"}).is_valid()


@pytest.mark.parametrize("email", ["user@xn--zz.example", "+tag@gmail.com"])
def test_address_without_a_canonical_form_is_a_form_error(letter, sign_data, email):
    """An address the services could not store is refused as an invalid address."""
    bound = form(letter, sign_data | {"contact_email": email})
    assert not bound.is_valid()
    assert bound.errors["contact_email"] == ["Enter a valid email address."]
    resend = ResendForm({"contact_email": email})
    assert not resend.is_valid()
    assert "contact_email" in resend.errors


def test_country_has_an_empty_first_choice_and_is_required(letter, sign_data):
    """No country is pre-selected; leaving it empty is a field error."""
    bound = form(letter, sign_data | {"country": ""})
    assert not bound.is_valid()
    assert "country" in bound.errors
    html = str(SignatureForm(letter=letter)["country"])
    options = re.findall(r"<option [^>]*>", html)
    assert options[0].startswith('<option value=""')
    assert not [option for option in options[1:] if "selected" in option]


@pytest.mark.parametrize(
    ("language", "before", "after", "last"),
    [
        ("ru", "Австрия", "Германия", "Япония"),
        ("uk", "Єгипет", "Ізраїль", "Японія"),
        ("de", "Ägypten", "Albanien", "Zypern"),
    ],
)
def test_country_names_are_in_the_page_language_and_its_order(
    letter, language, before, after, last
):
    """Country names follow the active language and sort by its alphabet."""
    with translation.override(language):
        html = str(SignatureForm(letter=letter)["country"])
    names = re.findall(r"<option value=\"[A-Z]{2}\"[^>]*>([^<]+)</option>", html)
    assert len(names) > 240
    assert names.index(before) < names.index(after)
    assert names[-1] == last


def test_country_choices_sort_cyrillic_by_alphabet():
    """Russian names sort in alphabet order, not by an ASCII transliteration."""
    names = [name for _code, name in country_choices("ru")]
    assert names == sorted(names, key=lambda n: n.lower().replace("ё", "е"))


def test_required_fields_are_all_marked(letter):
    """Organisation name, type and consent carry "(required)" like the others."""
    html = Template('{% include "signatories/_form_fields.html" %}').render(
        Context({"form": SignatureForm(letter=letter)})
    )
    for field in ("organisation", "organisation_type", "consent", "country"):
        label = re.search(rf'<label for="id_{field}">(.*?)</label>', html, re.S)
        assert label and "(required)" in label.group(1), field
    label = re.search(r'<label for="id_website">(.*?)</label>', html, re.S)
    assert "required" not in label.group(1)


def test_organisation_fields_say_for_whom_where_individuals_sign():
    """Where individuals may sign, organisation fields say who must fill them."""
    letter = LetterFactory(allow_individuals=True)
    html = Template('{% include "signatories/_form_fields.html" %}').render(
        Context({"form": SignatureForm(letter=letter)})
    )
    label = re.search(r'<label for="id_organisation">(.*?)</label>', html, re.S)
    assert "(required for organisations)" in label.group(1)
