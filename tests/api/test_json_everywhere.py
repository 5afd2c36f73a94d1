"""Whatever goes wrong under /api/, the answer is JSON (problem details for errors)."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SLUG = "stop-the-raids"
ODD_PATHS = [
    "/api/",
    "/api/v1/",
    "/api/v1/nope",
    "/api/nope/",
    "/api/v2/letters/",
    "/api/v1/letters",  # no trailing slash: no redirect to an HTML page
    "/api/letters/%C2%B0/widget/",  # a slug that fails the URL pattern
    "/api/v1/letters/%C2%B0/",
    "/api/v1/letters/a%2Fb/",
    "/api/v1/letters/%00/",
    "/api/v1/letters/nope/signatories/",
    f"/api/v1/letters/{SLUG}/nope/",
    f"/api/v1/letters/{SLUG}/signatories/?after=%00",
    f"/api/v1/letters/{SLUG}/signatories/?limit=1e999",
    "/api/v1/" + "x" * 5000,
]
OPERATIONS = [
    "/api/v1/letters/",
    f"/api/v1/letters/{SLUG}/",
    f"/api/v1/letters/{SLUG}/signatories/",
    f"/api/v1/letters/{SLUG}/signatures/",
    f"/api/letters/{SLUG}/",
    f"/api/letters/{SLUG}/signatures/",
    f"/api/v1/letters/{SLUG}/widget/",
]


def assert_json(response):
    content_type = response["Content-Type"]
    assert content_type.startswith(("application/json", "application/problem+json"))
    body = json.loads(response.content)
    if response.status_code >= 400:
        assert content_type == "application/problem+json"
        assert body["status"] == response.status_code
        assert body["title"] and body["detail"]


@pytest.mark.parametrize("path", ODD_PATHS)
def test_odd_paths_answer_json(client, published_letter, path):
    """Unknown paths and slugs answer a JSON 404 or 400, never the HTML page."""
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert_json(response)


@pytest.mark.parametrize("path", OPERATIONS)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
def test_every_method_on_every_operation_answers_json(
    client, published_letter, path, method
):
    """Right or wrong method, every API operation answers JSON (405 names Allow)."""
    response = client.generic(
        method.upper(), path, b"{}", content_type="application/json"
    )
    if path.endswith("/widget/") and response.status_code == 200:
        assert response["Content-Type"].startswith("text/html")  # the one HTML page
    else:
        assert_json(response)
    if response.status_code == 405:
        assert response["Allow"] in ("GET", "POST")


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{nope", "application/json", 400),
        (b"", "application/json", 400),
        (b"\xff", "application/json", 400),
        (b"[]", "application/json", 400),
        (b"a=b", "application/x-www-form-urlencoded", 415),
        (b"{}", "application/json-patch+json", 415),
        (b"{}", "", 415),
    ],
)
def test_bad_bodies_answer_json(client, published_letter, body, content_type, status):
    """Bad JSON and wrong content types answer problem details."""
    response = client.generic(
        "POST",
        f"/api/v1/letters/{SLUG}/signatures/",
        body,
        content_type=content_type,
        CONTENT_TYPE=content_type,  # the test client drops it for an empty body
    )
    assert response.status_code == status
    assert_json(response)


def test_a_bad_host_header_answers_json(published_letter):
    """Django's own 400 for a disallowed Host becomes problem details under /api/."""
    response = Client(raise_request_exception=False).get(
        "/api/v1/letters/", HTTP_HOST="evil.example"
    )
    assert response.status_code == 400
    assert_json(response)


def test_the_widget_is_html_and_its_errors_are_json(client, published_letter):
    """The counter widget is the one HTML operation; its 404 is still JSON."""
    ok = client.get(f"/api/v1/letters/{SLUG}/widget/")
    assert ok["Content-Type"].startswith("text/html")
    assert_json(client.get("/api/v1/letters/nope/widget/"))
