"""Baselines: the least a Django view can do for the same job, under the same stack."""

from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .tasks import noop

_page: bytes | None = None


def same_bytes(request):
    """Return the letter page's bytes, read once from the file the bench saved."""
    global _page
    if _page is None:
        _page = Path(settings.RUN_DIR, "bench-page.html").read_bytes()
    return HttpResponse(_page)


@csrf_exempt
def insert_and_delay(request):
    """One INSERT with a UNIQUE column and a no-op task queued on commit."""
    email = request.POST.get("contact_email") or request.body.decode()[:200]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_insert (email, created_at) VALUES (%s, now()) "
                "RETURNING id",
                [email],
            )
            row_id = cursor.fetchone()[0]
        transaction.on_commit(partial(noop.delay, row_id))
    return HttpResponse(status=202)
