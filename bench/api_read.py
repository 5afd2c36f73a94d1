"""Requests per second of the letter read endpoint: django-ninja (now) vs the
hand-written JsonResponse view it replaced, side by side in one process.

    make bench-api                      # or: .venv/bin/python bench/api_read.py
    BENCH_API_REQUESTS=1000 make bench-api

The old view is loaded from git (the commit before the hand-written openapi.json
was deleted) and mounted at /api/before/letters/<slug>/; the new one answers at
/api/v1/letters/<slug>/. Both go through the whole middleware stack with Django's
test client, on a throwaway database, request by request alternately, in three
rounds. The ratio is the claim, not the absolute numbers.
"""

import os
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings_test")
if "DATABASE_URL" in os.environ:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/campaign_bench_api"
os.environ.setdefault("CAMPAIGN_RUN_DIR", "/tmp/campaign-bench-api")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", "400"))
ROUNDS = 3


def old_api_module() -> types.ModuleType:
    """signatories/api.py as it was before the move to django-ninja."""
    deleted_in = subprocess.run(
        ["git", "rev-list", "-n1", "HEAD", "--", "signatories/openapi.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    source = subprocess.run(
        ["git", "show", f"{deleted_in}^:signatories/api.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("signatories._api_before")
    module.__package__ = "signatories"
    exec(compile(source, "signatories/api.py@before", "exec"), module.__dict__)  # noqa: S102
    return module


def bench_urlconf(old: types.ModuleType) -> str:
    from campaign import urls

    module = types.ModuleType("bench_api_urls")
    module.urlpatterns = [
        path("api/before/letters/<slug:slug>/", old.letter_detail),
        *urls.urlpatterns,
    ]
    sys.modules[module.__name__] = module
    return module.__name__


def timed_get(client: Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def interleaved_round(client: Client, before: str, after: str) -> tuple[float, float]:
    """Requests per second of each, requests alternating (shared-machine noise hits
    both alike)."""
    spent = {before: 0.0, after: 0.0}
    for _ in range(REQUESTS):
        for url in (before, after):
            spent[url] += timed_get(client, url)
    return REQUESTS / spent[before], REQUESTS / spent[after]


def main() -> None:
    from signatories import services
    from tests.factories import LetterFactory, RecommendationFactory, SignatureFactory

    db_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        letter = LetterFactory(slug="bench-letter", title="Bench", goal=1000)
        for number in range(1, 6):
            RecommendationFactory(letter=letter, number=number, title=f"R{number}")
        SignatureFactory.create_batch(20, letter=letter, status="confirmed")
        services.letter_recount(letter=letter)
        before = f"/api/before/letters/{letter.slug}/"
        after = f"/api/v1/letters/{letter.slug}/"
        with override_settings(ROOT_URLCONF=bench_urlconf(old_api_module())):
            client = Client()
            old_body, new_body = client.get(before).json(), client.get(after).json()
            assert old_body == new_body, "the two endpoints disagree"
            for _ in range(20):  # warm up
                timed_get(client, before), timed_get(client, after)
            print(f"GET letter detail, {REQUESTS} requests per round, in-process")
            print(f"{'round':>5}  {'before (JsonResponse)':>22}  {'after (ninja)':>14}")
            ratios = []
            for n in range(1, ROUNDS + 1):
                old_rps, new_rps = interleaved_round(client, before, after)
                ratios.append(new_rps / old_rps)
                print(f"{n:>5}  {old_rps:>18.0f} r/s  {new_rps:>10.0f} r/s")
            ratios.sort()
            print(
                f"after/before: {ratios[len(ratios) // 2]:.2f} "
                f"(median of {ROUNDS}; range {ratios[0]:.2f}-{ratios[-1]:.2f})"
            )
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
