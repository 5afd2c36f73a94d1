"""A clear 503 while the database is away, instead of an HTML 500.

Visitors get a short translated page with ``Retry-After``; ``/api/`` callers get
JSON (``{"detail": ...}``). The page is rendered without the database (no CMS
tags, no context processors, no session).

Where the error is caught: Django turns an exception inside any middleware into a
500 response before the middleware around it sees it, so an outer middleware
cannot catch what django CMS's middleware raises. Instead

- ``DatabaseUnavailableMiddleware`` sits before the first middleware that reads
  the database (django CMS's apphook reload does, on every request) and connects
  first: an outage found there (the usual case) is answered at once;
- its ``process_exception`` answers for views;
- ``server_error`` (``handler500``) answers for anything else, such as the
  database going away in the middle of a request.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views import defaults

from .problems import problem

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)

_outage = {"logged": False}  # per process: log an outage once, not per request


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be reached."""
    for _depth in range(5):
        if exc is None:
            return False
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer: problem details under /api/, the translated page elsewhere."""
    retry_after = settings.DATABASE_OUTAGE_RETRY_AFTER
    if request.path_info.startswith("/api/"):
        response = problem(  # the API's one error shape (RFC 9457)
            503,
            detail=gettext(
                "The service is temporarily unavailable. Please try again "
                "in a few minutes."
            ),
        )
    else:
        language = translation.get_language_from_request(request, check_path=True)
        with translation.override(language):
            html = render_to_string(
                "503.html", {"LANGUAGE_CODE": translation.get_language()}
            )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)  # no cache may keep the outage page
    return response


def _log_outage(exc: BaseException) -> None:
    if not _outage["logged"]:
        _outage["logged"] = True
        logger.error("Database unavailable (%s); answering 503", exc)


class DatabaseUnavailableMiddleware:
    """Answer 503 when the database cannot be reached (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            # What the first query of the request would do anyway: drop a
            # connection that failed its health check, then (re)connect.
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except DATABASE_ERRORS as exc:
            _log_outage(exc)
            return database_unavailable(request)
        if _outage["logged"]:
            _outage["logged"] = False
            logger.warning("Database reachable again")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            _log_outage(exception)
            return database_unavailable(request)
        return None


def server_error(request, template_name: str = "500.html"):
    """handler500: a database outage raised anywhere becomes the 503 answer."""
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request, template_name)
