"""The recommendation tracker and the delivery record (issues 15 and 16)."""

import io
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from pages import caching, selectors
from pages.models import Delivery, Response
from pages.services import (
    delivery_delete,
    delivery_record,
    recommendation_set_status,
    response_add,
    response_delete,
    response_update,
)
from tests.factories import (
    DeliveryFactory,
    LetterFactory,
    RecommendationFactory,
    ResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/en/letters/stop-the-raids/"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def first_recommendation(letter):
    return letter.recommendations.order_by("number").first()


def recommendation_html(html: str, number: int) -> str:
    """The markup of one recommendation on the letter page."""
    start = html.index(f'id="recommendation-{number}"')
    ends = [
        html.find(mark, start)
        for mark in ('<li class="recommendation"', "</ol>\n  </section>")
    ]
    return html[start : min(end for end in ends if end > 0)]


def jpeg_with_gps() -> bytes:
    """A small JPEG whose EXIF data carries a GPS position."""
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (55.0, 45.0, 0.0), 1: "N"}  # GPSInfo
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


# Services


def test_response_add_keeps_several_responses_per_recommendation():
    """Responses accumulate; none overwrites another."""
    recommendation = RecommendationFactory()
    for day in (date(2026, 9, 1), date(2026, 10, 1)):
        response_add(
            letter=recommendation.letter,
            recommendation=recommendation,
            date=day,
            text=f"Answer of {day}",
            language="en",
        )
    assert list(
        Response.objects.filter(recommendation=recommendation).values_list(
            "date", "text"
        )
    ) == [
        (date(2026, 9, 1), "Answer of 2026-09-01"),
        (date(2026, 10, 1), "Answer of 2026-10-01"),
    ]


def test_response_add_refuses_a_recommendation_of_another_letter():
    """A response is to the letter's own recommendation, or to the letter."""
    recommendation = RecommendationFactory()
    other_letter = LetterFactory()
    with pytest.raises(ValidationError) as refused:
        response_add(
            letter=other_letter,
            recommendation=recommendation,
            date=date(2026, 9, 1),
            text="Yes.",
            language="en",
        )
    assert "recommendation" in refused.value.message_dict
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", timezone.localdate() + timedelta(days=1)),
        ("language", "fr"),
        ("evidence_url", "javascript:alert(1)"),
    ],
)
def test_response_add_refuses_bad_input(field, value):
    """A future date, an unknown language, a non-http link raise ValidationError."""
    letter = LetterFactory()
    fields = {"date": date(2026, 9, 1), "language": "en", "evidence_url": ""}
    fields[field] = value
    with pytest.raises(ValidationError) as refused:
        response_add(letter=letter, text="Yes.", **fields)
    assert field in refused.value.message_dict


def test_response_add_keeps_only_real_translations():
    """Blank translations and one into the original language are dropped."""
    letter = LetterFactory()
    response = response_add(
        letter=letter,
        date=date(2026, 9, 1),
        text="Wir prüfen das.",
        language="de",
        text_translations={"en": " We are looking into it. ", "de": "x", "ru": ""},
    )
    assert response.text_translations == {"en": "We are looking into it."}
    assert response.text_in("en") == ("We are looking into it.", "en")
    assert response.text_in("uk") == ("Wir prüfen das.", "de")


def test_tracker_writes_refresh_the_cached_letter_page(
    client, letter, django_capture_on_commit_callbacks
):
    """A response, a status change and a delivery reach the cached page at once."""
    assert "A later answer" not in client.get(URL).text
    assert client.get(URL).text == client.get(URL).text  # served from the copy
    recommendation = first_recommendation(letter)
    with django_capture_on_commit_callbacks(execute=True):
        response_add(
            letter=letter,
            recommendation=recommendation,
            date=timezone.localdate(),
            text="A later answer.",
            language="en",
        )
    assert "A later answer." in client.get(URL).text
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_set_status(recommendation=recommendation, status="adopted")
    assert '<span class="badge">Adopted</span>' in client.get(URL).text
    with django_capture_on_commit_callbacks(execute=True):
        delivery = delivery_record(
            letter=letter,
            date=date(2026, 9, 15),
            recipient="The board secretary",
            channel="post",
        )
    assert "Delivered to The board secretary" in client.get(URL).text
    with django_capture_on_commit_callbacks(execute=True):
        delivery_delete(delivery_id=delivery.pk)
    assert "The board secretary" not in client.get(URL).text


