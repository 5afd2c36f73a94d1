import csv
import io

import pytest

from signatories.admin import domain_matches
from signatories.csv_export import neutralise
from signatories.models import Signature, SignatureStatus
from signatories.selectors import letter_signature_count
from tests.factories import LetterFactory, SignatureFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/signatories/signature/"


def test_changelist_renders_with_filters(admin_client):
    """Editors see signatures by state, with filters and the stats link."""
    SignatureFactory(status="confirmed", organisation="Visible NGO")
    response = admin_client.get(f"{CHANGELIST}?status__exact=confirmed")
    assert response.status_code == 200
    assert "Visible NGO" in response.text
    assert "signatories/signature/stats/" in response.text


def test_approve_action_counts_the_signature(admin_client):
    """Approving confirmed signatures changes their state and the public count."""
    letter = LetterFactory(requires_approval=True)
    signature = SignatureFactory(letter=letter, status="confirmed")
    admin_client.post(
        CHANGELIST, {"action": "approve", "_selected_action": [signature.pk]}
    )
    assert Signature.objects.get().status == SignatureStatus.APPROVED
    assert letter_signature_count(letter=letter) == 1


def test_reject_action_asks_for_a_reason_then_rejects(admin_client):
    """Reject shows a reason form first, then records the reason."""
    signature = SignatureFactory(status="confirmed")
    data = {"action": "reject", "_selected_action": [signature.pk]}
    form = admin_client.post(CHANGELIST, data)
    assert form.status_code == 200 and 'name="reason"' in form.text
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    admin_client.post(CHANGELIST, data | {"apply": "1", "reason": "Not an org"})
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.REJECTED
    assert signature.rejection_reason == "Not an org"


def test_resend_action_owes_another_email(admin_client):
    """Resending owes one more email, within the cap."""
    signature = SignatureFactory(emails_requested=1, emails_sent=1)
    admin_client.post(
        CHANGELIST,
        {"action": "resend_confirmation", "_selected_action": [signature.pk]},
    )
    assert Signature.objects.get().emails_requested == 2


def test_csv_export_streams_and_neutralises_formulas(admin_client):
    """The export is streamed and cells cannot run as spreadsheet formulas."""
    signature = SignatureFactory(
        organisation='=HYPERLINK("http://evil")', comment="@SUM(A1)"
    )
    response = admin_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [signature.pk]}
    )
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))
    record = dict(zip(header, row, strict=True))
    assert record["Organisation"] == '\'=HYPERLINK("http://evil")'
    assert record["Comment"] == "'@SUM(A1)"
    assert record["Email"] == signature.contact_email


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30", "'+49 30"),
        ("-x", "'-x"),
        ("@a", "'@a"),
        ("plain", "plain"),
        (None, ""),
        (5, "5"),
    ],
)
def test_neutralise(value, safe):
    """Leading formula characters are quoted; other values pass through."""
    assert neutralise(value) == safe


@pytest.mark.parametrize(
    ("email", "website", "match"),
    [
        ("contact@ngo.example", "https://www.ngo.example", True),
        ("a@mail.ngo.example", "https://ngo.example/about", True),
        ("someone@gmail.example", "https://ngo.example", False),
        ("x@ngo.example", "", False),
        ("x@evilngo.example", "https://ngo.example", False),
    ],
)
def test_domain_match(email, website, match):
    """The mark is set when the email's domain is the website's."""
    signature = Signature(email_normalised=email, website=website)
    assert domain_matches(signature) is match


def test_stats_view_renders_a_chart(admin_client):
    """The stats page draws signatures per day without JavaScript."""
    SignatureFactory.create_batch(3)
    response = admin_client.get(f"{CHANGELIST}stats/")
    assert response.status_code == 200
    assert "<svg" in response.text and "<rect" in response.text


def test_admin_change_page_renders(admin_client):
    """A signature's admin page opens (email visible to editors only)."""
    signature = SignatureFactory()
    response = admin_client.get(f"{CHANGELIST}{signature.pk}/change/")
    assert response.status_code == 200
    assert signature.contact_email in response.text
