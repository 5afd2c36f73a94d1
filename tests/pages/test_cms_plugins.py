import pytest
from cms.api import add_plugin, create_page_content
from cms.models import PageContent
from djangocms_versioning.models import Version

from pages.models import LetterContent
from pages.services import content_new_draft, content_publish, letters_unpublish
from tests.conftest import publish
from tests.factories import (
    LetterFactory,
    RecommendationFactory,
    UpdateFactory,
    edit_text,
)

pytestmark = pytest.mark.django_db


def test_letter_plugins_render_on_a_published_cms_page(
    client, editor, letter, draft_page
):
    """Teaser, recommendations and updates plugins show the letter's content."""
    page, placeholder = draft_page()
    add_plugin(placeholder, "LetterTeaserPlugin", "en", letter=letter)
    add_plugin(placeholder, "RecommendationsPlugin", "en", letter=letter)
    add_plugin(placeholder, "UpdatesPlugin", "en", letter=letter, limit=3)
    publish(page, editor)
    html = client.get("/en/campaign/").text
    teaser = html[html.index('<article class="teaser">') :]
    assert 'href="/en/letters/stop-the-raids/"' in teaser
    assert "Stop the raids" in teaser
    assert "Northwind must stop handing licence data to the police." in teaser
    assert "<h2>Recommendations: Stop the raids</h2>" in html
    assert 'id="recommendation-1"' in html and 'id="recommendation-2"' in html
    assert "The company answered" in html


def test_plugins_for_a_draft_letter_render_nothing(
    client, editor, letters_page, draft_page
):
    """Teaser and recommendations of a draft letter stay off the public page."""
    draft = LetterFactory(status="draft", title="Not yet public")
    RecommendationFactory(letter=draft, number=1, title="Secret demand")
    UpdateFactory(letter=draft, title="Secret news")
    page, placeholder = draft_page()
    add_plugin(placeholder, "TextPlugin", "en", body="<p>Page text</p>")
    add_plugin(placeholder, "LetterTeaserPlugin", "en", letter=draft)
    add_plugin(placeholder, "RecommendationsPlugin", "en", letter=draft)
    add_plugin(placeholder, "UpdatesPlugin", "en", letter=draft)
    publish(page, editor)
    response = client.get("/en/campaign/")
    assert response.status_code == 200 and "Page text" in response.text
    for secret in ("Not yet public", "Secret demand", "Secret news", "teaser"):
        assert secret not in response.text


def test_updates_plugin_shows_the_newest_published_updates(
    client, editor, letters_page, draft_page
):
    """Without a letter the plugin lists the newest updates, up to its limit."""
    for day in range(1, 5):
        UpdateFactory(title=f"Update of day {day}", published_on=f"2030-01-0{day}")
    UpdateFactory(letter=None, title="Campaign news", published_on="2030-01-03")
    UpdateFactory(title="Draft update", status="draft", published_on="2030-02-01")
    page, placeholder = draft_page()
    add_plugin(placeholder, "UpdatesPlugin", "en", limit=3)
    publish(page, editor)
    html = client.get("/en/campaign/").text
    assert html.index("Update of day 4") < html.index("Update of day 3")
    assert "Campaign news" in html
    assert "Update of day 2" not in html and "Draft update" not in html
    assert 'href="/en/letters/updates/"' in html


def test_updates_plugin_for_one_letter_lists_only_its_updates(
    client, editor, letter, draft_page
):
    """A plugin tied to a letter ignores the other letters' updates."""
    UpdateFactory(title="About another letter")
    page, placeholder = draft_page()
    add_plugin(placeholder, "UpdatesPlugin", "en", letter=letter)
    publish(page, editor)
    html = client.get("/en/campaign/").text
    assert "The company answered" in html and "About another letter" not in html


def test_plugins_render_the_letter_in_the_page_language(
    client, editor, letter, draft_page
):
    """On the Russian version of a page the teaser shows the Russian title."""
    page, _placeholder = draft_page()
    create_page_content("ru", "Кампания", page, slug="campaign", created_by=editor)
    placeholder = (
        PageContent.admin_manager.get(page=page, language="ru")
        .get_placeholders()
        .get(slot="content")
    )
    add_plugin(placeholder, "LetterTeaserPlugin", "ru", letter=letter)
    publish(page, editor, "ru")
    html = client.get("/ru/campaign/").text
    assert "Прекратите обыски" in html
    assert 'href="/ru/letters/stop-the-raids/"' in html


def test_home_page_shows_its_plugins(client, editor, letter):
    """A new version of the home page with a teaser shows it on /en/ once published."""
    published = PageContent.objects.get(page__is_home=True, language="en")
    draft = Version.objects.get_for_content(published).copy(editor)
    placeholder = draft.content.get_placeholders().get(slot="content")
    add_plugin(placeholder, "LetterTeaserPlugin", "en", letter=letter)
    assert "Stop the raids" not in client.get("/en/").text
    draft.publish(editor)
    html = client.get("/en/").text
    assert html.count('<article class="teaser">') == 1
    assert "Stop the raids" in html


def teaser_page(editor, letter, draft_page):
    page, placeholder = draft_page()
    add_plugin(placeholder, "LetterTeaserPlugin", "en", letter=letter)
    add_plugin(placeholder, "UpdatesPlugin", "en", letter=letter)
    publish(page, editor)
    return "/en/campaign/"


def test_unpublished_letter_leaves_the_cached_teaser_at_once(
    client,
    admin_client,
    editor,
    letter,
    draft_page,
    django_capture_on_commit_callbacks,
):
    """Unpublishing a letter drops its cached teaser from the page straight away."""
    url = teaser_page(editor, letter, draft_page)
    assert '<article class="teaser">' in client.get(url).text  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/en/admin/pages/letter/",
            {"action": "unpublish", "_selected_action": [letter.pk]},
        )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "draft"
    assert '<article class="teaser">' not in client.get(url).text


def test_edited_summary_shows_at_once(
    client, editor, letter, draft_page, django_capture_on_commit_callbacks
):
    """An edited letter summary or update replaces the cached one on the next view."""
    url = teaser_page(editor, letter, draft_page)
    assert "Northwind must stop handing" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        edit_text(letter, summary="A shorter summary.")  # a new published version
        edit_text(letter.updates.get(), title="The company answered again")
    html = client.get(url).text
    assert "A shorter summary." in html and "Northwind must stop handing" not in html
    assert "The company answered again" in html


def test_republished_letter_returns_to_the_page(
    client, editor, letter, draft_page, django_capture_on_commit_callbacks
):
    """Publishing through the service brings the teaser back at once."""
    url = teaser_page(editor, letter, draft_page)
    with django_capture_on_commit_callbacks(execute=True):
        letters_unpublish(letter_ids=[letter.pk])
    assert '<article class="teaser">' not in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        unpublished = LetterContent.admin_manager.filter(letter=letter, language="en")
        unpublished = unpublished.latest("pk")
        content_publish(content=content_new_draft(content=unpublished))
    assert '<article class="teaser">' in client.get(url).text