def test_tracker_writes_move_the_letter_version_after_commit(
    letter, django_capture_on_commit_callbacks
):
    """The page version moves again once the write commits (no stale re-cache)."""
    before = caching.letter_cache_version(letter.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = response_add(
            letter=letter, date=date(2026, 9, 1), text="Yes.", language="en"
        )
    middle = caching.letter_cache_version(letter.pk)
    assert middle != before  # the post_save receiver
    for callback in callbacks:
        callback()
    assert caching.letter_cache_version(letter.pk) != middle
    with django_capture_on_commit_callbacks(execute=True):
        response_update(
            response_id=response.pk,
            letter=letter,
            recommendation=None,
            date=date(2026, 9, 2),
            text="Yes, we will.",
            language="en",
            evidence_url="https://example.org/statement",
            text_translations={},
        )
    stored = Response.objects.get(pk=response.pk)
    assert (stored.date, stored.text) == (date(2026, 9, 2), "Yes, we will.")
    with django_capture_on_commit_callbacks(execute=True):
        response_delete(response_id=response.pk)
    assert not Response.objects.filter(pk=response.pk).exists()


# The letter page


def test_recommendation_timeline_shows_dates_in_order(client, letter):
    """Status changes and responses are interleaved by date, oldest first."""
    recommendation = first_recommendation(letter)
    Response.objects.filter(recommendation=recommendation).delete()
    ResponseFactory(
        recommendation=recommendation, date=date(2026, 10, 5), text="Second answer."
    )
    recommendation_set_status(
        recommendation=recommendation, status="adopted", changed_on=date(2026, 9, 1)
    )
    ResponseFactory(
        recommendation=recommendation, date=date(2026, 8, 20), text="First answer."
    )
    recommendation_set_status(
        recommendation=recommendation, status="rejected", changed_on=date(2026, 11, 1)
    )
    html = recommendation_html(client.get(URL).text, 1)
    dates = re.findall(
        r'<li class="timeline-event[^"]*">\s*<time datetime="([^"]+)"', html
    )
    assert dates == ["2026-08-20", "2026-09-01", "2026-10-05", "2026-11-01"]
    positions = [
        html.index(text)
        for text in (
            "First answer.",
            "Status: Adopted",
            "Second answer.",
            "Status: Rejected",
        )
    ]
    assert positions == sorted(positions)
    assert '<span class="badge">Rejected</span>' in html  # the current status


def test_several_responses_each_show_with_their_source(client, letter):
    """Every response shows, with its date and, where given, a link to its source."""
    recommendation = first_recommendation(letter)
    ResponseFactory(
        recommendation=recommendation,
        date=date(2026, 9, 1),
        text="We have hired auditors.",
        evidence_url="https://northwind.example/statement",
    )
    html = recommendation_html(client.get(URL).text, 1)
    assert "We are reviewing the request." in html
    assert "We have hired auditors." in html
    assert (
        '<a href="https://northwind.example/statement" '
        'rel="nofollow noopener noreferrer">Source</a>' in html
    )
    assert html.count('<figure class="response">') == 2


def test_response_shows_in_the_readers_language_or_as_written(client, letter):
    """A translation is shown where there is one; else the original, marked."""
    recommendation = first_recommendation(letter)
    Response.objects.filter(recommendation=recommendation).delete()
    ResponseFactory(
        recommendation=recommendation,
        text="We will publish the review.",
        language="en",
        text_translations={"ru": "Мы опубликуем проверку."},
    )
    russian = Client().get("/ru/letters/stop-the-raids/").text
    assert "Мы опубликуем проверку." in russian
    assert "We will publish the review." not in russian
    german = Client().get("/de/letters/stop-the-raids/").text
    assert '<blockquote lang="en"><p>We will publish the review.</p></blockquote>' in (
        german
    )
    assert "Englisch" in recommendation_html(german, 1)  # "shown in English"


def test_letter_wide_response_and_delivery_show_on_the_letter_page(client, letter):
    """Deliveries and replies to the whole letter are a dated section of the page."""
    DeliveryFactory(
        letter=letter,
        date=date(2026, 9, 15),
        recipient="Ms Esk, chair of the board",
        channel="in_person",
        note="Handed over by Helena; the guard was hostile.",
    )
    DeliveryFactory(
        letter=letter, date=date(2026, 9, 10), recipient="The board", channel="email"
    )
    ResponseFactory(
        letter=letter,
        recommendation=None,
        date=date(2026, 9, 20),
        text="We thank the coalition for its letter.",
    )
    html = client.get(URL).text
    section = html[html.index('class="letter-timeline"') :]
    section = section[: section.index("</section>")]
    assert "Delivered to The board on Sept. 10, 2026 by email." in section
    assert "Delivered to Ms Esk, chair of the board on Sept. 15, 2026 in person." in (
        section
    )
    assert "We thank the coalition for its letter." in section
    assert (
        section.index("The board on")
        < section.index("Ms Esk")
        < section.index("We thank")
    )
    assert "guard was hostile" not in html  # the note is for editors
    assert "We thank the coalition" not in recommendation_html(html, 1)


def test_letter_page_without_deliveries_or_replies_has_no_such_section(client, letter):
    """No empty "Delivery and responses" heading."""
    assert "Delivery and responses" not in client.get(URL).text


def test_letter_timeline_selector_lists_deliveries_and_letter_replies(letter):
    """Dated events, oldest first; answers to recommendations are not among them."""
    ResponseFactory(letter=letter, recommendation=None, date=date(2026, 9, 20))
    DeliveryFactory(letter=letter, date=date(2026, 9, 15), channel="other")
    DeliveryFactory(letter=letter, date=date(2026, 9, 25))
    events = selectors.letter_timeline(letter=letter, language="en")
    assert [(event.kind, str(event.date)) for event in events] == [
        ("delivery", "2026-09-15"),
        ("response", "2026-09-20"),
        ("delivery", "2026-09-25"),
    ]
    assert events[1].text and events[1].language == "en"


def test_timelines_read_nothing_once_the_letter_is_loaded(
    letter, django_assert_num_queries
):
    """The letter selector prefetches what both timelines show."""
    recommendation_set_status(
        recommendation=first_recommendation(letter), status="adopted"
    )
    DeliveryFactory(letter=letter)
    ResponseFactory(letter=letter, recommendation=None)
    loaded = selectors.letter_get_public(slug=letter.slug)
    with django_assert_num_queries(0):
        assert len(selectors.letter_timeline(letter=loaded)) == 2
        timelines = [
            selectors.recommendation_timeline(recommendation=rec)
            for rec in loaded.recommendations.all()
        ]
    assert [len(events) for events in timelines] == [2, 0]


# Delivery files


def pdf_upload(name="receipt.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_public_delivery_file_is_linked_and_served(client, letter):
    """A file an editor shows is linked from the page and served as what it is."""
    delivery = delivery_record(
        letter=letter,
        date=date(2026, 9, 15),
        recipient="The board",
        channel="post",
        file=pdf_upload(),
        file_public=True,
    )
    url = f"/en/letters/stop-the-raids/deliveries/{delivery.pk}/file/"
    assert f'<a href="{url}">Proof of delivery (PDF)</a>' in client.get(URL).text
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-cache"
    assert "delivery-2026-09-15.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert "receipt" not in Delivery.objects.get().file.name  # a random name


def test_unlisted_delivery_file_is_for_editors_only(client, admin_client, letter):
    """A file not shown publicly is neither linked nor served to visitors."""
    delivery = delivery_record(
        letter=letter,
        date=date(2026, 9, 15),
        recipient="The board",
        channel="post",
        file=pdf_upload(),
    )
    url = f"/en/letters/stop-the-raids/deliveries/{delivery.pk}/file/"
    html = client.get(URL).text
    assert "Delivered to The board" in html and url not in html
    assert client.get(url).status_code == 404
    assert admin_client.get(url).status_code == 200
    assert client.get(f"/en/letters/other/deliveries/{delivery.pk}/file/").status_code
    assert client.get(
        "/en/letters/stop-the-raids/deliveries/999/file/"
    ).status_code == (404)


@pytest.mark.parametrize(
    ("codename", "status"), [("view_letter", 404), ("view_delivery", 200)]
)
def test_unlisted_delivery_file_needs_the_right_to_view_deliveries(
    client, letter, codename, status
):
    """Staff open a file not shown publicly only with view rights on deliveries."""
    delivery = delivery_record(
        letter=letter,
        date=date(2026, 9, 15),
        recipient="The board",
        channel="post",
        file=pdf_upload(),
    )
    user = UserFactory(username="limited", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    url = f"/en/letters/stop-the-raids/deliveries/{delivery.pk}/file/"
    assert client.get(url).status_code == status


def test_delivery_photo_is_stored_without_its_metadata(letter):
    """A photo's EXIF data (GPS, camera) is gone from the stored copy."""
    delivery = delivery_record(
        letter=letter,
        date=date(2026, 9, 15),
        recipient="The board",
        channel="in_person",
        file=SimpleUploadedFile("handover.JPG", jpeg_with_gps(), "image/jpeg"),
    )
    assert delivery.file.name.endswith(".jpg")
    with delivery.file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (40, 30)
        assert not image.getexif()


def admin_add_delivery(admin_client, letter, upload):
    return admin_client.post(
        "/en/admin/pages/delivery/add/",
        {
            "letter": letter.pk,
            "date": "2026-09-15",
            "recipient": "The board",
            "channel": "email",
            "note": "",
            "file": upload,
        },
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("letter.html", b"<script>x</script>"), "PDF, JPEG or PNG"),
        (SimpleUploadedFile("letter.pdf", b"<html>not a pdf</html>"), "not a PDF"),
        (SimpleUploadedFile("photo.png", jpeg_with_gps()), "does not match its type"),
        (SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff garbage"), "could not be read"),
        (
            SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024)),
            "too large",
        ),
    ],
    ids=["extension", "fake-pdf", "pdf-as-png", "broken-jpeg", "size"],
)
def test_admin_refuses_a_bad_delivery_file_with_a_form_error(
    admin_client, letter, upload, message
):
    """A wrong type, a fake, an unreadable or too large file is a form error."""
    response = admin_add_delivery(admin_client, letter, upload)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in str(errors["file"])
    assert not Delivery.objects.exists()


