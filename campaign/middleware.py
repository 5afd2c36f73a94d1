from csp.middleware import CSPMiddleware

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
