"""Hostile input gets a 400 with a reason (JSON on the API), never a 500 (11.13)."""

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from signatories.forms import ResendForm, SignatureForm
from signatories.models import Signature

pytestmark = pytest.mark.django_db


def post_json(client, slug, payload):
    return client.post(
        f"/api/letters/{slug}/signatures/",
        data=json.dumps(payload),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/\x00",
        "/en/\x00/",
        "/en/letters/\x00/",
        "/en/letters/stop-the-raids\x00/",
        "/en/sign/\x00/",
        "/en/sign/stop-the-raids/\x00",
        "/ru/no-such-page\x00/",
    ],
)
def test_nul_in_a_page_path_is_a_400_page(hostile_client, letters_page, letter, path):
    """A NUL anywhere in a page's path is refused with the 400 page and its reason."""
    response = hostile_client.get(path)
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    assert "The address contains a NUL character." in response.text
    assert response["X-Content-Type-Options"] == "nosniff"  # security headers kept


@pytest.mark.parametrize(
    "path", ["/api/\x00/", "/api/letters/\x00/", "/api/letters/stop-the-raids/\x00"]
)
def test_nul_in_an_api_path_is_a_json_400(hostile_client, letter, path):
    """The API answers the same refusal as JSON."""
    response = hostile_client.get(path)
    assert response.status_code == 400
    assert response.json()["detail"] == "The address contains a NUL character."


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/en/letters/stop-the-raids/?page=%00", "contains a NUL character"),
        ("/en/?q=a%00b", "contains a NUL character"),
        ("/en/sign/stop-the-raids/?x=%ED%A0%80", "is not valid UTF-8"),
        ("/en/?q=%FF", "is not valid UTF-8"),
    ],
)
def test_bad_query_string_is_a_400(hostile_client, letters_page, letter, path, reason):
    """NUL or non-UTF-8 bytes in a query string are refused, with the reason."""
    response = hostile_client.get(path)
    assert response.status_code == 400
    assert f"The query string {reason}." in response.text


def test_too_many_query_fields_is_a_json_400_on_the_api(hostile_client, letter):
    """Over DATA_UPLOAD_MAX_NUMBER_FIELDS answers JSON on the API, not the HTML 400."""
    query = "&".join(f"f{n}=1" for n in range(1001))
    response = hostile_client.get(f"/api/letters/{letter.slug}/signatories/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"] == "The query string has too many fields."


def test_bad_query_string_on_the_api_is_a_json_400(hostile_client, letter):
    """The API's query strings get the JSON form of the same refusal."""
    response = hostile_client.get(
        f"/api/letters/{letter.slug}/signatories/?country=%00"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"] == "The query string contains a NUL character."
    assert body["errors"] == {"country": ["The query string contains a NUL character."]}


def test_utf8_paths_and_query_strings_still_pass(hostile_client, letters_page, letter):
    """Cyrillic in a query string and a percent-escaped path are ordinary input."""
    assert (
        hostile_client.get("/ru/?q=%D0%BF%D0%B8%D1%81%D1%8C%D0%BC%D0%BE").status_code
        == 200
    )
    assert hostile_client.get("/ru/?q=письмо").status_code == 200
    assert hostile_client.get("/ru/письмо/").status_code == 404
    assert hostile_client.get("/en/%ED%A0%80/").status_code == 404


def test_nul_in_a_cookie_is_dropped_not_a_500(hostile_client, letters_page):
    """A session cookie carrying NUL is ignored (PostgreSQL cannot look it up)."""
    response = hostile_client.get("/en/", HTTP_COOKIE='sessionid="abcdefghij\\000"')
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "json_answer"),
    [
        ("/en/sign/stop-the-raids/", False),
        ("/api/letters/stop-the-raids/signatures/", True),
    ],
)
@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\x00",
        "multipart/form-data; boundary=" + "x" * 300,
    ],
)
def test_multipart_without_a_valid_boundary_is_a_400(
    hostile_client, letter, url, json_answer, content_type
):
    """A multipart body without a usable boundary is refused before any view runs."""
    response = hostile_client.post(url, data=b"x=1", content_type=content_type)
    assert response.status_code == 400
    reason = "The multipart body has no valid boundary."
    if json_answer:
        assert response.json()["detail"] == reason
    else:
        assert reason in response.text
    assert not Signature.objects.exists()


