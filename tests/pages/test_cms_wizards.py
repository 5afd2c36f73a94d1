import pytest
from cms.toolbar.utils import get_object_edit_url
from cms.wizards.wizard_base import get_entries
from django.utils.html import escape
from djangocms_versioning.constants import DRAFT
from djangocms_versioning.models import Version

from pages.cms_wizards import letter_wizard
from pages.models import Letter, LetterContent

pytestmark = pytest.mark.django_db


def run_wizard(client, language, **fields):
    """Go through django CMS's two-step "Create" wizard for a new letter."""
    url = f"/{language}/cms_wizard/create/"
    assert client.get(url, {"language": language}).status_code == 200
    step0 = client.post(
        url,
        {
            "wizard_create_view-current_step": "0",
            "0-entry": letter_wizard.id,
            "0-language": language,
            "0-page": "",
        },
    )
    assert step0.status_code == 200
    return client.post(
        url,
        {"wizard_create_view-current_step": "1"}
        | {f"1-{name}": value for name, value in fields.items()},
    )


def test_letter_wizard_is_offered_to_editors():
    """The "New open letter" entry is registered with the CMS wizards."""
    assert letter_wizard in get_entries()


def test_wizard_creates_a_draft_letter_in_the_editors_language(
    admin_client, admin_user, letters_page
):
    """The CMS wizard in /ru/ creates a Russian draft authored by the editor."""
    response = run_wizard(
        admin_client,
        "ru",
        title="Прекратите обыски",
        slug="stop-the-raids",
        recipient="Совету директоров",
        body="<p>Текст письма</p>",
    )
    assert response.status_code == 200
    letter = Letter.objects.get(slug="stop-the-raids")
    assert letter.status == "draft"
    [draft] = LetterContent.admin_manager.filter(letter=letter)
    assert (draft.language, draft.title, draft.recipient) == (
        "ru",
        "Прекратите обыски",
        "Совету директоров",
    )
    version = Version.objects.get_for_content(draft)
    assert (version.state, version.created_by) == (DRAFT, admin_user)


def test_wizard_lands_on_the_new_draft_in_edit_mode(admin_client, letters_page):
    """The wizard sends the editor to the draft on its page, ready to publish."""
    response = run_wizard(
        admin_client, "en", title="T", slug="new-letter", recipient="R", body="B"
    )
    draft = LetterContent.admin_manager.get(letter__slug="new-letter")
    edit_url = get_object_edit_url(draft)
    assert f'href="{escape(edit_url)}"' in response.text
    assert "/admin/pages/letter/" not in response.text
    page = admin_client.get(edit_url)
    assert page.status_code == 200 and "Publish" in page.text
    assert "/djangocms_versioning/lettercontentversion/" in page.text


def test_wizard_refuses_a_reserved_slug(admin_client, letters_page):
    """A slug that would shadow the letters URLs is refused; nothing is created."""
    response = run_wizard(
        admin_client, "en", title="T", slug="updates", recipient="R", body="B"
    )
    assert response.status_code == 200
    assert "This address is reserved" in response.text
    assert not Letter.objects.exists()
