import pytest

from tests.factories import LetterFactory


@pytest.fixture
def letter(db):
    """An open letter that organisations sign without approval."""
    return LetterFactory(slug="stop-the-raids", title="Stop the raids", goal=10)


@pytest.fixture
def sign_data():
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
