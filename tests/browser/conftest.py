import os
from pathlib import Path

import pytest
from cms.utils.apphook_reload import reload_urlconf
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from djangocms_versioning import versionables
from playwright.sync_api import sync_playwright

from tests.live import smtp_sink, start_worker  # noqa: F401

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
# make between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(
    os.environ.get("TEST_OUTPUT_DIR", Path(__file__).parents[2] / "test-output")
)
# axe-core, installed from the npm registry by `make axe` (part of `make test`).
AXE_JS = Path(
    os.environ.get(
        "AXE_JS",
        Path(__file__).parents[2] / "var/npm/node_modules/axe-core/axe.min.js",
    )
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 412, "height": 915})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def wide_page(browser):
    """A desktop-width page (1280 px) that may inject test scripts despite the CSP."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe():
    """Run axe-core on a page; returns its violations. Missing axe fails the test."""
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `make axe`"

    def run(page) -> list[dict]:
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        return result["violations"]

    return run


@pytest.fixture
def output_dir():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture
def demo_site(transactional_db):
    """The demo content, as `make run` loads it."""
    ContentType.objects.clear_cache()
    for versionable in versionables._cms_extension().versionables:
        versionable.__dict__.pop("content_types", None)
    call_command("load_demo", verbosity=0)
    reload_urlconf()
