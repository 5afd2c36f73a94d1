"""Counts and goal bars on letter teasers: the letter list and CMS teaser plugins."""

import re

import pytest
from cms.api import add_plugin, create_page
from cms.models import PageContent
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pages.services import letter_plugin_cache_invalidate
from signatories import services
from signatories.models import LetterTally, SignatureStatus
from signatories.tokens import confirm_token, withdraw_token
from tests.conftest import publish
from tests.factories import LetterFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def teaser_counts(html: str) -> dict[str, tuple[int, str]]:
    """Title -> (count, goal bar) of each teaser on a page."""
    found = {}
    for teaser in re.findall(r'<article class="teaser".*?</article>', html, re.S):
        title = re.search(r'class="teaser-title"><a [^>]*>([^<]*)</a>', teaser)
        count = re.search(
            r'class="teaser-count">\s*<p class="count"><strong>(\d+)<', teaser
        )
        bar = re.search(r'<progress class="goal-bar"[^>]*>', teaser)
        found[title.group(1)] = (int(count.group(1)), bar.group(0) if bar else "")
    return found


def confirm(signature):
    services.signature_confirm(
        signature_id=signature.pk, token=confirm_token.make_token(signature)
    )


def teaser_page(editor, slug, *letters):
    """A published CMS page whose placeholder holds a teaser of each letter."""
    page = create_page(slug, "cms/page.html", "en", slug=slug, created_by=editor)
    placeholder = (
        PageContent.admin_manager.get(page=page, language="en")
        .get_placeholders()
        .get(slot="content")
    )
    for letter in letters:
        add_plugin(placeholder, "LetterTeaserPlugin", "en", letter=letter)
    publish(page, editor)
    return f"/en/{slug}/"


def test_letter_list_shows_each_count_and_goal_bar(client, letters_page):
    """Every teaser on the letter list carries its public count and goal bar."""
    first = LetterFactory(title="First letter", goal=10)
    second = LetterFactory(title="Second letter", goal=4)
    SignatureFactory.create_batch(3, letter=first, status=SignatureStatus.CONFIRMED)
    SignatureFactory.create_batch(6, letter=second, status=SignatureStatus.CONFIRMED)
    SignatureFactory(letter=second, status=SignatureStatus.PENDING)
    for letter in (first, second):
        services.letter_recount(letter=letter)
    html = client.get("/en/letters/").text
    counts = teaser_counts(html)
    assert counts["First letter"] == (
        3,
        '<progress class="goal-bar" max="10" value="3" aria-label="30% of the goal">',
    )
    assert counts["Second letter"][0] == 6
    assert 'max="4" value="4"' in counts["Second letter"][1]  # full past the goal
    assert "of 10 needed" in html and "of 4 needed" in html


def test_letter_list_reads_all_counts_in_one_query(client, letters_page):
    """Counts come from the tally in one read, however many letters are listed."""

    def tally_reads():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/letters/").status_code == 200
        return [q for q in captured.captured_queries if "lettertally" in q["sql"]]

    LetterFactory()
    client.get("/en/letters/")  # the CMS's own caches
    one = tally_reads()
    LetterFactory.create_batch(3)
    assert len(tally_reads()) == len(one) == 1
    assert "COUNT(" not in tally_reads()[0]["sql"].upper()


def test_letter_list_count_moves_with_the_next_request(
    client, letters_page, django_capture_on_commit_callbacks
):
    """The list is never served stale: a confirmation shows at once."""
    letter = LetterFactory(title="Only letter")
    assert teaser_counts(client.get("/en/letters/").text)["Only letter"][0] == 0
    with django_capture_on_commit_callbacks(execute=True):
        confirm(SignatureFactory(letter=letter))
    assert teaser_counts(client.get("/en/letters/").text)["Only letter"][0] == 1


def test_cached_teaser_refreshes_when_its_count_moves(
    letters_page, editor, django_capture_on_commit_callbacks
):
    """The CMS keeps the teaser's HTML; a confirmation or withdrawal clears it."""
    letter = LetterFactory(title="Stop the raids", goal=10)
    url = teaser_page(editor, "campaign", letter)
    client = Client()
    assert teaser_counts(client.get(url).text)["Stop the raids"][0] == 0
    # The placeholder (and the page) are cached: a write that bypasses the
    # services is not seen...
    LetterTally.objects.update_or_create(letter=letter, defaults={"public_count": 7})
    assert teaser_counts(client.get(url).text)["Stop the raids"][0] == 0
    LetterTally.objects.filter(letter=letter).update(public_count=0)
    # ...while every change the services make to the count is.
    signature = SignatureFactory(letter=letter)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(signature)
    counts = teaser_counts(client.get(url).text)
    assert counts["Stop the raids"] == (
        1,
        '<progress class="goal-bar" max="10" value="1" aria-label="10% of the goal">',
    )
    signature.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_withdraw(
            signature_id=signature.pk, token=withdraw_token.make_token(signature)
        )
    assert teaser_counts(client.get(url).text)["Stop the raids"][0] == 0


def test_approval_refreshes_the_teaser(
    letters_page, editor, django_capture_on_commit_callbacks
):
    """On letters that need approval the count (and teaser) moves on approval."""
    letter = LetterFactory(title="Reviewed letter", requires_approval=True)
    url = teaser_page(editor, "reviewed", letter)
    client = Client()
    signature = SignatureFactory(letter=letter)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(signature)
    assert teaser_counts(client.get(url).text)["Reviewed letter"][0] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.signatures_approve(signature_ids=[signature.pk], user=editor)
    assert teaser_counts(client.get(url).text)["Reviewed letter"][0] == 1


def test_count_change_clears_only_that_letters_teasers(letters_page, editor):
    """Other letters' placeholders keep their cached rendering."""
    moved = LetterFactory(title="Moved")
    still = LetterFactory(title="Still")
    moved_url = teaser_page(editor, "moved", moved)
    still_url = teaser_page(editor, "still", still)
    client = Client()
    client.get(moved_url), client.get(still_url)
    for letter in (moved, still):
        LetterTally.objects.update_or_create(
            letter=letter, defaults={"public_count": 5}
        )
    assert letter_plugin_cache_invalidate(letter_id=moved.pk) == 1
    assert teaser_counts(client.get(moved_url).text)["Moved"][0] == 5
    assert teaser_counts(client.get(still_url).text)["Still"][0] == 0
