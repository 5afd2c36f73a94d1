"""Letters in django CMS's menus and breadcrumbs (pages.cms_menus)."""

import pytest
from menus.menu_pool import menu_pool

from pages.selectors import letter_menu_entries
from pages.services import content_publish
from tests.factories import LetterFactory, edit_text, publish_text

pytestmark = pytest.mark.django_db


def letters_submenu(client, language: str = "en") -> list[tuple[str, str]]:
    """(title, URL) of the nodes under the apphook page, as the CMS builds them."""
    request = client.get(f"/{language}/letters/").wsgi_request
    nodes = menu_pool.get_renderer(request).get_nodes()
    page = next(n for n in nodes if n.get_absolute_url() == f"/{language}/letters/")
    return [(child.title, child.get_absolute_url()) for child in page.children]


def breadcrumb(html: str) -> str:
    start = html.index('class="breadcrumb"')
    return html[start : html.index("</nav>", start)]


def test_apphook_submenu_lists_published_letters_only(client, letters_page):
    """The letters page's submenu has each published letter; drafts stay out."""
    LetterFactory(slug="visible", title="Visible letter")
    LetterFactory(slug="hidden", title="Hidden draft", status="draft")
    assert letters_submenu(client) == [("Visible letter", "/en/letters/visible/")]


def test_submenu_titles_follow_the_language(client, letters_page):
    """At /ru/ a letter shows its Russian title, or its fallback text's title."""
    translated = LetterFactory(slug="translated", title="Stop the raids")
    publish_text(translated, "ru", title="Прекратите обыски")
    LetterFactory(slug="english-only", title="Only in English")
    assert sorted(letters_submenu(client, "ru")) == [
        ("Only in English", "/ru/letters/english-only/"),
        ("Прекратите обыски", "/ru/letters/translated/"),
    ]


def test_menu_entries_take_one_query(letters_page, django_assert_num_queries):
    """Building the letters' nodes is one query, however many letters."""
    for number in range(3):
        letter = LetterFactory(slug=f"letter-{number}")
        publish_text(letter, "de", title=f"Brief {number}")
    letter_menu_entries(language="de")  # the CMS builds its apphook URLs once
    with django_assert_num_queries(1):
        entries = letter_menu_entries(language="de")
    assert len(entries) == 3


def test_letter_page_breadcrumb_ends_with_the_letter(client, letters_page):
    """On a letter's page the breadcrumb runs Home › Open letters › the letter."""
    LetterFactory(slug="stop-the-raids", title="Stop the raids")
    crumbs = breadcrumb(client.get("/en/letters/stop-the-raids/").text)
    assert '<a href="/en/">' in crumbs
    assert '<a href="/en/letters/">Open letters</a>' in crumbs
    assert '<span aria-current="page">Stop the raids</span>' in crumbs


def test_menu_follows_publishing(
    client, letters_page, django_capture_on_commit_callbacks
):
    """A newly published letter, or a new title, shows at once: the cache is cleared."""
    letter = LetterFactory(slug="first", title="First letter")
    assert letters_submenu(client) == [("First letter", "/en/letters/first/")]
    with django_capture_on_commit_callbacks(execute=True):
        second = LetterFactory(slug="second", title="Second letter", status="draft")
        content_publish(content=second.contents.model.admin_manager.get(letter=second))
        edit_text(letter, title="First letter, revised")
    assert sorted(letters_submenu(client)) == [
        ("First letter, revised", "/en/letters/first/"),
        ("Second letter", "/en/letters/second/"),
    ]
