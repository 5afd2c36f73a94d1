"""Admin-side tags: the approval queue where editors land (the admin index)."""

from django import template

from ..review import approval_queue_count, approval_queue_url

register = template.Library()


@register.inclusion_tag("admin/signatories/_approval_queue.html", takes_context=True)
def approval_queue(context):
    """The number of signatures waiting for approval, linked to that list."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("signatories.view_signature"):
        return {"visible": False}
    return {
        "visible": True,
        "count": approval_queue_count(),
        "url": approval_queue_url(),
    }
