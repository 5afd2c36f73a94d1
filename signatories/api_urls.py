from django.urls import path, re_path

from . import api

app_name = "api"

urlpatterns = [
    # Where the hand-written document used to be: now the generated one.
    path("schema/", api.schema_alias, name="schema"),
    path("", api.api.urls),
    # Anything else under /api/ answers a JSON 404, not the site's HTML page.
    re_path(r"^(?P<rest>.*)$", api.not_found, name="not-found"),
]
