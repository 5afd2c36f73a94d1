"""Every response carries a Permissions-Policy header (issue 11.14)."""

import pytest

pytestmark = pytest.mark.django_db

DENIED = ("camera=()", "microphone=()", "geolocation=()", "interest-cohort=()")


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/letters/stop-the-raids/",
        "/en/sign/stop-the-raids/",
        "/en/no-such-page/",
        "/api/letters/",
        "/api/letters/stop-the-raids/widget/",
        "/static/css/site.css",
        "/healthz",
        "/en/\x00",
    ],
)
def test_every_response_denies_powerful_features(
    hostile_client, letters_page, letter, path
):
    """Pages, API, static files, errors and refusals all deny camera, mic, location."""
    response = hostile_client.get(path)
    policy = response["Permissions-Policy"]
    for directive in DENIED:
        assert directive in policy, (path, directive)
