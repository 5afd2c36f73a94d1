"""The editors' approval queue in the admin, at a 1280 px wide screen."""

import os

import pytest

from pages.models import Letter
from tests.factories import SignatureFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("live")]

APPROVAL_LETTER = "keep-independent-media-connected"
EDITOR_PASSWORD = os.environ.get("DEMO_EDITOR_PASSWORD", "editor-demo-2026")


def log_in(page, live_server):
    page.goto(f"{live_server.url}/en/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/en/admin/")


def test_approval_queue_fits_a_1280_px_screen(
    wide_page, live_server, demo_site, output_dir
):
    """The queue is one click from the admin index and its table fits at 1280 px."""
    letter = Letter.objects.get(slug=APPROVAL_LETTER)
    for name in ("Association of Independent Regional Publishers", "Tide Radio"):
        SignatureFactory(
            letter=letter,
            status="confirmed",
            organisation=name,
            country="MD",
            website="https://independent-regional-publishers.example",
        )
    page = wide_page
    log_in(page, live_server)
    queue = page.locator("#approval-queue a")
    assert "2 signatures waiting for approval" in queue.inner_text()
    queue.click()
    page.wait_for_url("**/signatories/signature/?queue=waiting")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert "Waiting for approval" in rows.first.inner_text()
    widths = page.evaluate(
        """() => {
            const table = document.querySelector('#result_list');
            const box = table.parentElement;
            return {table: table.scrollWidth, box: box.clientWidth,
                    page: document.documentElement.scrollWidth};
        }"""
    )
    print(f"approval queue at 1280 px: {widths}")
    page.screenshot(path=output_dir / "admin-approval-queue-1280.png", full_page=True)
    assert widths["table"] <= widths["box"], widths
    assert widths["page"] <= 1280, widths
    headers = page.locator("#result_list thead th").all_inner_texts()
    for column in ("STATUS", "DOMAIN MATCH", "LISTED PUBLICLY"):
        assert column in [h.strip().upper() for h in headers], headers


def test_sign_form_in_russian_lists_countries_in_russian(
    page, live_server, demo_site, output_dir
):
    """On /ru/ the country list starts empty and runs in Russian alphabet order."""
    page.goto(f"{live_server.url}/ru/sign/{APPROVAL_LETTER}/")
    select = page.locator("select[name=country]")
    assert select.input_value() == ""
    labels = select.locator("option").all_inner_texts()
    assert labels[0] == "—" and labels[1] == "Австралия" and labels[-1] == "Япония"
    # A native drop-down does not show in a screenshot: open it as a list box.
    select.evaluate("element => { element.size = 12; }")
    page.screenshot(path=output_dir / "sign-form-ru.png", full_page=True)
