import pytest
from django.utils import translation
from djangocms_versioning.constants import DRAFT
from djangocms_versioning.models import Version

from pages.forms import LetterWizardForm
from pages.models import RESERVED_SLUGS, Letter, LetterContent
from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Ein offener Brief",
    "slug": "ein-brief",
    "recipient": "An den Vorstand",
    "summary": "",
    "body": "<p>Text</p>",
}


def drafts_of(letter) -> list[LetterContent]:
    return list(LetterContent.admin_manager.filter(letter=letter))


def test_wizard_form_creates_a_draft_letter_in_one_language():
    """A valid form creates one draft letter with its text in the wizard language."""
    form = LetterWizardForm(data=VALID, wizard_language="de")
    assert form.is_valid(), form.errors
    letter = form.save()
    assert letter.status == "draft"
    [draft] = drafts_of(letter)
    assert (draft.language, draft.title) == ("de", "Ein offener Brief")
    assert Version.objects.get_for_content(draft).state == DRAFT
    assert Letter.objects.count() == 1


def test_wizard_form_defaults_to_the_active_language():
    """Without a wizard language the text goes into the current language."""
    with translation.override("uk"):
        form = LetterWizardForm(data=VALID)
        assert form.is_valid(), form.errors
        letter = form.save()
    assert [draft.language for draft in drafts_of(letter)] == ["uk"]


def test_wizard_form_makes_the_editor_the_author(rf, editor):
    """The editor who fills in the wizard is the author of the first version."""
    request = rf.post("/")
    request.user = editor
    form = LetterWizardForm(data=VALID, wizard_language="en", wizard_request=request)
    assert form.is_valid(), form.errors
    [draft] = drafts_of(form.save())
    assert Version.objects.get_for_content(draft).created_by == editor


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
