"""Signatures bound to a version of the letter's text (issue 15)."""

import csv
import hashlib
import io

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from djangocms_versioning.models import Version

from pages.canonical import canonical_text
from pages.models import LetterContent
from pages.services import content_publish
from signatories import outbox, services
from signatories.csv_export import signatures_csv
from signatories.models import (
    EmailKind,
    EmailState,
    LetterChangeNotice,
    LetterVersionTally,
    OutboundEmail,
    Signature,
    SignatureStatus,
)
from signatories.tokens import withdraw_token
from tests.factories import (
    LetterFactory,
    RecommendationFactory,
    edit_text,
    publish_text,
)

pytestmark = pytest.mark.django_db


def change(letter, kind="substantive", note="Adds a demand", language="en", **text):
    """Publish a new version of the letter's text in ``language``; return it."""
    text.setdefault("body", "<p>We write to you again, with one more demand.</p>")
    content = edit_text(letter, language, change_kind=kind, change_note=note, **text)
    letter.refresh_from_db()
    return content


def number(signature) -> int:
    signature.refresh_from_db()
    content = LetterContent.admin_manager.get(pk=signature.letter_content_id)
    return int(Version.objects.get_for_content(content).number)


def tallies(letter) -> dict[int, int]:
    return dict(
        LetterVersionTally.objects.filter(content__letter=letter).values_list(
            "content_id", "public_count"
        )
    )


def signed(sign, confirm, letter, email, **fields) -> Signature:
    """A confirmed signature of the letter as it is published now."""
    letter.refresh_from_db()
    signature = sign(letter, contact_email=email, **fields).signature
    confirm(signature)
    signature.refresh_from_db()
    return signature


# Binding


def test_signature_is_bound_to_the_text_shown_in_the_signers_language(letter, sign):
    """A signer is bound to their language's published text, else the fallback's."""
    german = publish_text(letter, "de", title="Stoppt die Razzien")
    letter.refresh_from_db()
    english = letter.content("en")
    in_german = sign(letter, language="de").signature
    in_russian = sign(letter, language="ru", contact_email="ru@kestrel.example")
    assert in_german.letter_content_id == german.pk
    assert in_german.text_hash == german.text_hash == canonical_text_hash(german)
    assert in_russian.signature.letter_content_id == english.pk
    assert in_russian.signature.text_hash == english.text_hash


def canonical_text_hash(content) -> str:
    return hashlib.sha256(canonical_text(content).encode("utf-8")).hexdigest()


def test_stored_hash_is_the_sha256_of_the_documented_canonical_text(sign):
    """Anyone can recompute the hash from the text as docs/decisions.md describes."""
    letter = LetterFactory(
        status="draft",
        title="Stop  the\u00a0raids",
        recipient=" To the board ",
        body="<p>Cafe\u0301 &amp; <em>more</em></p>\n<p>second</p>",
    )
    RecommendationFactory(letter=letter, number=2, title="Second", body="<p>B</p>")
    RecommendationFactory(letter=letter, number=1, title="First", body="<p>A</p>")
    content_publish(content=LetterContent.admin_manager.get(letter=letter))
    letter.refresh_from_db()
    signature = sign(letter).signature
    # By hand, step by step: visible text, NFC, whitespace collapsed, in order.
    expected = "\n".join(
        [
            "Stop the raids",
            "To the board",
            "Café & more second",
            "1. First",
            "A",
            "2. Second",
            "B",
        ]
    )
    assert signature.text_hash == hashlib.sha256(expected.encode()).hexdigest()
    assert canonical_text(letter.content("en")) == expected


def test_signing_after_a_change_binds_to_the_new_version(letter, sign, confirm):
    """A signature made before a change says version 1, one made after it 2."""
    before = signed(sign, confirm, letter, "before@kestrel.example")
    change(letter)
    after = signed(sign, confirm, letter, "after@kestrel.example")
    assert (number(before), number(after)) == (1, 2)
    assert after.text_hash == letter.content("en").text_hash != before.text_hash


@pytest.mark.parametrize("path", ["postgresql", "fallback"])
def test_pending_signature_signing_again_is_bound_to_the_new_version(
    letter, sign, path, monkeypatch
):
    """While pending, signing again after a change binds to the change (both the
    one-statement path and the embedded default's ORM path)."""
    if path == "fallback":
        from signatories import services as module

        monkeypatch.setattr(module.connection, "vendor", "sqlite")
    first = sign(letter).signature
    change(letter)
    again = sign(letter).signature
    assert again.pk == first.pk
    assert number(again) == 2


