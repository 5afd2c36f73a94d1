"""django CMS toolbar: the "Campaign" menu everywhere, the "Letter" menu on letters.

On a letter's page (and on previews and the CMS's edit mode of one of its
versions) the views set the ``LetterContent`` shown as the toolbar's object.
djangocms-versioning then adds its Edit / New Draft button and its version menu;
``LetterToolbar`` adds the "Letter" menu and, on a draft outside edit mode, the
same Publish button versioning shows in edit mode.
"""

from cms.cms_toolbars import REFRESH_PAGE
from cms.toolbar.items import ButtonList, LinkItem
from cms.toolbar.utils import get_object_edit_url
from cms.toolbar_base import CMSToolbar
from cms.toolbar_pool import toolbar_pool
from django.contrib.auth import get_permission_codename
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from djangocms_versioning.constants import DRAFT
from djangocms_versioning.helpers import version_list_url
from djangocms_versioning.models import Version

from .models import LetterContent
from .services import letter_content_preview_url

LETTER_MENU = "letter-menu"


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


class PostLinkItem(LinkItem):
    """A menu entry the toolbar sends as a POST (a state-changing admin view)."""

    template = "pages/toolbar/item_post_link.html"


def _version_url(version: Version, action: str) -> str:
    proxy = version.versionable.version_model_proxy
    return reverse(
        f"admin:{proxy._meta.app_label}_{proxy.__name__.lower()}_{action}",
        args=(version.pk,),
    )


@toolbar_pool.register
class LetterToolbar(CMSToolbar):
    """The "Letter" menu for the version of a letter's text the page shows."""

    def post_template_populate(self):
        content = self.toolbar.get_object()
        if not isinstance(content, LetterContent) or not self.request.user.is_staff:
            return
        user = self.request.user
        version = Version.objects.get_for_content(content)
        draft = version if version.state == DRAFT else self._draft_of(version)
        self._drop_structure_mode()
        self._add_publish_button(version)

        menu = self.toolbar.get_or_create_menu(LETTER_MENU, _("Letter"))
        language = get_language_info(content.language)["name_translated"]
        edit_label = _("Edit this letter's text in %(language)s") % {
            "language": language
        }
        if user.has_perm("pages.change_lettercontent"):
            if draft is not None:
                # The draft's form over the page; afterwards, the draft in edit mode.
                menu.add_modal_item(
                    edit_label,
                    url=reverse(
                        "admin:pages_lettercontent_change", args=(draft.object_id,)
                    ),
                    on_close=get_object_edit_url(draft.content),
                )
            elif version.check_edit_redirect.as_bool(user):
                # versioning makes the draft and opens it in edit mode.
                menu.add_item(
                    PostLinkItem(edit_label, url=_version_url(version, "edit_redirect"))
                )
        proxy = version.versionable.version_model_proxy
        if user.has_perm(
            f"{proxy._meta.app_label}.{get_permission_codename('change', proxy._meta)}"
        ):
            menu.add_sideframe_item(_("Versions"), url=version_list_url(content))
        if user.has_perm("pages.change_letter"):
            menu.add_modal_item(
                _("Letter settings"),
                url=reverse("admin:pages_letter_change", args=(content.letter_id,)),
                on_close=REFRESH_PAGE,
            )
        if draft is not None and draft.object_id != content.pk:
            menu.add_link_item(
                _("Preview draft"), url=letter_content_preview_url(draft.content)
            )
        if content.letter.is_published_in(content.language) and (
            version.state == DRAFT or self.toolbar.edit_mode_active
        ):
            with translation.override(content.language):
                url = content.letter.get_absolute_url()
            if url:
                menu.add_link_item(_("View the published letter"), url=url)

    def _draft_of(self, version: Version) -> Version | None:
        """The draft of the same letter and language, if one exists."""
        return (
            Version.objects.filter_by_content_grouping_values(version.content)
            .filter(state=DRAFT)
            .first()
        )

    def _add_publish_button(self, version: Version) -> None:
        # In edit mode djangocms-versioning adds this button itself; the letter's
        # previews (content mode) get the same one.
        if self.toolbar.edit_mode_active or version.state != DRAFT:
            return
        if not version.check_publish.as_bool(self.request.user):
            return
        item = ButtonList(side=self.toolbar.RIGHT)
        item.add_button(
            _("Publish"),
            url=_version_url(version, "publish"),
            extra_classes=[
                "cms-btn-action",
                "cms-form-post-method",
                "cms-versioning-js-publish-btn",
            ],
        )
        self.toolbar.add_item(item)

    def _drop_structure_mode(self) -> None:
        # A letter's text has no placeholders: the structure board would be empty.
        found = self.toolbar.find_first(ButtonList, identifier="Mode Switcher")
        if found is not None:
            self.toolbar.remove_item(found.item)
