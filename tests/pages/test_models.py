from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from pages.models import Letter, validate_letter_slug
from tests.factories import (
    LetterFactory,
    RecommendationFactory,
    UpdateFactory,
    publish_text,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "slug", ["updates", "feed", "atom", "rss", "api", "admin", "sign"]
)
def test_reserved_slugs_are_invalid(slug):
    """Slugs that the letters apphook uses itself are refused."""
    with pytest.raises(ValidationError):
        validate_letter_slug(slug)


def test_ordinary_slug_is_valid():
    """Other slugs pass."""
    validate_letter_slug("stop-the-raids")


def test_new_letter_is_a_draft():
    """Letters start as drafts."""
    assert Letter().status == "draft"


def test_signing_is_open_for_a_published_letter_within_its_window():
    """Signing needs a published letter and a time inside the window."""
    now = timezone.now()
    letter = LetterFactory(
        signing_opens=now - timedelta(days=1), signing_closes=now + timedelta(days=1)
    )
    assert letter.is_signing_open(now=now)
    assert not letter.is_signing_open(now=now - timedelta(days=2))
    assert not letter.is_signing_open(now=now + timedelta(days=1))  # closes at the mark
    letter.status = "draft"
    assert not letter.is_signing_open(now=now)


def test_signing_without_a_window_is_open_while_published():
    """No dates set: open as long as the letter is published."""
    assert LetterFactory().is_signing_open()


def test_letter_str_falls_back_to_any_language():
    """A letter without an English title is named by the title it has."""
    letter = Letter.objects.create(slug="ru-only")
    publish_text(letter, "ru", title="Письмо", recipient="Кому")
    letter = Letter.objects.get(pk=letter.pk)
    with translation.override("en"):
        assert str(letter) == "Письмо"


def test_recommendation_numbers_are_unique_per_letter():
    """Two recommendations of one letter cannot share a number."""
    letter = LetterFactory()
    RecommendationFactory(letter=letter, number=1)
    RecommendationFactory(number=1)  # another letter may reuse it
    with pytest.raises(IntegrityError), transaction.atomic():
        RecommendationFactory(letter=letter, number=1)


def test_urls_point_into_the_letters_apphook(letters_page):
    """Letters, recommendations and updates link to their public pages."""
    letter = LetterFactory(slug="stop-the-raids")
    recommendation = RecommendationFactory(letter=letter, number=3)
    update = UpdateFactory(letter=letter)
    assert letter.get_absolute_url() == "/en/letters/stop-the-raids/"
    assert recommendation.get_absolute_url() == (
        "/en/letters/stop-the-raids/#recommendation-3"
    )
    assert update.get_absolute_url() == f"/en/letters/updates/#update-{update.pk}"
    assert str(recommendation) == f"3. {recommendation.title}"
