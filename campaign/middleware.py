import codecs
from urllib.parse import parse_qsl

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

from .problems import problem
from .views import healthz, readyz

# Paths outside i18n_patterns: their 404s are final, not a missing language prefix.
UNPREFIXED = ("/api/", "/healthz", "/readyz", "/sitemap.xml", "/static/", "/i18n/")
HEALTH_VIEWS = {"/healthz": healthz, "/readyz": readyz}


class KeepUnprefixed404Middleware:
    """Stop LocaleMiddleware from turning an API 404 into a redirect to /en/api/...

    With the CMS catch-all every "/en/<path>" resolves, so Django's LocaleMiddleware
    would redirect any unprefixed 404. Listed twice: the inner instance (after
    LocaleMiddleware) keeps the 404, the outer one (before it) answers with it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(UNPREFIXED):
            return response
        kept = getattr(request, "_unprefixed_404", None)
        if response.status_code == 404:
            request._unprefixed_404 = response
        elif kept is not None:
            return kept
        return response


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before the middleware that needs the database.

    django CMS's apphook-reload and toolbar middleware read the database on every
    request: with it down they would fail the health check before the view could
    name the part that is down. The Host header is not checked here: these answers
    build no URLs, and container and load-balancer checks call by address
    (``127.0.0.1:8000``, the instance's IP), which ALLOWED_HOSTS rightly refuses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)


class StaffRelaxedCSPMiddleware(CSPMiddleware):
    """Send the strict policy to everyone except logged-in staff.

    The django CMS toolbar that editors see on public pages injects inline scripts
    and styles; visitors never get it, so they keep the strict policy.
    """

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return response
        return super().process_response(request, response)


# Deny powerful browser features to every page: nothing here needs them, and a
# script that slipped past the CSP must not reach a camera or a location.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def refusal(request, status: int, reason: str, **extra) -> HttpResponse:
    """Answer a request no view should see: JSON on the API, the error page elsewhere.

    Rendered without the request's context processors: the middleware that they rely
    on (sessions, auth, CMS) has not run yet.
    """
    if request.path_info.startswith("/api/"):
        # The API's one error shape; a bad query parameter is named like a field.
        field = extra.pop("field", None)
        if field:
            extra["errors"] = {field: [reason]}
        return problem(status, detail=reason, **extra)
    language = (
        translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        titles = {
            411: _("Length required"),
            413: _("Request too large"),
            415: _("Unsupported media type"),
        }
        body = loader.render_to_string(
            "400.html",
            {"title": titles.get(status, _("Bad request")), "reason": reason},
        )
    return HttpResponse(body, status=status)


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy header with every response, refusals included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RequestBodyLimitMiddleware:
    """Refuse a body over ``MAX_REQUEST_BYTES`` before anything reads it (413).

    Django's own limits do not cover file uploads, which it streams to disk. A body
    without a Content-Length (``Transfer-Encoding: chunked``) is never read by
    Django's WSGI handler, so it is refused (411) rather than silently dropped.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("CONTENT_LENGTH") or ""
        if raw.strip():
            try:
                length = int(raw)
            except ValueError:
                length = -1
            if length < 0:
                return refusal(request, 400, _("The Content-Length is not valid."))
            if length > settings.MAX_REQUEST_BYTES:
                limit = filesizeformat(settings.MAX_REQUEST_BYTES)
                return refusal(
                    request,
                    413,
                    _("The request is too large (at most %(limit)s).")
                    % {"limit": limit},
                )
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return refusal(
                request, 411, _("Send the request body with a Content-Length.")
            )
        return self.get_response(request)


