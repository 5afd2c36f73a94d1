from django import template
from django.utils.translation import get_language, get_language_info

from .. import selectors
from ..languages import content_language

register = template.Library()


@register.simple_tag
def shown_language(obj) -> dict:
    """The language ``obj`` is shown in, and whether it is a fallback for the page's.

    Templates mark fallback text with its ``lang`` and a short note, so screen
    readers pronounce it right and readers know why it is not in their language.
    """
    language = get_language()
    code = content_language(obj, language)
    return {
        "page": language,
        "code": code,
        "fallback": code != language,
        "name": get_language_info(code)["name_translated"],
    }


@register.simple_tag
def recommendation_timeline(recommendation) -> list:
    """The recommendation's dated history for the page's language (oldest first)."""
    return selectors.recommendation_timeline(recommendation=recommendation)
