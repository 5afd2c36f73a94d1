import pytest
from cms.api import create_page
from cms.models import PageContent
from django.utils import timezone, translation

from pages.models import RecommendationStatus
from tests.factories import (
    LetterFactory,
    RecommendationFactory,
    ResponseFactory,
    UpdateFactory,
    publish_text,
)


@pytest.fixture(autouse=True)
def _default_language():
    """Start in English: a request in another test leaves its language active."""
    with translation.override("en"):
        yield


@pytest.fixture
def letter(letters_page):
    """A published letter in English and Russian, two recommendations, one update."""
    letter = LetterFactory(
        slug="stop-the-raids",
        title="Stop the raids",
        recipient="To the Board of Northwind Software",
        sender="Kestrel Human Rights Alliance",
        summary="Northwind must stop handing licence data to the police.",
        body="<p>We write about the raids.</p>",
    )
    first = RecommendationFactory(
        letter=letter,
        number=1,
        title="Commission an independent investigation",
        status=RecommendationStatus.ACKNOWLEDGED,
        status_changed_on=timezone.localdate(),
    )
    ResponseFactory(
        recommendation=first,
        date=timezone.localdate(),
        text="We are reviewing the request.",
    )
    RecommendationFactory(letter=letter, number=2, title="Consult the groups")
    publish_text(
        letter,
        "ru",
        title="Прекратите обыски",
        recipient="Совету директоров Northwind Software",
        body="<p>Мы пишем об обысках.</p>",
    )
    UpdateFactory(letter=letter, title="The company answered")
    return letter


@pytest.fixture
def draft_page(editor):
    """Return a function that creates an unpublished CMS page and its placeholder."""

    def make(slug="campaign", title="Campaign"):
        page = create_page(title, "cms/page.html", "en", slug=slug, created_by=editor)
        placeholder = (
            PageContent.admin_manager.get(page=page, language="en")
            .get_placeholders()
            .get(slot="content")
        )
        return page, placeholder

    return make
