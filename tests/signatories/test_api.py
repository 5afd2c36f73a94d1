import json
import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from signatories import services
from signatories.models import Signature
from tests.factories import (
    LetterFactory,
    RecommendationFactory,
    ResponseFactory,
    SignatureFactory,
    publish_text,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post_json(client, letter_slug, payload, **extra):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(
        f"{API}/letters/{letter_slug}/signatures/",
        data=body,
        content_type=extra.pop("content_type", "application/json"),
        **extra,
    )


# Reading


def test_letter_list_gives_published_letters_with_counts(client, letters_page, letter):
    """The list has every published letter with its count and goal; no drafts."""
    LetterFactory(status="draft", slug="draft-letter")
    SignatureFactory(letter=letter, status="confirmed")
    services.letter_recount(letter=letter)
    response = client.get(f"{API}/letters/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [item] = response.json()["results"]
    assert item["slug"] == letter.slug
    assert (item["count"], item["goal"], item["signing_open"]) == (1, 10, True)
    assert item["title"] == "Stop the raids"
    assert item["url"].endswith(f"/en/letters/{letter.slug}/")


def test_letter_texts_follow_lang(client, letter):
    """?lang=ru gives the Russian title; an unknown language falls back."""
    publish_text(letter, "ru", title="Остановите обыски")
    russian = client.get(f"{API}/letters/{letter.slug}/?lang=ru").json()
    assert russian["title"] == "Остановите обыски"
    fallback = client.get(f"{API}/letters/{letter.slug}/?lang=xx").json()
    assert fallback["title"] == "Stop the raids"


def test_letter_detail_gives_count_goal_and_recommendations(client, letter):
    """The detail adds the numbered recommendations with status and response."""
    investigate = RecommendationFactory(
        letter=letter, number=1, title="Investigate", status="adopted"
    )
    ResponseFactory(recommendation=investigate, text="We will.")
    RecommendationFactory(letter=letter, number=2, title="Apologise")
    SignatureFactory.create_batch(2, letter=letter, status="confirmed")
    services.letter_recount(letter=letter)
    detail = client.get(f"{API}/letters/{letter.slug}/").json()
    assert (detail["count"], detail["goal"]) == (2, 10)
    first, second = detail["recommendations"]
    assert (first["number"], first["title"], first["status"]) == (
        1,
        "Investigate",
        "adopted",
    )
    assert first["anchor"]
    assert second["number"] == 2


def test_closed_letter_detail_says_signing_is_closed(client):
    """A closed letter reports signing_open false and its closing time."""
    closes = timezone.now() - timedelta(hours=1)
    letter = LetterFactory(signing_closes=closes)
    detail = client.get(f"{API}/letters/{letter.slug}/").json()
    assert detail["signing_open"] is False
    assert detail["signing_closes"].startswith(closes.date().isoformat())


@pytest.mark.parametrize("suffix", ["", "signatories/", "widget/"])
def test_unknown_or_draft_letter_is_json_404(client, suffix):
    """Unknown and draft letters answer 404 with a JSON reason."""
    draft = LetterFactory(status="draft")
    for slug in ("nope", draft.slug):
        response = client.get(f"{API}/letters/{slug}/{suffix}")
        assert response.status_code == 404
        assert response.json()["detail"]


def test_signatories_hides_unlisted_and_paginates(client, letter):
    """Only listed organisations appear, with a keyset cursor in `next`."""
    for n in range(3):
        SignatureFactory(letter=letter, status="confirmed", organisation=f"Org {n}")
    SignatureFactory(
        letter=letter, status="confirmed", organisation="Hidden", is_public=False
    )
    SignatureFactory(letter=letter, status="pending", organisation="Pending")
    services.letter_recount(letter=letter)
    url = f"{API}/letters/{letter.slug}/signatories/"
    first = client.get(f"{url}?limit=2").json()
    assert first["count"] == 4
    assert [r["organisation"] for r in first["results"]] == ["Org 0", "Org 1"]
    rest = client.get(f"{url}?limit=2&after={first['next']}").json()
    assert [r["organisation"] for r in rest["results"]] == ["Org 2"]
    assert rest["next"] is None
    everything = json.dumps([first, rest])
    assert "Hidden" not in everything and "Pending" not in everything
    assert "@" not in everything


def test_signatory_fields(client, letter):
    """Each listed signatory has id, name, website, country, type, logo URL and
    the version it signed with that text's hash."""
    with_logo = SignatureFactory(
        letter=letter,
        status="confirmed",
        organisation="Kestrel Press",
        website="https://kestrel.example",
        country="UA",
        organisation_type="media",
        logo="logos/k.png",
    )
    SignatureFactory(letter=letter, status="confirmed", country="")
    first, second = client.get(f"{API}/letters/{letter.slug}/signatories/").json()[
        "results"
    ]
    assert first == {
        "id": with_logo.pk,
        "organisation": "Kestrel Press",
        "website": "https://kestrel.example",
        "country": "UA",
        "type": "media",
        "logo": f"{django_settings.SITE_URL}/en/sign/logo/{with_logo.pk}.png",
        "version": 1,
        "text_hash": letter.content("en").text_hash,
    }
    assert second["country"] is None and second["logo"] is None


def test_signatories_filters(client, letter):
    """?country= (any case) and ?type= narrow the list."""
    SignatureFactory(letter=letter, status="confirmed", organisation="A", country="UA")
    SignatureFactory(
        letter=letter,
        status="confirmed",
        organisation="B",
        country="DE",
        organisation_type="media",
    )
    url = f"{API}/letters/{letter.slug}/signatories/"

    def listed(query):
        return [r["organisation"] for r in client.get(url + query).json()["results"]]

    assert listed("?country=ua") == ["A"]
    assert listed("?type=media") == ["B"]
    assert listed("?country=UA&type=media") == []


def test_signatories_limit_is_capped(client, letter):
    """A limit above 100 gives pages of 100; below 1 gives pages of 1."""
    SignatureFactory.create_batch(102, letter=letter, status="confirmed")
    url = f"{API}/letters/{letter.slug}/signatories/"
    assert len(client.get(f"{url}?limit=1000").json()["results"]) == 100
    assert len(client.get(f"{url}?limit=0").json()["results"]) == 1
    assert len(client.get(url).json()["results"]) == 50


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("after=abc", "after"),
        ("after=-5", "after"),
        ("after=0", "after"),
        ("after=" + "9" * 30, "after"),
        ("type=cult", "type"),
        ("type=%00", "type"),
        ("limit=x", "limit"),
        ("limit=1.5", "limit"),
        ("country=ZZ", "country"),
        ("country=%00", "country"),
        pytest.param("country=" + "x" * 5000, "country", id="country-5000-chars"),
    ],
)
def test_signatories_bad_parameters_are_400(client, letter, query, field):
    """Malformed query parameters answer 400 with a JSON reason, never 500."""
    response = client.get(f"{API}/letters/{letter.slug}/signatories/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and field in body["errors"]
    assert response["Content-Type"] == "application/problem+json"


# Writing


def test_post_new_and_repeat_answer_the_same(
    client,
    letter,
    payload,
    celery_eager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """New and repeat signatures get identical 202 bodies; one row, two emails.

    While pending, the newest submission's details win (issue 11.1)."""
    with django_capture_on_commit_callbacks(execute=True):
        first = post_json(client, letter.slug, payload)
    with django_capture_on_commit_callbacks(execute=True):
        second = post_json(
            client,
            letter.slug,
            payload | {"contact_email": "Olena@Kestrel.example", "organisation": "X"},
        )
    assert first.status_code == second.status_code == 202
    assert first.content == second.content
    assert first.json()["status"] == "accepted"
    signature = Signature.objects.get()
    assert signature.organisation == "X"
    assert signature.status == "pending"
    assert len(mailoutbox) == 2


def test_post_stores_what_was_sent(client, letter, payload):
    """The signature keeps the fields, the ?lang= language and a hashed address."""
    post_json(
        client,
        f"{letter.slug}",
        payload | {"newsletter": True, "comment": "Solidarity"},
        QUERY_STRING="lang=uk",
        REMOTE_ADDR="203.0.113.5",
    )
    signature = Signature.objects.get()
    assert (signature.country, signature.organisation_type) == ("UA", "ngo")
    assert signature.newsletter and signature.is_public
    assert signature.comment == "Solidarity"
    assert signature.language == "uk"
    assert "203.0.113.5" not in str(Signature.objects.values().get())


def test_post_without_is_public_is_not_listed(client, letter, payload):
    """Omitting is_public means "do not name us" (the safe default, as documented)."""
    del payload["is_public"]
    assert post_json(client, letter.slug, payload).status_code == 202
    assert Signature.objects.get().is_public is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_email": "nope"}, "contact_email"),
        ({"contact_email": None}, "contact_email"),
        ({"consent": False}, "consent"),
        ({"country": "ZZ"}, "country"),
        ({"country": ["UA"]}, "country"),
        ({"organisation": "x" * 10_000}, "organisation"),
        ({"organisation": {"name": "nested"}}, "organisation"),
        ({"contact_name": None}, "contact_name"),
        ({"organisation_type": "cult"}, "organisation_type"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"newsletter": 0}, "newsletter"),
        ({"is_public": "on"}, "is_public"),
        ({"consent": "yes"}, "consent"),
    ],
)
def test_post_bad_input_gives_field_errors(client, letter, payload, change, field):
    """Invalid or wrongly typed fields answer 400 with per-field messages."""
    response = post_json(client, letter.slug, payload | change)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert field in body["errors"]
    assert all(isinstance(m, str) for m in body["errors"][field])
    assert not Signature.objects.exists()


