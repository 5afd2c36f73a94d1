import json
from datetime import timedelta

import pytest
from django.urls import get_resolver
from django.utils import timezone

from signatories import services
from signatories.models import Signature
from tests.factories import LetterFactory, RecommendationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def post_json(client, letter_slug, payload, **extra):
    return client.post(
        f"/api/letters/{letter_slug}/signatures/",
        data=json.dumps(payload) if not isinstance(payload, str | bytes) else payload,
        content_type="application/json",
        **extra,
    )


@pytest.fixture
def payload():
    return {
        "organisation": "Kestrel Rights Alliance",
        "website": "https://kestrel.example",
        "country": "UA",
        "organisation_type": "ngo",
        "contact_name": "Olena",
        "contact_email": "olena@kestrel.example",
        "is_public": True,
        "consent": True,
    }


def test_letter_list_and_detail(client, letters_page, letter):
    """The list and detail give count, goal, status and recommendations."""
    RecommendationFactory(
        letter=letter, number=1, title="Investigate", status="adopted"
    )
    SignatureFactory(letter=letter, status="confirmed")
    services.letter_recount(letter=letter)
    listing = client.get("/api/letters/").json()["results"]
    assert [item["slug"] for item in listing] == [letter.slug]
    detail = client.get(f"/api/letters/{letter.slug}/").json()
    assert (detail["count"], detail["goal"], detail["signing_open"]) == (1, 10, True)
    assert detail["recommendations"][0]["status"] == "adopted"
    assert detail["url"].endswith(f"/en/letters/{letter.slug}/")


def test_unknown_or_draft_letter_is_json_404(client):
    """Unknown and draft letters answer 404 with a JSON reason."""
    draft = LetterFactory(status="draft")
    for slug in ("nope", draft.slug):
        response = client.get(f"/api/letters/{slug}/")
        assert response.status_code == 404
        assert response.json()["detail"]


def test_signatories_page_hides_unlisted_and_paginates(client, letter):
    """Only listed organisations appear, with a keyset cursor."""
    for n in range(3):
        SignatureFactory(letter=letter, status="confirmed", organisation=f"Org {n}")
    SignatureFactory(
        letter=letter, status="confirmed", organisation="Hidden", is_public=False
    )
    url = f"/api/letters/{letter.slug}/signatories/"
    first = client.get(f"{url}?limit=2").json()
    assert [r["organisation"] for r in first["results"]] == ["Org 0", "Org 1"]
    rest = client.get(f"{url}?limit=2&after={first['next']}").json()
    assert [r["organisation"] for r in rest["results"]] == ["Org 2"]
    assert rest["next"] is None
    assert "contact_email" not in json.dumps(first)


@pytest.mark.parametrize("query", ["after=abc", "type=cult", "limit=x", "after=-5"])
def test_signatories_bad_parameters_are_400(client, letter, query):
    """Malformed query parameters answer 400 with a reason."""
    response = client.get(f"/api/letters/{letter.slug}/signatories/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_post_new_and_repeat_answer_the_same(client, letter, payload):
    """New and repeat signatures get identical 202 bodies; one row exists."""
    first = post_json(client, letter.slug, payload)
    second = post_json(client, letter.slug, payload)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_email": "nope"}, "contact_email"),
        ({"consent": False}, "consent"),
        ({"country": "ZZ"}, "country"),
        ({"organisation": "x" * 10_000}, "organisation"),
        ({"contact_name": None}, "contact_name"),
    ],
)
def test_post_bad_input_gives_field_errors(client, letter, payload, change, field):
    """Invalid fields answer 400 with per-field messages."""
    response = post_json(client, letter.slug, payload | change)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Signature.objects.exists()


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', "\xff"])
def test_post_malformed_json_is_400(client, letter, body):
    """A body that is not a JSON object answers 400."""
    response = post_json(client, letter.slug, body.encode("latin-1"))
    assert response.status_code == 400


def test_post_needs_json_content_type(client, letter, payload):
    """A form-encoded POST answers 415."""
    response = client.post(f"/api/letters/{letter.slug}/signatures/", payload)
    assert response.status_code == 415


def test_post_closed_letter_is_409(client, payload):
    """A letter past its closing date answers 409."""
    letter = LetterFactory(signing_closes=timezone.now() - timedelta(hours=1))
    assert post_json(client, letter.slug, payload).status_code == 409


def test_post_unknown_letter_is_404(client, payload):
    """Signing an unknown letter answers 404."""
    assert post_json(client, "nope", payload).status_code == 404


def test_post_rate_limited_is_429(client, letter, payload, settings):
    """Past the limit the API answers 429."""
    settings.SIGNATURE_RATE_IP = "1/h"
    assert post_json(client, letter.slug, payload).status_code == 202
    other = payload | {"contact_email": "b@kestrel.example"}
    assert post_json(client, letter.slug, other).status_code == 429


def test_cors_allows_reads_not_writes(client, letter):
    """GET carries CORS headers; the preflight for POST does not allow it."""
    origin = {"HTTP_ORIGIN": "https://partner.example"}
    response = client.get("/api/letters/", **origin)
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        f"/api/letters/{letter.slug}/signatures/",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        **origin,
    )
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")


def test_schema_documents_every_api_path(client):
    """The OpenAPI document parses and lists every route of the API."""
    spec = client.get("/api/schema/").json()
    assert spec["openapi"].startswith("3.")
    resolver = get_resolver()
    api = next(p for p in resolver.url_patterns if str(p.pattern) == "api/")
    routes = {
        "/api/" + str(p.pattern).replace("<slug:slug>", "{slug}")
        for p in api.url_patterns
    }
    assert routes == set(spec["paths"])


def test_widget_can_be_framed(client, letter):
    """The counter widget may be embedded by any site."""
    response = client.get(f"/api/letters/{letter.slug}/widget/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
