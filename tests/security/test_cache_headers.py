"""Logos and the public list are never served stale after a withdrawal (11.14)."""

import pytest

from signatories import services
from signatories.models import Signature
from signatories.tokens import withdraw_token
from tests.signatories.images import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed_logo(hostile_client, letter, sign_data, confirm):
    """A confirmed, listed signature with a logo; returns (signature, logo URL)."""
    hostile_client.post(
        f"/en/sign/{letter.slug}/", sign_data | {"logo": upload(image_bytes("PNG"))}
    )
    signature = Signature.objects.get()
    confirm(signature)
    return signature, f"/en/sign/logo/{signature.pk}.png"


def withdraw(signature):
    signature.refresh_from_db()
    assert services.signature_withdraw(
        signature_id=signature.pk, token=withdraw_token.make_token(signature)
    )


def revalidates(response) -> bool:
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    return {"public", "no-cache", "must-revalidate", "max-age=0"} <= directives


def test_logo_is_revalidated_with_a_cheap_304(hostile_client, listed_logo):
    """A shared cache must ask before reusing a logo, and an unchanged one is a 304."""
    signature, url = listed_logo
    response = hostile_client.get(url)
    assert response.status_code == 200
    assert revalidates(response)
    etag = response["ETag"]
    again = hostile_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert revalidates(again)


def test_withdrawn_logo_fails_revalidation(hostile_client, listed_logo):
    """After a withdrawal the cache's revalidation gets a 404, never a 304."""
    signature, url = listed_logo
    etag = hostile_client.get(url)["ETag"]
    withdraw(signature)
    assert hostile_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_api_signatory_list_revalidates_and_changes_on_withdrawal(
    hostile_client, listed_logo, letter
):
    """The public JSON list: revalidated every time, 304 when unchanged, new ETag."""
    signature, _url = listed_logo
    url = f"/api/letters/{letter.slug}/signatories/"
    response = hostile_client.get(url)
    assert response.status_code == 200
    assert revalidates(response)
    assert [item["id"] for item in response.json()["results"]] == [signature.pk]
    etag = response["ETag"]
    assert hostile_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    withdraw(signature)
    fresh = hostile_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    assert fresh.json()["results"] == []