def test_confirmed_signature_signing_again_keeps_its_version(letter, sign, confirm):
    """A confirmed signer's repeat changes nothing, the version signed included."""
    signature = signed(sign, confirm, letter, "olena@kestrel.example")
    change(letter)
    sign(letter)
    assert number(signature) == 1


def test_sign_up_binds_without_reading_the_text(letter, sign):
    """The binding comes from the letter's mirror: no query for the letter text."""
    change(letter)
    with CaptureQueriesContext(connection) as captured:
        signature = sign(letter).signature
    assert not [q for q in captured if "pages_lettercontent" in q["sql"]]
    assert number(signature) == 2


# Per-version counts


def test_version_tally_follows_confirm_withdraw_and_recount(letter, sign, confirm):
    """Each version counts its own signers; withdrawal and recount keep it right."""
    first = signed(sign, confirm, letter, "one@kestrel.example")
    v1 = letter.content("en").pk
    change(letter)
    v2 = letter.content("en").pk
    signed(sign, confirm, letter, "two@kestrel.example")
    signed(sign, confirm, letter, "three@kestrel.example")
    assert tallies(letter) == {v1: 1, v2: 2}
    services.signature_withdraw(
        public_id=first.public_id, token=withdraw_token.make_token(first)
    )
    assert tallies(letter) == {v1: 0, v2: 2}
    LetterVersionTally.objects.filter(content_id=v2).update(public_count=9)
    assert services.letter_recount(letter=letter) == 2
    assert tallies(letter) == {v1: 0, v2: 2}


def test_version_tally_follows_approval_and_rejection(sign, confirm, editor):
    """Where organisations need approval, a version counts them once approved."""
    letter = LetterFactory(requires_approval=True)
    signature = signed(sign, confirm, letter, "org@kestrel.example")
    content_id = signature.letter_content_id
    assert tallies(letter).get(content_id, 0) == 0
    services.signatures_approve(signature_ids=[signature.pk], user=editor)
    assert tallies(letter) == {content_id: 1}
    services.signatures_reject(signature_ids=[signature.pk], user=editor, reason="x")
    assert tallies(letter) == {content_id: 0}


# The change log


CHANGE_LOG = Template("{% load signatories_tags %}{% letter_change_log letter %}")


def test_change_log_shows_each_version_with_date_note_count_and_hash(
    letter, sign, confirm
):
    """Every published version: number, date, the editor's note, count and hash."""
    signed(sign, confirm, letter, "one@kestrel.example")
    first = letter.content("en")
    change(letter, note="Adds the demand to publish the logs")
    signed(sign, confirm, letter, "two@kestrel.example")
    signed(sign, confirm, letter, "three@kestrel.example")
    second = letter.content("en")
    html = CHANGE_LOG.render(Context({"letter": letter}))
    assert html.index("Version 2") < html.index("Version 1")
    assert "Adds the demand to publish the logs" in html
    assert "2 signatures on this version" in html
    assert "1 signature on this version" in html
    assert first.text_hash in html and second.text_hash in html
    assert html.count('class="badge"') == 1  # only the current version


def test_change_log_links_each_version_and_its_changes(letter, letters_page):
    """Each version links its public page and its differences from the current."""
    change(letter)
    html = CHANGE_LOG.render(Context({"letter": letter}))
    assert "Version 2" in html
    assert f'href="/en/letters/{letter.slug}/versions/1/"' in html
    assert f'href="/en/letters/{letter.slug}/versions/1/changes/"' in html


def test_change_log_reads_tallies_not_signatures(letter, sign, confirm):
    """The per-version counts cost no COUNT over the signatures."""
    signed(sign, confirm, letter, "one@kestrel.example")
    change(letter)
    with CaptureQueriesContext(connection) as captured:
        CHANGE_LOG.render(Context({"letter": letter}))
    assert not [q for q in captured if "signatories_signature" in q["sql"]]


def test_letter_page_carries_the_change_log(client, letter, letters_page, sign):
    """The public letter page shows the versions of its text."""
    change(letter, note="Names the second ministry")
    response = client.get(letter.get_absolute_url())
    assert response.status_code == 200
    assert "Versions of this letter" in response.text
    assert "Names the second ministry" in response.text


