import time

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from campaign.staff import can_preview_drafts, is_verified_staff

from . import caching, selectors, textdiff
from .canonical import canonical_text, text_hash
from .uploads import delivery_file_content_type


def letter_list(request):
    return render(
        request,
        "pages/letter_list.html",
        {"letters": selectors.letter_list_public()},
    )


LIST_FILTERS = {"country", "type", "after"}


def letter_detail(request, slug: str):
    """The letter page: shared-cacheable for anonymous readers, fresh for others."""
    if LIST_FILTERS.intersection(request.GET):
        # Links from before the list had a page of its own (?country=, ?after=).
        target = reverse("signatories:list", kwargs={"slug": slug})
        return redirect(f"{target}?{request.GET.urlencode()}", permanent=True)
    if caching.is_shared_request(request):
        return _letter_detail_shared(request, slug)
    response = _letter_detail_render(request, slug)
    caching.mark_private(response)
    return response


def _letter_detail_shared(request, slug: str) -> HttpResponse:
    # One indexed query decides publication (drafts 404 at once); the rendered page
    # is then looked up under the letter's current version (pages/caching.py).
    letter_id = selectors.letter_public_id(slug=slug)
    version = caching.letter_cache_version(letter_id)
    key = f"pages:letter-page:{letter_id}:{get_language()}:{version}"
    copy = cache.get(key)
    if copy is None:
        response = _letter_detail_render(request, slug)
        ttl = _seconds_until_change(response.letter)
        cache.set(key, (response.content, time.time() + ttl), ttl)
    else:
        html, deadline = copy
        response = HttpResponse(html)
        ttl = max(1, int(deadline - time.time()))
    caching.mark_public(response)
    # PublicCacheMiddleware keeps the finished page under this version.
    response.shared_cache_letter = letter_id
    response.shared_cache_version = version
    response.shared_cache_ttl = ttl
    return response


def _seconds_until_change(letter) -> int:
    """Keep a copy no longer than until signing opens or closes (the page changes)."""
    ttl = caching.PAGE_SERVER_TTL
    now = timezone.now()
    for moment in (letter.signing_opens, letter.signing_closes):
        if moment and moment > now:
            ttl = min(ttl, max(1, int((moment - now).total_seconds())))
    return ttl


def _letter_detail_render(request, slug: str) -> HttpResponse:
    letter = selectors.letter_get_public(
        slug=slug, include_drafts=can_preview_drafts(request)
    )
    response = _render_letter(request, letter, letter.content())
    response.letter = letter
    return response


def _render_letter(request, letter, content, *, preview: bool = False):
    language = get_language()
    shown = content.language if content is not None else language
    toolbar = getattr(request, "toolbar", None)
    if toolbar is not None and content is not None and request.user.is_staff:
        # The CMS toolbar offers to edit this text (or make a draft of it).
        toolbar.set_object(content)
    return render(
        request,
        "pages/letter_detail.html",
        {
            "letter": letter,
            "content": content,
            "recommendations": letter.current_recommendations(),
            "updates": selectors.update_list_public(letter=letter, limit=5),
            "timeline": selectors.letter_timeline(letter=letter),
            "translated": shown == language,
            "content_language": shown,
            "content_language_name": get_language_info(shown)["name_translated"],
            "preview": preview,
            # hreflang alternates: the languages the letter is published in.
            "page_languages": [
                code
                for code, _name in settings.LANGUAGES
                if letter.is_published_in(code)
            ],
        },
    )


def letter_preview(request, content_id: int):
    """Any version of a letter's text as readers would see it (verified staff)."""
    if not can_preview_drafts(request):
        raise Http404("No such version.")
    content = selectors.letter_content_for_preview(content_id=content_id)
    letter = content.letter
    letter.set_published_contents([content])
    with translation.override(content.language):
        response = _render_letter(request, letter, content, preview=True)
    caching.mark_private(response)
    return response


def letter_content_render(request, content):
    """django CMS's preview and edit endpoints for a version of a letter's text.

    Registered in ``pages.cms_config`` (``cms_toolbar_enabled_models``): the CMS
    checks the staff login and the view permission before it calls this, and its
    toolbar then offers the version's Edit, Publish and version menu.
    """
    letter = content.letter
    letter.set_published_contents([content])
    preview = not selectors.letter_content_is_published(content=content)
    with translation.override(content.language):
        response = _render_letter(request, letter, content, preview=preview)
    caching.mark_private(response)
    return response


