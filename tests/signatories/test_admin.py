import csv
import io

import pytest

from signatories import services
from signatories.admin import domain_matches
from signatories.models import (
    EmailState,
    LetterTally,
    OutboundEmail,
    Signature,
    SignatureStatus,
)
from signatories.selectors import letter_signature_count
from tests.factories import LetterFactory, OutboundEmailFactory, SignatureFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/signatories/signature/"


def act(admin_client, action, signatures, **extra):
    return admin_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [s.pk for s in signatures], **extra},
    )


def test_changelist_renders_with_filters(admin_client):
    """Editors see signatures by state, with filters and the stats link."""
    SignatureFactory(status="confirmed", organisation="Visible NGO")
    SignatureFactory(status="pending", organisation="Pending NGO")
    response = admin_client.get(f"{CHANGELIST}?status__exact=confirmed")
    assert response.status_code == 200
    assert "Visible NGO" in response.text and "Pending NGO" not in response.text
    for title in ("By status", "By letter", "By email", "By country"):
        assert title in response.text
    assert "signatories/signature/stats/" in response.text


@pytest.mark.parametrize(
    ("query", "shown"),
    [("email=failed", ["Failed"]), ("email=unsent", ["Unsent"]), ("", None)],
)
def test_email_state_filter(admin_client, query, shown):
    """The email filter finds failed deliveries and emails not yet sent."""
    for name, state in [
        ("Failed", EmailState.FAILED_PERMANENT),
        ("Unsent", EmailState.PENDING),
        ("Sent", EmailState.SENT),
    ]:
        OutboundEmailFactory(signature__organisation=name, state=state)
    response = admin_client.get(f"{CHANGELIST}?{query}")
    names = [s.organisation for s in response.context["cl"].result_list]
    assert sorted(names) == sorted(shown or ["Failed", "Unsent", "Sent"])


def test_changelist_shows_the_email_backlog(admin_client):
    """Editors see how many emails are owed and how many already failed an attempt."""
    OutboundEmailFactory(state=EmailState.PENDING, attempts=3)
    OutboundEmailFactory(state=EmailState.PENDING)
    OutboundEmailFactory(state=EmailState.SENT)
    response = admin_client.get(CHANGELIST)
    assert "2 emails are still owed, 1 of them after a failed attempt" in response.text


def test_signature_page_lists_its_emails(admin_client):
    """The change page shows each email's kind and state, read from the outbox."""
    email = OutboundEmailFactory(state=EmailState.PENDING, attempts=2)
    OutboundEmail.objects.filter(pk=email.pk).update(last_error="SMTPConnectError")
    response = admin_client.get(f"{CHANGELIST}{email.signature.pk}/change/")
    assert "Confirmation request: Owed (2 attempts, SMTPConnectError)" in response.text


def test_changelist_search_by_email(admin_client):
    """Editors find a signature by its contact address."""
    SignatureFactory(organisation="Wanted", contact_email="wanted@ngo.example")
    SignatureFactory(organisation="Other")
    response = admin_client.get(f"{CHANGELIST}?q=wanted%40ngo")
    assert [s.organisation for s in response.context["cl"].result_list] == ["Wanted"]


def test_signatures_cannot_be_added_in_the_admin(admin_client):
    """Signatures come only through the form or the API."""
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_visitors_cannot_open_the_admin(client):
    """The signature list is for staff only."""
    SignatureFactory()
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_approve_action_counts_the_signature(admin_client, admin_user):
    """Approving confirmed signatures changes their state and the public count."""
    letter = LetterFactory(requires_approval=True)
    signature = SignatureFactory(letter=letter, status="confirmed")
    pending = SignatureFactory(letter=letter, status="pending")
    response = act(admin_client, "approve", [signature, pending])
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.APPROVED
    assert signature.reviewed_by == admin_user
    assert Signature.objects.get(pk=pending.pk).status == SignatureStatus.PENDING
    assert letter_signature_count(letter=letter) == 1
    page = admin_client.get(response["Location"])
    assert "1 signature approved." in page.text


def test_reject_action_asks_for_a_reason_then_rejects(admin_client):
    """Reject shows a reason form first, then records the reason and uncounts."""
    signature = SignatureFactory(status="confirmed")
    services.letter_recount(letter=signature.letter)
    form = act(admin_client, "reject", [signature])
    assert form.status_code == 200
    assert 'name="reason"' in form.text
    assert signature.organisation in form.text
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    act(admin_client, "reject", [signature], apply="1", reason="Not an org")
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.REJECTED
    assert signature.rejection_reason == "Not an org"
    assert letter_signature_count(letter=signature.letter) == 0


