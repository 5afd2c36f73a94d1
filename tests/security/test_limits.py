"""Request bodies are bounded before anything reads them (issue 11.14)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from signatories.models import Signature

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_body_over_the_limit_is_a_413_page_unread(hostile_client, letter, settings):
    """A Content-Length over MAX_REQUEST_BYTES answers 413 before the body is read."""
    settings.MAX_REQUEST_BYTES = 1000
    response = hostile_client.post(
        f"/en/sign/{letter.slug}/",
        data=b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="100000000",
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "Request too large" in response.text
    assert "The request is too large (at most 1000" in response.text


def test_logo_upload_over_the_limit_is_a_413(
    hostile_client, letter, sign_data, settings
):
    """File uploads, which Django's own memory limits skip, are bounded too."""
    settings.MAX_REQUEST_BYTES = 64 * 1024
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * 100_000, "image/png")
    response = hostile_client.post(
        f"/en/sign/{letter.slug}/", sign_data | {"logo": big}
    )
    assert response.status_code == 413
    assert not Signature.objects.exists()


def test_sign_form_with_a_logo_fits_the_default_limit(
    hostile_client, letter, sign_data, settings
):
    """The default limit leaves room for the largest logo the form accepts."""
    assert settings.MAX_REQUEST_BYTES > settings.LOGO_MAX_BYTES + 64 * 1024
    small = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * 100, "image/png")
    response = hostile_client.post(
        f"/en/sign/{letter.slug}/", sign_data | {"logo": small}
    )
    assert response.status_code == 400  # not an image: a form error, not a 413
    assert "logo" in response.context["form"].errors


def test_api_body_over_the_limit_is_a_json_413(hostile_client, letter, settings):
    """The API answers the same refusal as JSON."""
    settings.MAX_REQUEST_BYTES = 1000
    response = hostile_client.post(
        f"/api/letters/{letter.slug}/signatures/",
        data=json.dumps({"comment": "x" * 2000}),
        content_type="application/json",
    )
    assert response.status_code == 413
    # filesizeformat keeps the number and its unit together with a no-break space.
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "The request is too large (at most 1000\xa0bytes)."
    )


def test_chunked_body_without_a_length_is_a_411(hostile_client, letter):
    """A body without a Content-Length, which Django would not read, is refused."""
    response = hostile_client.post(
        f"/api/letters/{letter.slug}/signatures/",
        data=b"",
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 411
    assert response.json()["detail"] == "Send the request body with a Content-Length."


@pytest.mark.parametrize("length", ["-1", "ten", "1e9"])
def test_a_malformed_content_length_is_a_400(hostile_client, letter, length):
    """A Content-Length that is not a non-negative number is refused."""
    response = hostile_client.post(
        f"/api/letters/{letter.slug}/signatures/",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=length,
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The Content-Length is not valid."
