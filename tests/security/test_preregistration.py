"""The pre-registration attack (issue 11.1): an outsider signs first with an
organisation's address. The holder of the mailbox decides what is published."""

import re

import pytest

from signatories.models import Signature, SignatureStatus
from signatories.selectors import letter_public_signatories
from tests.factories import LetterFactory
from tests.signatories.images import image_bytes, upload

pytestmark = pytest.mark.django_db

ORG = {
    "organisation": "Kestrel Rights Alliance",
    "website": "https://kestrel.example",
    "country": "UA",
    "organisation_type": "ngo",
    "contact_name": "Olena",
    "contact_email": "olena@kestrel.example",
    "consent": "on",
}
OUTSIDER = ORG | {
    "organisation": "Kestrel Rights Alliance (official)",
    "website": "https://evil.example/kestrel",
    "comment": "We support https://evil.example",
    "contact_email": "Olena@Kestrel.example",
    "is_public": "on",
}
CONFIRM_LINK = re.compile(r"http://\S+(/en/sign/confirm/\S+/)")


@pytest.fixture
def letter(db):
    return LetterFactory(slug="stop-the-raids", title="Stop the raids")


def post(client, letter, data, capture):
    with capture(execute=True):
        response = client.post(f"/en/sign/{letter.slug}/", data)
    assert response.status_code == 302
    return response["Location"]


def open_confirm_page(client, message):
    path = CONFIRM_LINK.search(message.body).group(1)
    landing = client.get(path)
    assert landing.status_code == 302
    return landing["Location"]


def test_outsiders_public_submission_is_replaced_by_the_orgs_unlisted_one(
    client, letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """Outsider signs public with their website; the org signs unlisted; the org
    confirms: not listed, and the outsider's website and comment are gone."""
    capture = django_capture_on_commit_callbacks
    first = post(client, letter, OUTSIDER, capture)
    second = post(client, letter, ORG, capture)  # "list us publicly" left unticked
    assert first == second  # the visitor sees the same answer either way
    assert len(mailoutbox) == 2
    confirm_page = open_confirm_page(client, mailoutbox[-1])
    page = client.get(confirm_page)
    assert "evil.example" not in page.text
    assert 'name="is_public" id="id_is_public" checked' not in page.text
    client.post(confirm_page, {"listing": "1"})
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.CONFIRMED
    assert not signature.is_public
    assert (signature.website, signature.comment) == ("https://kestrel.example", "")
    assert letter_public_signatories(letter=letter).items == []


def test_the_first_email_link_confirms_the_newest_details(
    client, letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """The link in the outsider's email confirms what the newest submission says."""
    capture = django_capture_on_commit_callbacks
    post(client, letter, OUTSIDER, capture)
    post(client, letter, ORG, capture)
    confirm_page = open_confirm_page(client, mailoutbox[0])
    client.post(confirm_page, {"listing": "1"})
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.CONFIRMED
    assert signature.organisation == "Kestrel Rights Alliance"
    assert not signature.is_public


def test_confirm_page_shows_every_published_field_and_the_listing_choice(
    client, letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """Before the button, the page shows organisation, website, country, type,
    comment, logo and the listing choice (ticked when the submission asked)."""
    data = ORG | {
        "is_public": "on",
        "comment": "Solidarity from Kharkiv",
        "logo": upload(image_bytes()),
    }
    post(client, letter, data, django_capture_on_commit_callbacks)
    page = client.get(open_confirm_page(client, mailoutbox[0]))
    for shown in (
        "Kestrel Rights Alliance",
        "https://kestrel.example",
        "Ukraine",
        "NGO",
        "Solidarity from Kharkiv",
        'src="data:image/png;base64,',
        'name="is_public" id="id_is_public" checked',
    ):
        assert shown in page.text
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_unticking_on_the_confirm_page_unlists(
    client, letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """The confirmer can withdraw the listing as they confirm: counted, not shown."""
    post(client, letter, ORG | {"is_public": "on"}, django_capture_on_commit_callbacks)
    confirm_page = open_confirm_page(client, mailoutbox[0])
    response = client.post(confirm_page, {"listing": "1"})  # checkbox unticked
    assert response.status_code == 200
    signature = Signature.objects.get()
    assert (signature.status, signature.is_public) == ("confirmed", False)
    assert letter_public_signatories(letter=letter).items == []


def test_ticking_on_the_confirm_page_lists(
    client, letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """Ticking the box as they confirm lists the organisation."""
    post(client, letter, ORG, django_capture_on_commit_callbacks)
    confirm_page = open_confirm_page(client, mailoutbox[0])
    client.post(confirm_page, {"listing": "1", "is_public": "on"})
    assert Signature.objects.get().is_public


def test_after_confirmation_a_repeat_changes_nothing(
    client, letter, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """Once confirmed, an outsider's repeat changes nothing and mails 'already
    signed' to the mailbox."""
    capture = django_capture_on_commit_callbacks
    post(client, letter, ORG, capture)
    client.post(open_confirm_page(client, mailoutbox[0]), {"listing": "1"})
    before = Signature.objects.values().get()
    post(client, letter, OUTSIDER, capture)
    after = Signature.objects.values().get()
    # Nothing an outsider wrote: only the count of emails owed to the mailbox.
    assert after == before | {"capped_emails": before["capped_emails"] + 1}
    assert "already" in mailoutbox[-1].subject
