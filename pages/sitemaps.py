"""sitemap.xml: CMS pages and letters, each with its hreflang alternates.

Every entry lists the same page in each language it has its own text in
(``xhtml:link rel="alternate"``), plus ``x-default``: the address without a
language prefix, which redirects by the browser's language. Fallback renderings
(a letter at /de/ shown in English) are not announced as German pages.
"""

from cms.sitemaps import CMSSitemap
from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.utils.translation import get_language

from .languages import content_language
from .selectors import letter_list_public


class LetterSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return letter_list_public()

    def get_languages_for_item(self, letter):
        return [
            code
            for code, _name in settings.LANGUAGES
            if content_language(letter, code) == code
        ]

    def lastmod(self, letter):
        return letter.updated_at

    def location(self, letter):
        return letter.get_absolute_url()


class PageSitemap(CMSSitemap):
    """django CMS's sitemap (published, public, not redirecting), one item per page.

    The CMS lists one address per page and language, with no alternates; here
    each page is one item in the languages it is published in.
    """

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        pages = {}
        for page_url in super().items():
            entry = pages.setdefault(
                page_url.page_id, {"page": page_url.page, "urls": {}, "lastmod": None}
            )
            entry["urls"][page_url.language] = page_url
            changed = page_url.content_changed_date
            if entry["lastmod"] is None or changed > entry["lastmod"]:
                entry["lastmod"] = changed
        self._pages = pages
        return [entry["page"] for entry in pages.values()]

    def get_languages_for_item(self, page):
        urls = self._pages[page.pk]["urls"]
        return [code for code, _name in settings.LANGUAGES if code in urls]

    def lastmod(self, page):
        return self._pages[page.pk]["lastmod"]

    def location(self, page):
        language = get_language()
        return self._pages[page.pk]["urls"][language].get_absolute_url(language)