def test_change_log_follows_the_text_shown(letter):
    """A reader of a fallback text sees the versions of that text."""
    change(letter, note="English note")
    with translation.override("de"):
        html = CHANGE_LOG.render(Context({"letter": letter}))
    assert "English note" in html and 'lang="en"' in html
    assert (
        '<section class="change-log" aria-labelledby="change-log-title" lang="de">'
        in html
    )


# Admin, CSV and API


def test_admin_shows_each_signatures_version_and_hash(
    admin_client, letter, sign, confirm
):
    """The list has a version column; the change page the version and its hash."""
    before = signed(sign, confirm, letter, "before@kestrel.example")
    change(letter)
    after = signed(sign, confirm, letter, "after@kestrel.example")
    page = admin_client.get("/en/admin/signatories/signature/")
    assert page.status_code == 200
    cells = page.text.split('class="field-version_column"')
    assert sorted(cell[1] for cell in cells[1:]) == ["1", "2"]
    detail = admin_client.get(f"/en/admin/signatories/signature/{before.pk}/change/")
    assert "Version 1 (en)" in detail.text
    assert before.text_hash in detail.text
    assert after.text_hash not in detail.text


@pytest.mark.parametrize("vendor", ["database", "fallback"])
def test_csv_export_has_version_and_hash(letter, sign, confirm, vendor, monkeypatch):
    """Both export paths write the version number and the hash of each row."""
    before = signed(sign, confirm, letter, "before@kestrel.example")
    change(letter)
    after = signed(sign, confirm, letter, "after@kestrel.example")
    if vendor == "fallback":
        monkeypatch.setattr(connection, "vendor", "sqlite")
    text = "".join(signatures_csv(Signature.objects.all())).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["ID"], r["Version"], r["Text hash"]) for r in rows] == [
        (str(before.pk), "1", before.text_hash),
        (str(after.pk), "2", after.text_hash),
    ]


def test_csv_export_joins_the_version_in_its_one_query(letter, sign, confirm):
    """The version number is joined by the database, not looked up per row."""
    for n in range(3):
        signed(sign, confirm, letter, f"org{n}@kestrel.example")
    with CaptureQueriesContext(connection) as captured:
        "".join(signatures_csv(Signature.objects.all()))
    # Only the export's own query (over the signatures) names the version table.
    assert not [
        q
        for q in captured
        if "djangocms_versioning_version" in q["sql"]
        and "signatories_signature" not in q["sql"]
    ]


def test_api_lists_each_signatorys_version_and_hash(client, letter, sign, confirm):
    """The public list gives the version signed and its hash, never an address."""
    before = signed(sign, confirm, letter, "before@kestrel.example")
    change(letter)
    after = signed(
        sign, confirm, letter, "after@kestrel.example", organisation="Later NGO"
    )
    body = client.get(f"/api/v1/letters/{letter.slug}/signatories/").json()
    assert [(r["id"], r["version"], r["text_hash"]) for r in body["results"]] == [
        (before.pk, 1, before.text_hash),
        (after.pk, 2, after.text_hash),
    ]
    assert "@kestrel.example" not in str(body)


def test_api_letter_detail_lists_versions_with_counts(client, letter, sign, confirm):
    """The letter gives its current version and hash, and every version's record."""
    signed(sign, confirm, letter, "one@kestrel.example")
    change(letter, note="Adds a demand")
    current = letter.content("en")
    body = client.get(f"/api/v1/letters/{letter.slug}/").json()
    assert body["version"] == 2
    assert body["text_hash"] == current.text_hash
    assert [(v["number"], v["count"], v["note"]) for v in body["versions"]] == [
        (2, 0, "Adds a demand"),
        (1, 1, ""),
    ]
    assert body["versions"][0]["text_hash"] == current.text_hash
    assert body["versions"][0]["current"] and not body["versions"][1]["current"]


def test_api_schema_documents_version_and_hash(client):
    """The OpenAPI document describes the new fields."""
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"version", "text_hash"} <= set(schemas["Signatory"]["properties"])
    assert {"version", "text_hash", "versions"} <= set(
        schemas["LetterDetail"]["properties"]
    )


# Telling signers of a substantive change


