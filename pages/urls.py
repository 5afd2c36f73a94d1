"""URLs mounted by the letters apphook (see cms_apps.py)."""

from django.urls import path

from . import feeds, views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="letter-list"),
    path("updates/", views.update_list, name="update-list"),
    path("feed/", feeds.UpdatesFeed(), name="feed-rss"),
    path("feed/atom/", feeds.UpdatesAtomFeed(), name="feed-atom"),
    path("feed/letters/", feeds.LettersFeed(), name="letters-feed-rss"),
    path("feed/letters/atom/", feeds.LettersAtomFeed(), name="letters-feed-atom"),
    path("<slug:slug>/", views.letter_detail, name="letter-detail"),
    path(
        "<slug:slug>/deliveries/<int:delivery_id>/file/",
        views.delivery_file,
        name="delivery-file",
    ),
    path(
        "<slug:slug>/versions/<int:number>/",
        views.letter_version,
        name="letter-version",
    ),
    path(
        "<slug:slug>/versions/<int:number>/changes/",
        views.letter_diff,
        name="letter-diff",
    ),
]
