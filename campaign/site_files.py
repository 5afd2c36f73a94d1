"""Files browsers and crawlers ask for at the site root: /favicon.ico, /robots.txt.

They live outside the language prefix: without these views the CMS redirects them
to /<lang>/favicon.ico and answers 404 (a console error on every first visit).
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Language-prefixed paths that crawlers must not follow: the admin, the one-time
# links from emails, and the API's write endpoint.
DISALLOWED = [
    "/*/admin/",
    "/*/sign/confirm/",
    "/*/sign/withdraw/",
    "/*/newsletter/unsubscribe/",
    "/api/letters/*/signatures/",
]


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    path = finders.find("favicon.ico")
    if not path:
        raise Http404("No favicon.")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")


@require_GET
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines += ["", f"Sitemap: {settings.SITE_URL.rstrip('/')}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
