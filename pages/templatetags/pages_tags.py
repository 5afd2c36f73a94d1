from django import template
from django.utils.translation import get_language, get_language_info

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
