"""The letter page's counter, sign form and signatory list (template tags)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signatories import services
from signatories.filters import parse_cursor
from signatories.models import SignatureStatus
from signatories.selectors import letter_signatory_listing
from tests.factories import LetterFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def letter_page(client, letter, query=""):
    response = client.get(f"/en/letters/{letter.slug}/{query}")
    assert response.status_code == 200
    return response.text


def list_page(client, letter, query=""):
    response = client.get(f"/en/sign/{letter.slug}/signatories/{query}")
    assert response.status_code == 200
    return response.text


def names(html: str) -> list[str]:
    return re.findall(r'<span class="name">(?:<a [^>]*>)?([^<]*)', html)


def test_letter_page_shows_count_and_goal_bar(client, letters_page, letter):
    """The counter shows the public count, the goal and a goal bar."""
    SignatureFactory.create_batch(3, letter=letter, status=SignatureStatus.CONFIRMED)
    services.letter_recount(letter=letter)
    html = letter_page(client, letter)
    assert re.search(r"<strong>3</strong>\s*signatures", html)
    assert "of 10 needed" in html
    assert '<progress class="goal-bar" max="10" value="3"' in html
    assert "30% of the goal" in html


def test_goal_bar_stops_at_the_goal(client, letters_page):
    """Past the goal the bar is full, and the count still shows the real number."""
    letter = LetterFactory(goal=2)
    SignatureFactory.create_batch(3, letter=letter, status=SignatureStatus.CONFIRMED)
    services.letter_recount(letter=letter)
    html = letter_page(client, letter)
    assert re.search(r"<strong>3</strong>\s*signatures", html)
    assert 'max="2" value="2"' in html


def test_letter_page_lists_organisations_with_name_country_and_type(
    client, letters_page, letter
):
    """Listed organisations appear with their name, country and type heading."""
    SignatureFactory(
        letter=letter,
        status="confirmed",
        organisation="Kestrel Press",
        website="https://kestrel.example",
        country="UA",
        organisation_type="media",
    )
    SignatureFactory(
        letter=letter,
        status="confirmed",
        organisation="Heron Union",
        website="",
        country="GE",
        organisation_type="union",
    )
    services.letter_recount(letter=letter)
    html = list_page(client, letter)
    assert names(html) == ["Kestrel Press", "Heron Union"]
    assert (
        '<a href="https://kestrel.example" rel="nofollow noopener noreferrer">' in html
    )
    assert '<span class="country">Ukraine</span>' in html
    assert '<span class="country">Georgia</span>' in html
    assert "<h3>Media outlet</h3>" in html and "<h3>Union</h3>" in html


def test_hidden_signers_are_counted_but_never_named(client, letters_page, letter):
    """Signers who asked not to be listed count; pending ones neither count nor show."""
    SignatureFactory(letter=letter, status="confirmed", organisation="Visible Org")
    SignatureFactory(
        letter=letter,
        status="confirmed",
        organisation="Hidden Org",
        website="https://hidden-org.example",
        is_public=False,
    )
    SignatureFactory(letter=letter, status="pending", organisation="Pending Org")
    SignatureFactory(letter=letter, status="rejected", organisation="Rejected Org")
    services.letter_recount(letter=letter)
    html = list_page(client, letter)
    assert names(html) == ["Visible Org"]
    page = letter_page(client, letter)
    for hidden in ("Hidden Org", "hidden-org.example", "Pending Org", "Rejected Org"):
        assert hidden not in html and hidden not in page
    assert re.search(r"<strong>2</strong>\s*signatures", page)


def test_approval_letter_lists_only_approved_organisations(client, letters_page):
    """Where approval is required, confirmed organisations wait off the list."""
    letter = LetterFactory(requires_approval=True)
    SignatureFactory(letter=letter, status="confirmed", organisation="Waiting Org")
    SignatureFactory(letter=letter, status="approved", organisation="Approved Org")
    services.letter_recount(letter=letter)
    html = list_page(client, letter)
    assert names(html) == ["Approved Org"]
    assert re.search(r"<strong>1</strong>\s*signature\b", letter_page(client, letter))


def test_country_and_type_filters(client, letters_page, letter):
    """?country= and ?type= narrow the list; the filter offers countries by name."""
    for n, (country, kind) in enumerate(
        [("UA", "ngo"), ("UA", "media"), ("DE", "ngo"), ("GE", "union")]
    ):
        SignatureFactory(
            letter=letter,
            status="confirmed",
            organisation=f"Org {n}",
            country=country,
            organisation_type=kind,
        )
    services.letter_recount(letter=letter)
    assert names(list_page(client, letter, "?country=UA")) == ["Org 0", "Org 1"]
    assert names(list_page(client, letter, "?type=ngo")) == ["Org 0", "Org 2"]
    assert names(list_page(client, letter, "?country=UA&type=ngo")) == ["Org 0"]
    assert names(list_page(client, letter, "?country=FR")) == []
    html = list_page(client, letter)
    select = re.search(r'<select id="filter-country".*?</select>', html, re.S)
    options = re.findall(r'<option value="([A-Z]{2})"', select.group(0))
    assert options == ["GE", "DE", "UA"]  # Georgia, Germany, Ukraine: by name
    assert '<option value="UA" selected>' in list_page(client, letter, "?country=UA")


@pytest.mark.parametrize(
    "query",
    # (NUL is refused before the page is built: tests/security/test_hostile_input.py)
    ["?country=ZZZ", "?country=%C3%BF", "?type=cult", "?after=oops", "?after=-1"],
)
def test_bad_filters_are_ignored(client, letters_page, letter, query):
    """Unknown filter values show the whole list instead of failing."""
    SignatureFactory(letter=letter, status="confirmed", organisation="Org A")
    assert names(list_page(client, letter, query)) == ["Org A"]


def test_keyset_pagination_pages_through_everyone(client, letters_page, letter):
    """Sixty listed organisations come in pages of fifty, linked by ?after=."""
    for n in range(60):
        SignatureFactory(
            letter=letter, status="confirmed", organisation=f"Org {n:02d}", country="UA"
        )
    services.letter_recount(letter=letter)
    first = list_page(client, letter)
    assert names(first) == [f"Org {n:02d}" for n in range(50)]
    base = f"/en/sign/{letter.slug}/signatories/"
    cursor = re.search(rf'href="{base}\?after=(\d+)#signatories"', first).group(1)
    second = list_page(client, letter, f"?after={cursor}")
    assert names(second) == [f"Org {n:02d}" for n in range(50, 60)]
    assert "More signatories" not in second
    filtered = list_page(client, letter, "?country=UA")
    assert re.search(rf'href="{base}\?country=UA&amp;after=\d+#signatories"', filtered)
    assert re.search(r"<strong>60</strong>\s*signatures", letter_page(client, letter))


def test_letter_page_and_public_outputs_never_show_signer_emails(
    client, letters_page, letter
):
    """No contact address appears in the letter page, API, feeds, widget or a 404."""
    emails = []
    for n, state in enumerate(
        [
            {"status": "confirmed"},
            {"status": "confirmed", "is_public": False},
            {"status": "pending"},
            {"status": "approved"},
        ]
    ):
        email = f"secret{n}@hidden.example"
        emails.append(email)
        SignatureFactory(letter=letter, contact_email=email, **state)
    services.letter_recount(letter=letter)
    urls = [
        f"/en/letters/{letter.slug}/",
        "/en/letters/",
        f"/en/sign/{letter.slug}/",
        "/api/letters/",
        f"/api/letters/{letter.slug}/",
        f"/api/letters/{letter.slug}/signatories/",
        f"/api/letters/{letter.slug}/widget/",
        "/en/letters/feed/",
        "/en/letters/feed/atom/",
        "/en/letters/no-such-letter/",
        "/api/letters/no-such-letter/",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        for email in emails:
            assert email not in body, url
        assert "hidden.example" not in body, url


def test_closed_letter_page_says_closed_with_the_count(client, letters_page):
    """A closed letter shows its final count instead of the form."""
    letter = LetterFactory(signing_closes=timezone.now() - timedelta(hours=1))
    SignatureFactory.create_batch(2, letter=letter, status="confirmed")
    services.letter_recount(letter=letter)
    html = letter_page(client, letter)
    assert "Signing is closed. The letter was signed 2 times." in html
    assert 'name="consent"' not in html


def test_open_letter_page_carries_the_sign_form(client, letters_page, letter):
    """An open letter's page has the sign form posting to the sign view."""
    html = letter_page(client, letter)
    assert f'action="/en/sign/{letter.slug}/"' in html
    assert 'name="consent"' in html