def test_admin_records_a_delivery_through_the_service(admin_client, letter):
    """The admin's add form stores the delivery and its file as the service does."""
    response = admin_add_delivery(
        admin_client,
        letter,
        SimpleUploadedFile("photo.jpeg", jpeg_with_gps(), "image/jpeg"),
    )
    assert response.status_code == 302, response.text[:2000]
    delivery = Delivery.objects.get()
    with delivery.file.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
    change = admin_client.get(f"/en/admin/pages/delivery/{delivery.pk}/change/")
    assert f"/deliveries/{delivery.pk}/file/" in change.text  # not under MEDIA_URL


def test_admin_adds_a_response_with_translations(admin_client, letter):
    """Editors add a response and its translations on the response's own page."""
    recommendation = first_recommendation(letter)
    response = admin_client.post(
        "/en/admin/pages/response/add/",
        {
            "letter": letter.pk,
            "recommendation": recommendation.pk,
            "date": "2026-09-01",
            "language": "en",
            "text": "We agree.",
            "evidence_url": "",
            "translation_en": "",
            "translation_ru": "Мы согласны.",
            "translation_de": "",
            "translation_uk": "",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    added = Response.objects.get(text="We agree.")
    assert added.recommendation == recommendation
    assert added.text_translations == {"ru": "Мы согласны."}
    change = admin_client.get(f"/en/admin/pages/response/{added.pk}/change/")
    assert "Мы согласны." in change.text


def test_admin_response_for_another_letters_recommendation_is_a_form_error(
    admin_client, letter
):
    """The recommendation must belong to the chosen letter."""
    other = LetterFactory()
    response = admin_client.post(
        "/en/admin/pages/response/add/",
        {
            "letter": other.pk,
            "recommendation": first_recommendation(letter).pk,
            "date": "2026-09-01",
            "language": "en",
            "text": "We agree.",
        },
    )
    assert response.status_code == 200
    assert "another letter" in str(response.context["adminform"].form.errors)


# The API


def test_api_returns_history_responses_and_deliveries(client, letter):
    """The letter detail carries each recommendation's timeline and the deliveries."""
    recommendation = first_recommendation(letter)
    recommendation.responses.all().delete()
    recommendation_set_status(
        recommendation=recommendation, status="adopted", changed_on=date(2026, 9, 1)
    )
    ResponseFactory(
        recommendation=recommendation,
        date=date(2026, 8, 30),
        text="We start.",
    )
    ResponseFactory(
        recommendation=recommendation,
        date=date(2026, 9, 2),
        text="Done.",
        evidence_url="https://northwind.example/done",
        text_translations={"ru": "Сделано."},
    )
    ResponseFactory(letter=letter, recommendation=None, date=date(2026, 8, 1))
    delivery_record(
        letter=letter,
        date=date(2026, 7, 1),
        recipient="The board",
        channel="post",
        file=pdf_upload(),
    )
    body = client.get("/api/v1/letters/stop-the-raids/?lang=ru").json()
    first = body["recommendations"][0]
    assert first["history"] == [{"status": "adopted", "date": "2026-09-01"}]
    assert [r["text"] for r in first["responses"]] == ["We start.", "Сделано."]
    assert first["responses"][1] == {
        "date": "2026-09-02",
        "text": "Сделано.",
        "language": "ru",
        "original_language": "en",
        "evidence_url": "https://northwind.example/done",
    }
    assert first["response"] == "Сделано."  # deprecated: the latest
    assert body["recommendations"][1]["responses"] == []
    assert body["recommendations"][1]["response"] is None
    assert [r["date"] for r in body["responses"]] == ["2026-08-01"]
    assert body["deliveries"] == [
        {
            "date": "2026-07-01",
            "recipient": "The board",
            "channel": "post",
            "file": None,
        }
    ]


def test_api_schema_documents_the_tracker(client):
    """The OpenAPI document describes history, responses and deliveries."""
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    recommendation = schemas["RecommendationOut"]["properties"]
    assert {"history", "responses", "response"} <= set(recommendation)
    assert recommendation["response"]["deprecated"] is True
    assert {"responses", "deliveries"} <= set(schemas["LetterDetail"]["properties"])
    channels = schemas["DeliveryOut"]["properties"]["channel"]["enum"]
    assert channels == ["email", "post", "in_person", "event", "other"]