def test_substantive_change_owes_each_earlier_signer_one_email(letter, sign, confirm):
    """Confirmed signers of earlier versions get one email each; nobody else."""
    earlier = [
        signed(sign, confirm, letter, f"org{n}@kestrel.example", language=language)
        for n, language in enumerate(["en", "de", "uk"])
    ]
    sign(letter, contact_email="pending@kestrel.example")  # never confirmed
    gone = signed(sign, confirm, letter, "gone@kestrel.example")
    services.signature_withdraw(
        public_id=gone.public_id, token=withdraw_token.make_token(gone)
    )
    content = change(letter)
    signed(sign, confirm, letter, "later@kestrel.example")  # signed the change
    assert services.letter_change_emails_queue(content_id=content.pk) == 3
    rows = OutboundEmail.objects.filter(kind=EmailKind.LETTER_CHANGED)
    assert sorted(rows.values_list("signature_id", flat=True)) == sorted(
        s.pk for s in earlier
    )
    assert {(r.letter_content_id, r.language) for r in rows} == {
        (content.pk, "en"),
        (content.pk, "de"),
        (content.pk, "uk"),
    }
    assert LetterChangeNotice.objects.get(pk=content.pk).emails_queued == 3


def test_running_the_notice_again_duplicates_nothing(letter, sign, confirm):
    """A second run (or a rerun after a crash) adds no email."""
    for n in range(5):
        signed(sign, confirm, letter, f"org{n}@kestrel.example")
    content = change(letter)
    assert services.letter_change_emails_queue(content_id=content.pk, batch_size=2) == 5
    assert services.letter_change_emails_queue(content_id=content.pk) == 0
    LetterChangeNotice.objects.filter(pk=content.pk).update(completed_at=None)
    assert services.letter_change_emails_queue(content_id=content.pk) == 0
    assert OutboundEmail.objects.filter(kind=EmailKind.LETTER_CHANGED).count() == 5


def test_each_version_owes_its_own_notice(letter, sign, confirm):
    """Two substantive changes: an earlier signer gets one email about each."""
    signature = signed(sign, confirm, letter, "org@kestrel.example")
    second = change(letter, body="<p>Second.</p>")
    third = change(letter, body="<p>Third.</p>")
    services.letter_change_emails_queue(content_id=second.pk)
    services.letter_change_emails_queue(content_id=third.pk)
    rows = OutboundEmail.objects.filter(signature=signature, kind="letter_changed")
    assert sorted(rows.values_list("letter_content_id", flat=True)) == [
        second.pk,
        third.pk,
    ]


def test_correction_emails_nobody(letter, sign, confirm):
    """A correction is published without a notice."""
    signed(sign, confirm, letter, "org@kestrel.example")
    content = change(letter, kind="correction", note="Typo")
    assert not LetterChangeNotice.objects.filter(pk=content.pk).exists()
    assert services.letter_change_emails_queue(content_id=content.pk) == 0
    assert not OutboundEmail.objects.filter(kind=EmailKind.LETTER_CHANGED).exists()


def test_first_version_in_a_language_emails_nobody(letter, sign, confirm):
    """A new translation is no change to what anyone signed."""
    signed(sign, confirm, letter, "org@kestrel.example")
    german = publish_text(letter, "de", change_kind="substantive")
    assert not LetterChangeNotice.objects.filter(pk=german.pk).exists()


def test_a_change_in_one_language_tells_signers_of_that_text_only(
    letter, sign, confirm
):
    """Signers of the German text hear of German changes, not of English ones."""
    publish_text(letter, "de", title="Stoppt die Razzien")
    english = signed(sign, confirm, letter, "en@kestrel.example")
    german = signed(sign, confirm, letter, "de@kestrel.example", language="de")
    content = change(letter, language="en")
    services.letter_change_emails_queue(content_id=content.pk)
    told = OutboundEmail.objects.filter(kind=EmailKind.LETTER_CHANGED)
    assert list(told.values_list("signature_id", flat=True)) == [english.pk]
    assert german.pk not in told.values_list("signature_id", flat=True)


