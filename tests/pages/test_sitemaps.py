import xml.etree.ElementTree as ET

import pytest
from cms.api import create_page, create_page_content

from tests.conftest import publish
from tests.factories import LetterFactory, publish_text

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{NS}loc")]


def test_sitemap_lists_each_published_letter_in_its_languages(client, letters_page):
    """A letter appears once per language it is written in, not per fallback."""
    letter = LetterFactory(slug="open-letter")
    assert [loc for loc in locations(client) if "/open-letter/" in loc] == [
        "http://example.com/en/letters/open-letter/"
    ]
    publish_text(letter, "ru", title="Открытое письмо", recipient="Совету")
    assert [loc for loc in locations(client) if "/open-letter/" in loc] == [
        "http://example.com/en/letters/open-letter/",
        "http://example.com/ru/letters/open-letter/",
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
    assert entries == [f"{letter.updated_at:%Y-%m-%d}"]


def alternates_of(client, location: str) -> dict[str, str]:
    """The xhtml:link alternates (hreflang -> href) of one sitemap entry."""
    root = ET.fromstring(client.get("/sitemap.xml").content)
    for url in root.iter(f"{NS}url"):
        if url.findtext(f"{NS}loc") == location:
            return {
                link.get("hreflang"): link.get("href")
                for link in url.iter(f"{XHTML}link")
                if link.get("rel") == "alternate"
            }
    raise AssertionError(f"{location} is not in the sitemap")


def test_sitemap_letters_carry_hreflang_alternates(client, letters_page):
    """Each language's entry names every translation and x-default."""
    letter = LetterFactory(slug="open-letter")
    publish_text(letter, "uk", title="Відкритий лист", recipient="Раді")
    expected = {
        "en": "http://example.com/en/letters/open-letter/",
        "uk": "http://example.com/uk/letters/open-letter/",
        "x-default": "http://example.com/letters/open-letter/",
    }
    assert alternates_of(client, expected["en"]) == expected
    assert alternates_of(client, expected["uk"]) == expected


def test_sitemap_cms_pages_carry_hreflang_alternates(client, letters_page):
    """Each published page's entries name its other languages and x-default."""
    expected = {
        code: f"http://example.com/{code}/letters/" for code in ("en", "ru", "de", "uk")
    } | {"x-default": "http://example.com/letters/"}
    for code in ("en", "ru", "de", "uk"):
        assert alternates_of(client, expected[code]) == expected
    home = alternates_of(client, "http://example.com/de/")
    assert home["x-default"] == "http://example.com/"
    assert home["uk"] == "http://example.com/uk/"


def test_sitemap_leaves_unpublished_translations_out(client, letters_page, editor):
    """A page whose German text is a draft has no German entry or alternate."""
    page = create_page("About", "cms/page.html", "en", slug="about", created_by=editor)
    publish(page, editor)
    create_page_content("de", "Über uns", page, slug="ueber", created_by=editor)
    listed = locations(client)
    assert "http://example.com/en/about/" in listed
    assert not [loc for loc in listed if "/ueber/" in loc]
    assert alternates_of(client, "http://example.com/en/about/") == {
        "en": "http://example.com/en/about/",
        "x-default": "http://example.com/about/",
    }
