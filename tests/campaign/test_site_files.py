import pytest

pytestmark = pytest.mark.django_db


def test_favicon_is_served_at_the_root(client):
    """/favicon.ico answers 200 with an icon, not a redirect to /en/ and a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "max-age" in response["Cache-Control"]


def test_robots_txt_allows_pages_and_keeps_crawlers_out_of_private_paths(client):
    """robots.txt allows the site and disallows the admin, email links and writes."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for path in ("/*/admin/", "/*/sign/confirm/", "/*/sign/withdraw/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /api/letters/*/signatures/" in lines
    assert "Disallow: /api/" not in lines  # the read API stays open to partners
    assert any(line.startswith("Sitemap: http") for line in lines)


def test_pages_link_the_favicon(client, letters_page):
    """Every page names its icon, so browsers need not guess."""
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/en/").text
