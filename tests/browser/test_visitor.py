"""Headless Chromium (Debian's, driven by Playwright) against the live test server."""

import re
from urllib.parse import urlsplit

import pytest

from signatories.models import Signature, SignatureStatus

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("live")]

LETTER = "norrland-software-licence-raids"


def test_visitor_reads_a_letter_and_switches_language(
    page, live_server, demo_site, output_dir
):
    """Home page -> letter -> Russian version; a screenshot is saved."""
    page.goto(f"{live_server.url}/en/")
    assert page.locator("h2.teaser-title").count() == 2
    page.locator(f"a[href='/en/letters/{LETTER}/']").first.click()
    page.wait_for_url(f"**/en/letters/{LETTER}/")
    english_title = page.locator("h1").inner_text()
    assert page.locator("#recommendation-1").is_visible()
    page.screenshot(path=output_dir / "letter-en.png", full_page=True)

    page.locator(".lang-nav a[hreflang='ru']").click()
    page.wait_for_url(f"**/ru/letters/{LETTER}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    russian_title = page.locator("h1").inner_text()
    assert russian_title != english_title
    assert re.search("[А-Яа-я]", russian_title)
    page.screenshot(path=output_dir / "letter-ru.png", full_page=True)


def test_organisation_signs_confirms_by_email_and_is_listed(
    page, live_server, demo_site, start_worker, smtp_sink, output_dir
):
    """Sign in the browser, open the emailed link, press Confirm, see the listing."""
    start_worker(site_url=live_server.url)
    page.goto(f"{live_server.url}/en/letters/{LETTER}/")
    form = page.locator("#sign form")
    form.get_by_label("Organisation name").fill("Harbour Light Reporters")
    form.get_by_label("Website").fill("https://harbourlight.example")
    form.get_by_label("Country").select_option("MD")
    form.get_by_label("Type of organisation").select_option("media")
    form.get_by_label("Contact person").fill("Ion Rusu")
    form.get_by_label("Role").fill("Editor-in-chief")
    form.get_by_label("Contact email").fill("desk@harbourlight.example")
    form.locator("input[name=consent]").check()
    form.get_by_role("button", name="Sign").click()
    page.wait_for_url("**/thanks/")
    assert "Check your inbox" in page.locator("h1").inner_text()

    [message] = smtp_sink.wait_for(1, timeout=30)
    text = message.get_body(preferencelist=("plain",)).get_content()
    confirm_url = re.search(r"https?://\S+/sign/confirm/\S+/", text).group(0)
    assert urlsplit(confirm_url).netloc == urlsplit(live_server.url).netloc
    page.goto(confirm_url)
    page.get_by_role("button", name="Confirm").click()
    assert "confirmed" in page.locator("h1").inner_text()
    assert (
        Signature.objects.get(email_normalised="desk@harbourlight.example").status
        == SignatureStatus.CONFIRMED
    )

    page.goto(f"{live_server.url}/en/sign/{LETTER}/signatories/?country=MD")
    listed = page.locator(".signatory-list .name")
    assert "Harbour Light Reporters" in listed.all_inner_texts()
    assert "desk@harbourlight.example" not in page.content()
    page.screenshot(path=output_dir / "signed-and-listed.png", full_page=True)
