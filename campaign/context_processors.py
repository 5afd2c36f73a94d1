from django.conf import settings


def site(request):
    """Expose the canonical site URL for OpenGraph tags and share links."""
    return {"SITE_URL": settings.SITE_URL}
