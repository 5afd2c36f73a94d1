import pytest
from django.utils import translation

from pages.forms import LetterWizardForm
from pages.models import RESERVED_SLUGS, Letter
from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Ein offener Brief",
    "slug": "ein-brief",
    "recipient": "An den Vorstand",
    "summary": "",
    "body": "<p>Text</p>",
}


def test_wizard_form_creates_a_draft_letter_in_one_language():
    """A valid form creates one draft letter with its text in the wizard language."""
    form = LetterWizardForm(data=VALID, wizard_language="de")
    assert form.is_valid(), form.errors
    letter = form.save()
    assert letter.status == "draft"
    assert list(letter.get_available_languages()) == ["de"]
    letter.set_current_language("de")
    assert letter.title == "Ein offener Brief"
    assert Letter.objects.count() == 1


def test_wizard_form_defaults_to_the_active_language():
    """Without a wizard language the text goes into the current language."""
    with translation.override("uk"):
        form = LetterWizardForm(data=VALID)
        assert form.is_valid(), form.errors
        letter = form.save()
    assert list(letter.get_available_languages()) == ["uk"]


def test_wizard_form_refuses_a_slug_in_use():
    """A duplicate address is a form error, not a database error."""
    LetterFactory(slug="ein-brief")
    form = LetterWizardForm(data=VALID, wizard_language="en")
    assert not form.is_valid()
    assert form.errors["slug"] == ["A letter with this address already exists."]
    assert Letter.objects.count() == 1


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_wizard_form_refuses_reserved_slugs(slug):
    """Addresses that the letters apphook uses itself are refused."""
    form = LetterWizardForm(data=VALID | {"slug": slug}, wizard_language="en")
    assert not form.is_valid()
    assert form.errors["slug"] == ["This address is reserved; choose another."]


@pytest.mark.parametrize("slug", ["письмо", "two words", "a/b"])
def test_wizard_form_refuses_non_slug_addresses(slug):
    """The address must be a plain Latin slug."""
    form = LetterWizardForm(data=VALID | {"slug": slug}, wizard_language="en")
    assert not form.is_valid() and "slug" in form.errors


def test_wizard_form_requires_title_recipient_and_body():
    """Title, recipient, address and body are required; the summary is not."""
    form = LetterWizardForm(data={}, wizard_language="en")
    assert not form.is_valid()
    assert set(form.errors) == {"title", "slug", "recipient", "body"}
