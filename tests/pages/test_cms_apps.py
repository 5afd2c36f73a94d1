import re

import pytest
from django.urls import reverse
from django.utils import translation

from pages.cms_apps import LettersApphook
from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db


def test_apphook_mounts_the_letter_urls_under_its_page(letters_page):
    """The apphook's URL names resolve below the page's path in each language."""
    assert LettersApphook().get_urls() == ["pages.urls"]
    for language in ("en", "ru"):
        with translation.override(language):
            assert reverse("letters:letter-list") == f"/{language}/letters/"
            assert reverse("letters:update-list") == f"/{language}/letters/updates/"
            assert reverse("letters:feed-atom") == f"/{language}/letters/feed/atom/"
            assert (
                reverse("letters:letter-detail", kwargs={"slug": "x"})
                == f"/{language}/letters/x/"
            )


def test_apphook_page_serves_the_letter_list_not_the_cms_template(client, letters_page):
    """/en/letters/ is the app's list view, with the page in the main menu."""
    LetterFactory(title="Visible letter")
    response = client.get("/en/letters/")
    assert "pages/letter_list.html" in [t.name for t in response.templates]
    assert "Visible letter" in response.text
    assert re.search(
        r'<li class="child selected">\s*<a href="/en/letters/">', response.text
    )
