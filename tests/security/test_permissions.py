"""Editors' rights follow Django's model permissions: view is not change."""

import pytest
from django.contrib.auth.models import Permission

from pages.models import Letter
from signatories.models import LetterTally
from tests.factories import LetterFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

LETTERS = "/en/admin/pages/letter/"
STATS = "/en/admin/signatories/signature/stats/"
TALLIES = "/en/admin/signatories/lettertally/"


def staff_with(*codenames, username="limited"):
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def run_action(client, url, action, objects):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects]}
    )


@pytest.mark.parametrize(
    ("action", "start", "target"), [("unpublish", "published", "draft")]
)
def test_view_only_staff_cannot_publish_or_unpublish(client, action, start, target):
    """Staff who may only view letters cannot change their publication state."""
    letter = LetterFactory(status=start)
    client.force_login(staff_with("view_letter"))
    assert client.get(LETTERS).status_code == 200
    assert f'value="{action}"' not in client.get(LETTERS).text
    run_action(client, LETTERS, action, [letter])
    assert Letter.objects.get(pk=letter.pk).status == start


@pytest.mark.parametrize(
    ("action", "start", "target"), [("unpublish", "published", "draft")]
)
def test_staff_who_may_change_letters_publish_and_unpublish(
    client, action, start, target
):
    """With change permission the actions work, through the service."""
    letter = LetterFactory(status=start)
    client.force_login(staff_with("view_letter", "change_letter"))
    response = run_action(client, LETTERS, action, [letter])
    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).status == target


def test_stats_page_needs_permission_to_view_signatures(client):
    """Staff without rights on signatures do not see the signature statistics."""
    SignatureFactory()
    client.force_login(staff_with("view_letter"))
    assert client.get(STATS).status_code == 403


def test_stats_page_opens_with_view_permission(client):
    """View permission on signatures is enough to see the chart."""
    SignatureFactory()
    client.force_login(staff_with("view_signature"))
    assert client.get(STATS).status_code == 200


def test_view_only_staff_cannot_recount_tallies(client):
    """Recounting writes the tally: not for those who may only look at it."""
    tally = LetterTally.objects.create(letter=LetterFactory(), public_count=42)
    client.force_login(staff_with("view_lettertally"))
    assert client.get(TALLIES).status_code == 200
    run_action(client, TALLIES, "recount", [tally])
    assert LetterTally.objects.get(pk=tally.pk).public_count == 42


def test_view_only_staff_cannot_act_on_signatures(client):
    """Approve, reject, resend and export need change permission on signatures."""
    client.force_login(staff_with("view_signature"))
    page = client.get("/en/admin/signatories/signature/").text
    for action in ("approve", "reject", "resend_confirmation", "export_csv"):
        assert f'value="{action}"' not in page


def test_staff_without_letter_rights_do_not_see_drafts(client, letters_page):
    """A staff account without rights on letters sees a draft as a visitor does."""
    LetterFactory(slug="in-the-works", title="Secret draft", status="draft")
    client.force_login(staff_with("view_signature"))
    assert client.get("/en/letters/in-the-works/").status_code == 404


def test_staff_who_may_view_letters_see_drafts(client, letters_page):
    """View permission on letters is enough to preview a draft."""
    LetterFactory(slug="in-the-works", title="Secret draft", status="draft")
    client.force_login(staff_with("view_letter"))
    response = client.get("/en/letters/in-the-works/")
    assert response.status_code == 200
    assert "Secret draft" in response.text
