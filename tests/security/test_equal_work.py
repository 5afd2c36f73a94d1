"""Known and unknown addresses cost the same (issue 11.14): the sign and resend
paths run the same number of queries either way, so timing cannot tell them apart.
Measured by query count, not by time."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signatories import services
from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db

FORM = {
    "organisation": "Kestrel Rights Alliance",
    "website": "https://kestrel.example",
    "country": "UA",
    "organisation_type": "ngo",
    "contact_name": "Olena",
    "consent": "on",
    "is_public": "on",
}


@pytest.fixture
def letter(db):
    return LetterFactory(slug="stop-the-raids")


def queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def known(letter, email: str, state: str) -> None:
    result = services.signature_create(
        letter=letter, contact_email=email, contact_name="Olena"
    )
    if state == "confirmed":
        from signatories.tokens import confirm_token

        signature = result.signature
        services.signature_confirm(
            public_id=signature.public_id, token=confirm_token.make_token(signature)
        )


@pytest.mark.parametrize("state", ["pending", "confirmed"])
def test_sign_service_costs_the_same_for_a_known_address(letter, state):
    """signature_create runs as many queries for a known address as a new one."""
    known(letter, "known@org.example", state)
    sign = services.signature_create
    new = queries(
        lambda: sign(letter=letter, contact_email="new@org.example", contact_name="A")
    )
    again = queries(
        lambda: sign(letter=letter, contact_email="known@org.example", contact_name="A")
    )
    assert new == again


@pytest.mark.parametrize("state", ["pending", "confirmed"])
def test_sign_form_costs_the_same_for_a_known_address(client, letter, state):
    """The sign form's POST runs as many queries for a known address as a new one."""
    known(letter, "known@org.example", state)
    url = f"/en/sign/{letter.slug}/"
    client.post(url, FORM | {"contact_email": "warm@org.example"})  # warm caches
    new = queries(lambda: client.post(url, FORM | {"contact_email": "new@org.example"}))
    again = queries(
        lambda: client.post(url, FORM | {"contact_email": "known@org.example"})
    )
    assert new == again


@pytest.mark.parametrize("state", ["pending", "confirmed"])
def test_api_sign_costs_the_same_for_a_known_address(client, letter, state):
    """The API's POST runs as many queries for a known address as a new one."""
    known(letter, "known@org.example", state)
    url = f"/api/letters/{letter.slug}/signatures/"

    def post(email):
        body = FORM | {"contact_email": email, "consent": True, "is_public": True}
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 202

    post("warm@org.example")
    assert queries(lambda: post("new@org.example")) == queries(
        lambda: post("known@org.example")
    )


@pytest.mark.parametrize("state", ["pending", "confirmed"])
def test_resend_costs_the_same_for_a_known_address(client, letter, state):
    """The 'new link' form runs as many queries for a known address as an unknown."""
    known(letter, "known@org.example", state)
    url = f"/en/sign/{letter.slug}/new-link/"
    client.post(url, {"contact_email": "warm@org.example"})
    unknown = queries(lambda: client.post(url, {"contact_email": "nobody@org.example"}))
    again = queries(lambda: client.post(url, {"contact_email": "known@org.example"}))
    assert unknown == again
