"""Caching of the anonymous letter page: the server-side copy and shared caches.

The cache contract (docs/decisions.md):

- An anonymous request (no session or messages cookie) gets a page a shared cache
  may store: ``Cache-Control: public, max-age, stale-while-revalidate``, no
  ``Set-Cookie``, no ``Vary: Cookie``. The signatory list is not part of it: it has
  its own page that no shared cache stores, so a withdrawal never lingers.
- Any other request (editors, a signer mid-flow) is rendered fresh and answered
  ``private, no-cache``.
- The server keeps the rendered anonymous page per (letter, language) under a
  version that every write which changes the page moves: letter, recommendation
  and update saves, status changes, responses and deliveries, the tally
  (``signatories`` bumps it on commit), CMS publishing (menus). Nothing waits for
  a timeout to be correct on the server.
"""

import logging
import uuid
from contextlib import suppress

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from djangocms_versioning.signals import post_version_operation

from .models import (
    Delivery,
    Letter,
    LetterContent,
    Recommendation,
    RecommendationStatusChange,
    RecommendationText,
    Response,
    Update,
    UpdateContent,
)
from .selectors import signing_letters_forget

logger = logging.getLogger(__name__)

# What shared caches may keep: short, so an edit or a new count reaches readers
# quickly; stale-while-revalidate lets a front cache answer at once while it fetches.
PAGE_MAX_AGE = 60
PAGE_STALE_WHILE_REVALIDATE = 30
# The server-side copy is invalidated by version, the timeout only bounds memory.
PAGE_SERVER_TTL = 3600

SITE_VERSION_KEY = "pages:site-version"
MESSAGES_COOKIE = "messages"


def _letter_version_key(letter_id: int) -> str:
    return f"pages:letter-version:{letter_id}"


def _bump(key: str) -> None:
    # A cache that is down must not fail the write that changed the page (this runs
    # in post_save and on commit); while it is down nothing is served from it.
    try:
        cache.set(key, uuid.uuid4().hex[:12], None)
    except Exception:
        logger.exception("Could not move the cache version %s", key)


def letter_cache_bump(letter_id: int) -> None:
    """Invalidate every cached rendering of one letter (page and signatory list),
    and this process's copies of letters kept for signing."""
    signing_letters_forget()
    _bump(_letter_version_key(letter_id))


def site_cache_bump() -> None:
    """Invalidate every cached letter rendering (menus and CMS pages changed)."""
    _bump(SITE_VERSION_KEY)


def letter_cache_version(letter_id: int) -> str:
    """The current version of a letter's renderings (letter's and site's)."""
    key = _letter_version_key(letter_id)
    found = cache.get_many([key, SITE_VERSION_KEY])
    missing = {}
    for name in (key, SITE_VERSION_KEY):
        if name not in found:
            # Evicted or never set: any new value is as good as a bump.
            found[name] = missing[name] = uuid.uuid4().hex[:12]
    if missing:
        cache.set_many(missing, None)
    return f"{found[key]}.{found[SITE_VERSION_KEY]}"


def is_shared_request(request) -> bool:
    """True for a request whose answer may be shared: GET/HEAD, nobody's session."""
    return request.method in ("GET", "HEAD") and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or MESSAGES_COOKIE in request.COOKIES
    )


def mark_public(response, *, max_age: int = PAGE_MAX_AGE) -> None:
    """Let shared caches store ``response`` (PublicCacheMiddleware finishes it)."""
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        stale_while_revalidate=PAGE_STALE_WHILE_REVALIDATE,
    )
    response.shared_cacheable = True


def mark_private(response) -> None:
    """Keep ``response`` out of shared caches and make browsers ask again."""
    patch_cache_control(response, private=True, no_cache=True)


