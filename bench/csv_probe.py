"""Export one letter's signatures as the admin does; print seconds and peak RSS MB.

Run by bench/stack.py in a process of its own, so the peak is the export's.
"""

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from signatories.csv_export import signatures_csv  # noqa: E402
from signatories.models import Signature  # noqa: E402


def main(letter_id: int) -> None:
    started = time.perf_counter()
    with open("/dev/null", "w", encoding="utf-8") as sink:
        for chunk in signatures_csv(Signature.objects.filter(letter_id=letter_id)):
            sink.write(chunk)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {peak_mb:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
