"""Real moving parts for integration and browser tests: an SMTP sink and a Celery
worker (with beat) started as a separate process against the test database."""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from campaign.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class SinkHandler:
    """Accept mail, optionally answering 4xx to the first ``fail_first`` messages."""

    fail_first: int = 0
    attempts: int = 0
    messages: list = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.fail_first:
            return "451 4.3.0 Temporary failure, try again later"
        self.messages.append(
            message_from_bytes(envelope.original_content, policy=policy.default)
        )
        self.arrived.set()
        return "250 OK"

    def wait_for(self, count: int = 1, timeout: float = 60) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, (
            f"expected {count} message(s) in the sink within {timeout}s, "
            f"got {len(self.messages)} after {self.attempts} attempt(s)"
        )
        return self.messages


def set_broker_url(url: str) -> None:
    """Point this process's Celery app at another broker; drop pooled connections."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink():
    handler = SinkHandler()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path
    queue: str

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def start_worker(transactional_db, smtp_sink, tmp_path, settings):
    """Return a function that starts a real Celery worker with embedded beat.

    The worker listens on its own queue, uses the broker of the test run (Redis
    when REDIS_URL is set, else the filesystem broker), the test database and the
    SMTP sink. Every worker started is stopped after the test.
    """
    workers: list[Worker] = []
    queue = f"test-{uuid.uuid4().hex[:10]}"
    # The web side leases what it queues for this long: as short as the worker's.
    settings.OUTBOX_MIN_AGE_SECONDS = 1
    celery_app.conf.task_default_queue = queue
    for sub in ("broker/out", "broker/processed", "broker/control"):
        (settings.RUN_DIR / sub).mkdir(parents=True, exist_ok=True)

    def start(*, site_url: str = "http://testserver", **extra_env: str) -> Worker:
        log = tmp_path / f"worker{len(workers)}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "campaign.settings_test",
            "DATABASE_URL": _database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
            "EMAIL_RETRY_BACKOFF": "1",
            "OUTBOX_SWEEP_SECONDS": "1",
            "OUTBOX_MIN_AGE_SECONDS": "1",
            "CELERY_QUEUE": queue,
            "SITE_URL": site_url,
            "CAMPAIGN_RUN_DIR": str(settings.RUN_DIR),
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "campaign",
                    "worker",
                    "-B",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "-Q",
                    queue,
                    "-s",
                    str(tmp_path / f"beat-schedule{len(workers)}"),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = Worker(process=process, log=log, queue=queue)
        workers.append(worker)
        deadline = time.monotonic() + 60
        while "ready." not in worker.output():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"Celery worker did not start:\n{worker.output()}")
            time.sleep(0.1)
        return worker

    yield start
    for worker in workers:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.process.kill()
    celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
