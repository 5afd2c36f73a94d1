"""Which language a translated record is shown in (parler falls back silently)."""

from parler import appsettings as parler_settings
from parler.models import TranslatableModel


def content_language(obj: TranslatableModel, language: str) -> str:
    """The language ``obj``'s text is shown in: ``language``, else its fallback."""
    fallbacks = parler_settings.PARLER_LANGUAGES.get_fallback_languages(language)
    for code in [language, *fallbacks]:
        if obj.has_translation(code):
            return code
    return language
