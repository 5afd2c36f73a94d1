"""The site's URLs plus the baselines the bench compares against (bench only)."""

from django.urls import path

from campaign.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("bench/page/", views.same_bytes, name="bench-page"),
    path("bench/insert/", views.insert_and_delay, name="bench-insert"),
    *site_urlpatterns,
]
