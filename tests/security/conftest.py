import pytest

from signatories import services
from signatories.tokens import confirm_token
from tests.factories import LetterFactory
from tests.live import smtp_sink, start_worker  # noqa: F401


@pytest.fixture
def hostile_client(client, settings):
    """A client seeing what a visitor sees: production error pages, 500s as answers."""
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


@pytest.fixture
def letter(db):
    """An open letter that organisations sign without approval."""
    return LetterFactory(slug="stop-the-raids", title="Stop the raids", goal=10)


@pytest.fixture
def sign_data():
    """A valid sign-on form as the browser posts it."""
    return {
        "organisation": "Kestrel Rights Alliance",
        "website": "https://kestrel.example",
        "country": "UA",
        "organisation_type": "ngo",
        "contact_name": "Olena Contact",
        "contact_role": "Director",
        "contact_email": "olena@kestrel.example",
        "is_public": "on",
        "consent": "on",
    }


@pytest.fixture
def payload():
    """A valid signature as a partner site posts it to the JSON API."""
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


@pytest.fixture
def confirm(db):
    """Confirm a signature the way its email link would."""

    def confirm(signature):
        return services.signature_confirm(
            signature_id=signature.pk, token=confirm_token.make_token(signature)
        )

    return confirm
