"""Adds signature entries to the editors' "Campaign" menu.

The menu itself belongs to ``pages.cms_toolbars``; this app adds its own entries so
that ``pages`` never imports ``signatories``: the approval queue with its count and,
on a letter's page, that letter's signature dashboard.
"""

from cms.toolbar_base import CMSToolbar
from cms.toolbar_pool import toolbar_pool
from django.urls import reverse
from django.utils.translation import gettext as _

from pages.models import Letter

from .review import approval_queue_count, approval_queue_url

CAMPAIGN_MENU = "campaign-menu"  # the key pages.cms_toolbars creates the menu under
LETTER_PAGE = "letters:letter-detail"  # the apphook's letter page


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
        self._add_letter_dashboard(menu)

    def _add_letter_dashboard(self, menu) -> None:
        match = getattr(self.request, "resolver_match", None)
        if match is None or match.view_name != LETTER_PAGE:
            return
        letter_id = (
            Letter.objects.filter(slug=match.kwargs.get("slug", ""))
            .values_list("pk", flat=True)
            .first()
        )
        if letter_id is None:
            return
        menu.add_sideframe_item(
            _("Signature dashboard of this letter"),
            url=reverse("admin:signatories_signature_dashboard", args=[letter_id]),
        )
