from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Letters and updates")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the apphook reload handler)
