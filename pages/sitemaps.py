from django.contrib.sitemaps import Sitemap

from .selectors import letter_list_public


class LetterSitemap(Sitemap):
    i18n = True
    changefreq = "weekly"

    def items(self):
        return letter_list_public()

    def lastmod(self, letter):
        return letter.updated_at

    def location(self, letter):
        return letter.get_absolute_url()
