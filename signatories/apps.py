from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignatoriesConfig(AppConfig):
    name = "signatories"
    verbose_name = _("Signatures")

    def ready(self) -> None:
        # Register the Celery tasks in every process: the outbox queues them by name.
        from . import receivers, tasks  # noqa: F401

        receivers.connect()
