import pytest
from cms.wizards.wizard_base import get_entries

from pages.cms_wizards import letter_wizard
from pages.models import Letter

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
    admin_client, letters_page
):
    """The CMS wizard in /ru/ creates a draft with Russian text only."""
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
    assert f'href="/ru/admin/pages/letter/{letter.pk}/change/"' in response.text
    assert letter.status == "draft"
    assert list(letter.get_available_languages()) == ["ru"]
    letter.set_current_language("ru")
    assert (letter.title, letter.recipient) == (
        "Прекратите обыски",
        "Совету директоров",
    )


def test_wizard_refuses_a_reserved_slug(admin_client, letters_page):
    """A slug that would shadow the letters URLs is refused; nothing is created."""
    response = run_wizard(
        admin_client, "en", title="T", slug="updates", recipient="R", body="B"
    )
    assert response.status_code == 200
    assert "This address is reserved" in response.text
    assert not Letter.objects.exists()
