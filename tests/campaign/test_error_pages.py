import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def lenient_client(client):
    """A client that returns server errors as responses instead of raising them."""
    client.raise_request_exception = False
    return client


def test_unknown_host_gets_a_400_page_not_a_500(lenient_client, letters_page):
    """A Host header outside ALLOWED_HOSTS is answered with the 400 page."""
    # /healthz and /readyz answer any Host (tests/campaign/test_views.py).
    for path in ("/en/", "/en/letters/", "/sitemap.xml"):
        response = lenient_client.get(path, HTTP_HOST="attacker.example")
        assert response.status_code == 400, path
        assert "400.html" in [t.name for t in response.templates], path
        assert response.text.count("<h1>") == 1, path


def test_404_page_keeps_the_site_layout(client, letters_page):
    """Unknown pages get the full layout: header, skip link and language links."""
    response = client.get("/de/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="de">' in response.text
    assert '<a class="skip-link" href="#main">' in response.text
    assert 'hreflang="ru"' in response.text
