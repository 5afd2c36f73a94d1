import pytest
from django.http import Http404

from pages.selectors import letter_get_public, letter_list_public, update_list_public
from tests.factories import LetterFactory, RecommendationFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def test_letter_list_public_has_published_letters_only():
    """Drafts are left out of the public list."""
    published = LetterFactory()
    LetterFactory(status="draft")
    assert list(letter_list_public()) == [published]


def test_letter_get_public_returns_a_published_letter():
    """A published letter is found by slug with its recommendations in order."""
    letter = LetterFactory(slug="open")
    RecommendationFactory(letter=letter, number=2)
    RecommendationFactory(letter=letter, number=1)
    found = letter_get_public(slug="open")
    assert found == letter
    assert [r.number for r in found.recommendations.all()] == [1, 2]


@pytest.mark.parametrize("slug", ["draft", "missing"])
def test_letter_get_public_raises_404_for_drafts_and_unknown_slugs(slug):
    """Drafts and unknown slugs raise Http404."""
    LetterFactory(slug="draft", status="draft")
    with pytest.raises(Http404):
        letter_get_public(slug=slug)


def test_letter_get_public_includes_drafts_on_request():
    """Staff previews can ask for drafts."""
    draft = LetterFactory(slug="draft", status="draft")
    assert letter_get_public(slug="draft", include_drafts=True) == draft


def test_update_list_public_hides_drafts_and_updates_of_draft_letters():
    """Only published updates about published letters, or about none, are public."""
    visible = UpdateFactory(published_on="2030-01-02")
    campaign = UpdateFactory(letter=None, published_on="2030-01-01")
    UpdateFactory(status="draft")
    UpdateFactory(letter=LetterFactory(status="draft"))
    assert list(update_list_public()) == [visible, campaign]


def test_update_list_public_filters_by_letter_and_limits():
    """Updates of one letter, newest first, cut at the limit."""
    letter = LetterFactory()
    old, new, newer = (
        UpdateFactory(letter=letter, published_on=f"2030-01-0{day}")
        for day in (1, 2, 3)
    )
    UpdateFactory(published_on="2030-02-01")
    assert list(update_list_public(letter=letter)) == [newer, new, old]
    assert list(update_list_public(letter=letter, limit=2)) == [newer, new]
