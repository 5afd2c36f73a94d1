import xml.etree.ElementTree as ET

import pytest

from tests.factories import LetterFactory, UpdateFactory, publish_text

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss_feed_lists_published_updates_newest_first(client, letters_page):
    """The RSS feed carries published updates with titles, links and dates."""
    letter = LetterFactory()
    first = UpdateFactory(letter=letter, title="First reply", published_on="2030-01-01")
    UpdateFactory(letter=None, title="Campaign news", published_on="2030-01-02")
    UpdateFactory(letter=letter, title="Draft news", status="draft")
    UpdateFactory(letter=LetterFactory(status="draft"), title="Hidden letter news")
    response = client.get("/en/letters/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Campaign updates"
    assert channel.findtext("link") == "http://example.com/en/letters/updates/"
    assert channel.findtext("language") == "en"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Campaign news",
        "First reply",
    ]
    assert items[1].findtext("link") == (
        f"http://example.com/en/letters/updates/#update-{first.pk}"
    )
    assert items[1].findtext("pubDate") == "Tue, 01 Jan 2030 12:00:00 +0000"
    assert items[1].findtext("description") == "<p>Something happened.</p>"


def test_atom_feed_lists_published_updates(client, letters_page):
    """The Atom feed carries the same updates as entries."""
    UpdateFactory(title="First reply")
    UpdateFactory(title="Draft news", status="draft")
    response = client.get("/en/letters/feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "Campaign updates"
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == [
        "First reply"
    ]


def test_feed_in_russian_uses_russian_titles_and_falls_back(client, letters_page):
    """At /ru/ the feed uses Russian titles where they exist, English otherwise."""
    translated = UpdateFactory(title="Reply", published_on="2030-01-02")
    publish_text(translated, "ru", title="Ответ")
    UpdateFactory(title="English only", published_on="2030-01-01")
    channel = ET.fromstring(client.get("/ru/letters/feed/").content).find("channel")
    assert channel.findtext("language") == "ru"
    assert channel.findtext("link").endswith("/ru/letters/updates/")
    assert [i.findtext("title") for i in channel.findall("item")] == [
        "Ответ",
        "English only",
    ]


def test_feeds_are_empty_without_updates(client, letters_page):
    """With no updates both feeds are valid and empty."""
    for path in ("/en/letters/feed/", "/en/letters/feed/atom/"):
        response = client.get(path)
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        assert not list(root.iter("item")) and not list(root.iter(f"{ATOM}entry"))


def test_feeds_answer_in_every_language(client, letters_page):
    """Both feeds are served under each language's letters page."""
    UpdateFactory(title="Reply")
    for language in ("en", "ru", "de", "uk"):
        for path in ("feed/", "feed/atom/"):
            response = client.get(f"/{language}/letters/{path}")
            assert response.status_code == 200, (language, path)
            assert b"Reply" in response.content, (language, path)


def test_letters_feed_lists_published_letters_only(client, letters_page):
    """RSS of letters: newest first, with summary, coalition and date; no drafts."""
    older = LetterFactory(slug="older", title="Older letter", published_on="2030-01-01")
    LetterFactory(
        slug="newer",
        title="Newer letter",
        published_on="2030-02-01",
        summary="Stop the raids.",
        sender="Kestrel Alliance",
    )
    LetterFactory(slug="draft", title="Draft letter", status="draft")
    response = client.get("/en/letters/feed/letters/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Open letters"
    assert channel.findtext("link") == "http://example.com/en/letters/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Newer letter",
        "Older letter",
    ]
    assert items[0].findtext("link") == "http://example.com/en/letters/newer/"
    assert items[0].findtext("description") == "Stop the raids."
    assert items[0].findtext("{http://purl.org/dc/elements/1.1/}creator") == (
        "Kestrel Alliance"
    )
    assert items[1].findtext("pubDate") == "Tue, 01 Jan 2030 12:00:00 +0000"
    assert b"Draft letter" not in response.content
    assert older.get_absolute_url() == "/en/letters/older/"


def test_letters_atom_feed_lists_published_letters_only(client, letters_page):
    """Atom of letters: one entry per published letter, with its update time."""
    letter = LetterFactory(title="Published letter")
    LetterFactory(title="Draft letter", status="draft")
    response = client.get("/en/letters/feed/letters/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Published letter"
    assert entry.findtext(f"{ATOM}updated") == letter.updated_at.isoformat()


def test_letters_feed_is_in_the_language_of_its_address(client, letters_page):
    """At /ru/ letter titles are Russian where translated, English otherwise."""
    letter = LetterFactory(title="Stop the raids", published_on="2030-01-02")
    publish_text(letter, "ru", title="Прекратите обыски", recipient="Совету")
    LetterFactory(title="English only", published_on="2030-01-01")
    channel = ET.fromstring(client.get("/ru/letters/feed/letters/").content).find(
        "channel"
    )
    assert channel.findtext("language") == "ru"
    assert channel.findtext("title") == "Открытые письма"
    assert [i.findtext("title") for i in channel.findall("item")] == [
        "Прекратите обыски",
        "English only",
    ]
