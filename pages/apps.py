from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Letters and updates")

    def ready(self) -> None:
        from . import caching, signals  # noqa: F401  (signals: apphook reload)

        caching.connect()
