from cms.app_base import CMSApp
from cms.apphook_pool import apphook_pool
from django.utils.translation import gettext_lazy as _


@apphook_pool.register
class LettersApphook(CMSApp):
    name = _("Open letters")
    app_name = "letters"

    def get_urls(self, page=None, language=None, **kwargs):
        return ["pages.urls"]

    def get_menus(self, page=None, language=None, **kwargs):
        from .cms_menus import LettersMenu

        return [LettersMenu]
