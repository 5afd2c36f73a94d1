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
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from djangocms_versioning.signals import post_version_operation

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


def content_changed(sender, **kwargs) -> None:
    campaign_content_changed()


for _model in CONTENT_MODELS:
    post_save.connect(
        content_changed, sender=_model, dispatch_uid=f"pages.cache.save.{_model}"
    )
    post_delete.connect(
        content_changed, sender=_model, dispatch_uid=f"pages.cache.delete.{_model}"
    )