def test_signature_counter_without_goal_has_no_bar(letter):
    """A letter with no goal shows the count alone."""
    letter.goal = 0
    html = Template("{% load signatories_tags %}{% signature_counter letter %}").render(
        Context({"letter": letter})
    )
    assert "<strong>0</strong>" in html
    assert "goal-bar" not in html


def test_signatory_list_tag_renders_without_a_request(letter):
    """The list tag renders a listing it is handed, with no request at all."""
    SignatureFactory(letter=letter, status="confirmed", organisation="Org A")
    html = Template("{% load signatories_tags %}{% signatory_list listing %}").render(
        Context({"listing": letter_signatory_listing(letter=letter)})
    )
    assert names(html) == ["Org A"]


def test_signatory_list_tag_links_to_the_next_page(letter):
    """A listing with more rows than its limit links to the next page."""
    for n in range(3):
        SignatureFactory(letter=letter, status="confirmed", organisation=f"Org {n}")
    listing = letter_signatory_listing(letter=letter, limit=2)
    html = Template("{% load signatories_tags %}{% signatory_list listing %}").render(
        Context({"listing": listing})
    )
    assert names(html) == ["Org 0", "Org 1"]
    assert f"after={listing.page.next_cursor}" in html


@pytest.mark.parametrize(
    ("value", "cursor"),
    [("5", 5), ("0", None), ("-3", None), ("x", None), (None, None), ("9" * 30, None)],
)
def test_cursor_parsing(value, cursor):
    """Only positive ids within range are cursors."""
    assert parse_cursor(value) == cursor


