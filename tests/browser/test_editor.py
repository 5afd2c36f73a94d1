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


EDITED_LETTER = "norrland-software-licence-raids"


def open_letter_menu(page):
    page.locator(".cms-toolbar-item-navigation > li > a").get_by_text(
        "Letter", exact=True
    ).click()


def test_editor_drafts_previews_and_publishes_a_letter_from_its_page(
    browser, wide_page, live_server, demo_site, output_dir
):
    """New Draft, edit the text over the page, preview, Publish; visitors follow."""
    letter_url = f"{live_server.url}/en/letters/{EDITED_LETTER}/"
    letter = Letter.objects.get(slug=EDITED_LETTER)
    old_title = letter.content("en").title
    new_title = f"{old_title} (revised)"
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    page = wide_page
    log_in(page, live_server)
    page.goto(letter_url)
    toolbar = page.locator(".cms-toolbar")
    toolbar.locator("a.cms-btn", has_text="New Draft").wait_for()
    open_letter_menu(page)
    page.get_by_role("link", name="Letter settings").wait_for()
    page.screenshot(
        path=output_dir / "toolbar.png",
        clip={"x": 0, "y": 0, "width": 1280, "height": 420},
    )
    page.keyboard.press("Escape")

    # New Draft: versioning copies the text and opens the copy in edit mode.
    toolbar.locator("a.cms-btn", has_text="New Draft").click()
    page.wait_for_url("**/admin/cms/placeholder/object/*/edit/*/")
    toolbar.locator("a.cms-btn", has_text="Publish").wait_for()

    # Edit the text in the admin form the Letter menu opens over the page.
    open_letter_menu(page)
    page.get_by_role("link", name="Edit this letter's text in English").click()
    form = page.frame_locator(".cms-modal-frame iframe")
    form.locator("#id_title").fill(new_title)
    summary = form.locator("#id_summary")
    summary.fill(summary.input_value() + " We ask for an answer within 30 days.")
    form.locator("#id_change_note").fill("Clearer title, a deadline")
    page.locator(".cms-modal-buttons a", has_text="Save").first.click()
    # The modal closes and the draft's page reloads with the new text.
    page.locator("h1", has_text=new_title).wait_for()

    # The visitor still reads the published text; the editor previews the draft.
    visitor.goto(letter_url)
    assert visitor.locator("h1").inner_text() == old_title
    page.goto(letter_url)
    assert page.locator("h1").inner_text() == old_title
    open_letter_menu(page)
    page.get_by_role("link", name="Preview draft").click()
    page.wait_for_url("**/preview/letter/*/")
    assert page.locator("h1").inner_text() == new_title
    assert visitor.goto(page.url).status == 404

    # Publish: the editor lands on the letter, and so does the visitor's new text.
    toolbar.locator("a.cms-btn", has_text="Publish").click()
    page.wait_for_url(letter_url)
    assert page.locator("h1").inner_text() == new_title
    # (The first visitor's browser may keep its copy for max-age, 60 s, by design:
    # a visitor arriving now is served by the server, whose copy is gone.)
    visitor.context.close()
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(letter_url)
    assert visitor.locator("h1").inner_text() == new_title

    # What changed, as the public sees it, and the versions as editors see them.
    visitor.goto(f"{letter_url}versions/1/changes/")
    assert visitor.locator("ins", has_text="(revised)").count() == 1
    assert visitor.locator("ins", has_text="within 30 days").count() == 1
    visitor.screenshot(path=output_dir / "diff.png", full_page=True)
    open_letter_menu(page)
    versions = page.get_by_role("link", name="Versions")
    page.goto(live_server.url + versions.get_attribute("href"))
    page.locator("#result_list tbody tr").nth(1).wait_for()
    assert "Unpublished" in page.locator("#result_list").inner_text()
    page.locator("#toggle-nav-sidebar").click()  # room for the table
    page.screenshot(path=output_dir / "versions.png", full_page=True)
    visitor.context.close()