def test_post_empty_object_lists_every_required_field(client, letter):
    """An empty object answers 400 naming each required field."""
    response = post_json(client, letter.slug, {})
    assert response.status_code == 400
    errors = response.json()["errors"]
    for field in ("organisation", "country", "contact_name", "contact_email"):
        assert field in errors
    assert "consent" in errors


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'"text"',
        b"null",
        b"\xff\xfe\xfa",
        b"[" * 100_000,
        b'{"a":' * 100_000,
    ],
    ids=[
        "broken",
        "array",
        "string",
        "null",
        "not-utf8",
        "deep-array",
        "deep-object",
    ],
)
def test_post_malformed_json_is_400(client, letter, body):
    """A body that is not a JSON object answers 400 with a JSON reason, never 500."""
    response = post_json(client, letter.slug, body)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Signature.objects.exists()


def test_post_empty_json_body_is_400(client, letter):
    """A JSON request without a body answers 400."""
    response = client.post(
        f"{API}/letters/{letter.slug}/signatures/",
        data=b"",
        content_type="application/json",
        CONTENT_TYPE="application/json",  # the test client drops it for no data
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain"]
)
def test_post_needs_json_content_type(client, letter, payload, content_type):
    """A POST that is not declared as JSON answers 415."""
    response = post_json(client, letter.slug, payload, content_type=content_type)
    assert response.status_code == 415
    assert response.json()["detail"]
    assert not Signature.objects.exists()


