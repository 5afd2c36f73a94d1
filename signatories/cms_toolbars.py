"""Adds the approval queue, with its count, to the editors' "Campaign" menu.

The menu itself belongs to ``pages.cms_toolbars``; this app adds its own entry so
that ``pages`` never imports ``signatories``.
"""

from cms.toolbar_base import CMSToolbar
from cms.toolbar_pool import toolbar_pool
from django.utils.translation import gettext as _

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