def _cache_like_the_letter_page(request, response, letter_id: int, version: str):
    """Public pages about a letter: shared-cacheable exactly like the letter page.

    ``version`` is the letter's cache version read before rendering, so a copy is
    never kept under a version newer than what it shows.
    """
    if version is None:
        caching.mark_private(response)
        return response
    caching.mark_public(response)
    response.shared_cache_letter = letter_id
    response.shared_cache_version = version
    response.shared_cache_ttl = caching.PAGE_SERVER_TTL
    return response


def _public_version(request, slug: str, number: int):
    shared = caching.is_shared_request(request)
    letter_id = selectors.letter_public_id(slug=slug)
    cache_version = caching.letter_cache_version(letter_id) if shared else None
    found = selectors.letter_version_public(
        letter_id=letter_id, language=get_language(), number=number
    )
    return found, letter_id, cache_version


def _version_title(number: int) -> str:
    return _("Version %(number)s") % {"number": number}


def letter_version(request, slug: str, number: int):
    """A version of the letter's text that was published, with its SHA-256.

    Signatures are bound to the hash of the canonical text of the version they
    endorsed; this page shows both, so anyone can recompute the hash.
    """
    found, letter_id, cache_version = _public_version(request, slug, number)
    letter, content = found.letter, found.content
    letter.set_published_contents([content])
    response = render(
        request,
        "pages/letter_version.html",
        {
            "letter": letter,
            "content": content,
            "found": found,
            "recommendations": content.recommendation_rows(),
            "canonical_text": canonical_text(content),
            "text_hash": text_hash(content),
            "crumbs": [{"title": _version_title(found.number)}],
        },
    )
    return _cache_like_the_letter_page(request, response, letter_id, cache_version)


def letter_diff(request, slug: str, number: int):
    """What changed from a published version to the current published text."""
    found, letter_id, cache_version = _public_version(request, slug, number)
    if found.current is None:
        raise Http404("No published text in this language.")
    letter = found.letter
    letter.set_published_contents([found.current])
    parts = textdiff.letter_text_diff(found.content, found.current)
    response = render(
        request,
        "pages/letter_diff.html",
        {
            "letter": letter,
            "found": found,
            "changed": [part for part in parts if part.changed],
            "unchanged": [part.label for part in parts if not part.changed],
            "crumbs": [
                {
                    "title": _version_title(found.number),
                    "url": reverse(
                        "letters:letter-version",
                        kwargs={"slug": slug, "number": found.number},
                    ),
                },
                {"title": _("Changes")},
            ],
        },
    )
    return _cache_like_the_letter_page(request, response, letter_id, cache_version)


def update_preview(request, content_id: int):
    """Any version of an update's text as readers would see it (verified staff)."""
    if not can_preview_drafts(request):
        raise Http404("No such version.")
    content = selectors.update_content_for_preview(content_id=content_id)
    update = content.update
    update.set_published_contents([content])
    response = render(
        request,
        "pages/update_preview.html",
        {"update": update, "content": content, "preview": True},
    )
    caching.mark_private(response)
    return response


def update_list(request):
    paginator = Paginator(selectors.update_list_public(), 20)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "pages/update_list.html", {"page": page})


@require_GET
def delivery_file(request, slug: str, delivery_id: int):
    """A delivery's proof (PDF or photo): public once an editor shows it.

    Staff who may view deliveries open any (the admin links here). Answered
    ``private, no-cache``: a file an editor hides again must not linger in a
    shared cache.
    """
    editor = is_verified_staff(request) and request.user.has_perm("pages.view_delivery")
    delivery = selectors.delivery_file_public(
        slug=slug, delivery_id=delivery_id, include_unlisted=editor
    )
    try:
        handle = delivery.file.open("rb")
    except FileNotFoundError:
        raise Http404("No such file.") from None
    suffix = delivery.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type=delivery_file_content_type(delivery.file.name),
        filename=f"delivery-{delivery.date:%Y-%m-%d}.{suffix}",
    )
    caching.mark_private(response)
    return response