def test_post_multipart_form_is_415(client, letter, payload):
    """A browser form post to the API answers 415."""
    response = client.post(f"{API}/letters/{letter.slug}/signatures/", payload)
    assert response.status_code == 415


def test_post_honeypot_answers_202_and_stores_nothing(client, letter, payload):
    """A bot filling the honeypot sees success, and nothing is stored."""
    response = post_json(client, letter.slug, payload | {"fax_number": "555"})
    assert response.status_code == 202
    assert response.content == post_json(client, letter.slug, payload).content
    assert Signature.objects.count() == 1  # only the second, honest one


def test_post_unknown_field_is_400_and_stores_nothing(client, letter, payload):
    """A misspelt key ("public" for "is_public") is named, not silently dropped."""
    data = payload | {"public": True}
    data.pop("is_public", None)
    response = post_json(client, letter.slug, data)
    assert response.status_code == 400
    assert response.json()["errors"] == {"public": ["Unknown field."]}
    assert not Signature.objects.exists()


def test_post_many_long_unknown_fields_answer_a_bounded_error(client, letter, payload):
    """Junk keys are echoed truncated and capped, never the whole body."""
    junk = {f"{i:03d}{'k' * 5000}": 1 for i in range(100)}
    response = post_json(client, letter.slug, payload | junk)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == 20
    assert all(len(key) == 50 for key in errors)


def test_post_individual_where_allowed(client, payload):
    """An individual may sign through the API where the letter allows it."""
    letter = LetterFactory(allow_individuals=True)
    data = payload | {"kind": "individual", "organisation": ""}
    data.pop("organisation_type")
    assert post_json(client, letter.slug, data).status_code == 202
    assert Signature.objects.get().kind == "individual"


def test_post_closed_letter_is_409(client, payload):
    """A letter past its closing date answers 409."""
    letter = LetterFactory(signing_closes=timezone.now() - timedelta(hours=1))
    response = post_json(client, letter.slug, payload)
    assert response.status_code == 409
    assert response.json()["detail"]
    assert not Signature.objects.exists()


def test_post_unknown_letter_is_404(client, payload):
    """Signing an unknown or draft letter answers 404."""
    draft = LetterFactory(status="draft")
    assert post_json(client, "nope", payload).status_code == 404
    assert post_json(client, draft.slug, payload).status_code == 404


def test_get_on_the_signatures_endpoint_is_405(client, letter):
    """The write endpoint accepts only POST."""
    assert client.get(f"{API}/letters/{letter.slug}/signatures/").status_code == 405


