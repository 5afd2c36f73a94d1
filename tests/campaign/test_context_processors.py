from django.test import RequestFactory

from campaign.context_processors import site


def test_site_exposes_the_canonical_site_url(settings):
    """Templates get SITE_URL for share links and canonical tags."""
    settings.SITE_URL = "https://letters.example.org"
    assert site(RequestFactory().get("/")) == {
        "SITE_URL": "https://letters.example.org"
    }
