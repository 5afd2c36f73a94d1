from cms.models import PageContent
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

register = template.Library()

# OpenGraph wants language_TERRITORY; the site's languages name no territory.
OG_LOCALES = {"en": "en_GB", "ru": "ru_RU", "de": "de_DE", "uk": "uk_UA"}
# The CMS's own page views (an apphook's views are translated with translate_url).
CMS_PAGE_VIEWS = {"pages-root", "pages-details-by-slug"}


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """Links to the current page in every site language (works without JavaScript)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = context.get("LANGUAGE_CODE")
    page = getattr(request, "current_page", None) if request else None
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:
            url = page.get_absolute_url(language=code) if page else f"/{code}/"
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links


@register.filter
def og_locale(code: str) -> str:
    """The OpenGraph locale (``ru_RU``) of a site language code."""
    return OG_LOCALES.get(code, code.replace("-", "_"))


def _page_languages(context, request) -> list[str] | None:
    """Languages this page has its own text in, or None where it has no versions.

    A view says so with ``page_languages`` in its context (a letter: the languages
    its text is written in); a CMS page or apphook page by its published content.
    Other pages (signing, links from emails) get no alternates.
    """
    languages = context.get("page_languages")
    if languages is not None:
        return list(languages)
    page = getattr(request, "current_page", None)
    if not page:
        return None
    return list(
        PageContent.objects.filter(page=page).values_list("language", flat=True)
    )


@register.inclusion_tag("campaign/_alternates.html", takes_context=True)
def alternate_links(context) -> dict:
    """``hreflang`` alternates (and ``og:locale:alternate``) for a translated page.

    One absolute link per language the page exists in, plus ``x-default``: the
    address without a language prefix, which redirects by the browser's language
    (as in the sitemap, and only where the page exists in the default language).
    """
    request = context.get("request")
    languages = _page_languages(context, request) if request else None
    if not languages:
        return {"links": [], "locales": []}
    match = getattr(request, "resolver_match", None)
    page = getattr(request, "current_page", None)
    cms_page = bool(page) and match is not None and match.url_name in CMS_PAGE_VIEWS
    paths = {}
    for code, _name in settings.LANGUAGES:
        if code in languages:
            paths[code] = (
                page.get_absolute_url(language=code)
                if cms_page
                else translate_url(request.path, code)
            )
    links = [
        {"code": code, "url": f"{settings.SITE_URL}{path}"}
        for code, path in paths.items()
    ]
    default = paths.get(settings.LANGUAGE_CODE)
    prefix = f"/{settings.LANGUAGE_CODE}/"
    if default and default.startswith(prefix):
        links.append(
            {
                "code": "x-default",
                "url": f"{settings.SITE_URL}/{default.removeprefix(prefix)}",
            }
        )
    current = context.get("LANGUAGE_CODE")
    return {
        "links": links,
        "locales": [og_locale(code) for code in paths if code != current],
    }
