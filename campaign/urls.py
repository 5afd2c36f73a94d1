from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from pages import views as pages_views
from pages.sitemaps import LetterSitemap, PageSitemap

from . import site_files, staff, views

sitemaps = {"pages": PageSitemap, "letters": LetterSitemap}

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("robots.txt", site_files.robots_txt, name="robots-txt"),
    path("readyz", views.readyz, name="readyz"),
    path("api/", include("signatories.api_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
]


urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("sign/", include("signatories.urls")),
    path("newsletter/", include("signatories.newsletter_urls")),
    # Before cms.urls: the CMS toolbar's password-only login must ask for the OTP.
    path("cms_login/", staff.cms_login, name="cms_login"),
    # Staff previews of any version of a letter's or an update's text.
    path(
        "preview/letter/<int:content_id>/",
        pages_views.letter_preview,
        name="letter-preview",
    ),
    path(
        "preview/update/<int:content_id>/",
        pages_views.update_preview,
        name="update-preview",
    ),
    path("", include("cms.urls")),
)

# A database outage raised anywhere (django CMS middleware included) answers 503.
handler500 = "campaign.outage.server_error"
