import pytest

pytestmark = pytest.mark.django_db


def test_visitors_get_the_strict_csp(client, letters_page):
    """Anonymous visitors get the same-origin Content-Security-Policy."""
    csp = client.get("/en/letters/")["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


def test_staff_get_no_csp_for_the_toolbar(admin_client, letters_page):
    """Logged-in editors get no policy: the CMS toolbar injects inline code."""
    response = admin_client.get("/en/letters/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_logged_in_non_staff_still_get_the_csp(client, letters_page, django_user_model):
    """Only staff are relaxed; other signed-in users keep the strict policy."""
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    assert "Content-Security-Policy" in client.get("/en/letters/")


def test_admin_is_outside_the_csp(client):
    """The admin (login page included) is excluded from the strict policy."""
    response = client.get("/en/admin/login/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_unprefixed_404s_are_not_redirected_to_a_language(client):
    """Outside the language prefixes a missing URL is a plain 404."""
    for path in ("/api/no-such-endpoint/", "/static/no-such-file.css", "/healthz/x"):
        assert client.get(path).status_code == 404, path


def test_pages_without_a_language_prefix_redirect_to_one(client):
    """/letters/ still redirects to the visitor's language version."""
    response = client.get("/letters/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert response["Location"] == "/ru/letters/"
