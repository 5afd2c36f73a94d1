"""The per-letter signature dashboard in the admin: figures, chart, CSV, rights."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signatories.charts import Column, Series, nice_step, stacked_bar_chart
from signatories.dashboard import CSV_HEADER, letter_dashboard
from signatories.models import (
    EmailState,
    LetterTally,
    OutboundEmail,
    Signature,
)
from tests.factories import (
    LetterFactory,
    OutboundEmailFactory,
    SignatureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/signatories/signature/"
INDEX = f"{ADMIN}dashboard/"


def page_url(letter, language="en"):
    return f"/{language}/admin/signatories/signature/dashboard/{letter.pk}/"


def csv_url(letter):
    return f"{page_url(letter)}csv/"


def signed(letter, *, days_ago=0, status="pending", **fields):
    """A signature of ``letter`` made ``days_ago`` days ago (at noon, local time)."""
    signature = SignatureFactory(letter=letter, status=status, **fields)
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    # created_at is auto_now_add: only an update sets it in the past.
    Signature.objects.filter(pk=signature.pk).update(
        created_at=noon - timedelta(days=days_ago)
    )
    return signature


def staff_with(*codenames):
    user = UserFactory(username="limited", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def campaign():
    """A letter that needs approval, with signatures, emails and a second letter."""
    letter = LetterFactory(slug="stop-the-raids", requires_approval=True, goal=50)
    other = LetterFactory(slug="other-letter")
    LetterTally.objects.create(letter=letter, public_count=3)
    two_days_ago = [
        signed(letter, days_ago=2, status="approved", country="DE"),
        signed(letter, days_ago=2, status="approved", country="DE"),
        # Confirmed organisation on an approval letter: the queue.
        signed(
            letter,
            days_ago=2,
            status="confirmed",
            country="UA",
            organisation_type="media",
        ),
        signed(letter, days_ago=2, status="pending", country="UA"),
    ]
    signed(letter, days_ago=1, status="rejected", country="DE")
    signed(letter, days_ago=1, status="withdrawn", country="", organisation_type="")
    today = [
        signed(letter, status="approved", country="UA"),
        signed(
            letter,
            status="confirmed",
            kind="individual",
            organisation="",
            country="",
            organisation_type="",
        ),
    ]
    # Emails: two owed (one failing), one being sent, two refused, one sent.
    first, second, third, *_ = two_days_ago
    OutboundEmailFactory(signature=first, state=EmailState.PENDING, attempts=2)
    OutboundEmailFactory(signature=second, state=EmailState.PENDING)
    OutboundEmailFactory(signature=third, state=EmailState.SENDING)
    OutboundEmailFactory(signature=first, state=EmailState.FAILED_PERMANENT)
    OutboundEmailFactory(signature=today[0], state=EmailState.FAILED_PERMANENT)
    OutboundEmailFactory(signature=second, state=EmailState.SENT)
    # The other letter's figures stay out.
    for status in ("pending", "confirmed", "approved"):
        signed(other, days_ago=2, status=status, country="FR")
    OutboundEmailFactory(signature__letter=other, state=EmailState.PENDING)
    OutboundEmailFactory(signature__letter=other, state=EmailState.FAILED_PERMANENT)
    return letter


def test_dashboard_counts_signatures_per_day_by_state(campaign):
    """Each day of the window counts its signatures by their current state."""
    dashboard = letter_dashboard(letter=campaign)
    today = timezone.localdate()
    days = {r.day: (r.pending, r.confirmed, r.approved) for r in dashboard.days}
    assert dashboard.first_day == today - timedelta(days=2)
    assert dashboard.last_day == today
    assert days == {
        today - timedelta(days=2): (1, 1, 2),
        today - timedelta(days=1): (0, 0, 0),  # rejected and withdrawn only
        today: (0, 1, 1),
    }


def test_dashboard_counts_by_state_country_and_type(campaign):
    """Totals by state cover all states; countries and types the live signatures."""
    dashboard = letter_dashboard(letter=campaign)
    assert dashboard.by_state == {
        "pending": 1,
        "confirmed": 2,
        "approved": 3,
        "rejected": 1,
        "withdrawn": 1,
        "awaiting_review": 0,
    }
    assert [
        (row.key, row.label, row.pending, row.confirmed, row.approved)
        for row in dashboard.by_country
    ] == [
        ("UA", "Ukraine", 1, 1, 1),
        ("DE", "Germany", 0, 0, 2),
        ("", "Not given", 0, 1, 0),
    ]
    assert [(row.key, row.label, row.total) for row in dashboard.by_type] == [
        ("ngo", "NGO", 4),
        ("media", "Media outlet", 1),
        ("", "Not given", 1),
    ]


def test_dashboard_counts_queue_backlog_and_bounces_of_the_letter(campaign):
    """The queue, owed emails and bounces are the letter's own, not the site's."""
    dashboard = letter_dashboard(letter=campaign)
    assert dashboard.public_count == 3
    assert dashboard.approval_queue == 1  # the confirmed individual is counted
    assert (dashboard.emails_owed, dashboard.emails_failing) == (3, 1)
    assert dashboard.bounces == 2


def test_dashboard_window_is_the_last_ninety_days():
    """Older signatures count in the totals but the chart shows 90 days at most."""
    letter = LetterFactory()
    signed(letter, days_ago=200, status="approved")
    signed(letter, days_ago=3, status="approved")
    dashboard = letter_dashboard(letter=letter)
    assert len(dashboard.days) == 90
    assert dashboard.last_day == timezone.localdate()
    assert sum(row.total for row in dashboard.days) == 1
    assert dashboard.by_state["approved"] == 2


def test_dashboard_of_a_closed_letter_ends_at_its_close():
    """A closed letter's chart ends on the day signing closed."""
    letter = LetterFactory(signing_closes=timezone.now() - timedelta(days=10))
    signed(letter, days_ago=20, status="confirmed")
    dashboard = letter_dashboard(letter=letter)
    assert dashboard.first_day == timezone.localdate() - timedelta(days=20)
    assert dashboard.last_day == timezone.localdate() - timedelta(days=10)
    assert len(dashboard.days) == 11
    assert dashboard.approval_queue == 0  # this letter needs no approval
    assert dashboard.by_state["confirmed"] == 1


