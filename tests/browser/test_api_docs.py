"""The interactive API docs render in Chromium under the strict CSP, offline."""

from urllib.parse import urlsplit

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("live"),
    pytest.mark.django_db(transaction=True),
]


def test_api_docs_render_with_own_assets_and_no_csp_violation(
    page,
    live_server,
    output_dir,
):
    """Swagger UI lists every operation; nothing comes from another origin."""
    origin = urlsplit(live_server.url).netloc
    foreign, problems = [], []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).netloc not in (origin, "")
            and urlsplit(request.url).scheme != "data"
            and foreign.append(request.url)
        ),
    )
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and problems.append(message.text)
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() == 10  # five operations, v1 + alias
    page.screenshot(path=output_dir / "api-docs.png", full_page=True)
    assert not foreign
    assert not problems
