import re

import pytest

from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db


def language_links(html):
    """The (href, hreflang, current) triples of the header's language switcher."""
    nav = html[html.index('class="lang-nav"') :]
    nav = nav[: nav.index("</nav>")]
    return [
        (href, code, bool(current))
        for href, code, current in re.findall(
            r'<a href="([^"]*)" hreflang="(\w+)" lang="\w+"( aria-current="true")?>',
            nav,
        )
    ]


def test_language_links_on_the_home_page(client, letters_page):
    """From /de/ the switcher offers every language's home page."""
    assert language_links(client.get("/de/").text) == [
        ("/en/", "en", False),
        ("/ru/", "ru", False),
        ("/de/", "de", True),
        ("/uk/", "uk", False),
    ]


def test_language_links_keep_the_letter_and_the_query(client, letters_page):
    """Links lead to the same page in another language, query string included."""
    LetterFactory(slug="open-letter")
    links = language_links(client.get("/en/letters/open-letter/").text)
    assert ("/uk/letters/open-letter/", "uk", False) in links
    links = language_links(client.get("/en/letters/updates/?page=1").text)
    assert ("/ru/letters/updates/?page=1", "ru", False) in links


def test_language_links_names_are_in_their_own_language(client, letters_page):
    """Each language is named in itself, marked with its lang attribute."""
    html = client.get("/en/").text
    for name, code in (("Русский", "ru"), ("Deutsch", "de"), ("Українська", "uk")):
        assert f'hreflang="{code}" lang="{code}">{name}</a>' in html
