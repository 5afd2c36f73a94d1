import pytest

# The signing fixtures are the signatories tests' own: one valid letter and form.
from tests.live import smtp_sink, start_worker  # noqa: F401
from tests.signatories.conftest import (  # noqa: F401
    confirm,
    letter,
    payload,
    sign_data,
)


@pytest.fixture
def hostile_client(client, settings):
    """A client seeing what a visitor sees: production error pages, 500s as answers."""
    settings.DEBUG = False
    client.raise_request_exception = False
    return client
