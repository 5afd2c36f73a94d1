"""Adds the approval queue, with its count, and on a letter's page its delivery
pack, to the editors' "Campaign" menu.

The menu itself belongs to ``pages.cms_toolbars``; this app adds its own entries so
that ``pages`` never imports ``signatories``.
"""

from cms.toolbar_base import CMSToolbar
from cms.toolbar_pool import toolbar_pool
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pages.models import Letter

from .delivery_pack import user_may_download_packs
from .review import approval_queue_count, approval_queue_url

CAMPAIGN_MENU = "campaign-menu"  # the key pages.cms_toolbars creates the menu under


@toolbar_pool.register
class ApprovalQueueToolbar(CMSToolbar):
    def populate(self):
        user = self.request.user
        if not (user.is_staff and user.has_perm("signatories.view_signature")):
            return
        menu = self.toolbar.get_or_create_menu(CAMPAIGN_MENU, _("Campaign"))
        count = approval_queue_count()
        label = _("Waiting for approval (%(count)d)") % {"count": count}
        menu.add_sideframe_item(label, url=approval_queue_url())


LETTER_VIEW = "letter-detail"  # pages.urls, under the letters apphook's namespace


@toolbar_pool.register
class DeliveryPackToolbar(CMSToolbar):
    """On a letter's page: "Delivery pack (PDF)", one link per language."""

    def populate(self):
        if not user_may_download_packs(self.request.user):
            return
        match = getattr(self.request, "resolver_match", None)
        if not match or match.url_name != LETTER_VIEW or not match.namespaces:
            return
        letter_id = (
            Letter.objects.filter(slug=match.kwargs.get("slug", ""))
            .values_list("pk", flat=True)
            .first()
        )
        if letter_id is None:
            return
        menu = self.toolbar.get_or_create_menu(CAMPAIGN_MENU, _("Campaign"))
        packs = menu.get_or_create_menu("delivery-pack", _("Delivery pack (PDF)"))
        for code, _name in settings.LANGUAGES:
            packs.add_link_item(
                translation.get_language_info(code)["name_local"],
                url=reverse(
                    "admin:signatories_deliverypack_download", args=[letter_id, code]
                ),
            )