def test_reject_without_a_reason_shows_the_form_again(admin_client):
    """An empty reason rejects nothing and asks again."""
    signature = SignatureFactory(status="confirmed")
    response = act(admin_client, "reject", [signature], apply="1", reason="")
    assert response.status_code == 200
    assert 'name="reason"' in response.text
    assert "This field is required." in response.text
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED


def test_resend_action_owes_another_email_within_the_cap(
    admin_client, settings, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """Resending owes one more email, never beyond the cap, never to the withdrawn."""
    fresh = OutboundEmailFactory(state=EmailState.SENT).signature
    # As the services leave a signature that was owed as many emails as the cap.
    capped = SignatureFactory(capped_emails=settings.SIGNATURE_MAX_EMAILS)
    OutboundEmailFactory.create_batch(
        settings.SIGNATURE_MAX_EMAILS, signature=capped, state=EmailState.SENT
    )
    withdrawn = SignatureFactory(
        status="withdrawn", contact_email="", email_normalised=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        act(admin_client, "resend_confirmation", [fresh, capped, withdrawn])
    assert fresh.emails.count() == 2
    assert capped.emails.count() == settings.SIGNATURE_MAX_EMAILS
    assert withdrawn.emails.count() == 0
    assert [m.to for m in mailoutbox] == [[fresh.contact_email]]


def test_csv_export_streams_and_neutralises_formulas(admin_client):
    """The export is streamed, has a BOM, and cells cannot run as formulas."""
    signature = SignatureFactory(
        organisation='=HYPERLINK("http://evil")',
        contact_name="+49 30 1234",
        contact_role="-1",
        comment="@SUM(A1)",
    )
    plain = SignatureFactory(organisation="Plain NGO")
    response = act(admin_client, "export_csv", [plain, signature])
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="signatures-'
    )
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:3] == ["ID", "Letter", "Status"]
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert [r["ID"] for r in records] == [str(signature.pk), str(plain.pk)]  # by id
    evil = records[0]
    assert evil["Organisation"] == '\'=HYPERLINK("http://evil")'
    assert evil["Contact person"] == "'+49 30 1234"
    assert evil["Role"] == "'-1"
    assert evil["Comment"] == "'@SUM(A1)"
    assert evil["Email"] == signature.contact_email
    assert records[1]["Organisation"] == "Plain NGO"


def test_domain_match_column_in_the_changelist(admin_client):
    """The changelist marks signatures whose email domain matches the website."""
    SignatureFactory(
        organisation="Matching",
        contact_email="contact@ngo.example",
        email_normalised="contact@ngo.example",
        website="https://www.ngo.example",
    )
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert 'class="field-domain_match"><img src="' in response.text
    assert "icon-yes.svg" in response.text


@pytest.mark.parametrize(
    ("email", "website", "match"),
    [
        ("contact@ngo.example", "https://www.ngo.example", True),
        ("contact@ngo.example", "https://NGO.example/about", True),
        ("a@mail.ngo.example", "https://ngo.example/about", True),
        ("someone@gmail.com", "https://ngo.example", False),
        ("someone@gmail.com", "", False),
        ("x@ngo.example", "", False),
        ("x@evilngo.example", "https://ngo.example", False),
        ("x@ngo.example.evil", "https://ngo.example", False),
        ("", "https://ngo.example", False),
    ],
)
def test_domain_match(email, website, match):
    """The mark is set when the email's domain is the website's."""
    signature = Signature(email_normalised=email, website=website)
    assert domain_matches(signature) is match


def test_stats_view_renders_a_chart(admin_client):
    """The stats page draws signatures per day and counts by state, without JS."""
    SignatureFactory.create_batch(3)
    SignatureFactory(status="confirmed")
    response = admin_client.get(f"{CHANGELIST}stats/")
    assert response.status_code == 200
    assert "<svg" in response.text and "<rect" in response.text
    assert "<script" not in response.text.split("<svg", 1)[1].split("</svg>")[0]
    by_state = dict(response.context["by_state"])
    assert by_state == {"Waiting for email confirmation": 3, "Confirmed": 1}


def test_stats_view_without_signatures(admin_client):
    """With nothing to chart the stats page says so."""
    response = admin_client.get(f"{CHANGELIST}stats/")
    assert response.status_code == 200
    assert "No signatures in this period." in response.text


def test_admin_change_page_renders(admin_client):
    """A signature's admin page opens (email visible to editors only)."""
    signature = SignatureFactory()
    response = admin_client.get(f"{CHANGELIST}{signature.pk}/change/")
    assert response.status_code == 200
    assert signature.contact_email in response.text


