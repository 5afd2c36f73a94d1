"""Real moving parts for integration and browser tests: an SMTP sink and a Celery
worker (with beat) started as a separate process against the test database."""

import asyncio
import os
import signal
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
    """Accept mail, optionally answering 4xx to the first ``fail_first`` messages.

    Faults on demand: ``refuse`` holds addresses refused with 550 at RCPT (one
    ``rcpt_attempts`` entry each time); ``stall_next`` messages are stored and then
    held before the 250 reply until ``release`` is set (``stalled`` tells when one
    is held), as a server that received a message whose sender then died.
    """

    fail_first: int = 0
    attempts: int = 0
    messages: list = field(default_factory=list)
    # Each accepted message's bytes as they came over the wire.
    raw: list = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    refuse: set = field(default_factory=set)
    rcpt_attempts: list = field(default_factory=list)
    stall_next: int = 0
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    # The client's (host, port) of each recipient: one port per SMTP connection.
    peers: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts.append(address)
        self.peers.append(session.peer)
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.fail_first:
            return "451 4.3.0 Temporary failure, try again later"
        self.raw.append(envelope.original_content)
        self.messages.append(
            message_from_bytes(envelope.original_content, policy=policy.default)
        )
        self.arrived.set()
        if self.stall_next > 0:
            self.stall_next -= 1
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 OK"

    def recipients(self) -> list[str]:
        return [message["To"] for message in self.messages]

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


class SmtpSink(SinkHandler):
    """The handler plus its server, which can be taken down and brought back."""

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening: connections to the port are refused until ``start``."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_sink():
    handler = SmtpSink()
    handler.port = free_port()
    handler.controller = None
    handler.start()
    yield handler
    handler.release.set()
    handler.stop()


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

    def kill(self) -> None:
        """SIGKILL the worker and its pool children (no shutdown, no ack, no
        record): its own process group, so only processes this test started."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)


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

    def start(
        *,
        site_url: str = "http://testserver",
        pool: str = "solo",
        **extra_env: str | None,
    ) -> Worker:
        """Start a worker; ``pool="solo"`` sends in the worker's own process (its
        PID is the sender's), ``pool="prefork"`` in a child process. An
        ``extra_env`` value of None leaves that variable unset."""
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
            # Full priority beside the test processes, whose timeouts assume it;
            # test_worker_priority starts one at the deployed default.
            "CELERY_WORKER_NICE": "0",
            **extra_env,
        }
        env = {key: value for key, value in env.items() if value is not None}
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
                    f"--pool={pool}",
                    "--concurrency=1",
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
                start_new_session=True,  # its own process group, for kill()
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


def wait_until(predicate, timeout: float = 60) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.1)
    return predicate()


def sign_form(client, letter, *, email: str, organisation: str = "Org"):
    """POST the sign form as a visitor would (a listed organisation in Georgia)."""
    return client.post(
        f"/en/sign/{letter.slug}/",
        {
            "organisation": organisation,
            "country": "GE",
            "organisation_type": "ngo",
            "contact_name": "Contact",
            "contact_email": email,
            "is_public": "on",
            "consent": "on",
        },
    )
