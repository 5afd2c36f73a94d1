import csv
import io
from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from signatories import offline, services
from signatories.models import (
    EmailKind,
    LetterCountryTally,
    OutboundEmail,
    Signature,
    SignatureSource,
    SignatureStatus,
)
from signatories.review import approval_queue_count
from signatories.selectors import letter_public_signatories, letter_signature_count
from signatories.tasks import send_review_digest
from signatories.tokens import confirm_token
from tests.factories import LetterFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/en/admin/signatories/signature/import/"
TEMPLATE_URL = "/en/admin/signatories/signature/import/template.csv"
HEADER = [
    "organisation",
    "website",
    "country",
    "organisation_type",
    "contact_name",
    "contact_email",
    "listed",
]
WITH_EMAIL = [
    "Kestrel Rights Alliance",
    "https://kestrel.example",
    "UA",
    "ngo",
    "Olena",
    "olena@kestrel.example",
    "yes",
]
WITHOUT_EMAIL = ["Heron Media", "", "Deutschland", "media", "Jonas", "", "no"]
BAD = ["", "", "Atlantis", "ngo", "Nobody", "not-an-address", "perhaps"]


def csv_text(*rows, header=HEADER, delimiter=",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def run_import(letter, text, *, dry_run=False, note="Berlin event 2026-11", **kw):
    """Import CSV text through the service, as the admin does after parsing it."""
    return services.signatures_import(
        letter=letter,
        rows=offline.csv_rows(text),
        source_note=note,
        dry_run=dry_run,
        **kw,
    )


def upload(admin_client, letter, text, **extra):
    data = {
        "letter": letter.pk,
        "source_note": "Berlin event 2026-11",
        "language": "en",
        "consent": "on",
        "file": SimpleUploadedFile(
            "signatures.csv", text.encode("utf-8"), content_type="text/csv"
        ),
    } | extra
    return admin_client.post(IMPORT_URL, data)


def test_template_download_has_the_columns_and_one_example(admin_client):
    """The template is a CSV with every column and one example row that imports."""
    response = admin_client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(offline.COLUMNS)
    assert len(rows) == 2
    report = run_import(LetterFactory(), response.content.decode(), dry_run=True)
    assert (report.ready, report.invalid) == (1, 0)


def test_import_page_links_the_template_and_the_changelist_offers_it(admin_client):
    """Editors reach the import from the signature list and find the template."""
    changelist = admin_client.get("/en/admin/signatories/signature/")
    assert IMPORT_URL in changelist.text
    page = admin_client.get(IMPORT_URL)
    assert page.status_code == 200
    assert TEMPLATE_URL in page.text
    assert 'name="consent"' in page.text


def test_dry_run_writes_nothing_and_lists_each_rows_errors(
    admin_client, django_capture_on_commit_callbacks
):
    """The preview stores nothing, owes no email and names every bad cell."""
    letter = LetterFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, letter, csv_text(WITH_EMAIL, BAD))
    assert response.status_code == 200
    assert Signature.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    report = response.context["report"]
    assert report.dry_run and (report.ready, report.invalid) == (1, 1)
    [bad] = [row for row in report.rows if row.outcome == "invalid"]
    assert bad.line == 3
    assert any(m.startswith("country: Unknown country") for m in bad.messages)
    assert "contact_email: Enter a valid email address." in bad.messages
    assert any(m.startswith("listed: Write yes or no") for m in bad.messages)
    assert any(m.startswith("organisation: ") for m in bad.messages)
    assert "Unknown country" in response.text
    assert "Import 1 valid row" in response.text


def test_confirmed_import_stores_the_good_rows_and_skips_the_bad(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    """Importing after the preview stores the valid rows; bad ones never abort them."""
    letter = LetterFactory()
    preview = upload(admin_client, letter, csv_text(BAD, WITH_EMAIL, WITHOUT_EMAIL))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            IMPORT_URL, {"payload": preview.context["payload"]}
        )
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.imported, report.invalid, report.awaiting_approval) == (2, 1, 1)
    assert "2 rows imported." in response.text
    stored = Signature.objects.order_by("organisation")
    names = [s.organisation for s in stored]
    assert names == ["Heron Media", "Kestrel Rights Alliance"]
    for signature in stored:
        assert signature.source == SignatureSource.OFFLINE
        assert signature.source_note == "Berlin event 2026-11"
    # Who imported each signature stays in the admin history.
    entries = LogEntry.objects.filter(action_flag=ADDITION, user=admin_user)
    assert sorted(int(e.object_id) for e in entries) == sorted(s.pk for s in stored)