class RequestSanitiserMiddleware:
    """Refuse input that cannot be stored or parsed, with a 400 and a reason.

    PostgreSQL cannot store NUL characters (the CMS page lookup raised on a NUL in any
    path), so they are refused in the path and the query string, and so are query
    strings that are not UTF-8 (QueryDict would quietly turn them into U+FFFD).
    Cookies carrying NUL are dropped, not refused: a cookie set by someone else must
    not lock a visitor out. Form bodies are parsed here, where a missing multipart
    boundary or too many fields can be answered in the right format (JSON on the
    API), instead of wherever ``request.POST`` is first touched. Text
    fields themselves are checked by the forms (signatories.forms).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason, extra = _url_problem(request)
        if reason:
            return refusal(request, 400, reason, **extra)
        charset = request.content_params.get("charset")
        if charset and _charset_unusable(charset):
            return refusal(request, 415, _("The charset is not supported."))
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if "\x00" not in name and "\x00" not in value
        }
        if request.method == "POST" and request.content_type in FORM_TYPES:
            response = _parse_form_body(request)
            if response is not None:
                return response
        return self.get_response(request)


def _url_problem(request) -> tuple[str, dict]:
    """The reason to refuse the request's address, and the query field at fault."""
    # Django has already decoded the path, percent-escaping bytes that are not
    # UTF-8 again (those pages are simply not found), so only NUL is left to refuse.
    if "\x00" in request.path_info:
        return _("The address contains a NUL character."), {}
    raw = request.META.get("QUERY_STRING", "")
    try:
        # Decoded strictly, where QueryDict would quietly put U+FFFD.
        query = raw.encode("latin-1").decode("utf-8")
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeError:
        return _("The query string is not valid UTF-8."), {}
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is not None and len(pairs) > limit:  # QueryDict would raise, as HTML
        return _("The query string has too many fields."), {}
    for name, value in pairs:
        if "\x00" in name or "\x00" in value:
            field = {} if "\x00" in name else {"field": name[:50]}
            return _("The query string contains a NUL character."), field
    return "", {}


def _charset_unusable(charset: str) -> bool:
    """True for a charset Django would adopt (``codecs.lookup`` knows it) that then
    fails to decode: rot13 and base64 are codecs but not text encodings, idna
    refuses the "replace" error handler that QueryDict uses."""
    try:
        codecs.lookup(charset)
    except (LookupError, ValueError, TypeError):
        return False  # Django ignores a charset it does not know
    try:
        b"a=%C3\xff".decode(charset, "replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return True
    return False


def _parse_form_body(request) -> HttpResponse | None:
    if request.content_type == "multipart/form-data":
        boundary = request.content_params.get("boundary", "")
        if not boundary or not MultiPartParser.boundary_re.fullmatch(boundary):
            return refusal(request, 400, _("The multipart body has no valid boundary."))
    try:
        request.POST  # noqa: B018 - parse now, where errors get a clear answer
    except RequestDataTooBig:  # over DATA_UPLOAD_MAX_MEMORY_SIZE, without files
        request._mark_post_parse_error()
        return refusal(request, 413, _("The form data is too large."))
    except (MultiPartParserError, SuspiciousOperation, BadRequest):
        request._mark_post_parse_error()
        return refusal(request, 400, _("The form data could not be read."))
    return None


class CharsetSafeWSGIRequest(WSGIRequest):
    """A request that ignores a charset it could not decode with.

    Django adopts any charset ``codecs.lookup`` knows; setting it decodes the query
    string at once, while the request is built and before any middleware runs, so
    ``charset=rot13`` was a 500 from the server itself. Such a charset is ignored
    here like an unknown one, and RequestSanitiserMiddleware then answers 415.
    """

    def _set_content_type_params(self, meta):
        self.content_type, self.content_params = parse_header_parameters(
            meta.get("CONTENT_TYPE", "")
        )
        charset = self.content_params.get("charset")
        if charset and not _charset_unusable(charset):
            try:
                codecs.lookup(charset)
            except (LookupError, ValueError, TypeError):
                return
            self.encoding = charset


class CampaignWSGIHandler(WSGIHandler):
    """Django's WSGI handler, building CharsetSafeWSGIRequest requests."""

    request_class = CharsetSafeWSGIRequest
