"""django CMS hooks: the letter wizard and versioning of letters and updates.

Letters and updates are registered with djangocms-versioning the way
djangocms-stories registers posts: a stable grouper (``Letter``, ``Update``) and
per-language content rows grouped by language, each with draft, published and
archived versions. Publishing and unpublishing keep the grouper's mirror of its
published languages in step (``pages.services``).
"""

from cms.app_base import CMSAppConfig
from cms.utils.i18n import get_language_tuple
from django.conf import settings
from djangocms_versioning.datastructures import VersionableItem

from . import services
from .cms_wizards import letter_wizard
from .models import LetterContent, UpdateContent
from .views import letter_content_render


def _languages(*args):
    return get_language_tuple(site_id=settings.SITE_ID)


def _letter_label(letter, language):
    content = letter.content(language)
    return content.title if content else letter.slug


def _update_label(update, language):
    content = update.content(language)
    return content.title if content else str(update.pk)


class PagesCMSConfig(CMSAppConfig):
    cms_enabled = True
    cms_wizards = [letter_wizard]
    # The CMS's preview and edit endpoints render a version of a letter's text as
    # its page (the toolbar then shows the version's Edit / Publish buttons).
    cms_toolbar_enabled_models = [(LetterContent, letter_content_render)]
    djangocms_versioning_enabled = True
    versioning = [
        VersionableItem(
            content_model=LetterContent,
            grouper_field_name="letter",
            extra_grouping_fields=["language"],
            version_list_filter_lookups={"language": _languages},
            grouper_selector_option_label=_letter_label,
            copy_function=services.letter_content_copy,
            on_publish=services.on_letter_content_publish,
            on_unpublish=services.on_letter_content_unpublish,
            preview_url=services.letter_content_preview_url,
        ),
        VersionableItem(
            content_model=UpdateContent,
            grouper_field_name="update",
            extra_grouping_fields=["language"],
            version_list_filter_lookups={"language": _languages},
            grouper_selector_option_label=_update_label,
            on_publish=services.on_update_content_publish,
            on_unpublish=services.on_update_content_unpublish,
            preview_url=services.update_content_preview_url,
        ),
    ]