def test_publishing_a_substantive_change_mails_earlier_signers(
    letter,
    letters_page,
    sign,
    confirm,
    celery_eager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """On commit the task runs and each earlier signer is mailed in their language."""
    signature = signed(sign, confirm, letter, "org@kestrel.example", language="de")
    with django_capture_on_commit_callbacks(execute=True):
        change(letter, note="Nennt das zweite Ministerium")
    [message] = mailoutbox
    assert message.to == ["org@kestrel.example"]
    assert "Stop the raids" in message.subject
    assert message.subject != "The letter you signed has changed: Stop the raids"
    assert "Nennt das zweite Ministerium" in message.body
    withdraw = message.body.split("/sign/withdraw/")[1].split()[0].rstrip("/")
    token = withdraw.rsplit("/", 1)[1]
    assert withdraw_token.check_token(signature, token)
    assert letter.get_absolute_url() in message.body  # no diff page yet: the letter
    email = OutboundEmail.objects.get(kind=EmailKind.LETTER_CHANGED)
    assert email.state == EmailState.SENT
    assert LetterChangeNotice.objects.get(pk=email.letter_content_id).completed_at


def test_a_signer_who_withdrew_meanwhile_is_not_mailed(
    letter, sign, confirm, mailoutbox
):
    """An owed notice is dropped at delivery once the signature is withdrawn."""
    signature = signed(sign, confirm, letter, "org@kestrel.example")
    content = change(letter)
    services.letter_change_emails_queue(content_id=content.pk)
    email = OutboundEmail.objects.get(kind=EmailKind.LETTER_CHANGED)
    services.signature_withdraw(
        public_id=signature.public_id, token=withdraw_token.make_token(signature)
    )
    email.refresh_from_db()
    assert email.state == EmailState.CANCELLED
    OutboundEmail.objects.filter(pk=email.pk).update(state=EmailState.PENDING)
    assert outbox.email_deliver(email_id=email.pk) == EmailState.CANCELLED
    assert mailoutbox == []


def test_notice_left_open_by_a_broker_outage_is_queued_by_the_sweep(
    letter, sign, confirm, celery_eager
):
    """A notice whose task never ran is queued again once its lease runs out."""
    signed(sign, confirm, letter, "org@kestrel.example")
    content = change(letter)  # on_commit never runs here: as if the broker was down
    notice = LetterChangeNotice.objects.get(pk=content.pk)
    assert notice.completed_at is None
    assert services.letter_change_notices_due() == []  # still leased
    LetterChangeNotice.objects.filter(pk=content.pk).update(lease_until=None)
    assert services.letter_change_notices_due() == [content.pk]
    notice.refresh_from_db()
    assert notice.completed_at is not None and notice.emails_queued == 1


def test_signature_status_of_notices_is_unchanged(letter, sign, confirm):
    """Earlier signers stay counted after a substantive change."""
    signature = signed(sign, confirm, letter, "org@kestrel.example")
    change(letter)
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED
    assert services.letter_recount(letter=letter) == 1


def test_signer_confirming_after_a_change_is_told_of_it(letter, sign, confirm):
    """Signed before a substantive change, confirmed after: owed the notice too."""
    pending = sign(letter).signature
    content = change(letter)
    services.letter_change_emails_queue(content_id=content.pk)
    assert not OutboundEmail.objects.filter(kind=EmailKind.LETTER_CHANGED).exists()
    confirm(pending)
    [email] = OutboundEmail.objects.filter(kind=EmailKind.LETTER_CHANGED)
    assert (email.signature_id, email.letter_content_id) == (pending.pk, content.pk)
    assert number(pending) == 1


def test_signer_confirming_after_a_correction_is_told_nothing(letter, sign, confirm):
    """A correction owes no notice, before or after confirmation."""
    pending = sign(letter).signature
    change(letter, kind="correction")
    confirm(pending)
    assert not OutboundEmail.objects.filter(kind=EmailKind.LETTER_CHANGED).exists()


def test_the_documented_example_hash_is_what_the_code_computes():
    """docs/decisions.md's worked example matches pages.canonical."""
    from pathlib import Path

    from django.conf import settings

    from pages.canonical import hash_of, parts_of

    docs = (Path(settings.BASE_DIR) / "docs" / "decisions.md").read_text()
    section = docs.split("## What a signature is bound to", 1)[1]
    documented = section.split("and its hash is\n  `", 1)[1].split("`", 1)[0]
    parts = parts_of(
        title="Stop the raids",
        recipient="To the board of Example Corp",
        body="<p>We write to you about the <em>raids</em>.</p>\n"
        "<p>Cafe\u0301 owners &amp; journalists.</p>",
        recommendations=[(1, "Stop the raids", "<p>Now.</p>")],
    )
    assert parts[2] == "We write to you about the raids. Café owners & journalists."
    assert hash_of("\n".join(parts)) == documented
