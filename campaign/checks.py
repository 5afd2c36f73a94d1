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


@register()
def check_share_image_fonts(app_configs, **kwargs):
    """Warn when the share images' fonts are missing: Cyrillic would not show."""
    from pathlib import Path

    missing = [
        path
        for path in (settings.SHARE_IMAGE_FONT, settings.SHARE_IMAGE_FONT_BOLD)
        if not Path(path).is_file()
    ]
    if not missing:
        return []
    return [
        Warning(
            f"Share image font not found: {', '.join(missing)}. The images are "
            "drawn with another font found on the machine, or Pillow's own, which "
            "has no Cyrillic.",
            hint="Install Debian's fonts-dejavu-core (make run does), or set "
            "SHARE_IMAGE_FONT and SHARE_IMAGE_FONT_BOLD to TrueType files.",
            id="campaign.W002",
        )
    ]
