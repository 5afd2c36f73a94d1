import pytest

pytestmark = pytest.mark.django_db

ADMIN_LISTS = ("letter", "recommendation", "update")


def test_editors_get_a_campaign_menu_in_the_toolbar(admin_client, letters_page):
    """Staff see a "Campaign" toolbar menu linking the letter admin lists."""
    html = admin_client.get("/en/letters/").text
    assert "Campaign" in html
    for model in ADMIN_LISTS:
        assert f"/en/admin/pages/{model}/" in html


def test_visitors_get_no_toolbar(client, letters_page):
    """Anonymous visitors see neither the toolbar nor links into the admin."""
    html = client.get("/en/letters/").text
    assert "cms-toolbar" not in html and "/admin/" not in html
