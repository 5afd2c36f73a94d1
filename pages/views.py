from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language, get_language_info
from parler import appsettings as parler_settings

from campaign.staff import can_preview_drafts

from . import selectors


def letter_list(request):
    return render(
        request,
        "pages/letter_list.html",
        {"letters": selectors.letter_list_public()},
    )


def letter_detail(request, slug: str):
    letter = selectors.letter_get_public(
        slug=slug, include_drafts=can_preview_drafts(request)
    )
    language = get_language()
    shown = letter_content_language(letter, language)
    return render(
        request,
        "pages/letter_detail.html",
        {
            "letter": letter,
            "recommendations": letter.recommendations.all(),
            "updates": selectors.update_list_public(letter=letter, limit=5),
            "translated": shown == language,
            "content_language": shown,
            "content_language_name": get_language_info(shown)["name_translated"],
        },
    )


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
