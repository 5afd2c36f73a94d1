"""The production stack as docker-compose.yml describes it."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.servers import wait_for_port
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]


def compose_service(name: str) -> str:
    """The block of ``name`` in docker-compose.yml (the file is not parsed as YAML
    here: PyYAML is not a dependency of the project)."""
    text = (ROOT / "docker-compose.yml").read_text()
    match = re.search(rf"^  {name}:\n((?:    .*\n|\n)+)", text, re.MULTILINE)
    assert match, f"no service {name!r} in docker-compose.yml"
    return match.group(1)


def compose_command(name: str) -> list[str]:
    line = re.search(r"^    command: (.+)$", compose_service(name), re.MULTILINE)
    return line.group(1).split()


def compose_healthcheck(name: str) -> list[str]:
    line = re.search(r"^      test: (\[.+\])$", compose_service(name), re.MULTILINE)
    return json.loads(line.group(1))


@pytest.fixture
def production_web(tmp_path):
    """The web service's own command, under production settings, on a free port."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="campaign.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="letters.example.org",
        EMAIL_URL="smtp+tls://user:pw@smtp.example.org:587",
        CAMPAIGN_RUN_DIR=str(tmp_path),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    program, *args = compose_command("web")
    assert program == "gunicorn"
    log = (tmp_path / "web.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout=60)
        yield port, env
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_compose_health_check_passes_under_production_settings(production_web):
    """The compose file's own health check command succeeds against its web command
    under production settings (whose ALLOWED_HOSTS refuse the Host it sends)."""
    _port, env = production_web
    program, *args = compose_healthcheck("web")[1:]
    assert program == "python"
    check = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert check.returncode == 0, check.stderr


def test_web_workers_are_not_replaced_every_few_seconds(monkeypatch):
    """A replaced gunicorn worker imports Django and the CMS again (about a second
    of CPU); at 2,000 requests a worker under a viral letter's load was replaced
    every few seconds. The guard against slow leaks now comes every 50,000."""
    import importlib

    import campaign.gunicorn as config

    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    importlib.reload(config)
    assert (config.max_requests, config.max_requests_jitter) == (50000, 5000)
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "0")  # 0: never replaced
    importlib.reload(config)
    assert (config.max_requests, config.max_requests_jitter) == (0, 0)
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS")
    importlib.reload(config)
