from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("schema/", api.schema, name="schema"),
    path("letters/", api.letter_list, name="letter-list"),
    path("letters/<slug:slug>/", api.letter_detail, name="letter-detail"),
    path("letters/<slug:slug>/signatories/", api.signatory_list, name="signatory-list"),
    path(
        "letters/<slug:slug>/signatures/", api.signature_create, name="signature-create"
    ),
    path("letters/<slug:slug>/widget/", api.counter_widget, name="widget"),
]
