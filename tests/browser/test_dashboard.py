"""The per-letter signature dashboard as Chromium draws it, at a 1280 px screen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pages.models import Letter
from signatories.models import Signature
from tests.factories import SignatureFactory

from .conftest import AXE_JS
from .test_editor import APPROVAL_LETTER, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("live")]

# (days ago, state) of the signatures added to the demo letter.
SIGNED = [(5, "approved"), (5, "approved"), (5, "confirmed"), (2, "pending")]


def drawn_bars(page) -> int:
    """Bars of the chart the browser actually drew (a bad attribute draws nothing)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('svg.dashboard-chart rect')]
            .filter(rect => rect.querySelector('title'))
            .filter(rect => rect.getBBox().width > 0 && rect.getBBox().height > 0)
            .length"""
    )


def test_dashboard_chart_is_drawn_without_script_or_third_parties(
    wide_page, live_server, demo_site, output_dir
):
    """Every bar is drawn in English and German; no errors, requests elsewhere, or
    accessibility violations in the dashboard's content."""
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `make axe`"
    letter = Letter.objects.get(slug=APPROVAL_LETTER)
    for days_ago, status in SIGNED:
        signature = SignatureFactory(letter=letter, status=status, country="MD")
        Signature.objects.filter(pk=signature.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    page = wide_page
    errors, elsewhere = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith(live_server.url) else elsewhere.append(r.url)
        ),
    )
    log_in(page, live_server)
    page.goto(f"{live_server.url}/en/admin/signatories/signature/dashboard/")
    page.click(f"a[href$='/dashboard/{letter.pk}/']")
    page.wait_for_url(f"**/dashboard/{letter.pk}/")
    # The demo's own signatures (signed today) add bars too: count the segments.
    expected = page.locator("svg.dashboard-chart rect title").count()
    assert expected >= 3
    assert drawn_bars(page) == expected
    assert page.locator("svg.dashboard-chart").bounding_box()["width"] > 600
    page.screenshot(path=output_dir / "admin-dashboard-1280.png", full_page=True)
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        "async () => (await axe.run('#content-main',"
        " {resultTypes: ['violations']})).violations"
    )
    assert [v["id"] for v in violations] == []
    page.goto(
        f"{live_server.url}/de/admin/signatories/signature/dashboard/{letter.pk}/"
    )
    assert "Unterschriften pro Tag" in page.content()
    assert drawn_bars(page) == expected
    assert errors == []
    assert elsewhere == []