class PublicCacheMiddleware:
    """Serve and finish shared-cacheable pages.

    Sits before SessionMiddleware, which adds ``Vary: Cookie`` whenever a template
    looked at ``request.user`` (the CMS toolbar does, even for anonymous visitors).
    On the way out it drops that for a page marked public; a marked response that
    still sets a cookie is made private instead (a shared cache must never hand one
    visitor's cookie to the next). It also keeps the finished page per path with
    the letter's version, and on the way in answers an anonymous GET from that copy
    while the version still holds: no session, CMS or URL work for a page that
    every reader gets the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_shared_request(request):
            try:
                response = self._from_copy(request)
            except Exception:  # the cache is down: render as if it were empty
                logger.exception("Page copy unavailable")
                response = None
            if response is not None:
                return response
        response = self.get_response(request)
        if is_shared_request(request):
            # django CMS's LanguageCookieMiddleware sets django_language on every
            # response whose request lacks it, which would make every public page
            # unshareable. The language is in the URL and the switcher's links
            # carry it; Django's set_language view (a POST) still sets the cookie.
            with suppress(KeyError):
                del response.cookies[settings.LANGUAGE_COOKIE_NAME]
        if not getattr(response, "shared_cacheable", False):
            return response
        if response.cookies or not is_shared_request(request):
            del response["Cache-Control"]
            mark_private(response)
            return response
        vary = [
            v.strip()
            for v in response.get("Vary", "").split(",")
            if v.strip() and v.strip().lower() != "cookie"
        ]
        if vary:
            response["Vary"] = ", ".join(vary)
        elif "Vary" in response:
            del response["Vary"]
        try:
            self._keep_copy(request, response)
        except Exception:
            logger.exception("Could not keep a page copy")
        return response

    @staticmethod
    def _path_key(request) -> str:
        return f"pages:path-copy:{request.path}"

    def _from_copy(self, request):
        copy = cache.get(self._path_key(request))
        if copy is None:
            return None
        letter_id, version, headers, content = copy
        if letter_cache_version(letter_id) != version:
            return None
        try:
            request.get_host()  # ALLOWED_HOSTS still applies
        except DisallowedHost:
            return None
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response

    def _keep_copy(self, request, response) -> None:
        letter_id = getattr(response, "shared_cache_letter", None)
        if letter_id is None or response.status_code != 200 or request.GET:
            return
        headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
        cache.set(
            self._path_key(request),
            (letter_id, response.shared_cache_version, headers, response.content),
            response.shared_cache_ttl,
        )


def _letter_id_of(instance) -> int | None:
    if isinstance(instance, Letter):
        return instance.pk
    if isinstance(instance, Recommendation | Update | Response | Delivery):
        return instance.letter_id
    if isinstance(instance, LetterContent):
        return instance.letter_id
    if isinstance(instance, UpdateContent):
        return (
            Update.objects.filter(pk=instance.update_id)
            .values_list("letter_id", flat=True)
            .first()
        )
    if isinstance(instance, RecommendationText):
        return (
            LetterContent._original_manager.filter(pk=instance.content_id)
            .values_list("letter_id", flat=True)
            .first()
        )
    recommendation_id = getattr(instance, "recommendation_id", None)
    if recommendation_id:
        return (
            Recommendation.objects.filter(pk=recommendation_id)
            .values_list("letter_id", flat=True)
            .first()
        )
    return getattr(instance, "letter_id", None)


def _bump_for(sender, instance, **kwargs) -> None:
    letter_id = _letter_id_of(instance)
    if letter_id:
        letter_cache_bump(letter_id)


def _bump_for_version(sender, obj, **kwargs) -> None:
    """A version published, unpublished, archived or created: its letter changed."""
    letter_id = _letter_id_of(obj.content)
    if letter_id:
        letter_cache_bump(letter_id)
    site_cache_bump()


def connect() -> None:
    """Bump the versions on every write that changes what a letter page shows."""
    models = [
        Letter,
        LetterContent,
        Recommendation,
        RecommendationText,
        RecommendationStatusChange,
        Update,
        UpdateContent,
        Response,  # the tracker and the delivery record
        Delivery,
    ]
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                _bump_for, sender=model, dispatch_uid=f"pages.cache.{model.__name__}"
            )
    post_version_operation.connect(_bump_for_version, dispatch_uid="pages.cache.site")
