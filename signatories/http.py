"""Cache headers for public answers that a withdrawal must be able to take back.

Shared caches may keep such an answer but must ask again before every use
(``no-cache``): a withdrawn or unlisted organisation is then never served from a
cache, and an unchanged answer costs only a 304.
"""

import functools
import hashlib

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

REVALIDATE = {"public": True, "no_cache": True, "max_age": 0, "must_revalidate": True}


def etag_for(*parts: object) -> str:
    """A strong ETag over ``parts`` (quoted, as the header wants it)."""
    raw = b":".join(p if isinstance(p, bytes) else str(p).encode() for p in parts)
    return f'"{hashlib.sha256(raw).hexdigest()[:32]}"'


def revalidate(response: HttpResponse, *, etag: str) -> HttpResponse:
    """Mark a public answer "revalidate before every use" under ``etag``."""
    response["ETag"] = etag
    patch_cache_control(response, **REVALIDATE)
    return response


def not_modified(request, *, etag: str) -> HttpResponse | None:
    """A 304 when the client (or a cache) already holds ``etag``, else None."""
    response = get_conditional_response(request, etag=etag)
    return None if response is None else revalidate(response, etag=etag)


def revalidated(view):
    """Decorate a public JSON view: revalidate always, 304 when the body is the same.

    The ETag is the body's hash, so any withdrawal changes it. For django-ninja,
    apply it with ``ninja.decorators.decorate_view(revalidated)``.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response
        etag = etag_for(response.content)
        return not_modified(request, etag=etag) or revalidate(response, etag=etag)

    return wrapped
