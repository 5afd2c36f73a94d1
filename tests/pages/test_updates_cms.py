"""Updates go through the CMS too: added and published in the admin, previewed."""

import pytest
from djangocms_versioning.constants import DRAFT, PUBLISHED
from djangocms_versioning.models import Version

from pages.models import Update, UpdateContent
from tests.factories import LetterFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def test_update_is_added_and_published_from_the_admin(
    client, admin_client, admin_user, letters_page
):
    """An editor adds an update and its text in the admin, then publishes it."""
    letter = LetterFactory(slug="stop-the-raids")
    response = admin_client.post(
        "/en/admin/pages/update/add/",
        {"letter": letter.pk, "published_on": "2026-11-30"},
    )
    assert response.status_code == 302, response.text
    update = Update.objects.get()
    response = admin_client.post(
        "/en/admin/pages/updatecontent/add/",
        {
            "update": update.pk,
            "language": "en",
            "title": "The company answered",
            "body": "<p>They will review the contracts.</p>",
        },
    )
    assert response.status_code == 302, response.text
    content = UpdateContent.admin_manager.get(update=update)
    version = Version.objects.get_for_content(content)
    assert (version.state, version.created_by) == (DRAFT, admin_user)
    assert "The company answered" not in client.get("/en/letters/updates/").text

    publish = (
        f"/en/admin/djangocms_versioning/updatecontentversion/{version.pk}/publish/"
    )
    assert admin_client.post(publish).status_code == 302
    assert Version.objects.get(pk=version.pk).state == PUBLISHED
    assert Update.objects.get(pk=update.pk).status == "published"
    assert "The company answered" in client.get("/en/letters/updates/").text


def test_update_preview_shows_a_draft_to_staff_only(client, admin_client, letters_page):
    """The update's preview (versioning's preview URL) is 404 to visitors."""
    update = UpdateFactory(status="draft", title="Not yet out")
    content = UpdateContent.admin_manager.get(update=update)
    url = f"/en/preview/update/{content.pk}/"
    assert client.get(url).status_code == 404
    response = admin_client.get(url)
    assert response.status_code == 200 and "Not yet out" in response.text
    assert "private" in response["Cache-Control"]
