import re

import pytest
from cms.api import add_plugin, create_page_content
from cms.models import PageContent

from pages.models import Letter, Recommendation, RecommendationStatusChange
from pages.services import content_new_draft
from tests.conftest import publish
from tests.factories import LetterFactory, UpdateFactory, publish_text

pytestmark = pytest.mark.django_db


def test_letter_without_english_falls_back_to_another_language(client, letters_page):
    """A Russian-only letter at /de/ shows its Russian text and names the language."""
    letter = Letter.objects.create(slug="tolko-po-russki")
    publish_text(
        letter, "ru", title="Только по-русски", recipient="Кому", body="<p>Т</p>"
    )
    page = client.get(f"/de/letters/{letter.slug}/").text
    assert "<h1>Только по-русски</h1>" in page
    assert '<article class="letter" lang="ru">' in page
    notice = re.search(r'<p class="notice"[^>]*>(.*?)</p>', page).group(1)
    assert "Russisch" in notice  # the language shown, named in the reader's language


def test_recommendation_added_in_the_draft_inline_exists_as_proposed(
    admin_client,
):
    """A recommendation added in a draft's inline exists, proposed, no history yet."""
    letter = LetterFactory(title="Inline")
    draft = content_new_draft(content=letter.content("en"))
    prefix = "recommendation_texts"
    data = {
        "letter": letter.pk,
        "language": "en",
        "title": "Inline",
        "recipient": "To X",
        "sender": "",
        "summary": "",
        "body": "<p>b</p>",
        "change_kind": "correction",
        "change_note": "Adds a recommendation",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-number": "1",
        f"{prefix}-0-title": "Investigate",
        f"{prefix}-0-body": "",
    }
    response = admin_client.post(
        f"/en/admin/pages/lettercontent/{draft.pk}/change/", data
    )
    assert response.status_code == 302, response.content[:3000]
    # It starts as proposed with an empty timeline (status changes are dated
    # entries an editor records, not a side effect of adding the text).
    recommendation = Recommendation.objects.get(letter=letter, number=1)
    assert recommendation.status == "proposed"
    assert not RecommendationStatusChange.objects.exists()
    assert draft.recommendation_rows()[0].title == "Investigate"
    # The published version does not have it until the draft is published.
    assert Letter.objects.get(pk=letter.pk).current_recommendations() == []


def english_only_letter_with_update():
    letter = LetterFactory(
        slug="english-only", title="English only", summary="Only in English."
    )
    UpdateFactory(letter=letter, title="News in English")
    return letter


def test_home_teaser_marks_english_fallback_on_german_page(
    client, editor, letters_page, draft_page
):
    """On /de/ an English-only teaser carries lang="en" and a German note."""
    letter = english_only_letter_with_update()
    page, placeholder = draft_page()
    add_plugin(placeholder, "LetterTeaserPlugin", "en", letter=letter)
    add_plugin(placeholder, "UpdatesPlugin", "en", letter=letter)
    publish(page, editor)
    create_page_content("de", "Kampagne", page, slug="campaign", created_by=editor)
    de_placeholder = (
        PageContent.admin_manager.get(page=page, language="de")
        .get_placeholders()
        .get(slot="content")
    )
    add_plugin(de_placeholder, "LetterTeaserPlugin", "de", letter=letter)
    add_plugin(de_placeholder, "UpdatesPlugin", "de", letter=letter)
    publish(page, editor, "de")
    html = client.get("/de/campaign/").text
    assert '<article class="teaser" lang="en">' in html
    assert re.search(r'<article class="update" id="update-\d+" lang="en">', html)
    notes = re.findall(r'<p class="notice fallback-notice" lang="de">(.*?)</p>', html)
    assert len(notes) == 2 and all("Englisch" in note for note in notes)


def test_update_list_marks_fallback_and_not_translated_items(client, letters_page):
    """The updates page marks English items on /de/ and leaves German ones alone."""
    english_only_letter_with_update()
    german = UpdateFactory(title="Auf Englisch")
    publish_text(german, "de", title="Auf Deutsch")
    html = client.get("/de/letters/updates/").text
    assert html.count('class="notice fallback-notice"') == 1
    assert f'<article class="update" id="update-{german.pk}">' in html
    english = re.search(r'<article class="update" id="update-\d+" lang="en">', html)
    rest = html[english.end() :]
    assert "News in English" in rest[: rest.index("</article>")]


def test_translated_teaser_has_no_note(client, letters_page):
    """A teaser in the reader's language carries no lang override and no note."""
    LetterFactory(title="Only English")
    html = client.get("/en/letters/").text
    assert '<article class="teaser">' in html and "fallback-notice" not in html
