from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language

from . import selectors


def letter_list(request):
    return render(
        request,
        "pages/letter_list.html",
        {"letters": selectors.letter_list_public()},
    )


def letter_detail(request, slug: str):
    letter = selectors.letter_get_public(
        slug=slug, include_drafts=request.user.is_staff
    )
    language = get_language()
    return render(
        request,
        "pages/letter_detail.html",
        {
            "letter": letter,
            "recommendations": letter.recommendations.all(),
            "updates": selectors.update_list_public(letter=letter, limit=5),
            "translated": letter.has_translation(language),
            "content_language": (
                language if letter.has_translation(language) else "en"
            ),
        },
    )


def update_list(request):
    paginator = Paginator(selectors.update_list_public(), 20)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "pages/update_list.html", {"page": page})
