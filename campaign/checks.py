"""System checks of the deployment (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def check_redis_url(app_configs, **kwargs):
    """Warn when production runs without Redis: every limit would be per process."""
    if settings.DEBUG or settings.REDIS_URL:
        return []
    return [
        Warning(
            "REDIS_URL is not set: the cache and the signing rate limits are kept "
            "in each process's memory, so every web process (and every restart) "
            "counts on its own, and Celery uses the filesystem broker.",
            hint="Set REDIS_URL (e.g. redis://redis:6379/0) in production.",
            id="campaign.W001",
        )
    ]
