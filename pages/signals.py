"""Keep apphook URLs current when pages are published through djangocms-versioning.

Publishing a version does not mark the URLconf as changed, so a page with the letters
apphook published after start-up would keep the old URLs (seen with django CMS 5.1).
"""

from cms.utils.apphook_reload import mark_urlconf_as_changed
from django.dispatch import receiver
from djangocms_versioning.signals import post_version_operation


@receiver(post_version_operation, dispatch_uid="pages.apphook_reload_on_publish")
def reload_apphooks_after_publish(sender, **kwargs) -> None:
    mark_urlconf_as_changed()
