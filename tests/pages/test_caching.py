"""The letter page's cache contract (docs/decisions.md, pages/caching.py)."""

import re

import pytest
from django.conf import settings
from django.test import Client

from pages import caching
from pages.models import Letter, Recommendation
from pages.services import (
    content_new_draft,
    content_publish,
    recommendation_set_status,
    recommendation_text_set,
)
from signatories import services
from signatories.models import Signature
from signatories.tokens import confirm_token, withdraw_token
from tests.conftest import cache_clear
from tests.factories import (
    DeliveryFactory,
    ResponseFactory,
    SignatureFactory,
    edit_text,
)

pytestmark = pytest.mark.django_db

URL = "/en/letters/stop-the-raids/"
LIST_URL = "/en/sign/stop-the-raids/signatories/"
FRAME_URL = "/en/sign/stop-the-raids/signatories/frame/"
API_URL = "/api/letters/stop-the-raids/signatories/"


def count_on(html: str) -> int:
    return int(re.search(r"<strong>(\d+)</strong>\s*signature", html).group(1))


def confirmed(letter, **fields) -> Signature:
    signature = SignatureFactory(letter=letter, **fields)
    services.signature_confirm(
        signature_id=signature.pk, token=confirm_token.make_token(signature)
    )
    return Signature.objects.get(pk=signature.pk)


def test_anonymous_letter_page_is_storable_by_shared_caches(client, letter):
    """No cookie, no Vary: Cookie, and Cache-Control public with a short max-age."""
    for _ in range(2):  # the rendering and the server's copy answer alike
        response = client.get(URL)
        assert response.status_code == 200
        assert response.cookies == {}
        assert "cookie" not in response.get("Vary", "").lower()
        control = response["Cache-Control"]
        assert "public" in control
        assert f"max-age={caching.PAGE_MAX_AGE}" in control
        assert "stale-while-revalidate=" in control
        assert "csrfmiddlewaretoken" not in response.text