def test_row_with_an_email_gets_one_confirmation_and_counts_once_confirmed(
    celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """An address means the web's path: PENDING, one confirm email, then it counts."""
    letter = LetterFactory()
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(letter, csv_text(WITH_EMAIL))
    assert report.imported == 1
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.PENDING
    assert signature.email_normalised == "olena@kestrel.example"
    [email] = OutboundEmail.objects.all()
    assert (email.kind, email.signature_id) == (EmailKind.CONFIRM, signature.pk)
    assert [m.to for m in mailoutbox] == [["olena@kestrel.example"]]
    assert letter_signature_count(letter=letter) == 0
    services.signature_confirm(
        signature_id=signature.pk, token=confirm_token.make_token(signature)
    )
    assert letter_signature_count(letter=letter) == 1


def test_row_without_an_email_counts_only_once_an_editor_approves_it(editor):
    """No address: the row waits in the approval queue and counts once approved."""
    letter = LetterFactory()
    assert run_import(letter, csv_text(WITHOUT_EMAIL)).imported == 1
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.AWAITING_REVIEW
    assert (signature.contact_email, signature.country) == ("", "DE")
    assert signature.is_public is False
    assert OutboundEmail.objects.count() == 0
    assert letter_signature_count(letter=letter) == 0
    assert approval_queue_count() == 1
    assert services.signatures_approve(signature_ids=[signature.pk], user=editor) == 1
    assert letter_signature_count(letter=letter) == 1
    assert approval_queue_count() == 0
    assert services.letter_recount(letter=letter) == 1  # the tally agrees


def test_approved_listed_offline_row_is_listed_by_country(editor):
    """Once approved, a listed offline organisation appears in the public list."""
    letter = LetterFactory()
    row = ["Heron Media", "", "Germany", "media", "Jonas", "", "yes"]
    run_import(letter, csv_text(row))
    signature = Signature.objects.get()
    assert letter_public_signatories(letter=letter).items == []
    services.signatures_approve(signature_ids=[signature.pk], user=editor)
    assert [s.pk for s in letter_public_signatories(letter=letter).items] == [
        signature.pk
    ]
    assert LetterCountryTally.objects.get(letter=letter, country="DE").listed_count


def test_rejected_offline_row_never_counts(editor):
    """Rejecting a waiting offline row leaves the count as it was."""
    letter = LetterFactory()
    run_import(letter, csv_text(WITHOUT_EMAIL))
    signature = Signature.objects.get()
    services.signatures_reject(signature_ids=[signature.pk], user=editor, reason="x")
    assert Signature.objects.get().status == SignatureStatus.REJECTED
    assert letter_signature_count(letter=letter) == 0


def test_reimporting_the_same_file_creates_nothing_and_sends_nothing(
    admin_client, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    """A second import of the file reports every row as already signed, silently."""
    letter = LetterFactory()
    text = csv_text(WITH_EMAIL, WITHOUT_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_import(letter, text).imported == 2
    assert len(mailoutbox) == 1
    rows, emails = Signature.objects.count(), OutboundEmail.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        preview = upload(admin_client, letter, text)
    assert preview.context["report"].duplicates == 2
    assert 'name="payload"' not in preview.text  # nothing left to import
    with django_capture_on_commit_callbacks(execute=True):
        again = run_import(letter, text)
    assert (again.imported, again.duplicates) == (0, 2)
    assert Signature.objects.count() == rows
    assert OutboundEmail.objects.count() == emails
    assert len(mailoutbox) == 1


def test_reimport_matches_names_whatever_the_spelling_and_the_note():
    """Case, spacing, punctuation and another source note still find the signer."""
    letter = LetterFactory()
    run_import(letter, csv_text(WITHOUT_EMAIL), note="Berlin")
    respelt = ["HERON  media.", "", "de", "media", "Jonas", "", "no"]
    report = run_import(letter, csv_text(respelt), note="By post")
    assert report.duplicates == 1
    assert Signature.objects.count() == 1


def test_an_address_that_signed_online_is_skipped_without_an_email(
    sign, django_capture_on_commit_callbacks
):
    """A row whose address already signed on the web changes nothing, owes nothing."""
    letter = LetterFactory()
    sign(letter, organisation="Typed online")
    emails = OutboundEmail.objects.count()
    report = run_import(letter, csv_text(WITH_EMAIL))
    assert report.duplicates == 1
    assert Signature.objects.get().organisation == "Typed online"
    assert Signature.objects.get().source == SignatureSource.WEB
    assert OutboundEmail.objects.count() == emails


def test_a_signer_twice_in_one_file_is_stored_once():
    """The second row of the same signer is reported as a duplicate of the first."""
    letter = LetterFactory()
    report = run_import(
        letter, csv_text(WITH_EMAIL, WITHOUT_EMAIL, WITH_EMAIL, WITHOUT_EMAIL)
    )
    assert (report.imported, report.duplicates) == (2, 2)
    assert report.rows[2].messages == ("The same signer as on line 2.",)
    assert Signature.objects.count() == 2


def test_the_database_refuses_a_second_row_with_the_same_offline_key():
    """Concurrent imports cannot duplicate: the key is unique per letter."""
    letter = LetterFactory()
    no_address = {"contact_email": "", "email_normalised": "", "offline_key": "k"}
    SignatureFactory(letter=letter, **no_address)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureFactory(letter=letter, **no_address)
    # Other signatures have no key and do not collide.
    SignatureFactory(letter=letter)
    SignatureFactory(letter=letter)


def test_visitors_and_editors_without_the_add_permission_get_403(client):
    """Only editors who may add signatures import them or fetch the template."""
    staff = UserFactory(username="viewer", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_signature"),
        Permission.objects.get(codename="change_signature"),
    )
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403
    assert upload(client, LetterFactory(), csv_text(WITH_EMAIL)).status_code == 403
    assert IMPORT_URL not in client.get("/en/admin/signatories/signature/").text
    staff.user_permissions.add(Permission.objects.get(codename="add_signature"))
    assert client.get(IMPORT_URL).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login(client):
    """The import is behind the admin login."""
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_forged_or_foreign_payload_imports_nothing(admin_client, editor):
    """The second step imports only what this editor previewed, unaltered."""
    letter = LetterFactory()
    response = admin_client.post(IMPORT_URL, {"payload": "forged"}, follow=True)
    assert "upload the file again" in response.text
    foreign = offline.import_payload_dumps(
        user_id=editor.pk,
        letter_id=letter.pk,
        source_note="x",
        language="en",
        text=csv_text(WITHOUT_EMAIL),
    )
    admin_client.post(IMPORT_URL, {"payload": foreign})
    assert Signature.objects.count() == 0


def test_the_import_requires_the_editors_word_on_consent(admin_client):
    """Without the consent box the form comes back and nothing is read."""
    response = upload(admin_client, LetterFactory(), csv_text(WITH_EMAIL), consent="")
    assert response.status_code == 400
    assert "consent" in response.context["form"].errors


def test_a_closed_letter_takes_no_import(admin_client):
    """A letter outside its signing window refuses the import, with a reason."""
    letter = LetterFactory(signing_closes=timezone.now() - timedelta(days=1))
    response = upload(admin_client, letter, csv_text(WITH_EMAIL))
    assert response.status_code == 400
    assert "does not take signatures now" in response.text
    with pytest.raises(services.SigningClosed):
        run_import(letter, csv_text(WITH_EMAIL))
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"organisation;country\r\nX;DE\r\n", "Missing columns"),
        (b"contact_name,country,listed,colour\r\nA,DE,yes,red\r\n", "Unknown columns"),
        ("contact_name,country,listed\r\nÄ,DE,yes\r\n".encode("latin-1"), "UTF-8"),
        (b"", "The submitted file is empty"),  # Django's own check
        (b"\r\n ,\r\n", "The file is empty"),
        (b"contact_name,country,listed\r\nA\x00,DE,yes\r\n", "binary data"),
        (b"contact_name,name,country,listed\r\n", "Columns given twice"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(admin_client, content, message):
    """Wrong encoding or columns: one clear error on the file field, no 500."""
    response = admin_client.post(
        IMPORT_URL,
        {
            "letter": LetterFactory().pk,
            "source_note": "post",
            "language": "en",
            "consent": "on",
            "file": SimpleUploadedFile("s.csv", content),
        },
    )
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["file"])


def test_semicolons_a_bom_and_country_names_in_every_language_are_read():
    """A spreadsheet's CSV: BOM, semicolons, countries named in ru, de or uk."""
    rows = [
        ["Один", "", "Германия", "ngo", "А", "", "да"],
        ["Zwei", "", "Ukraine", "Medium", "B", "", "ja"],
        ["Три", "", "Німеччина", "NGO", "В", "", "так"],
        ["Four", "", "fr", "Union", "D", "", "No"],
    ]
    text = "\ufeff" + csv_text(*rows, delimiter=";")
    text = offline.csv_text(text.encode("utf-8"))
    report = run_import(LetterFactory(), text)
    assert report.imported == 4, [r.messages for r in report.rows]
    got = Signature.objects.order_by("pk").values_list(
        "country", "organisation_type", "is_public"
    )
    assert [(str(c), t, p) for c, t, p in got] == [
        ("DE", "ngo", True),
        ("UA", "media", True),
        ("DE", "ngo", True),
        ("FR", "union", False),
    ]


def test_rows_are_validated_like_the_sign_form():
    """Length, URL and control-character rules are the web form's own."""
    long_name = "x" * 201
    rows = [
        [long_name, "", "DE", "ngo", "A", "", "yes"],
        ["Org", "not a url", "DE", "ngo", "A", "", "yes"],
        ["Org\x07", "", "DE", "ngo", "A", "", "yes"],
        ["Org", "", "DE", "", "A", "", "yes"],
    ]
    report = run_import(LetterFactory(), csv_text(*rows), dry_run=True)
    assert report.invalid == 4
    assert [row.messages[0].split(":")[0] for row in report.rows] == [
        "organisation",
        "website",
        "organisation",
        "organisation_type",
    ]


def test_individuals_only_where_the_letter_allows_them():
    """A row signing as an individual needs a letter that takes individuals."""
    header = ["contact_name", "country", "listed", "kind"]
    row = ["Ada", "DE", "no", "individual"]
    closed_to_them = run_import(
        LetterFactory(), csv_text(row, header=header), dry_run=True
    )
    assert closed_to_them.rows[0].messages == (
        "kind: This letter is signed by organisations only.",
    )
    open_to_them = LetterFactory(allow_individuals=True)
    assert run_import(open_to_them, csv_text(row, header=header)).imported == 1
    assert Signature.objects.get().kind == "individual"


def test_a_rows_language_chooses_its_emails_language():
    """The language column, or else the import's language, is the signer's."""
    header = [*HEADER, "language"]
    unnamed = ["Heron", "", "DE", "media", "J", "h@h.example", "no", ""]
    run_import(
        LetterFactory(),
        csv_text([*WITH_EMAIL, "uk"], unnamed, header=header),
        language="de",
    )
    languages = Signature.objects.order_by("pk").values_list("language", flat=True)
    assert list(languages) == ["uk", "de"]
    assert set(OutboundEmail.objects.values_list("language", flat=True)) == {"uk", "de"}


def test_unreviewed_offline_rows_are_purged_and_approved_ones_kept(settings, editor):
    """Retention: waiting offline rows go after the period; approved ones stay."""
    settings.SIGNATURE_UNREVIEWED_RETENTION_DAYS = 30
    letter = LetterFactory()
    rows = [WITHOUT_EMAIL, ["Old approved", "", "DE", "ngo", "A", "", "no"]]
    rows.append(["Fresh", "", "DE", "ngo", "B", "", "no"])
    run_import(letter, csv_text(*rows))
    old, approved, fresh = Signature.objects.order_by("pk")
    services.signatures_approve(signature_ids=[approved.pk], user=editor)
    long_ago = timezone.now() - timedelta(days=31)
    Signature.objects.filter(pk__in=[old.pk, approved.pk]).update(created_at=long_ago)
    report = services.signatures_purge_expired()
    assert report.unreviewed == 1
    assert set(Signature.objects.values_list("pk", flat=True)) == {
        approved.pk,
        fresh.pk,
    }
    assert letter_signature_count(letter=letter) == 1
    # A purged row can be imported again; an approved one is still known.
    assert run_import(letter, csv_text(*rows)).imported == 1


def test_review_digest_counts_offline_rows_waiting_for_approval(mailoutbox):
    """The editors' daily digest includes offline rows nobody can confirm."""
    UserFactory(username="ed", is_staff=True, email="ed@campaign.example")
    letter = LetterFactory(title="Open to all")
    run_import(letter, csv_text(WITHOUT_EMAIL))
    assert send_review_digest() == 1
    [message] = mailoutbox
    assert "Open to all: 1" in message.body
    assert "/en/admin/signatories/signature/?queue=waiting" in message.body


def test_admin_shows_the_source_of_a_signature(admin_client):
    """The change page and the list filter show where a signature came from."""
    letter = LetterFactory()
    run_import(letter, csv_text(WITHOUT_EMAIL))
    signature = Signature.objects.get()
    page = admin_client.get(f"/en/admin/signatories/signature/{signature.pk}/change/")
    assert "Gathered offline" in page.text and "Berlin event 2026-11" in page.text
    assert "Waiting for approval" in page.text
    listed = admin_client.get("/en/admin/signatories/signature/?source__exact=offline")
    assert [s.pk for s in listed.context["cl"].result_list] == [signature.pk]


def test_api_sign_ups_are_marked_as_such(client, payload):
    """A signature through the JSON API records its source."""
    letter = LetterFactory()
    response = client.post(
        f"/api/v1/letters/{letter.slug}/signatures/",
        payload,
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    assert Signature.objects.get().source == SignatureSource.API


def test_csv_export_says_where_each_signature_came_from(admin_client):
    """The editors' export carries the source and the note of each signature."""
    run_import(LetterFactory(), csv_text(WITHOUT_EMAIL))
    signature = Signature.objects.get()
    response = admin_client.post(
        "/en/admin/signatories/signature/",
        {"action": "export_csv", "_selected_action": [signature.pk]},
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))
    values = dict(zip(header, row, strict=True))
    assert values["Source"] == "offline"
    assert values["Gathered at"] == "Berlin event 2026-11"


def test_signature_create_only_new_leaves_a_known_address_alone(
    sign, django_capture_on_commit_callbacks
):
    """With only_new a known address keeps its details and owes no email."""
    letter = LetterFactory()
    first = sign(letter, organisation="First").signature
    emails = OutboundEmail.objects.count()
    result = services.signature_create(
        letter=letter,
        contact_email="OLENA@kestrel.example",
        contact_name="Someone else",
        organisation="Second",
        country="DE",
        organisation_type="ngo",
        only_new=True,
    )
    assert not result.created and result.signature.pk == first.pk
    assert Signature.objects.get().organisation == "First"
    assert OutboundEmail.objects.count() == emails


def test_a_row_stored_meanwhile_by_another_import_is_reported_not_duplicated():
    """Past the preview's check, the database's constraint still finds the signer."""
    letter = LetterFactory()
    [row] = offline.csv_rows(csv_text(WITHOUT_EMAIL))
    check = offline.row_validate(letter=letter, row=row, language="en")
    # As if a concurrent import stored it after this import's own lookup.
    assert services._import_row(
        letter=letter, check=check, source_note="a", imported_by=None
    ) == (services.ImportOutcome.IMPORTED, [])
    outcome, messages = services._import_row(
        letter=letter, check=check, source_note="b", imported_by=None
    )
    assert outcome == services.ImportOutcome.DUPLICATE
    assert Signature.objects.count() == 1
