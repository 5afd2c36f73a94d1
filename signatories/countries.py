"""Country names for forms and filters, in the page's language and its sort order."""

from django.utils import translation
from django_countries import countries


def country_choices(language: str) -> list[tuple[str, str]]:
    """Return (code, name) pairs named and sorted for ``language``.

    django-countries translates the names and, with pyuca installed, sorts them by
    the Unicode Collation Algorithm (Ä with A, Cyrillic in alphabet order) rather
    than by an ASCII transliteration that scrambles Cyrillic. The result depends
    only on the language, so callers may cache it per language.
    """
    with translation.override(language):
        return [(country.code, str(country.name)) for country in countries]