def test_dashboard_without_signatures(admin_client):
    """A letter nobody signed yet has no chart, and the page says so."""
    letter = LetterFactory()
    assert letter_dashboard(letter=letter).days == []
    response = admin_client.get(page_url(letter))
    assert response.status_code == 200
    assert "No signatures yet." in response.text
    assert "dashboard-chart" not in response.text


def svg_of(html: str) -> str:
    match = re.search(r'<svg class="dashboard-chart".*?</svg>', html, re.DOTALL)
    assert match, "no SVG on the page"
    return match.group(0)


def test_dashboard_page_draws_an_accessible_svg_chart(admin_client, campaign):
    """The chart is SVG from the server: no script, no style, titled, with a table."""
    response = admin_client.get(page_url(campaign))
    assert response.status_code == 200
    svg = svg_of(response.text)
    assert 'role="img"' in svg and 'aria-label="Signatures per day from' in svg
    assert "<title>Signatures per day from" in svg
    assert "<script" not in svg.lower() and "style=" not in svg.lower()
    # One bar segment per non-zero figure, each with a tooltip; a legend per state.
    assert svg.count("<rect") == 5 + 3
    for label in ("Approved", "Confirmed", "Waiting for email confirmation"):
        assert f">{label}</text>" in svg
    content = response.text.split('id="content-main"', 1)[1]
    assert "<script" not in content.lower() and "style=" not in content.lower()
    assert "<details>" in content and "<table>" in content


def test_dashboard_page_shows_the_figures(admin_client, campaign):
    """The page shows the queue, backlog, bounces and the breakdowns with links."""
    html = admin_client.get(page_url(campaign)).text
    only = f"letter__id__exact={campaign.pk}"
    assert f'href="{ADMIN}?queue=waiting&amp;{only}">1</a>' in html
    assert f'href="{ADMIN}?email=unsent&amp;{only}">3</a> (1 after a failed' in html
    assert f'href="{ADMIN}?email=failed&amp;{only}">2</a>' in html
    assert "3 of a goal of 50" in html
    assert '<th scope="row">Ukraine</th><td>1</td><td>1</td><td>1</td><td>3</td>' in (
        html
    )
    assert "Media outlet" in html
    assert f'href="{csv_url(campaign)}"' in html


