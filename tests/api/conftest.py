import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from signatories import services
from tests.factories import LetterFactory, RecommendationFactory, SignatureFactory
from tests.live import smtp_sink, start_worker  # noqa: F401 (fuzz_stateful.py)

SCHEMA_PATH = "/api/v1/openapi.json"
EXAMPLE_SLUG = "stop-the-raids"


@pytest.fixture
def published_letter(db):
    """The letter the schema's examples name, open, with listed signatories."""
    letter = LetterFactory(slug=EXAMPLE_SLUG, title="Stop the raids", goal=10)
    RecommendationFactory(letter=letter, number=1, title="Investigate")
    SignatureFactory.create_batch(3, letter=letter, status="confirmed")
    services.letter_recount(letter=letter)
    return letter


@pytest.fixture
def wsgi_app(db):
    """The project's WSGI application, on the test's own database connection.

    As Django's test client does: a request must not close the connection that
    holds the test transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(published_letter, wsgi_app):
    """The served OpenAPI document, over WSGI (the CMS middleware needs the DB)."""
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)
