"""Adds signature entries to the editors' "Campaign" menu.

The menu itself belongs to ``pages.cms_toolbars``; this app adds its own entries so
that ``pages`` never imports ``signatories``: the approval queue with its count and,
on a letter's page, that letter's signature dashboard and delivery pack.
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
LETTER_PAGE = "letters:letter-detail"  # the apphook's letter page


def _letter_id(request) -> int | None:
    """The letter whose page this request is, if it is a letter's page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != LETTER_PAGE:
        return None
    return (
        Letter.objects.filter(slug=match.kwargs.get("slug", ""))
        .values_list("pk", flat=True)
        .first()
    )


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
        letter_id = _letter_id(self.request)
        if letter_id is not None:
            menu.add_sideframe_item(
                _("Signature dashboard of this letter"),
                url=reverse("admin:signatories_signature_dashboard", args=[letter_id]),
            )


@toolbar_pool.register
class DeliveryPackToolbar(CMSToolbar):
    """On a letter's page: "Delivery pack (PDF)", one link per language."""

    def populate(self):
        if not user_may_download_packs(self.request.user):
            return
        letter_id = _letter_id(self.request)
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