def test_letter_page_does_not_count_signature_rows(client, letters_page, letter):
    """Rendering the letter page runs no COUNT over the signatures table."""
    SignatureFactory.create_batch(3, letter=letter, status=SignatureStatus.CONFIRMED)
    services.letter_recount(letter=letter)
    with CaptureQueriesContext(connection) as queries:
        letter_page(client, letter)
    counting = [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"].upper() and "signatories_signature" in q["sql"]
    ]
    assert counting == []


def test_country_filter_is_sorted_by_translated_name(client, letters_page, letter):
    """The filter above "Who signed" lists countries by name in the page language."""
    for code in ("AT", "DE", "UA"):
        SignatureFactory(letter=letter, status="confirmed", country=code)
    services.letter_recount(letter=letter)  # factories bypass the country tally
    html = client.get(f"/de/sign/{letter.slug}/signatories/").text
    select = html[html.index('id="filter-country"') :]
    select = select[: select.index("</select>")]
    labels = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)<', select)
    assert labels == ["Deutschland", "Österreich", "Ukraine"]


def test_country_select_is_remembered_unbound_and_fresh_when_posted(
    client, letter, sign_data
):
    """The empty form's country list is rendered once; a posted one keeps its choice."""
    from signatories.templatetags import signatories_tags

    signatories_tags._WIDGET_HTML.clear()
    first = client.get(f"/en/sign/{letter.slug}/").text
    assert len(signatories_tags._WIDGET_HTML) == 1
    assert client.get(f"/en/sign/{letter.slug}/").text == first
    invalid = sign_data | {"country": "UA", "organisation": ""}
    html = client.post(f"/en/sign/{letter.slug}/", invalid).text
    assert '<option value="UA" selected>' in html
    assert len(signatories_tags._WIDGET_HTML) == 1
