import pytest
from cms.utils import apphook_reload
from django.db import OperationalError

from signatories import api


@pytest.fixture
def lenient_client(client):
    """A client that returns server errors as responses instead of raising them."""
    client.raise_request_exception = False
    return client


def test_pages_answer_503_with_a_page_while_the_database_is_down(
    lenient_client, database_down
):
    """HTML paths get the standalone 503 page with Retry-After, never cached."""
    for path in ("/en/", "/en/letters/", "/en/letters/some-letter/", "/letters/"):
        response = lenient_client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Type"].startswith("text/html")
        assert "Temporarily unavailable" in response.text
        assert response.text.count("<h1>") == 1


def test_the_503_page_is_in_the_language_of_the_url(lenient_client, database_down):
    """The page keeps the visitor's language (from the path), without the DB."""
    response = lenient_client.get("/de/letters/")
    assert response.status_code == 503
    assert '<html lang="de">' in response.text
    assert 'href="/de/"' in response.text


def test_signing_posts_answer_503_while_the_database_is_down(
    lenient_client, database_down
):
    """A submission is refused with the 503 page (not a 500): nothing is half-saved."""
    response = lenient_client.post("/en/sign/some-letter/", {"contact_email": "a@b"})
    assert response.status_code == 503


def test_api_answers_503_json_while_the_database_is_down(lenient_client, database_down):
    """/api/ paths get JSON with a detail, not the HTML page."""
    for path in ("/api/letters/", "/api/letters/x/signatories/"):
        response = lenient_client.get(path)
        assert response.status_code == 503, path
        assert response["Content-Type"] == "application/problem+json"
        assert response["Retry-After"] == "30"
        assert "temporarily unavailable" in response.json()["detail"]


def test_static_files_are_served_while_the_database_is_down(
    client, database_down, settings
):
    """The 503 page's stylesheet still loads: static files need no database."""
    # Tests never run collectstatic: let WhiteNoise (before the DB) find the file.
    settings.WHITENOISE_USE_FINDERS = True
    response = client.get("/static/css/site.css")
    assert response.status_code == 200


def test_retry_after_follows_the_setting(lenient_client, database_down, settings):
    """Operators choose the wait they announce."""
    settings.DATABASE_OUTAGE_RETRY_AFTER = 120
    assert lenient_client.get("/en/")["Retry-After"] == "120"


@pytest.mark.django_db
def test_a_view_losing_the_database_answers_503(lenient_client, monkeypatch):
    """An OperationalError raised inside a view becomes the 503 answer."""

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(api, "letter_list_public", lost)
    response = lenient_client.get("/api/letters/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_cms_middleware_losing_the_database_answers_503(lenient_client, monkeypatch):
    """The same error raised in django CMS's middleware (not a view) is a 503 too."""

    def lost():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(apphook_reload, "ensure_urlconf_is_up_to_date", lost)
    response = lenient_client.get("/en/letters/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.text
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_other_errors_still_answer_500(lenient_client, monkeypatch):
    """Only database outages become 503; a bug stays a 500 with the 500 page."""

    def bug():
        raise RuntimeError("a bug")

    monkeypatch.setattr(apphook_reload, "ensure_urlconf_is_up_to_date", bug)
    response = lenient_client.get("/en/letters/")
    assert response.status_code == 500
    assert "Retry-After" not in response
