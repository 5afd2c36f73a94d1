"""The migrations that move parler text into versions and bind old signatures.

Data shaped like the demo (a published letter in four languages with numbered
recommendations, an update and confirmed signatures; a draft letter) is stored
the way the code before issue 15 stored it, then migrated forward.
"""

import pytest

from tests.migrations import migration_executor as _executor

BEFORE = [("pages", "0002_versioned_content"), ("signatories", "0011_delivery_pack")]
LANGUAGES = ("en", "ru", "de", "uk")


@pytest.fixture
def old(transactional_db):
    """The schema before letters were versioned; migrated forward afterwards."""
    executor = _executor()
    executor.migrate(BEFORE)
    yield _executor().loader.project_state(BEFORE).apps
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_demo(apps) -> dict:
    Letter = apps.get_model("pages", "Letter")
    LetterTranslation = apps.get_model("pages", "LetterTranslation")
    Recommendation = apps.get_model("pages", "Recommendation")
    RecommendationTranslation = apps.get_model("pages", "RecommendationTranslation")
    Update = apps.get_model("pages", "Update")
    UpdateTranslation = apps.get_model("pages", "UpdateTranslation")
    Signature = apps.get_model("signatories", "Signature")
    LetterTally = apps.get_model("signatories", "LetterTally")

    published = Letter.objects.create(slug="norrland", status="published")
    for language in LANGUAGES:
        LetterTranslation.objects.create(
            master=published,
            language_code=language,
            title=f"Stop the raids ({language})",
            recipient=f"To the board ({language})",
            body=f"<p>We write about the <em>raids</em> ({language}).</p>",
        )
    for number in (1, 2):
        recommendation = Recommendation.objects.create(letter=published, number=number)
        for language in LANGUAGES:
            RecommendationTranslation.objects.create(
                master=recommendation,
                language_code=language,
                title=f"Recommendation {number} ({language})",
                body="<p>Do it.</p>",
            )
    update = Update.objects.create(letter=published, status="published")
    UpdateTranslation.objects.create(
        master=update, language_code="en", title="The company answered"
    )
    draft = Letter.objects.create(slug="draft-letter", status="draft")
    LetterTranslation.objects.create(
        master=draft, language_code="en", title="Not yet", recipient="To X"
    )
    for n, language in enumerate(("en", "ru", "ru")):
        Signature.objects.create(
            letter=published,
            status="confirmed",
            organisation=f"Organisation {n}",
            contact_email=f"org{n}@example.org",
            email_normalised=f"org{n}@example.org",
            language=language,
        )
    LetterTally.objects.create(letter=published, public_count=3)
    return {"published": published.pk, "draft": draft.pk}


def test_old_letters_become_version_one_with_counts_unchanged(old):
    """Each translation is version 1; signatures bind to it; counts stay the same."""
    ids = _old_demo(old)
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.auth import get_user_model
    from djangocms_versioning.models import Version

    from pages.canonical import text_hash
    from pages.models import Letter, LetterContent, UpdateContent
    from signatories.models import LetterTally, LetterVersionTally, Signature

    published = Letter.objects.get(pk=ids["published"])
    assert published.status == "published"
    assert published.published_languages == sorted(LANGUAGES)
    contents = LetterContent.admin_manager.filter(letter=published)
    assert sorted(c.language for c in contents) == sorted(LANGUAGES)
    for content in contents:
        version = Version.objects.get_for_content(content)
        assert (version.number, version.state) == ("1", "published")
        assert version.created_by.username == "campaign-system"
        assert [r.title for r in content.recommendation_rows()] == [
            f"Recommendation 1 ({content.language})",
            f"Recommendation 2 ({content.language})",
        ]
        assert content.text_hash == text_hash(content)
    with_language = published.content("ru")
    assert with_language.title == "Stop the raids (ru)"

    draft = LetterContent.admin_manager.get(letter_id=ids["draft"])
    assert Version.objects.get_for_content(draft).state == "draft"
    assert Letter.objects.get(pk=ids["draft"]).published_languages == []
    assert UpdateContent.objects.get().title == "The company answered"

    for signature in Signature.objects.all():
        assert signature.letter_content.language == signature.language
        assert signature.text_hash == signature.letter_content.text_hash
    assert LetterTally.objects.get(letter=published).public_count == 3
    per_version = dict(
        LetterVersionTally.objects.values_list("content__language", "public_count")
    )
    assert per_version == {"en": 1, "ru": 2}

    system = get_user_model().objects.get(username="campaign-system")
    assert not system.is_active and not system.has_usable_password()
