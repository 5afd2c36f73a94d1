"""Keep caches in step with content: apphook URLs and cached plugin output.

Publishing a version does not mark the URLconf as changed, so a page with the letters
apphook published after start-up would keep the old URLs (seen with django CMS 5.1).

Letters, recommendations and updates are edited in the admin (their versioned text
through djangocms-versioning's change forms); the CMS caches the plugins that show
them. These receivers only invalidate caches, through ``pages.services``; they hold
no business logic. Publishing and unpublishing run the versioning hooks in
``pages.services``, which do the same.
"""

from cms.utils.apphook_reload import mark_urlconf_as_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from djangocms_versioning.constants import OPERATION_PUBLISH, OPERATION_UNPUBLISH
from djangocms_versioning.signals import post_version_operation
from menus.menu_pool import menu_pool

from .caching import site_cache_bump
from .models import (
    Letter,
    LetterContent,
    Recommendation,
    RecommendationText,
    Update,
    UpdateContent,
)
from .services import campaign_content_changed

CONTENT_MODELS = [
    Letter,
    LetterContent,
    Recommendation,
    RecommendationText,
    Update,
    UpdateContent,
]


@receiver(post_version_operation, dispatch_uid="pages.apphook_reload_on_publish")
def reload_apphooks_after_publish(sender, **kwargs) -> None:
    mark_urlconf_as_changed()


@receiver(post_version_operation, dispatch_uid="pages.letter_menu_on_publish")
def clear_menus_after_letter_publish(sender, operation=None, **kwargs) -> None:
    """The CMS menus list published letters (pages.cms_menus): rebuild them.

    Once committed: a menu rebuilt before then would keep the old titles. The page
    copies that show the menus are dropped again at that point for the same reason.
    """
    if sender is LetterContent and operation in (
        OPERATION_PUBLISH,
        OPERATION_UNPUBLISH,
    ):
        transaction.on_commit(_menus_changed)


def _menus_changed() -> None:
    menu_pool.clear(all=True)
    site_cache_bump()


def content_changed(sender, **kwargs) -> None:
    campaign_content_changed()


for _model in CONTENT_MODELS:
    post_save.connect(
        content_changed, sender=_model, dispatch_uid=f"pages.cache.save.{_model}"
    )
    post_delete.connect(
        content_changed, sender=_model, dispatch_uid=f"pages.cache.delete.{_model}"
    )
