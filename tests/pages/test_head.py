"""What each page's head tells other sites: hreflang alternates, OpenGraph, feeds."""

import re

import pytest
from cms.api import create_page, create_page_content

from tests.conftest import publish
from tests.factories import LetterFactory, UpdateFactory, publish_text

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def head(html: str) -> str:
    return html[html.index("<head>") : html.index("</head>")]


def hreflangs(html: str) -> dict[str, str]:
    """hreflang -> href of the head's <link rel="alternate" hreflang> links."""
    return dict(
        re.findall(
            r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]*)">', head(html)
        )
    )


def meta(html: str) -> dict[str, list[str]]:
    """OpenGraph/Twitter property (or name) -> its contents, in order."""
    found: dict[str, list[str]] = {}
    for key, value in re.findall(
        r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)">',
        head(html),
    ):
        found.setdefault(key, []).append(value)
    return found


def test_cms_page_names_every_language_and_x_default(client, letters_page):
    """The home page links to itself in each published language, plus x-default."""
    for code in ("en", "ru", "de", "uk"):
        assert hreflangs(client.get(f"/{code}/").text) == {
            "en": f"{SITE}/en/",
            "ru": f"{SITE}/ru/",
            "de": f"{SITE}/de/",
            "uk": f"{SITE}/uk/",
            "x-default": f"{SITE}/",
        }


def test_cms_page_alternates_follow_each_languages_slug_and_publication(
    client, letters_page, editor
):
    """Each language links its own slug; an unpublished translation is left out."""
    page = create_page("About", "cms/page.html", "en", slug="about", created_by=editor)
    create_page_content("de", "Über uns", page, slug="ueber-uns", created_by=editor)
    create_page_content("uk", "Про нас", page, slug="pro-nas", created_by=editor)
    publish(page, editor)
    publish(page, editor, "de")  # the Ukrainian text stays a draft
    expected = {
        "en": f"{SITE}/en/about/",
        "de": f"{SITE}/de/ueber-uns/",
        "x-default": f"{SITE}/about/",
    }
    assert hreflangs(client.get("/en/about/").text) == expected
    assert hreflangs(client.get("/de/ueber-uns/").text) == expected


def test_letter_page_names_the_languages_its_text_is_written_in(client, letters_page):
    """A letter in English and Russian: two alternates and x-default, at any /lang/."""
    letter = LetterFactory(slug="open-letter")
    publish_text(letter, "ru", title="Открытое письмо", recipient="Совету")
    expected = {
        "en": f"{SITE}/en/letters/open-letter/",
        "ru": f"{SITE}/ru/letters/open-letter/",
        "x-default": f"{SITE}/letters/open-letter/",
    }
    for code in ("en", "ru", "de"):
        assert hreflangs(client.get(f"/{code}/letters/open-letter/").text) == expected


def test_x_default_leads_to_a_language(client, letters_page):
    """The x-default address redirects by the browser's language."""
    LetterFactory(slug="open-letter")
    response = client.get("/letters/open-letter/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 302
    assert response["Location"] == "/uk/letters/open-letter/"


def test_app_pages_under_the_letters_page_name_their_languages(client, letters_page):
    """The letter list and the updates page exist in every language of their page."""
    assert hreflangs(client.get("/de/letters/").text)["uk"] == f"{SITE}/uk/letters/"
    alternates = hreflangs(client.get("/en/letters/updates/?page=1").text)
    assert alternates["ru"] == f"{SITE}/ru/letters/updates/"
    assert alternates["x-default"] == f"{SITE}/letters/updates/"


def test_pages_that_are_not_translated_content_have_no_alternates(client, letters_page):
    """Signing pages, a 404 under the letters page and links from emails: none."""
    letter = LetterFactory(slug="open-letter")
    for url in (
        "/en/sign/open-letter/",
        "/en/sign/open-letter/thanks/",
        "/en/letters/no-such-letter/",
        "/en/no-such-page/",
    ):
        assert hreflangs(client.get(url).text) == {}, url
    assert letter


def test_cms_page_carries_opengraph_tags(client, letters_page):
    """Title, description, absolute URL, type and locale (with the others)."""
    tags = meta(client.get("/ru/").text)
    assert tags["og:type"] == ["website"]
    assert tags["og:title"] == ["Home"]
    assert tags["og:description"] == ["Открытые письма гражданского общества"]
    assert tags["og:url"] == [f"{SITE}/ru/"]
    assert tags["og:locale"] == ["ru_RU"]
    assert tags["og:locale:alternate"] == ["en_GB", "de_DE", "uk_UA"]
    assert tags["og:site_name"] == ["Открытые письма"]
    assert tags["twitter:card"] == ["summary"]


def test_updates_page_carries_opengraph_tags(client, letters_page):
    """The updates page describes itself."""
    UpdateFactory(title="The company answered")
    tags = meta(client.get("/de/letters/updates/").text)
    assert tags["og:title"] == ["Neuigkeiten"]
    assert tags["og:url"] == [f"{SITE}/de/letters/updates/"]
    assert tags["og:locale"] == ["de_DE"]
    assert tags["og:description"][0]


def test_letter_page_opengraph_describes_the_letter(client, letters_page):
    """One set of tags (no duplicates): the letter's title, summary and image."""
    letter = LetterFactory(slug="open-letter", summary="Stop helping the raids.")
    tags = meta(client.get("/en/letters/open-letter/").text)
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == [letter.title]
    assert tags["og:description"] == ["Stop helping the raids."]
    assert tags["og:url"] == [f"{SITE}/en/letters/open-letter/"]
    assert tags["og:locale"] == ["en_GB"]
    assert tags["og:image"] == [f"{SITE}/en/sign/open-letter/share.png"]
    assert tags["twitter:card"] == ["summary_large_image"]


def test_head_links_the_letters_feed(client, letters_page):
    """Feed readers find the letters feed (RSS and Atom) and the updates feed."""
    html = head(client.get("/en/").text)
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Open letters" '
        'href="/en/letters/feed/letters/">' in html
    )
    assert 'type="application/atom+xml" title="Open letters" ' in html
    assert 'href="/en/letters/feed/letters/atom/"' in html
    assert 'type="application/rss+xml" title="Campaign updates"' in html


def test_head_loads_nothing_from_other_servers(client, letters_page):
    """Every script, style, font or image a page asks for is our own."""
    LetterFactory(slug="open-letter")
    for url in ("/en/", "/en/letters/", "/en/letters/open-letter/"):
        html = client.get(url).text
        for src in re.findall(r'<(?:script|img|iframe)[^>]* src="([^"]*)"', html):
            assert src.startswith("/"), (url, src)
        for href in re.findall(
            r'<link rel="(?:stylesheet|icon|preload)"[^>]* href="([^"]*)"', html
        ):
            assert href.startswith("/"), (url, href)
