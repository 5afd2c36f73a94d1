import io

import pytest
from cms.models import CMSPlugin, Page, PageContent
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from djangocms_versioning import versionables
from djangocms_versioning.models import Version

from pages.models import (
    Letter,
    Recommendation,
    RecommendationStatusChange,
    Response,
    Update,
)
from signatories.models import Signature

pytestmark = pytest.mark.django_db


def counts():
    return {
        "letters": Letter.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "status changes": RecommendationStatusChange.objects.count(),
        "responses": Response.objects.count(),
        "updates": Update.objects.count(),
        "pages": Page.objects.count(),
        "page contents": PageContent.admin_manager.count(),
        "versions": Version.objects.filter(
            content_type=ContentType.objects.get_for_model(PageContent)
        ).count(),
        "letter versions": Version.objects.exclude(
            content_type=ContentType.objects.get_for_model(PageContent)
        ).count(),
        "plugins": CMSPlugin.objects.count(),
        "signatures": Signature.objects.count(),
    }


@pytest.fixture
def demo():
    """Load the demo content once and return the counts it produced."""
    # A transactional test may have flushed the tables: drop cached content type
    # ids (versioning looks versions up by content type).
    ContentType.objects.clear_cache()
    for versionable in versionables._cms_extension().versionables:
        versionable.__dict__.pop("content_types", None)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo content ready: 2 letters" in out.getvalue()
    return counts()


def test_load_demo_twice_adds_nothing(demo):
    """A second run finds everything in place and creates no duplicates."""
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == demo
    assert demo["letters"] == 2 and demo["pages"] == 2
    assert demo["page contents"] == demo["versions"] == 8  # two pages, four languages
    changed = Recommendation.objects.exclude(status="proposed").count()
    assert demo["status changes"] == changed > 0  # one per status past "proposed"
    assert demo["responses"] == changed  # the demo answers each of those
    assert demo["updates"] > 0 and demo["signatures"] > 0


def test_load_demo_publishes_the_letters_and_pages(demo):
    """Letters are published; every page version is published."""
    assert set(Letter.objects.values_list("status", flat=True)) == {"published"}
    assert set(Version.objects.values_list("state", flat=True)) == {"published"}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_demo_home_page_shows_both_letter_teasers(client, demo, language):
    """The demo home page renders with a teaser for each letter."""
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert response.text.count('<article class="teaser">') == 2
    for letter in Letter.objects.all():
        assert f'href="/{language}/letters/{letter.slug}/"' in response.text


def test_demo_letter_pages_render(client, demo):
    """Each demo letter, the letter list and the updates render after loading."""
    for letter in Letter.objects.all():
        response = client.get(f"/en/letters/{letter.slug}/")
        assert response.status_code == 200
        assert 'id="recommendation-1"' in response.text
    assert client.get("/en/letters/").status_code == 200
    assert client.get("/en/letters/updates/").status_code == 200


def test_demo_content_is_data_not_code():
    """Demo letters live in JSON files and load with real dates."""
    import datetime
    from pathlib import Path

    from campaign import demo

    package = Path(demo.__file__).parent
    assert [path.name for path in package.glob("*.py")] == ["__init__.py"]
    letters = demo.letters()
    assert len(letters) == len(list((package / "data" / "letters").glob("*.json")))
    first = letters[0]
    assert isinstance(first["published_on"], datetime.date)
    assert {"en", "ru", "de", "uk"} <= set(first["translations"])
    assert all(isinstance(u["date"], datetime.date) for u in first["updates"])
    assert first["signatories"] and "contact_email" in first["signatories"][0]
    assert set(demo.home_intro()) == {"en", "ru", "de", "uk"}


def test_demo_signatures_are_bound_to_the_text_they_endorse(demo):
    """Demo signatures carry the version and hash a sign-up would have stored."""
    from pages.models import LetterContent

    for signature in Signature.objects.select_related("letter_content"):
        assert signature.letter_content.language == "en"
        assert signature.text_hash == signature.letter_content.text_hash
        assert LetterContent.objects.filter(pk=signature.letter_content_id).exists()
