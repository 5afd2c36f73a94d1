from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from djangocms_versioning.models import Version

from pages.models import (
    Letter,
    LetterContent,
    Recommendation,
    RecommendationStatusChange,
)
from pages.services import letter_create, recommendation_set_status
from tests.factories import LetterFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def history(recommendation):
    return list(
        RecommendationStatusChange.objects.filter(recommendation=recommendation)
        .order_by("pk")
        .values_list("status", "changed_on")
    )


def test_letter_create_makes_a_draft_in_one_language():
    """The new letter is a draft with its text in the given language only."""
    letter = letter_create(
        slug="stop-the-raids",
        language="ru",
        title="Прекратите обыски",
        recipient="Совету директоров",
        body="<p>Текст</p>",
        goal=250,
    )
    letter = Letter.objects.get(pk=letter.pk)
    assert letter.status == "draft" and letter.goal == 250
    assert letter.published_languages == []
    draft = LetterContent.admin_manager.get(letter=letter)
    assert (draft.language, draft.title) == ("ru", "Прекратите обыски")
    assert Version.objects.get_for_content(draft).state == "draft"


@pytest.mark.parametrize("slug", ["updates", "feed", "taken"])
def test_letter_create_validates_the_slug(slug):
    """Reserved or taken slugs raise ValidationError and create nothing."""
    LetterFactory(slug="taken")
    with pytest.raises(ValidationError):
        letter_create(slug=slug, language="en", title="T", recipient="R")
    assert Letter.objects.count() == 1


def test_recommendation_set_status_records_the_change():
    """A new status is stored on the recommendation and added to its history."""
    recommendation = RecommendationFactory()
    result = recommendation_set_status(
        recommendation=recommendation, status="adopted", changed_on=date(2026, 5, 1)
    )
    assert (result.status, result.status_changed_on) == ("adopted", date(2026, 5, 1))
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert (stored.status, stored.status_changed_on) == ("adopted", date(2026, 5, 1))
    assert history(recommendation) == [("adopted", date(2026, 5, 1))]


def test_recommendation_set_status_dates_today_by_default():
    """Without a date the change is dated today."""
    recommendation = RecommendationFactory()
    recommendation_set_status(recommendation=recommendation, status="rejected")
    assert history(recommendation) == [("rejected", timezone.localdate())]


def test_recommendation_set_status_to_the_current_status_records_nothing():
    """Setting the status a recommendation already has adds no history entry."""
    recommendation = RecommendationFactory()
    result = recommendation_set_status(recommendation=recommendation, status="proposed")
    assert result.status == "proposed"
    assert history(recommendation) == []


def test_recommendation_set_status_twice_is_noop():
    """Setting the same status again adds nothing and keeps the first date."""
    recommendation = RecommendationFactory()
    first = date(2026, 5, 1)
    recommendation_set_status(
        recommendation=recommendation, status="acknowledged", changed_on=first
    )
    result = recommendation_set_status(
        recommendation=recommendation,
        status="acknowledged",
        changed_on=date(2026, 6, 1),
    )
    assert result.status_changed_on == first
    assert history(recommendation) == [("acknowledged", first)]


def test_recommendation_set_status_keeps_every_change_in_order():
    """Back-and-forth changes are each recorded."""
    recommendation = RecommendationFactory()
    for status in ("acknowledged", "adopted", "acknowledged"):
        recommendation_set_status(recommendation=recommendation, status=status)
    assert [status for status, _ in history(recommendation)] == [
        "acknowledged",
        "adopted",
        "acknowledged",
    ]


def test_recommendation_set_status_records_one_entry_per_change():
    """Each change adds exactly one history entry, whatever was recorded before."""
    recommendation = RecommendationFactory()
    for count, status in enumerate(["acknowledged", "partly_adopted", "adopted"], 1):
        recommendation_set_status(recommendation=recommendation, status=status)
        recommendation_set_status(recommendation=recommendation, status=status)
        assert len(history(recommendation)) == count


def test_recommendation_set_status_refuses_a_date_before_the_last_change():
    """A change dated before the last one is refused; the history stays as it was."""
    recommendation = RecommendationFactory()
    recommendation_set_status(
        recommendation=recommendation,
        status="acknowledged",
        changed_on=date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as refused:
        recommendation_set_status(
            recommendation=recommendation,
            status="adopted",
            changed_on=date(2026, 4, 1),
        )
    assert "changed_on" in refused.value.message_dict
    assert history(recommendation) == [("acknowledged", date(2026, 5, 1))]
    assert Recommendation.objects.get(pk=recommendation.pk).status == "acknowledged"


def test_recommendation_set_status_refuses_a_future_date_and_unknown_status():
    """A date after today is a ValidationError, an unknown status a ValueError."""
    recommendation = RecommendationFactory()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError):
        recommendation_set_status(
            recommendation=recommendation, status="adopted", changed_on=tomorrow
        )
    with pytest.raises(ValueError):
        recommendation_set_status(recommendation=recommendation, status="done")
    assert history(recommendation) == []


def test_publishing_one_language_leaves_the_others_in_draft(client, letters_page):
    """Publishing the Russian draft publishes Russian only; German stays a draft."""
    from djangocms_versioning.models import Version

    from pages.services import content_publish, letter_content_create
    from tests.factories import LetterFactory

    letter = LetterFactory(slug="one-at-a-time", title="In English")
    drafts = {
        language: letter_content_create(
            letter=letter, language=language, title=title, recipient="Кому / An"
        )
        for language, title in (("ru", "По-русски"), ("de", "Auf Deutsch"))
    }
    content_publish(content=drafts["ru"])
    letter = Letter.objects.get(pk=letter.pk)
    assert letter.published_languages == ["en", "ru"]
    assert Version.objects.get_for_content(drafts["de"]).state == "draft"
    assert "<h1>По-русски</h1>" in client.get("/ru/letters/one-at-a-time/").text
    german = client.get("/de/letters/one-at-a-time/").text
    assert "Auf Deutsch" not in german and "<h1>In English</h1>" in german
