import pytest
from cms.api import add_plugin, create_page
from cms.models import PageContent
from cms.toolbar.utils import get_object_edit_url

from pages.forms import LetterWizardForm
from pages.models import Letter, LetterContent, RecommendationStatusChange
from pages.services import recommendation_set_status
from tests.conftest import publish
from tests.factories import LetterFactory, RecommendationFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def content_page(editor, slug="campaign"):
    page = create_page("Campaign", "cms/page.html", "en", slug=slug, created_by=editor)
    placeholder = (
        PageContent.admin_manager.get(page=page, language="en")
        .get_placeholders()
        .get(slot="content")
    )
    return page, placeholder


def test_plugins_render_on_a_cms_page(client, editor, letters_page):
    """Teaser, recommendations, updates, counter, form and list plugins render."""
    letter = LetterFactory(title="Keep them online")
    RecommendationFactory(letter=letter, number=1, title="Keep access open")
    UpdateFactory(letter=letter, title="A first reply")
    page, placeholder = content_page(editor)
    for plugin in (
        "LetterTeaserPlugin",
        "RecommendationsPlugin",
        "SignatureCounterPlugin",
        "SignFormPlugin",
        "SignatoryListPlugin",
    ):
        add_plugin(placeholder, plugin, "en", letter=letter)
    add_plugin(placeholder, "UpdatesPlugin", "en", letter=letter, limit=3)
    publish(page, editor)
    html = client.get("/en/campaign/").text
    assert "Keep them online" in html
    assert 'id="recommendation-1"' in html and "Keep access open" in html
    assert "A first reply" in html
    assert 'class="counter"' in html and 'id="sign"' in html
    assert 'id="signatories"' in html


def test_plugin_for_a_draft_letter_shows_nothing(client, editor, letters_page):
    """A teaser pointing at a draft letter renders nothing to visitors."""
    draft = LetterFactory(status="draft", title="Not yet public")
    page, placeholder = content_page(editor)
    add_plugin(placeholder, "LetterTeaserPlugin", "en", letter=draft)
    publish(page, editor)
    assert "Not yet public" not in client.get("/en/campaign/").text


def test_cms_page_is_private_until_published(client, editor, letters_page):
    """A CMS page is 404 as a draft and 200 once its version is published."""
    page, placeholder = content_page(editor, slug="draft-page")
    add_plugin(placeholder, "TextPlugin", "en", body="<p>Draft words</p>")
    assert client.get("/en/draft-page/").status_code == 404
    publish(page, editor)
    response = client.get("/en/draft-page/")
    assert response.status_code == 200 and "Draft words" in response.text


def test_apphook_serves_the_letter_list(client, letters_page):
    """The page with the letters apphook lists published letters."""
    LetterFactory(title="Visible letter")
    LetterFactory(title="Hidden draft", status="draft")
    html = client.get("/en/letters/").text
    assert "Visible letter" in html and "Hidden draft" not in html


def test_wizard_creates_a_draft_letter_in_the_current_language():
    """The one-step form creates a draft letter with its text in one language."""
    form = LetterWizardForm(
        data={
            "title": "Ein Brief",
            "slug": "ein-brief",
            "recipient": "An X",
            "summary": "",
            "body": "<p>Text</p>",
        },
        wizard_language="de",
    )
    assert form.is_valid(), form.errors
    letter = form.save()
    assert letter.status == "draft"
    languages = LetterContent.admin_manager.filter(letter=letter).values_list(
        "language", flat=True
    )
    assert list(languages) == ["de"]


@pytest.mark.parametrize("slug", ["updates", "existing"])
def test_wizard_refuses_reserved_and_taken_slugs(slug):
    """Reserved or already used addresses give a form error."""
    LetterFactory(slug="existing")
    form = LetterWizardForm(
        data={"title": "T", "slug": slug, "recipient": "R", "body": "B"},
        wizard_language="en",
    )
    assert not form.is_valid() and "slug" in form.errors
    assert Letter.objects.count() == 1


def test_recommendation_status_history():
    """Each status change is recorded once; repeating a status is a no-op."""
    recommendation = RecommendationFactory()
    recommendation_set_status(recommendation=recommendation, status="acknowledged")
    recommendation_set_status(recommendation=recommendation, status="acknowledged")
    recommendation_set_status(recommendation=recommendation, status="adopted")
    history = RecommendationStatusChange.objects.filter(recommendation=recommendation)
    assert sorted(history.values_list("status", flat=True)) == [
        "acknowledged",
        "adopted",
    ]
    recommendation.refresh_from_db()
    assert recommendation.status == "adopted"


@pytest.mark.parametrize("model", ["letter", "recommendation", "update"])
def test_admin_pages_render(admin_client, model):
    """Editors can open the list and add forms of letters, recommendations, updates."""
    LetterFactory()
    assert admin_client.get(f"/en/admin/pages/{model}/").status_code == 200
    assert admin_client.get(f"/en/admin/pages/{model}/add/").status_code == 200


def test_admin_status_change_is_recorded(admin_client):
    """Changing a recommendation's status in the admin writes its history."""
    recommendation = RecommendationFactory(title="Investigate")
    response = admin_client.post(
        f"/en/admin/pages/recommendation/{recommendation.pk}/change/?language=en",
        {
            "letter": recommendation.letter.pk,
            "number": recommendation.number,
            "new_status": "partly_adopted",
            "new_status_on": "2026-11-01",
            "history-TOTAL_FORMS": "0",
            "history-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    change = RecommendationStatusChange.objects.get(recommendation=recommendation)
    assert (change.status, str(change.changed_on)) == ("partly_adopted", "2026-11-01")


def test_editor_opens_a_draft_page_in_edit_mode(admin_client, editor, letters_page):
    """Editors reach the CMS edit view, with the toolbar, for a draft page."""
    page, placeholder = content_page(editor, slug="draft-edit")
    content = PageContent.admin_manager.get(page=page, language="en")
    response = admin_client.get(get_object_edit_url(content))
    assert response.status_code == 200
    assert "cms-toolbar" in response.text


@pytest.mark.parametrize(
    "plugin",
    [
        "LetterTeaserPlugin",
        "RecommendationsPlugin",
        "UpdatesPlugin",
        "SignFormPlugin",
        "SignatureCounterPlugin",
        "SignatoryListPlugin",
    ],
)
def test_editor_gets_the_add_form_of_each_campaign_plugin(
    admin_client, editor, letters_page, plugin
):
    """The CMS 'add plugin' form opens for every campaign plugin."""
    LetterFactory(title="Pick me")
    page, placeholder = content_page(editor, slug="plugin-forms")
    response = admin_client.get(
        "/en/admin/cms/placeholder/add-plugin/",
        {
            "placeholder_id": placeholder.pk,
            "plugin_type": plugin,
            "plugin_language": "en",
            "plugin_position": 1,
            "cms_path": "/en/plugin-forms/",
        },
    )
    assert response.status_code == 200, response.content[:500]
    assert "Pick me" in response.text or plugin == "UpdatesPlugin"


def test_admin_makes_no_third_party_requests(admin_client):
    """The editors' admin does not load the CMS update check (a request to PyPI)."""
    html = admin_client.get("/en/admin/").text
    assert "update-notification.js" not in html
    assert "pypi.org" not in html