def test_dashboard_names_countries_in_the_current_language(admin_client, campaign):
    """In German the countries and states are named in German."""
    html = admin_client.get(page_url(campaign, language="de")).text
    assert "Deutschland" in html and "Bestätigt" in html


def test_chart_coordinates_are_not_localised(admin_client, campaign):
    """German writes 12,5; SVG needs 12.5 (the browser drops the shape otherwise)."""
    svg = svg_of(admin_client.get(page_url(campaign, language="de")).text)
    coordinates = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg)
    assert coordinates and any("." in value for value in coordinates)
    assert not [value for value in coordinates if "," in value]


def test_dashboard_shows_no_email_address(admin_client, campaign):
    """Neither the page nor the CSV carries a signer's address."""
    addresses = [
        *Signature.objects.exclude(contact_email="").values_list(
            "contact_email", flat=True
        ),
        *OutboundEmail.objects.exclude(recipient="").values_list(
            "recipient", flat=True
        ),
    ]
    assert addresses
    html = admin_client.get(page_url(campaign)).text
    text = admin_client.get(csv_url(campaign)).content.decode()
    for address in addresses:
        assert address not in html and address not in text
    assert "@" not in text


def read_csv(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_dashboard_csv_holds_the_same_figures(admin_client, campaign):
    """The CSV has one figure per row, matching the dashboard."""
    response = admin_client.get(csv_url(campaign))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "dashboard-stop-the-raids-" in response["Content-Disposition"]
    rows = read_csv(response)
    assert tuple(rows[0]) == CSV_HEADER
    single = {r["metric"]: int(r["value"]) for r in rows if not r["state"]}
    assert single["letter"] == campaign.pk
    assert single["goal"] == 50
    assert single["public_count"] == 3
    assert single["approval_queue"] == 1
    assert single["emails_owed"] == 3
    assert single["emails_failing"] == 1
    assert single["bounces"] == 2
    figures = {
        (r["metric"], r["key"], r["state"]): int(r["value"]) for r in rows if r["state"]
    }
    dashboard = letter_dashboard(letter=campaign)
    for state, n in dashboard.by_state.items():
        assert figures[("signatures", "", state)] == n
    for metric, breakdown in (
        ("per_day", dashboard.days),
        ("country", dashboard.by_country),
        ("organisation_type", dashboard.by_type),
    ):
        for row in breakdown:
            for state, n in row.by_state().items():
                assert figures[(metric, row.key, state)] == n
    today = timezone.localdate().isoformat()
    assert figures[("per_day", today, "approved")] == 1
    assert figures[("country", "UA", "pending")] == 1
    labels = {(r["metric"], r["key"]): r["label"] for r in rows}
    assert labels[("country", "DE")] == "Germany"
    assert labels[("organisation_type", "media")] == "Media outlet"


def test_dashboard_csv_neutralises_formulas(admin_client):
    """A letter title that starts like a formula is written inert."""
    letter = LetterFactory(title="=HYPERLINK(1)")
    rows = read_csv(admin_client.get(csv_url(letter)))
    assert rows[0]["label"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("suffix", ["", "csv/"])
def test_dashboard_of_an_unknown_letter_is_404(admin_client, suffix):
    """An id that names no letter is a 404, not an error."""
    assert admin_client.get(f"{INDEX}999999/{suffix}").status_code == 404


@pytest.mark.parametrize("which", ["index", "page", "csv"])
def test_visitors_are_sent_to_the_login(client, which):
    """Anonymous requests go to the admin login."""
    letter = LetterFactory()
    url = {"index": INDEX, "page": page_url(letter), "csv": csv_url(letter)}[which]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")


@pytest.mark.parametrize("which", ["index", "page", "csv"])
def test_staff_without_view_permission_get_403(client, which):
    """Staff who may not view signatures see neither the dashboard nor its CSV."""
    letter = LetterFactory()
    SignatureFactory(letter=letter)
    client.force_login(staff_with("view_letter"))
    url = {"index": INDEX, "page": page_url(letter), "csv": csv_url(letter)}[which]
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("which", ["index", "page", "csv"])
def test_view_permission_opens_the_dashboard(client, which):
    """View permission on signatures is enough to see the figures."""
    letter = LetterFactory()
    SignatureFactory(letter=letter)
    client.force_login(staff_with("view_signature"))
    url = {"index": INDEX, "page": page_url(letter), "csv": csv_url(letter)}[which]
    assert client.get(url).status_code == 200


def test_dashboard_index_links_every_letter(admin_client):
    """The index lists the letters, drafts too, each linking to its dashboard."""
    published = LetterFactory(title="Published letter")
    draft = LetterFactory(title="Draft letter", status="draft")
    html = admin_client.get(INDEX).text
    for letter in (published, draft):
        assert f'<a href="{page_url(letter)}">{letter}</a>' in html


def test_dashboard_queries_do_not_grow_with_signatures(admin_client):
    """The page costs the same number of queries for 2 and for 20 signatures."""
    letter = LetterFactory()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(page_url(letter)).status_code == 200
        return len(captured)

    for days_ago in range(2):
        signed(letter, days_ago=days_ago, status="approved", country="DE")
    queries()  # the first request fills per-process caches
    few = queries()
    for days_ago in range(18):
        signed(letter, days_ago=days_ago, status="confirmed", country="FR")
    assert queries() == few


def test_changelist_links_the_dashboards(admin_client):
    """The signature list links the dashboards, and a letter's when filtered by it."""
    letter = LetterFactory()
    html = admin_client.get(ADMIN).text
    assert f'href="{INDEX}"' in html
    assert f'href="{page_url(letter)}"' not in html
    html = admin_client.get(f"{ADMIN}?letter__id__exact={letter.pk}").text
    assert f'href="{page_url(letter)}"' in html


def test_changelist_ignores_a_bad_letter_filter(admin_client):
    """A letter filter that is not a number links no dashboard and breaks nothing."""
    response = admin_client.get(f"{ADMIN}?letter__id__exact=%D9%A3")  # Arabic 3
    assert response.status_code in (200, 302)
    assert "Dashboard of this letter" not in response.text


def test_toolbar_links_the_dashboard_on_a_letter_page(admin_client, letters_page):
    """On a letter's page the Campaign menu links that letter's dashboard."""
    letter = LetterFactory(slug="stop-the-raids")
    html = admin_client.get("/en/letters/stop-the-raids/").text
    assert "Signature dashboard of this letter" in html
    assert page_url(letter) in html
    # Other pages have no letter to link.
    assert "Signature dashboard of this letter" not in (
        admin_client.get("/en/letters/").text
    )


def test_toolbar_has_no_dashboard_without_permission(client, letters_page):
    """Staff who may not view signatures get no dashboard entry."""
    letter = LetterFactory(slug="stop-the-raids")
    client.force_login(staff_with("view_letter"))
    html = client.get("/en/letters/stop-the-raids/").text
    assert page_url(letter) not in html
    assert "Signature dashboard of this letter" not in html


def test_nice_step_gives_round_steps():
    """Axis steps are 1, 2 or 5 times a power of ten, at most five intervals."""
    assert [nice_step(peak) for peak in (0, 1, 4, 9, 10, 99, 1234)] == [
        1,
        1,
        1,
        2,
        2,
        20,
        500,
    ]


def test_stacked_bar_chart_stacks_values_to_scale():
    """Segments stack bottom-up in series order and scale to the highest column."""
    chart = stacked_bar_chart(
        columns=[Column("a", values=(2, 0)), Column("b", values=(1, 3))],
        series=[Series("low", colour="#000"), Series("high", colour="#fff")],
        plot_height=100,
    )
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    first, low, high = chart.segments
    assert (first.height, low.height, high.height) == (50, 25, 75)
    assert first.y + first.height == chart.bottom
    assert high.y + high.height == low.y  # stacked on top
    assert high.title == "b · high: 3"
    assert [item.label for item in chart.legend] == ["low", "high"]


def test_stacked_bar_chart_labels_at_most_ten_days():
    """Ninety columns get at most ten axis labels."""
    chart = stacked_bar_chart(
        columns=[Column(label=str(i), values=(1,)) for i in range(90)],
        series=[Series(label="n", colour="#000")],
    )
    assert len(chart.segments) == 90
    assert 1 < len(chart.x_ticks) <= 10
    assert all(s.x + s.width <= chart.right for s in chart.segments)
