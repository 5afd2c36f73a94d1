from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = "Campaign site"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deploy checks
