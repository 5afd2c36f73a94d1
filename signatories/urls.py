from django.urls import path

from . import views

app_name = "signatories"

urlpatterns = [
    path("confirm/<uuid:public_id>/<str:token>/", views.confirm, name="confirm"),
    path("withdraw/<uuid:public_id>/<str:token>/", views.withdraw, name="withdraw"),
    # Links mailed before public ids existed name the pk; withdraw links live 400
    # days. Same views, same token checks.
    path(
        "confirm/<int:signature_id>/<str:token>/",
        views.confirm,
        name="confirm-legacy",
    ),
    path(
        "withdraw/<int:signature_id>/<str:token>/",
        views.withdraw,
        name="withdraw-legacy",
    ),
    path("logo/<int:signature_id>.png", views.logo, name="logo"),
    path("<slug:slug>/", views.sign, name="sign"),
    path("<slug:slug>/thanks/", views.sign_done, name="sign-done"),
    path("<slug:slug>/share.png", views.share_image, name="share-image"),
    path("<slug:slug>/signatories/", views.signatory_list, name="list"),
    path(
        "<slug:slug>/signatories/frame/", views.signatory_list_frame, name="list-frame"
    ),
    path("<slug:slug>/new-link/", views.resend, name="resend"),
]
