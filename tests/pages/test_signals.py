import pytest
from cms.api import add_plugin, create_page

from tests.conftest import publish
from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db


def test_apphook_page_published_later_serves_the_letters(client, editor):
    """Publishing a page with the letters apphook activates its URLs at once."""
    LetterFactory(slug="fresh", title="A fresh letter")
    page = create_page(
        "Letters",
        "cms/page.html",
        "en",
        slug="letters",
        created_by=editor,
        apphook="LettersApphook",
        apphook_namespace="letters",
    )
    # The CMS reloads URLs after the request that follows a page's creation;
    # the second request settles on URLs built while the page was a draft.
    for _ in range(2):
        assert client.get("/en/letters/fresh/").status_code == 404
    publish(page, editor)  # no reload_urlconf(): the signal handler must see to it
    response = client.get("/en/letters/fresh/")
    assert response.status_code == 200
    assert "<h1>A fresh letter</h1>" in response.text


def test_cms_page_is_404_until_its_version_is_published(
    client, editor, letters_page, draft_page
):
    """A CMS page created but not published is private; publishing shows it."""
    page, placeholder = draft_page(slug="draft-page", title="Draft page")
    add_plugin(placeholder, "TextPlugin", "en", body="<p>Draft words</p>")
    assert client.get("/en/draft-page/").status_code == 404
    publish(page, editor)
    response = client.get("/en/draft-page/")
    assert response.status_code == 200
    assert "Draft words" in response.text and "<h1>Draft page</h1>" in response.text
