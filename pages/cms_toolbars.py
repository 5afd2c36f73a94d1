from cms.toolbar_base import CMSToolbar
from cms.toolbar_pool import toolbar_pool
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@toolbar_pool.register
class CampaignToolbar(CMSToolbar):
    """A "Campaign" menu for editors: letters, recommendations, updates, signatures."""

    def populate(self):
        if not self.request.user.is_staff:
            return
        menu = self.toolbar.get_or_create_menu("campaign-menu", _("Campaign"))
        for label, name in (
            (_("Letters"), "admin:pages_letter_changelist"),
            (_("Recommendations"), "admin:pages_recommendation_changelist"),
            (_("Updates"), "admin:pages_update_changelist"),
            (_("Signatures"), "admin:signatories_signature_changelist"),
        ):
            try:
                menu.add_sideframe_item(label, url=reverse(name))
            except NoReverseMatch:  # that admin is not installed
                continue
