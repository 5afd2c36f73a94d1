"""The Celery worker yields the CPU to the web processes (CELERY_WORKER_NICE)."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("live")]


def _stat(path: Path) -> list[str]:
    # The fields after the parenthesised command name: [1] is the parent's PID,
    # [16] the nice value (fields 4 and 19 of proc(5)).
    return path.read_text().rpartition(")")[2].split()


def _nice(pid: int) -> int:
    return int(_stat(Path(f"/proc/{pid}/stat"))[16])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(_stat(stat)[1]) == pid:
                found.append(int(stat.parent.name))
        except OSError:  # gone meanwhile
            continue
    return found


@pytest.mark.parametrize(("setting", "lowered_by"), [(None, 10), ("3", 3), ("0", 0)])
def test_the_worker_and_its_pool_run_at_lower_priority(
    start_worker, setting, lowered_by
):
    """The main process and the pool processes that send emails are niced by
    CELERY_WORKER_NICE (10 when unset: on a shared machine readers and signers get
    the CPU first, and emails wait in the outbox); 0 leaves the priority alone."""
    worker = start_worker(pool="prefork", CELERY_WORKER_NICE=setting)
    expected = min(19, os.nice(0) + lowered_by)
    pool = _children(worker.process.pid)
    assert pool, worker.output()
    assert {pid: _nice(pid) for pid in [worker.process.pid, *pool]} == dict.fromkeys(
        [worker.process.pid, *pool], expected
    )
    # Started in its own session (as the bench and the test runner start it), the
    # worker's autogroup, which Linux weighs against the web's, is lowered too.
    autogroup = Path(f"/proc/{worker.process.pid}/autogroup").read_text()
    assert autogroup.split()[-1] == str(min(19, lowered_by))
