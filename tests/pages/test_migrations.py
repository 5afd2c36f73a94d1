"""The migration that moves the old per-language `response` texts into Responses."""

from datetime import date

import pytest

from tests.migrations import migrate as _migrate
from tests.migrations import migration_executor as _executor

MIGRATION = ("pages", "0005_copy_recommendation_responses")


@pytest.fixture
def before(transactional_db):
    """Roll pages back to just before the migration; forward again after."""
    node = _executor().loader.graph.node_map[MIGRATION]
    previous = [parent.key for parent in node.parents if parent.key[0] == "pages"]
    apps = _migrate(previous)
    yield apps
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_recommendation(apps, letter, number, status_changed_on, **responses):
    """Store a recommendation as the code before did, a response text per language."""
    recommendation = apps.get_model("pages", "Recommendation").objects.create(
        letter=letter, number=number, status_changed_on=status_changed_on
    )
    translation = apps.get_model("pages", "RecommendationTranslation")
    for language, text in responses.items():
        translation.objects.create(
            master=recommendation,
            language_code=language,
            title=f"Recommendation {number}",
            response=text,
        )
    return recommendation


def test_migration_copies_old_responses_with_their_languages(before):
    """Each recommendation's texts become one Response: original plus translations."""
    letter = before.get_model("pages", "Letter").objects.create(
        slug="old-letter", published_on=date(2026, 6, 1)
    )
    both = _old_recommendation(
        before,
        letter,
        1,
        date(2026, 9, 3),
        ru="Мы рассмотрим.",
        en="We will consider it.",
        de="  ",
    )
    russian_only = _old_recommendation(
        before, letter, 2, None, ru="Только по-русски.", uk=""
    )
    _old_recommendation(before, letter, 3, None, en="", de="")
    apps = _migrate([MIGRATION])
    responses = apps.get_model("pages", "Response").objects.order_by(
        "recommendation_id"
    )
    assert [
        (
            r.recommendation_id,
            r.letter_id,
            r.date,
            r.language,
            r.text,
            r.text_translations,
        )
        for r in responses
    ] == [
        (
            both.pk,
            letter.pk,
            date(2026, 9, 3),
            "en",
            "We will consider it.",
            {"ru": "Мы рассмотрим."},
        ),
        (russian_only.pk, letter.pk, date(2026, 6, 1), "ru", "Только по-русски.", {}),
    ]


def test_migrated_response_reads_as_before_in_each_language(before):
    """A reader of each language gets the text they were shown before."""
    letter = before.get_model("pages", "Letter").objects.create(slug="old-letter")
    _old_recommendation(before, letter, 1, None, en="Yes.", ru="Да.", uk="Так.")
    _migrate([MIGRATION])
    from pages.models import Response

    response = Response.objects.get()
    assert response.text_in("ru") == ("Да.", "ru")
    assert response.text_in("uk") == ("Так.", "uk")
    assert response.text_in("de") == ("Yes.", "en")  # English, as parler fell back
