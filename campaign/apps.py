from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = "Campaign site"


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the site that requires two-factor login."""

    default = False  # named in INSTALLED_APPS; "campaign" stays CampaignConfig
    default_site = "campaign.staff.StaffAdminSite"
