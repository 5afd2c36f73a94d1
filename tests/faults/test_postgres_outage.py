"""PostgreSQL stopped under a running site: a clear 503, not an HTML 500.

Our own PostgreSQL 15 cluster on a free port (run as the postgres user), the
project migrated into it, gunicorn serving it; only that cluster is stopped.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
import pytest

from tests.faults.servers import PostgresCluster, wait_for_port
from tests.live import free_port

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("faults")]

ROOT = Path(__file__).resolve().parents[2]


def get(port: int, path: str, *, data: bytes | None = None):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def cluster():
    # Not pytest's tmp_path: its parents are private to root, and the server
    # runs as the postgres user.
    directory = Path(tempfile.mkdtemp(prefix="campaign-pg-fault-"))
    cluster = PostgresCluster(directory)
    try:
        cluster.init().start()
        conn = psycopg2.connect(cluster.url())
        conn.autocommit = True  # CREATE DATABASE refuses a transaction block
        with conn.cursor() as cursor:
            cursor.execute("CREATE DATABASE campaign")
        conn.close()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def site(cluster, tmp_path):
    """The project migrated into the cluster and served by gunicorn on it."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "campaign.settings_test",
        "DATABASE_URL": cluster.url("campaign"),
        "CAMPAIGN_RUN_DIR": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    port = free_port()
    log = (tmp_path / "web.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "campaign.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout=60)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_stopped_database_gets_503_answers_and_recovery(cluster, site):
    """Pages 503 with the page, the API 503 with JSON, /healthz 200 naming the
    database, /readyz 503; once the database is back everything answers again."""
    status, _headers, body = get(site, "/api/letters/")
    assert (status, json.loads(body)) == (200, {"results": []})
    assert json.loads(get(site, "/healthz")[2])["database"] == "ok"

    cluster.stop()

    titles = {"en": "Temporarily unavailable", "ru": "Временно недоступно"}
    for path in ("/en/", "/ru/letters/", "/en/letters/any-letter/", "/en/admin/"):
        status, headers, body = get(site, path)
        assert status == 503, (path, body[:500])
        assert headers["Retry-After"] == "30"
        assert headers["Content-Type"].startswith("text/html")
        assert titles[path[1:3]] in body  # in the language the path names
    assert '<html lang="ru">' in get(site, "/ru/letters/")[2]

    status, _headers, body = get(site, "/en/sign/any-letter/", data=b"x=1")
    assert status == 503  # a signing POST: refused clearly, nothing half-saved

    for path in ("/api/letters/", "/api/letters/any-letter/signatories/"):
        status, headers, body = get(site, path)
        assert status == 503, path
        assert headers["Content-Type"] == "application/problem+json"
        assert "detail" in json.loads(body)

    status, _headers, body = get(site, "/healthz")
    assert status == 200  # alive: the process answers, and says what is down
    assert json.loads(body)["database"] == "down"
    assert json.loads(body)["status"] == "unavailable"
    status, _headers, body = get(site, "/readyz")
    assert status == 503
    assert json.loads(body)["database"] == "down"

    cluster.start()  # same port, same data
    wait_for_port(cluster.port)
    assert get(site, "/readyz")[0] == 200
    assert get(site, "/api/letters/")[0] == 200