def test_post_rate_limited_per_ip_is_429(client, letter, payload, settings):
    """Past the per-address limit the API answers 429."""
    settings.SIGNATURE_RATE_IP = "1/h"
    assert post_json(client, letter.slug, payload).status_code == 202
    other = payload | {"contact_email": "b@kestrel.example"}
    response = post_json(client, letter.slug, other)
    assert response.status_code == 429
    assert response.json()["detail"]
    assert Signature.objects.count() == 1


def test_post_rate_limited_per_email_across_ips(client, letter, payload, settings):
    """The per-email limit holds across client addresses."""
    settings.SIGNATURE_RATE_EMAIL = "2/h"
    codes = [
        post_json(client, letter.slug, payload, REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]


# Cross-origin use, widget, schema


def test_cors_allows_reads_not_writes(client, letter):
    """GET carries CORS headers; the preflight for POST does not allow it."""
    origin = {"HTTP_ORIGIN": "https://partner.example"}
    response = client.get(f"{API}/letters/", **origin)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        f"{API}/letters/{letter.slug}/signatures/",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
        **origin,
    )
    allowed = preflight.get("Access-Control-Allow-Methods", "")
    assert "POST" not in allowed
    assert "GET" in allowed


def test_no_cors_headers_outside_the_api(client, letter):
    """The HTML site is not opened to other origins."""
    response = client.get(
        f"/en/sign/{letter.slug}/", HTTP_ORIGIN="https://partner.example"
    )
    assert "Access-Control-Allow-Origin" not in response


def test_widget_shows_the_count_and_can_be_framed(client, letters_page, letter):
    """The counter widget shows the count and may be embedded by any site."""
    SignatureFactory.create_batch(4, letter=letter, status="confirmed")
    services.letter_recount(letter=letter)
    response = client.get(f"{API}/letters/{letter.slug}/widget/")
    assert response.status_code == 200
    assert re.search(r"<strong>4</strong>\s*signatures", response.text)
    assert 'max="10" value="4"' in response.text
    assert f"/en/letters/{letter.slug}/#sign" in response.text
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]


# Versions, problem details, caching


@pytest.mark.parametrize(
    "suffix", ["", "{slug}/", "{slug}/signatories/", "{slug}/widget/"]
)
def test_unversioned_paths_answer_as_v1(client, letter, suffix):
    """/api/letters/... (embedded widgets) answers exactly as /api/v1/letters/..."""
    path = "letters/" + suffix.format(slug=letter.slug)
    old, new = client.get(f"/api/{path}"), client.get(f"/api/v1/{path}")
    assert old.status_code == new.status_code == 200
    assert old.content == new.content
    assert old["Content-Type"] == new["Content-Type"]


