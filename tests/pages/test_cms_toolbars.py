import re

import pytest
from cms.toolbar.utils import get_object_edit_url
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from djangocms_versioning.helpers import version_list_url
from djangocms_versioning.models import Version

from pages.models import LetterContent
from tests.factories import LetterFactory, RecommendationFactory, UserFactory, edit_text

pytestmark = pytest.mark.django_db

ADMIN_LISTS = ("letter", "recommendation", "update")


def test_editors_get_a_campaign_menu_in_the_toolbar(admin_client, letters_page):
    """Staff see a "Campaign" toolbar menu linking the letter admin lists."""
    html = admin_client.get("/en/letters/").text
    assert "Campaign" in html
    for model in ADMIN_LISTS:
        assert f"/en/admin/pages/{model}/" in html


def test_visitors_get_no_toolbar(client, letters_page):
    """Anonymous visitors see neither the toolbar nor links into the admin."""
    html = client.get("/en/letters/").text
    assert "cms-toolbar" not in html and "/admin/" not in html


SLUG = "stop-the-raids"
LETTER_PAGE = f"/en/letters/{SLUG}/"


@pytest.fixture
def letter(letters_page):
    return LetterFactory(slug=SLUG, title="Stop the raids", body="<p>Old words</p>")


def version_action(content, action: str) -> str:
    version = Version.objects.get_for_content(content)
    return f"/en/admin/djangocms_versioning/lettercontentversion/{version.pk}/{action}/"


def test_letter_page_offers_new_draft_and_the_letter_menu(admin_client, letter):
    """Staff get versioning's New Draft button and the Letter menu on the letter."""
    published = letter.content("en")
    html = admin_client.get(LETTER_PAGE).text
    edit = version_action(published, "edit-redirect")
    assert re.search(rf'<a href="{edit}" class="[^"]*">New Draft</a>', html)
    # The Letter menu: edit (a POST to the same redirect), versions, settings.
    assert f'<a class="cms-form-post-method" href="{edit}">' in html
    assert "Edit this letter&#x27;s text in English" in html
    assert f'href="{escape(version_list_url(published))}"' in html
    assert f'href="/en/admin/pages/letter/{letter.pk}/change/"' in html
    assert "Preview draft" not in html
    # A letter's text has no placeholders: no empty structure board.
    assert "cms-toolbar-item-cms-mode-switcher" not in html


def test_letter_page_with_a_draft_offers_edit_and_its_preview(admin_client, letter):
    """With a draft, the button says Edit and the menu previews and edits the draft."""
    published = letter.content("en")
    draft = edit_text(letter, body="<p>New words</p>", publish=False)
    html = admin_client.get(LETTER_PAGE).text
    edit = version_action(published, "edit-redirect")
    assert re.search(rf'<a href="{edit}" class="[^"]*">Edit</a>', html)
    assert f'href="/en/preview/letter/{draft.pk}/"' in html
    assert f'href="/en/admin/pages/lettercontent/{draft.pk}/change/"' in html
    assert "Old words" in html and "New words" not in html


def test_draft_preview_has_a_publish_button(admin_client, letter):
    """The preview of a draft offers Publish (a POST to versioning's publish)."""
    draft = edit_text(letter, body="<p>New words</p>", publish=False)
    html = admin_client.get(f"/en/preview/letter/{draft.pk}/").text
    assert "New words" in html
    assert f'href="{version_action(draft, "publish")}"' in html
    assert f'href="{LETTER_PAGE}"' in html  # "View the published letter"


def test_edit_mode_shows_the_draft_with_versionings_publish(admin_client, letter):
    """The CMS's edit endpoint renders the draft; versioning adds Publish there."""
    draft = edit_text(letter, body="<p>New words</p>", publish=False)
    response = admin_client.get(get_object_edit_url(draft))
    assert response.status_code == 200
    assert "New words" in response.text
    publish = version_action(draft, "publish")
    assert response.text.count(f'href="{publish}"') == 1


def test_edit_mode_of_the_published_text_falls_back_to_its_preview(
    admin_client, letter
):
    """Only a draft can be edited: the published text opens in preview."""
    published = letter.content("en")
    response = admin_client.get(get_object_edit_url(published))
    assert response.status_code == 302
    assert "/preview/" in response["Location"]
    assert admin_client.get(response["Location"]).status_code == 200


def test_new_draft_opens_the_draft_in_edit_mode(admin_client, letter):
    """New Draft copies the published text and opens the copy in edit mode."""
    published = letter.content("en")
    response = admin_client.post(version_action(published, "edit-redirect"))
    draft = LetterContent.admin_manager.filter(letter=letter).latest_content().get()
    assert draft.pk != published.pk
    assert response.status_code == 302
    assert response["Location"].startswith(get_object_edit_url(draft))


def test_publishing_from_the_toolbar_reaches_visitors(client, admin_client, letter):
    """Publish sends the editor to the letter; visitors then read the new text."""
    draft = edit_text(letter, body="<p>New words</p>", publish=False)
    assert "Old words" in client.get(LETTER_PAGE).text
    response = admin_client.post(version_action(draft, "publish"))
    assert response.status_code == 302 and response["Location"].endswith(LETTER_PAGE)
    html = client.get(LETTER_PAGE).text
    assert "New words" in html and "Old words" not in html


def test_visitors_get_no_letter_toolbar(client, letter):
    """Anonymous readers of a letter see no toolbar, buttons or admin links."""
    edit_text(letter, body="<p>New words</p>", publish=False)
    html = client.get(LETTER_PAGE).text
    for marker in ("cms-toolbar", "edit-redirect", "/admin/", "Preview draft"):
        assert marker not in html


def test_letter_toolbar_needs_a_verified_session_in_production(
    client, letter, settings
):
    """With two-factor login on, staff get the Letter menu only once verified."""
    settings.STAFF_REQUIRE_2FA = True
    chief = UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(chief)
    assert "edit-redirect" not in client.get(LETTER_PAGE).text
    session = client.session
    device = TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    html = client.get(LETTER_PAGE).text
    assert version_action(letter.content("en"), "edit-redirect") in html
    assert "Letter settings" in html


def test_the_drafts_form_over_the_page_saves_and_closes(admin_client, letter):
    """The Letter menu's form (in the CMS modal) saves the draft and its wording."""
    RecommendationFactory(letter=letter, number=1, title="Publish the contracts")
    draft = edit_text(letter, publish=False)
    [text] = draft.recommendation_rows()
    response = admin_client.post(
        f"/en/admin/pages/lettercontent/{draft.pk}/change/?_popup=1",
        {
            "_popup": "1",
            "letter": letter.pk,
            "language": "en",
            "title": "Stop the raids now",
            "recipient": draft.recipient,
            "body": "<p>New words</p>",
            "change_kind": "correction",
            "change_note": "Clearer title",
            "recommendation_texts-TOTAL_FORMS": "1",
            "recommendation_texts-INITIAL_FORMS": "1",
            "recommendation_texts-0-id": text.pk,
            "recommendation_texts-0-content": draft.pk,
            "recommendation_texts-0-number": "1",
            "recommendation_texts-0-title": "Publish every contract",
            "recommendation_texts-0-body": "",
        },
    )
    assert response.status_code == 200, response.content[:500]
    assert "django-admin-popup-response-constants" in response.text
    draft = LetterContent.admin_manager.get(pk=draft.pk)
    assert (draft.title, draft.change_note) == ("Stop the raids now", "Clearer title")
    assert [t.title for t in draft.recommendation_rows()] == ["Publish every contract"]
