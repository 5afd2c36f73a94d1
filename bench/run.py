"""Benchmarks: hot-page reads at scale, measured as ratios within one run.

    make bench                 # BENCH_ROWS=1000000 by default on PostgreSQL
    BENCH_ROWS=200000 make bench

It creates a throwaway database (test_<name>), fills one letter with BENCH_ROWS
signatures using set-based SQL, and compares, in the same run:
  1. the public count: denormalised tally vs COUNT(*) over the signatures;
  2. a deep page of the public list: keyset (id > cursor) vs OFFSET;
  3. the whole letter page (request -> HTML): BENCH_ROWS signatures vs 100;
  4. the CSV export's peak Python memory: streamed vs built in memory first.
Each figure is the median of several repetitions. Ratios, not absolute times, are
the claims: they hold across machines of different speed.
"""

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings_test")
if "DATABASE_URL" in os.environ:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/campaign_bench"
os.environ.setdefault("CAMPAIGN_RUN_DIR", "/tmp/campaign-bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.data import fill  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))


def median_seconds(fn, repeat=REPEAT) -> float:
    fn()  # warm caches and plans
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    from pages.models import Letter
    from signatories.csv_export import COLUMNS, csv_rows
    from signatories.models import Signature
    from signatories.selectors import (
        letter_public_signatories,
        letter_signature_count,
    )
    from signatories.services import letter_recount
    from tests.factories import LetterFactory

    db_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    print(f"Database: {connection.vendor} ({db_name}); rows: {ROWS:,}")
    try:
        call_command("load_demo", verbosity=0)
        big = LetterFactory(slug="bench-big")
        small = LetterFactory(slug="bench-small")
        start = time.perf_counter()
        fill(big, ROWS)
        fill(small, 100)  # also more than one page of 50, so both pages list 50
        letter_recount(letter=big)
        letter_recount(letter=small)
        print(f"Inserted in {time.perf_counter() - start:.1f} s")
        big = Letter.objects.get(pk=big.pk)

        def count_all():
            return Signature.objects.filter(
                letter=big, status__in=["confirmed", "approved"]
            ).count()

        assert letter_signature_count(letter=big) == count_all()
        tally = median_seconds(lambda: letter_signature_count(letter=big))
        scan = median_seconds(count_all)
        report("public count: COUNT(*) / tally read", scan, tally)

        page = letter_public_signatories(letter=big, limit=50)
        depth = min(ROWS // 2, 400_000)
        cursor = (
            Signature.objects.filter(letter=big, is_public=True, status="confirmed")
            .order_by("id")
            .values_list("id", flat=True)[depth]
        )

        def keyset():
            return letter_public_signatories(letter=big, after=cursor, limit=50).items

        def offset():
            return list(
                Signature.objects.filter(
                    letter=big, is_public=True, status="confirmed"
                ).order_by("id")[depth + 1 : depth + 51]
            )

        assert [s.pk for s in keyset()] == [s.pk for s in offset()]
        assert page.items
        report(
            f"list page at row {depth:,}: OFFSET / keyset",
            median_seconds(offset),
            median_seconds(keyset),
        )

        client = Client()
        client.get("/en/")
        full = median_seconds(lambda: client.get(f"/en/letters/{big.slug}/"))
        few = median_seconds(lambda: client.get(f"/en/letters/{small.slug}/"))
        assert client.get(f"/en/letters/{big.slug}/").status_code == 200
        report(
            f"letter page: {ROWS:,} signatures / 100",
            full,
            few,
            note="(near 1.0 means the page does not grow with signatures)",
        )

        export_rows = min(ROWS, 100_000)
        queryset = Signature.objects.filter(letter=big).order_by("pk")[:export_rows]
        fields = [field for field, _label in COLUMNS]

        def stream():
            for _chunk in csv_rows(queryset.values(*fields).iterator(chunk_size=2000)):
                pass

        def in_memory():
            rows = list(queryset.values(*fields))
            return "".join(csv_rows(rows))

        report(
            f"CSV export of {export_rows:,} rows, peak memory: in memory / streamed",
            peak_memory(in_memory),
            peak_memory(stream),
            unit="MiB",
        )
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


def peak_memory(fn) -> float:
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def report(label, slow, fast, unit="ms", note="") -> None:
    scale = 1000 if unit == "ms" else 1
    print(
        f"{label}: {slow * scale:.2f} {unit} / {fast * scale:.2f} {unit} "
        f"= ratio {slow / fast:.1f} {note}".rstrip()
    )


if __name__ == "__main__":
    main()
