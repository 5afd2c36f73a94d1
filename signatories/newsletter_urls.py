"""The newsletter's public links: /<lang>/newsletter/… (no login)."""

from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path(
        "unsubscribe/<uuid:public_id>/<str:token>/",
        views.newsletter_unsubscribe,
        name="unsubscribe",
    ),
]
