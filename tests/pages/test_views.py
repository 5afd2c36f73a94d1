import re

import pytest
from django.utils import timezone

from pages.models import RecommendationStatus
from tests.factories import LetterFactory, RecommendationFactory, UpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(letters_page):
    letter = LetterFactory(
        slug="stop-the-raids",
        title="Stop the raids",
        recipient="To the Board of Northwind Software",
        body="<p>We write about the raids.</p>",
    )
    letter.set_current_language("ru")
    letter.title = "Прекратите обыски"
    letter.recipient = "Совету директоров Northwind Software"
    letter.body = "<p>Мы пишем об обысках.</p>"
    letter.save()
    RecommendationFactory(
        letter=letter,
        number=1,
        title="Commission an independent investigation",
        status=RecommendationStatus.ACKNOWLEDGED,
        status_changed_on=timezone.localdate(),
        response="We are reviewing the request.",
    )
    RecommendationFactory(letter=letter, number=2, title="Consult the groups")
    UpdateFactory(letter=letter, title="The company answered")
    return letter


@pytest.mark.parametrize("language", ["en", "ru", "de", "uk"])
def test_public_pages_render_in_every_language(client, letter, language):
    """Letters list, letter, updates and feeds answer 200 in each site language."""
    for path in [
        "letters/",
        f"letters/{letter.slug}/",
        "letters/updates/",
        "letters/feed/",
        "letters/feed/atom/",
        "",
    ]:
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 200, (language, path)


def test_letter_page_shows_letter_recommendations_and_updates(client, letter):
    """The letter page carries recipient, date, body, numbered recommendations
    with anchors, statuses and responses, and the latest updates."""
    page = client.get(f"/en/letters/{letter.slug}/").text
    assert "To the Board of Northwind Software" in page
    assert f'datetime="{letter.published_on:%Y-%m-%d}"' in page
    assert "We write about the raids." in page
    assert 'id="recommendation-1"' in page and 'id="recommendation-2"' in page
    assert 'href="#recommendation-1"' in page
    assert "Acknowledged" in page
    assert "We are reviewing the request." in page
    assert "The company answered" in page


def test_letter_page_in_russian_uses_the_translation(client, letter):
    """Where a translation exists it is shown, with the page language set."""
    page = client.get(f"/ru/letters/{letter.slug}/").text
    assert "Прекратите обыски" in page
    assert '<html lang="ru">' in page
    assert 'class="notice"' not in page


def test_untranslated_letter_falls_back_to_english_with_a_note(client, letter):
    """Without a German text, /de/ shows English and says so."""
    page = client.get(f"/de/letters/{letter.slug}/").text
    assert "Stop the raids" in page
    assert 'class="notice"' in page
    assert '<article class="letter" lang="en">' in page


def test_language_switcher_links_to_the_same_letter(client, letter):
    """The header links to this letter in every other language."""
    page = client.get(f"/en/letters/{letter.slug}/").text
    for code in ("ru", "de", "uk"):
        assert f'href="/{code}/letters/{letter.slug}/" hreflang="{code}"' in page


def test_draft_letter_is_404_for_visitors_and_visible_to_staff(
    client, admin_client, letters_page
):
    """Drafts stay private until published; editors preview them with a notice."""
    draft = LetterFactory(status="draft", title="Secret draft")
    url = f"/en/letters/{draft.slug}/"
    assert client.get(url).status_code == 404
    preview = admin_client.get(url)
    assert preview.status_code == 200 and "Draft: only editors" in preview.text
    assert "Secret draft" not in client.get("/en/letters/").text
    draft.status = "published"
    draft.save()
    assert client.get(url).status_code == 200


def test_draft_update_is_not_listed(client, letter):
    """A draft update appears neither on the updates page nor in the feed."""
    UpdateFactory(letter=letter, status="draft", title="Unfinished news")
    for path in (
        "/en/letters/updates/",
        "/en/letters/feed/",
        f"/en/letters/{letter.slug}/",
    ):
        assert "Unfinished news" not in client.get(path).text


@pytest.mark.parametrize(
    "path",
    [
        "/en/letters/no-such-letter/",
        "/ru/letters/no-such-letter/",
        "/en/letters/%D0%BF%D0%B8%D1%81%D1%8C%D0%BC%D0%BE/",
        "/en/letters/updates/?page=999",
        "/xx/letters/",
        "/en/no-such-page/",
    ],
)
def test_unknown_addresses_are_404_not_500(client, letters_page, path):
    """Unknown slugs, languages and pages end in 404 (after any redirect)."""
    response = client.get(path, follow=True)
    expected = 200 if "page=999" in path else 404  # the paginator clamps pages
    assert response.status_code == expected


def test_feeds_list_published_updates(client, letter):
    """RSS and Atom carry the published update."""
    rss = client.get("/en/letters/feed/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "The company answered" in rss.text
    atom = client.get("/en/letters/feed/atom/")
    assert "<feed" in atom.text and "The company answered" in atom.text


def test_sitemap_lists_letters_in_every_language(client, letter):
    """The sitemap has the letter's URL for each language."""
    text = client.get("/sitemap.xml").text
    for code in ("en", "ru", "de", "uk"):
        assert f"/{code}/letters/{letter.slug}/" in text


def test_letter_page_has_opengraph_and_canonical(client, letter):
    """Sharing metadata is present."""
    page = client.get(f"/en/letters/{letter.slug}/").text
    assert '<meta property="og:title" content="Stop the raids">' in page
    assert '<link rel="canonical"' in page


def test_pages_load_nothing_from_other_hosts(client, letter):
    """No script, style, font or image comes from another origin; CSP says so."""
    response = client.get(f"/en/letters/{letter.slug}/")
    assets = re.findall(
        r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', response.text
    )
    external = [a for a in assets if a.startswith(("http:", "https:", "//"))]
    # the canonical link points at our own SITE_URL
    assert all(a.startswith("http://127.0.0.1:8000") for a in external), external
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "http" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_letter_page_accessibility_basics(client, letter):
    """Skip link, one h1, labelled form fields."""
    page = client.get(f"/en/letters/{letter.slug}/").text
    assert '<a class="skip-link" href="#main">' in page and 'id="main"' in page
    assert page.count("<h1") == 1
    for field in ("organisation", "contact_email", "country"):
        assert f'<label for="id_{field}">' in page
