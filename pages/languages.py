"""Which language a record's text is shown in, and the fallbacks readers get."""

from django.conf import settings


def fallback_chain(language: str) -> list[str]:
    """``language`` first, then its configured fallbacks, without repeats."""
    configured = getattr(settings, "CONTENT_FALLBACK_LANGUAGES", None)
    if configured is None:
        configured = {"default": [settings.LANGUAGE_CODE]}
    chain = [language, *configured.get(language, configured.get("default", []))]
    return list(dict.fromkeys(chain))


def content_language(obj, language: str) -> str:
    """The language ``obj``'s text is shown in: ``language``, else its fallback."""
    content = obj.content(language)
    return content.language if content is not None else language
