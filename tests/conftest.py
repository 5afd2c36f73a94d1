import pytest
from cms.api import create_page, create_page_content
from cms.models import PageContent
from cms.utils.apphook_reload import reload_urlconf
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.utils import translation
from djangocms_versioning import versionables
from djangocms_versioning.models import Version

from campaign.breaker import reset_breakers
from campaign.celery import app as celery_app

from .factories import EditorFactory


def cache_clear() -> None:
    """Empty this run's cache keys only: the Redis server is shared, never flushed."""
    # Every alias (rate limits too); with django-redis, every key under our KEY_PREFIX
    # whatever its version (django CMS writes its page and permission caches under
    # versions of its own).
    from django_redis.client.default import glob_escape

    for each in (caches[alias] for alias in settings.CACHES):
        if hasattr(each, "delete_pattern"):
            client = each.client.get_client(write=True)
            pattern = f"{glob_escape(each.key_prefix)}:*"
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)
        else:
            each.clear()
        if hasattr(each, "local"):
            each.local.clear()  # the rate limiter's per-process fallback


@pytest.fixture(autouse=True)
def _clean_cache():
    """The CMS caches placeholders and rate limits live in the cache: start empty."""
    reset_breakers()
    cache_clear()
    yield
    cache_clear()
    reset_breakers()


@pytest.fixture
def client():
    """A test client that says what every browser says: forms come from our pages.

    The sign view checks ``Sec-Fetch-Site`` instead of a CSRF token; tests of that
    check build their own clients.
    """
    return Client(headers={"Sec-Fetch-Site": "same-origin"})


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Forget content type ids cached by an earlier test of this process.

    A transactional test's flush recreates the content types with new ids, while
    djangocms-versioning keeps the old ones per process (it looks versions up by
    them): the next test's factories would find no version.
    """
    ContentType.objects.clear_cache()
    for versionable in versionables._cms_extension().versionables:
        versionable.__dict__.pop("content_types", None)


@pytest.fixture(autouse=True)
def _english():
    """Start each test in English: a /de/ request leaves German active."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editor(db):
    return EditorFactory()


def publish(page, user, language="en"):
    content = PageContent.admin_manager.get(page=page, language=language)
    Version.objects.get_for_content(content).publish(user)


@pytest.fixture
def letters_page(db, editor):
    """A published CMS page carrying the letters apphook at /<lang>/letters/."""
    # A transactional test before this one flushed the tables; cached content
    # type ids may be stale (versioning looks versions up by content type).
    ContentType.objects.clear_cache()
    for versionable in versionables._cms_extension().versionables:
        versionable.__dict__.pop("content_types", None)
    home = create_page(
        "Home",
        "cms/home.html",
        "en",
        slug="home",
        created_by=editor,
        in_navigation=True,
    )
    with transaction.atomic():
        home.set_as_homepage()
    publish(home, editor)
    page = create_page(
        "Open letters",
        "cms/page.html",
        "en",
        slug="letters",
        created_by=editor,
        apphook="LettersApphook",
        apphook_namespace="letters",
        in_navigation=True,
    )
    for language in ("ru", "de", "uk"):
        for each, slug in ((home, "home"), (page, "letters")):
            create_page_content(
                language, slug.title(), each, slug=slug, created_by=editor
            )
            publish(each, editor, language)
    publish(page, editor)
    reload_urlconf()
    return page


@pytest.fixture
def celery_eager():
    """Run tasks in-process when queued (per test; on_commit still decides when)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_eager_propagates = False
