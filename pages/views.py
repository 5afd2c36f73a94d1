import time

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.views.decorators.http import require_GET
from parler import appsettings as parler_settings

from campaign.staff import can_preview_drafts, is_verified_staff

from . import caching, selectors
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
    language = get_language()
    shown = letter_content_language(letter, language)
    response = render(
        request,
        "pages/letter_detail.html",
        {
            "letter": letter,
            "recommendations": letter.recommendations.all(),
            "updates": selectors.update_list_public(letter=letter, limit=5),
            "timeline": selectors.letter_timeline(letter=letter),
            "translated": shown == language,
            "content_language": shown,
            "content_language_name": get_language_info(shown)["name_translated"],
        },
    )
    response.letter = letter
    return response


def letter_content_language(letter, language: str) -> str:
    """The language the letter's text is shown in: the reader's, else a fallback."""
    fallbacks = parler_settings.PARLER_LANGUAGES.get_fallback_languages(language)
    for code in [language, *fallbacks]:
        if letter.has_translation(code):
            return code
    return language


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
