from csp.middleware import CSPMiddleware
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

# Paths outside i18n_patterns: their 404s are final, not a missing language prefix.
UNPREFIXED = ("/api/", "/healthz", "/sitemap.xml", "/static/", "/i18n/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, minus the language redirect for unprefixed URLs.

    With the CMS catch-all every "/en/<path>" resolves, so Django would answer an API
    404 with a redirect to "/en/api/...". An API client should see the 404.
    """

    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith(UNPREFIXED):
            return response
        return super().process_response(request, response)


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