def test_anonymous_home_page_sets_no_language_cookie(client, letter):
    """The CMS's django_language cookie is set for sessions, not on anonymous GETs."""
    response = client.get("/ru/")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    client.cookies[settings.SESSION_COOKIE_NAME] = "x"  # a session keeps the CMS's
    response = client.get("/ru/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


@pytest.mark.parametrize("cookie", [settings.SESSION_COOKIE_NAME, "messages"])
def test_requests_with_a_session_get_fresh_private_pages(client, letter, cookie):
    """A session or pending messages bypass shared caches and the server's copy."""
    client.get(URL)  # the server keeps a copy
    first = letter.recommendations.order_by("number").first()
    Recommendation.objects.filter(pk=first.pk).update(number=77)  # no version bump
    client.cookies[cookie] = "x"
    response = client.get(URL)
    assert response["Cache-Control"] == "private, no-cache"
    assert 'id="recommendation-77"' in response.text


def test_staff_get_private_pages_with_the_toolbar(client, letter, editor):
    """Editors see fresh pages no shared cache may keep."""
    client.force_login(editor)
    response = client.get(URL)
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_edits_reach_the_server_copy_at_once(client, letter):
    """Saving the letter or a recommendation replaces the cached rendering."""
    assert "Stop the raids" in client.get(URL).text
    edit_text(letter, title="End the raids")  # a new published version
    assert "End the raids" in client.get(URL).text
    draft = content_new_draft(content=Letter.objects.get(pk=letter.pk).content("en"))
    recommendation_text_set(content=draft, number=1, title="Publish the contracts")
    content_publish(content=draft)
    assert "Publish the contracts" in client.get(URL).text


def test_count_changes_reach_the_server_copy_at_once(
    client, letter, django_capture_on_commit_callbacks
):
    """A confirmation moves the count on the next anonymous request."""
    assert count_on(client.get(URL).text) == 0
    with django_capture_on_commit_callbacks(execute=True):
        confirmed(letter)
    assert count_on(client.get(URL).text) == 1


def test_withdrawn_organisation_is_gone_from_every_page_and_answer(
    client, letter, django_capture_on_commit_callbacks
):
    """The list is never in the shared-cached page, and its own copies go at once."""
    with django_capture_on_commit_callbacks(execute=True):
        signature = confirmed(letter, organisation="Heron Union", country="GE")
    for url in (URL, LIST_URL, FRAME_URL, API_URL, LIST_URL + "?country=GE"):
        client.get(url)  # warm every server-side copy
    assert "Heron Union" not in client.get(URL).text  # the shared page never names
    for url in (LIST_URL, FRAME_URL):
        response = client.get(url)
        assert "Heron Union" in response.text
        assert "public" not in response["Cache-Control"]
        assert "no-cache" in response["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_withdraw(
            signature_id=signature.pk, token=withdraw_token.make_token(signature)
        )
    for url in (URL, LIST_URL, FRAME_URL, API_URL, LIST_URL + "?country=GE"):
        assert "Heron Union" not in client.get(url).text, url
    assert 'value="GE"' not in client.get(LIST_URL).text


def test_letter_page_frames_the_list_and_links_to_it(client, letter):
    """Without JavaScript the list shows in a frame, and a plain link leads to it."""
    html = client.get(URL).text
    assert f'<iframe class="signatory-frame" src="{FRAME_URL}"' in html
    assert f'href="{LIST_URL}"' in html
    frame = client.get(FRAME_URL)
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert 'target="_top"' in frame.text


def test_unpublished_letter_is_404_at_once(client, letter):
    """Unpublishing bumps the version: the server's copy is not served any more."""
    assert client.get(URL).status_code == 200
    letter.status = "draft"
    letter.save()
    assert client.get(URL).status_code == 404
    assert client.get(LIST_URL).status_code == 404


def test_letter_page_queries(client, letter, django_assert_max_num_queries):
    """A miss reads the letter, tally and translations once; a hit reads nothing.

    The letter's 13: id, letter, translations, recommendations and theirs, status
    history, responses (to recommendations, to the letter), deliveries, updates
    and theirs, tally, menus (15 before the tracker's responses and deliveries).
    The rest are django CMS's: URL revision, the apphook's current page; in tests
    the URLconf is also reloaded (one or two more). A hit is answered before the
    CMS's middleware, after its URL-revision check (one query).
    """
    recommendation = letter.recommendations.order_by("number").first()
    recommendation_set_status(recommendation=recommendation, status="adopted")
    ResponseFactory(letter=letter, recommendation=None, text="We received it.")
    DeliveryFactory(letter=letter)
    client.get(URL)  # the CMS's own caches (menus, URL revision)
    caching.letter_cache_bump(letter.pk)
    with django_assert_max_num_queries(19):
        client.get(URL)
    with django_assert_max_num_queries(1):
        client.get(URL)


def test_version_survives_an_evicted_key(letter):
    """A version key the cache dropped comes back as a new one, never a stale one."""
    first = caching.letter_cache_version(letter.pk)
    assert caching.letter_cache_version(letter.pk) == first
    cache_clear()
    assert caching.letter_cache_version(letter.pk) != first


def test_cached_page_is_per_language(letter):
    """The server's copy is kept per language."""
    client = Client()
    assert "Прекратите обыски" in client.get("/ru/letters/stop-the-raids/").text
    assert "Stop the raids" in client.get(URL).text


def test_kept_copy_still_checks_the_host(client, letter):
    """A page answered from the kept copy still refuses a host not allowed."""
    client.get(URL)
    assert client.get(URL).status_code == 200
    assert client.get(URL, HTTP_HOST="evil.example").status_code == 400


def test_kept_copy_carries_the_security_headers(client, letter):
    """The kept copy answers with the same headers as the rendering."""
    first = client.get(URL)
    second = client.get(URL)
    for name in ("Content-Security-Policy", "X-Frame-Options", "Content-Language"):
        assert second[name] == first[name]
    assert second.content == first.content


def test_a_cache_outage_does_not_fail_the_write(letter, monkeypatch):
    """Saving a letter succeeds while the cache cannot store the new version."""

    class Down:
        def set(self, *args, **kwargs):
            raise ConnectionError("cache down")

    monkeypatch.setattr(caching, "cache", Down())
    edit_text(letter, title="Saved anyway")
    assert type(letter).objects.get(pk=letter.pk).content("en").title == "Saved anyway"


def test_old_filter_links_lead_to_the_list_page(client, letter):
    """A letter page link with list filters moves to the list's own page."""
    response = client.get(URL + "?country=UA&after=5")
    assert response.status_code == 301
    assert response["Location"] == LIST_URL + "?country=UA&after=5"