def test_tally_recount_action_repairs_drift(admin_client):
    """Editors can recompute a drifted count from the signatures."""
    letter = LetterFactory()
    SignatureFactory.create_batch(2, letter=letter, status="confirmed")
    LetterTally.objects.create(letter=letter, public_count=7)
    response = admin_client.post(
        "/en/admin/signatories/lettertally/",
        {"action": "recount", "_selected_action": [letter.pk]},
    )
    assert response.status_code == 302
    assert letter_signature_count(letter=letter) == 2


def change_form_data(signature, **changes):
    data = {
        name: getattr(signature, name)
        for name in (
            "organisation",
            "website",
            "country",
            "organisation_type",
            "contact_name",
            "contact_role",
            "comment",
        )
    }
    data.update({"is_public": "on"} if signature.is_public else {})
    return data | changes


def test_admin_logo_upload_is_reencoded_without_metadata(admin_client):
    """A logo uploaded in the admin is stored as a fresh PNG: no EXIF/GPS, new name."""
    from PIL import Image

    from tests.signatories.images import jpeg_with_exif, upload

    signature = SignatureFactory(status="confirmed")
    response = admin_client.post(
        f"{CHANGELIST}{signature.pk}/change/",
        change_form_data(
            signature, logo=upload(jpeg_with_exif(), "ceo-home-gps.jpg", "image/png")
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    signature.refresh_from_db()
    name = signature.logo.name
    assert name.startswith("logos/") and name.endswith(".png")
    assert "ceo-home-gps" not in name
    with signature.logo.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"SpyCam" not in data
    with signature.logo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG"
        assert not image.getexif()
        assert "exif" not in image.info
    assert max(image.size) <= services.LOGO_SIZE[0]


def test_admin_logo_replacement_deletes_the_old_file(
    admin_client, django_capture_on_commit_callbacks
):
    """A replaced logo leaves no file behind."""
    from django.core.files.storage import default_storage

    from tests.signatories.images import image_bytes, upload

    signature = SignatureFactory(status="confirmed")
    url = f"{CHANGELIST}{signature.pk}/change/"
    admin_client.post(url, change_form_data(signature, logo=upload(image_bytes())))
    signature.refresh_from_db()
    first = signature.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, change_form_data(signature, logo=upload(image_bytes())))
    signature.refresh_from_db()
    assert signature.logo.name != first
    assert not default_storage.exists(first)
    assert default_storage.exists(signature.logo.name)


def test_admin_rejects_a_logo_that_is_not_an_image(admin_client):
    """The admin checks an upload as the public form does; nothing is stored."""
    from tests.signatories.images import upload

    signature = SignatureFactory(status="confirmed")
    response = admin_client.post(
        f"{CHANGELIST}{signature.pk}/change/",
        change_form_data(signature, logo=upload(b"<svg onload=alert(1)>", "x.png")),
    )
    assert response.status_code == 200
    assert "logo" in response.context["adminform"].form.errors
    signature.refresh_from_db()
    assert not signature.logo


def test_admin_edit_changes_details_through_the_service(admin_client):
    """Editors correct a signer's details; the change is stored."""
    signature = SignatureFactory(status="confirmed", organisation="Typo NGO")
    response = admin_client.post(
        f"{CHANGELIST}{signature.pk}/change/",
        change_form_data(signature, organisation="Fixed NGO"),
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.organisation == "Fixed NGO"


def test_withdrawn_signature_cannot_be_refilled_in_the_admin(admin_client):
    """An erased signature's details stay erased: the admin form edits nothing."""
    signature = SignatureFactory(status="withdrawn", organisation="", website="")
    response = admin_client.post(
        f"{CHANGELIST}{signature.pk}/change/",
        change_form_data(signature, organisation="Named Again"),
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.organisation == ""


def test_delete_from_the_change_page_moves_the_count(
    admin_client, django_capture_on_commit_callbacks
):
    """Deleting a counted signature in the admin lowers the public count; logo goes."""
    from django.contrib.admin.models import LogEntry
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    logo = default_storage.save("logos/deleted.png", ContentFile(b"png"))
    signature = SignatureFactory(
        status="confirmed", organisation="Secret Org", logo=logo
    )
    other = SignatureFactory(letter=signature.letter, status="confirmed")
    assert services.letter_recount(letter=signature.letter) == 2
    admin_client.post(  # an earlier edit leaves an entry naming the organisation
        f"{CHANGELIST}{signature.pk}/change/",
        {"organisation": "Secret Org", "country": "DE", "is_public": "on"},
    )
    assert LogEntry.objects.filter(object_repr="Secret Org").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"{CHANGELIST}{signature.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert letter_signature_count(letter=signature.letter) == 1
    assert services.letter_recount(letter=signature.letter) == 1
    assert not default_storage.exists(logo)
    assert Signature.objects.filter(pk=other.pk).exists()
    history = LogEntry.objects.filter(object_id=str(signature.pk))
    assert [entry.object_repr for entry in history] == [f"#{signature.pk}"]


def test_bulk_delete_action_moves_the_count(admin_client):
    """The changelist's delete action goes through the service too."""
    letter = LetterFactory()
    counted = SignatureFactory.create_batch(3, letter=letter, status="confirmed")
    pending = SignatureFactory(letter=letter, status="pending")
    services.letter_recount(letter=letter)
    response = act(admin_client, "delete_selected", [*counted[:2], pending], post="yes")
    assert response.status_code == 302
    assert Signature.objects.count() == 1
    assert letter_signature_count(letter=letter) == 1
    assert services.letter_recount(letter=letter) == 1


def test_domain_match_with_an_internationalised_domain():
    """An IDN website matches the address stored in its canonical (A-label) form."""
    email = services.email_normalise("info@bücher.de")
    assert domain_matches(
        Signature(email_normalised=email, website="https://bücher.de")
    )
    assert domain_matches(
        Signature(email_normalised=email, website="https://www.xn--bcher-kva.de/")
    )


def awaiting(**extra):
    """A confirmed organisation signature on a letter that requires approval."""
    letter = extra.pop("letter", None) or LetterFactory(requires_approval=True)
    return SignatureFactory(letter=letter, status="confirmed", **extra)


def test_waiting_signatures_show_their_own_state(admin_client):
    """Confirmed signatures awaiting approval read "Waiting for approval"."""
    awaiting(organisation="Queue NGO")
    SignatureFactory(status="confirmed", organisation="Final NGO")
    html = admin_client.get(CHANGELIST).text
    row = html[html.index("Queue NGO") :]
    assert "Waiting for approval" in row[: row.index("</tr>")]
    row = html[html.index("Final NGO") :]
    row = row[: row.index("</tr>")]
    assert "Waiting for approval" not in row and "Confirmed" in row


def test_approval_queue_filter_lists_only_waiting_signatures(admin_client):
    """The "Waiting for approval" filter is the editors' queue."""
    letter = LetterFactory(requires_approval=True)
    awaiting(letter=letter, organisation="Queue NGO")
    SignatureFactory(letter=letter, status="approved", organisation="Approved NGO")
    SignatureFactory(letter=letter, status="pending", organisation="Pending NGO")
    SignatureFactory(
        letter=letter, status="confirmed", kind="individual", organisation="Person"
    )
    SignatureFactory(status="confirmed", organisation="No approval NGO")
    response = admin_client.get(f"{CHANGELIST}?queue=waiting")
    names = [s.organisation for s in response.context["cl"].result_list]
    assert names == ["Queue NGO"]


def test_admin_index_shows_the_queue_count(admin_client):
    """The admin index says how many signatures wait, linking to the queue."""
    awaiting()
    awaiting()
    html = admin_client.get("/en/admin/").text
    assert "2 signatures waiting for approval" in html
    assert f'href="{CHANGELIST}?queue=waiting"' in html


def test_cms_toolbar_campaign_menu_shows_the_queue(admin_client, letters_page):
    """The toolbar's Campaign menu links the queue with its count."""
    awaiting()
    html = admin_client.get("/en/letters/").text
    assert "Waiting for approval (1)" in html
    assert f"{CHANGELIST}?queue=waiting" in html


def test_signature_page_shows_the_domain_match(admin_client):
    """The detail page says whether the email's domain matches the website."""
    match = SignatureFactory(
        website="https://www.kestrel.example", contact_email="a@kestrel.example"
    )
    other = SignatureFactory(
        website="https://kestrel.example", contact_email="a@mail.example"
    )
    html = admin_client.get(f"{CHANGELIST}{match.pk}/change/").text
    assert "Yes: the email&#x27;s domain is the website&#x27;s." in html
    html = admin_client.get(f"{CHANGELIST}{other.pk}/change/").text
    assert "No: the email&#x27;s domain differs" in html


def test_csv_export_has_a_domain_match_column(admin_client):
    """The export carries the domain match the list shows."""
    match = SignatureFactory(
        website="https://kestrel.example", contact_email="a@kestrel.example"
    )
    other = SignatureFactory(
        website="https://kestrel.example", contact_email="a@mail.example"
    )
    response = act(admin_client, "export_csv", [match, other])
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["ID"]: row["Domain match"] for row in rows} == {
        str(match.pk): "True",
        str(other.pk): "False",
    }