def test_unversioned_post_signs_as_v1(client, letter, payload):
    """The old write path still signs."""
    response = client.post(
        f"/api/letters/{letter.slug}/signatures/",
        data=json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 202
    assert Signature.objects.count() == 1


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


def test_field_errors_are_problem_details(client, letter, payload):
    """Invalid input is a 400 problem with `errors` per field."""
    body = assert_problem(post_json(client, letter.slug, payload | {"country": 7}), 400)
    assert body["title"] == "Bad Request"
    assert list(body["errors"]) == ["country"]


def test_closed_unknown_and_wrong_type_are_problem_details(client, payload):
    """409, 404 and 415 answer problem details."""
    closed = LetterFactory(signing_closes=timezone.now() - timedelta(hours=1))
    assert_problem(post_json(client, closed.slug, payload), 409)
    assert_problem(post_json(client, "nope", payload), 404)
    assert_problem(
        post_json(client, closed.slug, payload, content_type="text/plain"), 415
    )


def test_rate_limited_answer_says_when_to_retry(client, letter, payload, settings):
    """429 is a problem with Retry-After: the window of the limit, in seconds."""
    settings.SIGNATURE_RATE_IP = "1/m"
    settings.SIGNATURE_RATE_EMAIL = "5/h"
    post_json(client, letter.slug, payload)
    response = post_json(client, letter.slug, payload)
    assert_problem(response, 429)
    assert response["Retry-After"] == "3600"


def test_wrong_method_is_405_problem_with_allow(client, letter):
    """A wrong method answers 405 problem details naming the allowed ones."""
    response = client.delete(f"{API}/letters/{letter.slug}/")
    assert_problem(response, 405)
    assert response["Allow"] == "GET"
    response = client.get(f"{API}/letters/{letter.slug}/signatures/")
    assert_problem(response, 405)
    assert response["Allow"] == "POST"


def test_oversized_body_is_413(client, letter, payload, settings):
    """A body over the upload limit answers 413, not 400 or 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_json(client, letter.slug, payload | {"comment": "x" * 2000})
    assert_problem(response, 413)
    assert not Signature.objects.exists()


def test_server_error_is_a_problem_without_a_trace(letter, monkeypatch, settings):
    """An unexpected exception answers a 500 problem, no stack trace, even in debug."""
    from django.test import Client

    from signatories import api

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api.selectors, "letter_signature_count", broken)
    client = Client(raise_request_exception=False)
    for debug in (False, True):
        settings.DEBUG = debug
        response = client.get(f"{API}/letters/{letter.slug}/")
        assert_problem(response, 500)
        assert b"secret internals" not in response.content
        assert b"Traceback" not in response.content


def test_post_needs_no_csrf_token(letter, payload):
    """Partner sites post without cookies or a CSRF token."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert post_json(client, letter.slug, payload).status_code == 202


@pytest.mark.parametrize(
    "suffix", ["", "{slug}/", "{slug}/signatories/", "{slug}/widget/"]
)
def test_reads_send_etag_and_answer_304(client, letter, suffix):
    """Reads carry ETag and Cache-Control; If-None-Match with it answers 304."""
    url = f"{API}/letters/" + suffix.format(slug=letter.slug)
    first = client.get(url)
    assert first.status_code == 200
    if "signatories" in suffix:  # a withdrawal must not linger: revalidate always
        assert first["Cache-Control"] == "public, no-cache, max-age=0, must-revalidate"
    else:
        assert "public" in first["Cache-Control"]
        assert "max-age=60" in first["Cache-Control"]
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    SignatureFactory(letter=letter, status="confirmed")
    services.letter_recount(letter=letter)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_errors_are_not_cached_publicly(client, letter):
    """A 404 or 400 carries no public Cache-Control or ETag; a 200 does."""
    for url in (
        f"{API}/letters/nope/",
        f"{API}/letters/{letter.slug}/signatories/?type=x",
    ):
        response = client.get(url)
        assert response.status_code in (400, 404)
        assert "public" not in response.get("Cache-Control", "")
        assert "ETag" not in response


def test_request_body_model_has_the_form_fields():
    """The API accepts exactly the form's fields (bar the logo): one field list."""
    from signatories.api import SignatureIn
    from signatories.forms import SignatureForm

    assert set(SignatureIn.model_fields) == set(SignatureForm.base_fields) - {"logo"}


# Schema and docs


def test_schema_is_served_and_valid_openapi(client):
    """/api/v1/openapi.json is valid OpenAPI 3.1; /api/schema/ serves the same."""
    from openapi_spec_validator import validate

    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert client.get("/api/schema/").json() == spec


def test_schema_documents_every_route_of_the_api(client):
    """Every operation URL of the API (v1 and alias) is a path of the schema."""
    spec = client.get(f"{API}/openapi.json").json()
    expected = set()
    for version in ("/api/v1", "/api"):
        expected |= {
            f"{version}/letters/",
            f"{version}/letters/{{slug}}/",
            f"{version}/letters/{{slug}}/signatories/",
            f"{version}/letters/{{slug}}/signatures/",
            f"{version}/letters/{{slug}}/widget/",
        }
    assert set(spec["paths"]) == expected
    assert set(spec["paths"]["/api/v1/letters/{slug}/signatures/"]) == {"post"}
    assert spec["paths"]["/api/letters/"]["get"]["deprecated"] is True


def test_every_error_response_is_documented_as_problem_details(client):
    """Each operation documents its 4xx answers as application/problem+json."""
    spec = client.get(f"{API}/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            errors = {c: r for c, r in operation["responses"].items() if c >= "400"}
            assert errors or path.endswith("/letters/"), (method, path)
            for response in errors.values():
                assert list(response["content"]) == ["application/problem+json"]
    problem_schema = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem_schema["required"])


def test_docs_page_loads_only_our_own_assets(client):
    """/api/v1/docs/ is Swagger UI from our static files, under the strict CSP."""
    from django.contrib.staticfiles import finders

    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith(django_settings.STATIC_URL) or asset.startswith(
            "/static/"
        ), asset
        assert finders.find(asset.split("/static/", 1)[1]), asset
    assert "<script>" not in html  # no inline script: CSP script-src 'self' holds
    assert '"validatorUrl": null' in html  # no call to the public validator
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_post_loads_no_letter_translation(client, letter, payload):
    """A 202 carries no letter text, so signing reads no translation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = post_json(client, letter.slug, payload)
    assert response.status_code == 202
    queries = " ".join(q["sql"] for q in captured.captured_queries)
    assert "pages_letter_translation" not in queries