def test_broken_multipart_body_on_the_api_is_a_json_400(hostile_client, letter):
    """A body that breaks Django's parser mid-way answers JSON on the API, not HTML."""
    body = b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n'
    response = hostile_client.post(
        f"/api/letters/{letter.slug}/signatures/",
        data=body,
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH="-3",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def call_wsgi(path: str, query: str = "", **environ) -> tuple[str, dict, bytes]:
    """Call the production WSGI application the way gunicorn does."""
    from campaign.wsgi import application

    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    # Like Django's test client: keep the test's database connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(base | environ, start_response)
        body = b"".join(result)
        result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


@pytest.mark.parametrize("charset", ["rot13", "base64", "idna", "zlib"])
def test_a_charset_that_cannot_decode_text_is_a_415(settings, letter, charset):
    """Codecs that are not text encodings broke building the request: now a 415."""
    settings.DEBUG = False
    status, headers, body = call_wsgi(
        f"/api/letters/{letter.slug}/signatories/",
        "country=UA",
        CONTENT_TYPE=f"text/plain; charset={charset}",
    )
    assert status.startswith("415")
    assert json.loads(body)["detail"] == "The charset is not supported."
    status, headers, body = call_wsgi(
        "/en/", "q=1", CONTENT_TYPE=f"text/plain; charset={charset}"
    )
    assert status.startswith("415")
    assert b"The charset is not supported." in body


def test_wsgi_application_serves_ordinary_requests(settings, letter):
    """The project's WSGI handler answers a normal API read as Django's would."""
    settings.DEBUG = False
    status, headers, body = call_wsgi(
        f"/api/letters/{letter.slug}/signatories/",
        "country=UA",
        CONTENT_TYPE="text/plain; charset=utf-8",
    )
    assert status.startswith("200")
    assert json.loads(body)["results"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comment", "\ud800"),
        ("website", "https://\ud800.example"),
        ("contact_email", "olena@\ud800.example"),
        ("contact_email", "olena@kestrel\udfff"),
        ("organisation", "Kestrel\ud83d"),
        ("contact_role", "x\x00"),
    ],
)
def test_api_lone_surrogates_and_nul_are_field_errors(
    hostile_client, letter, payload, field, value
):
    """A JSON "\\ud800" decodes to text no database can store: a 400 on that field."""
    response = post_json(hostile_client, letter.slug, payload | {field: value})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert field in body["errors"]
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "field",
    [
        "organisation",
        "website",
        "contact_name",
        "contact_role",
        "contact_email",
        "comment",
        "fax_number",
    ],
)
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\ud800"])
def test_every_text_field_refuses_controls_and_surrogates(
    letter, sign_data, field, char
):
    """Every text field of the sign form refuses NUL, controls and lone surrogates."""
    value = sign_data.get(field, "x")
    value = value.replace("@", f"{char}@") if "@" in value else f"{value}{char}"
    form = SignatureForm(sign_data | {field: value}, letter=letter)
    assert not form.is_valid()
    assert (
        "Remove the control characters or broken Unicode from this field."
        in (form.errors[field])
    )


def test_text_fields_keep_tabs_and_line_breaks(letter, sign_data):
    """Whitespace controls are ordinary text: kept in comments, collapsed in names."""
    form = SignatureForm(
        sign_data
        | {"comment": "Line one\r\n\tLine two", "organisation": "Kestrel\x0bRights"},
        letter=letter,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["comment"] == "Line one\r\n\tLine two"
    assert form.cleaned_data["organisation"] == "Kestrel Rights"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\ud800"])
def test_resend_form_refuses_controls_and_surrogates(char):
    """The resend form's address field is checked the same way."""
    form = ResendForm({"contact_email": f"olena{char}@kestrel.example"})
    assert not form.is_valid()
    assert (
        "Remove the control characters or broken Unicode from this field."
        in (form.errors["contact_email"])
    )


@pytest.mark.parametrize(
    "email",
    [
        "olena@"
        + "ü" * 60
        + ".example",  # Django accepts it; its IDNA form is too long
        "olena@xn--" + "ü" * 3 + ".example",
    ],
)
def test_email_domain_without_an_idna_form_is_refused(letter, sign_data, email):
    """An address whose domain cannot be IDNA-encoded is no address to mail."""
    form = SignatureForm(sign_data | {"contact_email": email}, letter=letter)
    assert not form.is_valid()
    assert form.errors["contact_email"] == ["Enter a valid email address."]


def test_email_domain_in_another_script_is_still_accepted(letter, sign_data):
    """Internationalised domains with a valid IDNA form are fine."""
    form = SignatureForm(
        sign_data | {"contact_email": "olena@пример.укр"}, letter=letter
    )
    assert form.is_valid(), form.errors
