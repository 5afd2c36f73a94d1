import xml.etree.ElementTree as ET

import pytest

from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{NS}loc")]


def test_sitemap_lists_each_published_letter_in_every_language(client, letters_page):
    """Every published letter appears once per site language."""
    LetterFactory(slug="open-letter")
    letters = [loc for loc in locations(client) if "/open-letter/" in loc]
    assert letters == [
        f"http://example.com/{code}/letters/open-letter/"
        for code in ("en", "ru", "de", "uk")
    ]


def test_sitemap_lists_published_cms_pages_only(client, letters_page, draft_page):
    """Published CMS pages are listed in their languages; a draft page is not."""
    draft_page(slug="unpublished")
    listed = locations(client)
    for code in ("en", "ru", "de", "uk"):
        assert f"http://example.com/{code}/" in listed
        assert f"http://example.com/{code}/letters/" in listed
    assert not [loc for loc in listed if "unpublished" in loc]


def test_sitemap_leaves_out_drafts(client, letters_page):
    """Draft letters are not announced to search engines."""
    LetterFactory(slug="draft", status="draft")
    assert not [loc for loc in locations(client) if "/draft/" in loc]


def test_sitemap_gives_the_last_change(client, letters_page):
    """Each entry has the letter's last modification date."""
    letter = LetterFactory(slug="open-letter")
    root = ET.fromstring(client.get("/sitemap.xml").content)
    entries = [
        url.findtext(f"{NS}lastmod")
        for url in root.iter(f"{NS}url")
        if "/open-letter/" in url.findtext(f"{NS}loc")
    ]
    assert entries == [f"{letter.updated_at:%Y-%m-%d}"] * 4
