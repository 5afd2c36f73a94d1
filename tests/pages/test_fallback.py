import re

import pytest

from pages.models import Letter, RecommendationStatusChange
from tests.factories import LetterFactory

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
        f"{prefix}-0-status": "acknowledged",
        f"{prefix}-0-status_changed_on": "2026-11-02",
        f"{prefix}-0-response": "",
    }
    response = admin_client.post(
        f"/en/admin/pages/letter/{letter.pk}/change/?language=en", data
    )
    assert response.status_code == 302, response.content[:3000]
    change = RecommendationStatusChange.objects.get()
    assert (change.status, str(change.changed_on)) == ("acknowledged", "2026-11-02")
