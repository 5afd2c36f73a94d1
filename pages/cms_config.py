from cms.app_base import CMSAppConfig

from .cms_wizards import letter_wizard


class PagesCMSConfig(CMSAppConfig):
    cms_enabled = True
    cms_wizards = [letter_wizard]
