import re

import pytest
from cms.api import add_plugin, create_page_content
from cms.models import PageContent

from pages.models import Letter, RecommendationStatusChange
from tests.conftest import publish
from tests.factories import LetterFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def test_letter_without_english_falls_back_to_another_language(client, letters_page):
    """A Russian-only letter at /de/ shows its Russian text and names the language."""
    letter = Letter(slug="tolko-po-russki", status="published")
    letter.set_current_language("ru")
    letter.title, letter.recipient, letter.body = "Только по-русски", "Кому", "<p>Т</p>"
    letter.save()
    page = client.get(f"/de/letters/{letter.slug}/").text
    assert "<h1>Только по-русски</h1>" in page
    assert '<article class="letter" lang="ru">' in page
    notice = re.search(r'<p class="notice"[^>]*>(.*?)</p>', page).group(1)
    assert "Russisch" in notice  # the language shown, named in the reader's language


def test_recommendation_added_in_the_letter_inline_gets_its_first_history_entry(
    admin_client,
):
    """A recommendation created through the letter's inline starts its history."""
    letter = LetterFactory(title="Inline")
    prefix = "recommendations"
    data = {
        "title": "Inline",
        "slug": letter.slug,
        "status": "published",
        "published_on": "2026-11-01",
        "recipient": "To X",
        "sender": "",
        "summary": "",
        "body": "<p>b</p>",
        "goal": "100",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-number": "1",
        f"{prefix}-0-title": "Investigate",
        f"{prefix}-0-body": "",
        f"{prefix}-0-new_status": "acknowledged",
        f"{prefix}-0-new_status_on": "2026-11-02",
    }
    response = admin_client.post(
        f"/en/admin/pages/letter/{letter.pk}/change/?language=en", data
    )
    assert response.status_code == 302, response.content[:3000]
    change = RecommendationStatusChange.objects.get()
    assert (change.status, str(change.changed_on)) == ("acknowledged", "2026-11-02")


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
    german.set_current_language("de")
    german.title = "Auf Deutsch"
    german.save()
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
