"""`make bench`, part two: issue 12's targets against the production stack.

    make bench                                  # BENCH_ROWS=1000000, 10 s per run
    BENCH_ROWS=20000 BENCH_SECONDS=5 BENCH_INBOX_SECONDS=15 make bench   # quick

It starts, and stops again, only what it started: its own PostgreSQL database
(campaign_bench, created and dropped), a Redis db index with its own key prefix and
Celery queue, gunicorn with campaign/gunicorn.py (WEB_CONCURRENCY=2, DEBUG off), a
Celery worker with 2 processes, an aiosmtpd sink, and Debian's nginx with
deploy/nginx.conf. wrk (32 connections) loads it. Each pair of measures runs
alternately BENCH_ROUNDS times (3); the table shows medians and ratios, and the
whole run is written as JSON under var/bench/.

Everything goes through HTTP and the database, never through the app's internals,
so the bench keeps working when the code behind the pages changes.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
INBOX_SECONDS = int(os.environ.get("BENCH_INBOX_SECONDS", "60"))
EMAILS = int(os.environ.get("BENCH_EMAILS", "300"))
# A comma-separated subset of the sections below (1, 5, 2, 3, 4, 4b; all by default).
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))


def wanted(section: str) -> bool:
    return not ONLY or section in ONLY


CONNECTIONS = 32
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "13"))
RUN_ID = secrets.token_hex(3)
OUT = ROOT / "var" / "bench"
WORK = Path(tempfile.mkdtemp(prefix="campaign-bench-"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT, NGINX_PORT, SMTP_PORT = free_port(), free_port(), free_port()
BASE = f"http://127.0.0.1:{PORT}"
FRONT = f"http://127.0.0.1:{NGINX_PORT}"
PG_BASE = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_BASE = PG_BASE.rsplit("/", 1)[0]
DB_NAME = os.environ.get("BENCH_DB", "campaign_bench")
REDIS_BASE = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
PREFIX = f"campaign-bench-{RUN_ID}"
QUEUE = f"bench-{RUN_ID}"

ENV = os.environ | {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DATABASE_URL": f"{PG_BASE}/{DB_NAME}",
    "REDIS_URL": f"{REDIS_BASE}/{REDIS_DB}",
    "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
    # Rate limits raised through their settings: a 429 is not a sign-up.
    "SIGNATURE_RATE_IP": "100000000/h",
    "SIGNATURE_RATE_EMAIL": "100000000/h",
    "CELERY_QUEUE": QUEUE,
    "BENCH_PREFIX": PREFIX,
    "SITE_URL": BASE,
    "CAMPAIGN_RUN_DIR": str(WORK / "run"),
    "DJANGO_MEDIA_ROOT": str(WORK / "media"),
    "WEB_CONCURRENCY": "2",
    "HOST": "127.0.0.1",
    "PORT": str(PORT),
    "PYTHONPATH": str(ROOT),
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)


# Processes we start (and the only ones we stop)

STARTED: list[subprocess.Popen] = []


def start(name: str, args: list[str]) -> subprocess.Popen:
    log = open(WORK / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        args, cwd=ROOT, env=ENV, stdout=log, stderr=log, start_new_session=True
    )
    proc.bench_log = log
    STARTED.append(proc)
    return proc


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    # Its own session: the group holds only this process and its children.
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    proc.bench_log.close()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


class Worker:
    proc: subprocess.Popen | None = None

    @classmethod
    def start(cls) -> None:
        if cls.proc is None or cls.proc.poll() is not None:
            cls.proc = start(
                "worker",
                [
                    str(BIN / "celery"),
                    "-A",
                    "campaign",
                    "worker",
                    "--concurrency=2",
                    "-Q",
                    QUEUE,
                    "-n",
                    f"{QUEUE}@%h",
                    "-I",
                    "bench.tasks",
                    "--loglevel=WARNING",
                ],
            )

    @classmethod
    def stop(cls) -> None:
        stop(cls.proc)
        cls.proc = None


# The SMTP sink: arrival times per recipient

ARRIVALS: dict[str, float] = {}


def start_sink():
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            now = time.time()
            for rcpt in envelope.rcpt_tos:
                ARRIVALS.setdefault(rcpt, now)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    return controller


def arrived(tag: str) -> list[float]:
    return sorted(t for rcpt, t in list(ARRIVALS.items()) if rcpt.startswith(tag))


# HTTP


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post(url: str, body: bytes, content_type: str) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": content_type, "Sec-Fetch-Site": "same-origin"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(OSError):
            if get(url)[0] < 500:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer; see logs in {WORK}")


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, *, script: str = "", args: tuple = (), seconds: int = SECONDS):
    """Run wrk; return requests/s, p50, p99 (seconds), errors and script counts."""
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(ROOT / "bench" / "wrk" / script)]
    cmd += [url, *(["--", *args] if args else [])]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _seconds(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _seconds(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "non2xx": int(
            (re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1]
        ),
        "errors": sum(
            int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
        ),
    }
    counted = re.search(r"BENCH ok=(\d+) other=(\d+)", out)
    if counted:
        result["ok"], result["other"] = int(counted[1]), int(counted[2])
    return result


def latencies(url: str, n: int = 40, before=None) -> float:
    """p50 of ``n`` sequential GETs (one client: the page's own cost)."""
    samples = []
    for _ in range(n):
        if before:
            before()
        started = time.perf_counter()
        status, _h, _b = get(url)
        samples.append(time.perf_counter() - started)
        assert status == 200, (url, status)
    return statistics.median(samples)


# The database, seen from the bench (Django ORM on the bench's own settings)


def sql(query: str, params=()) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def stored_signatures(tag: str) -> int:
    return sql(
        "SELECT count(*) FROM signatories_signature WHERE contact_email LIKE %s",
        [f"{tag}-%"],
    )[0][0]


def stored_inserts(tag: str) -> int:
    return sql("SELECT count(*) FROM bench_insert WHERE email LIKE %s", [f"{tag}-%"])[
        0
    ][0]


def create_database() -> None:
    import psycopg2

    admin = psycopg2.connect(f"{PG_BASE}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        cursor.execute(f'CREATE DATABASE "{DB_NAME}"')
    admin.close()


def drop_database() -> None:
    import psycopg2
    from django.db import connections

    connections.close_all()
    admin = psycopg2.connect(f"{PG_BASE}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin.close()


def redis_cleanup() -> None:
    """Delete this run's keys only (its prefix and its queue); never a flush."""
    import redis

    client = redis.Redis.from_url(ENV["REDIS_URL"])
    for key in client.scan_iter(match=f"{PREFIX}*", count=1000):
        client.delete(key)
    for key in client.scan_iter(match=f"*{QUEUE}*", count=1000):
        client.delete(key)


def outbox_settle(timeout: float = 600) -> None:
    """Wait until no email is owed any more (a backlog would slow later measures).

    The drains queued while the worker was paused were purged with their flag, and
    the bench runs no beat (whose sweep would find the rows): queue one drain.
    """
    from signatories.tasks import outbox_drain

    outbox_drain.apply_async(queue=QUEUE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        owed = sql(
            "SELECT count(*) FROM signatories_outboundemail "
            "WHERE state IN ('pending', 'sending')"
        )[0][0]
        if not owed:
            return
        time.sleep(1)
    print(f"  (still {owed} emails owed after {timeout:.0f} s)", flush=True)


def purge_queue() -> None:
    import redis

    client = redis.Redis.from_url(ENV["REDIS_URL"])
    for key in client.scan_iter(match=f"{QUEUE}*", count=1000):
        if client.type(key) == b"list":
            client.delete(key)
    # A purged drain leaves its flag: the next owed email must queue a new one.
    for key in client.scan_iter(match=f"{PREFIX}*outbox:drain-queued", count=1000):
        client.delete(key)


# The measures


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def alternate(first, second, rounds: int = ROUNDS) -> tuple[list, list]:
    ours, base = [], []
    for _ in range(rounds):
        ours.append(first())
        base.append(second())
    return ours, base


FORM_BODY = (
    "organisation=Bench+Org&website=https%3A%2F%2Fbench.example&country=UA&"
    "organisation_type=ngo&contact_name=Bench&contact_role=Tester&"
    "contact_email=EMAIL&is_public=on&consent=on"
)
API_BODY = json.dumps(
    {
        "organisation": "Bench Org",
        "website": "https://bench.example",
        "country": "UA",
        "organisation_type": "ngo",
        "contact_name": "Bench",
        "contact_email": "EMAIL",
        "is_public": True,
        "consent": True,
    }
)
FORM = "application/x-www-form-urlencoded"


# Sign-ups alongside the page at a steady rate: the UK Parliament petitions site's
# peak (33 a second, 2019), sent open loop whatever the answers' latency.
STEADY_RATE = float(os.environ.get("BENCH_STEADY_RATE", "33"))


class SteadySigner(threading.Thread):
    """POST API sign-ups at ``rate`` per second for ``seconds`` (open loop)."""

    def __init__(self, url: str, rate: float, seconds: int):
        super().__init__(daemon=True)
        self.url, self.rate, self.seconds = url, rate, seconds
        self.accepted = 0

    def run(self) -> None:
        tag = f"y{secrets.token_hex(4)}"
        begin = time.time() + 0.05

        def sign_at(n: int) -> int:
            delay = begin + n / self.rate - time.time()
            if delay > 0:
                time.sleep(delay)
            body = API_BODY.replace("EMAIL", f"{tag}-{n}@bench.example")
            return post(self.url, body.encode(), "application/json")

        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(sign_at, range(int(self.rate * self.seconds))))
        self.accepted = codes.count(202)


def signups(path: str, body: str, ctype: str, ok: int, count, seconds=SECONDS):
    tag = f"s{secrets.token_hex(4)}"
    run = wrk(
        BASE + path,
        script="post.lua",
        args=(path, body, ctype, str(ok), tag),
        seconds=seconds,
    )
    time.sleep(0.5)  # requests still in flight when wrk stopped
    run["stored"] = count(tag)
    run["rate"] = run["stored"] / seconds
    return run


def main() -> None:  # noqa: C901, PLR0915 (one linear script)
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "rows": ROWS,
        "seconds": SECONDS,
        "rounds": ROUNDS,
        "connections": CONNECTIONS,
        "measures": [],
    }
    rows_out = results["measures"]
    sink = None
    try:
        print(f"Stack bench: {os.cpu_count()} cores, work dir {WORK}", flush=True)
        create_database()
        manage("migrate", "--noinput", "-v0")
        manage("collectstatic", "--noinput", "-v0")
        manage("load_demo", "-v0")

        import django

        django.setup()
        from django.db import connection

        from bench.data import fill

        sql(
            "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, "
            "email text NOT NULL UNIQUE, created_at timestamptz NOT NULL)"
        )
        from pages.models import Letter
        from tests.factories import LetterFactory

        demo = Letter.objects.published().order_by("-published_on", "pk").first()
        open_letter = LetterFactory(slug="bench-sign", requires_approval=False)
        big = LetterFactory(slug="bench-big")
        small = LetterFactory(slug="bench-small")
        started = time.perf_counter()
        fill(big, ROWS)
        fill(small, 100)
        connection.close()
        # Tallies as the services keep them, recomputed once after the bulk insert.
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup();"
                "from pages.models import Letter;"
                "from signatories.services import letter_recount;"
                "[letter_recount(letter=l) for l in Letter.objects.all()]",
            ],
            cwd=ROOT,
            env=ENV,
            check=True,
        )
        print(f"Filled {ROWS:,} + 100 rows in {time.perf_counter() - started:.0f} s")

        sink = start_sink()
        start(
            "gunicorn",
            [str(BIN / "gunicorn"), "-c", "python:campaign.gunicorn", "campaign.wsgi"],
        )
        Worker.start()
        wait_http(BASE + "/healthz")
        page_url = f"{BASE}/en/letters/{demo.slug}/"
        status, headers, page = get(page_url)
        assert status == 200, status
        (WORK / "run" / "bench-page.html").write_bytes(page)
        results["page_bytes"] = len(page)
        results["page_headers"] = {
            k: v for k, v in headers.items() if k in ("Cache-Control", "Vary")
        }
        results["page_sets_cookie"] = "Set-Cookie" in headers
        for url in (page_url, BASE + "/bench/page/"):
            wrk(url, seconds=2)  # warm both

        signup_rate = 33.0  # the peak, unless section 2 measures ours
        api_path = f"/api/letters/{open_letter.slug}/signatures/"

        def add(measure, ours, base, ratio, target, met, unit="req/s", note=""):
            rows_out.append(
                {
                    "measure": measure,
                    "ours": ours,
                    "baseline": base,
                    "ratio": ratio,
                    "target": target,
                    "met": met,
                    "unit": unit,
                    "note": note,
                }
            )
            print(f"  {measure}: {ours} / {base} = {ratio} ({target})", flush=True)

        if wanted("1"):
            # 1. The anonymous letter page vs a trivial view with the same bytes.
            print("1. letter page vs trivial view", flush=True)
            ours, base = alternate(
                lambda: wrk(page_url), lambda: wrk(BASE + "/bench/page/")
            )
            results["page"] = {"ours": ours, "baseline": base}
            page_rate = median(ours, "rps")
            ratio = page_rate / median(base, "rps")
            add(
                f"anonymous letter page ({len(page) // 1024} KB)",
                round(page_rate),
                round(median(base, "rps")),
                round(ratio, 2),
                ">= 0.5",
                ratio >= 0.5,
            )
            p99 = median(ours, "p99") / median(base, "p99")
            add(
                "letter page p99 (ms)",
                round(median(ours, "p99") * 1000, 1),
                round(median(base, "p99") * 1000, 1),
                round(p99, 2),
                "<= 2",
                p99 <= 2,
                unit="ms",
            )

        if wanted("5"):
            # 5. Through the front cache (deploy/nginx.conf, Debian's nginx).
            print("5. letter page through nginx", flush=True)
            nginx_dir = WORK / "nginx"
            nginx_dir.mkdir()
            conf = (ROOT / "deploy" / "nginx.conf").read_text()
            conf = re.sub(
                r"server web:8000;.*", f"server 127.0.0.1:{PORT};", conf, count=1
            )
            conf = re.sub(
                r"listen 8080;.*", f"listen 127.0.0.1:{NGINX_PORT};", conf, count=1
            )
            (nginx_dir / "nginx.conf").write_text(conf)
            nginx_dir.chmod(0o777)
            WORK.chmod(0o755)  # nginx's workers run as www-data
            nginx = start(
                "nginx",
                [
                    shutil.which("nginx") or "/usr/sbin/nginx",
                    "-p",
                    f"{nginx_dir}/",
                    "-c",
                    str(nginx_dir / "nginx.conf"),
                    "-g",
                    "daemon off;",
                ],
            )
            wait_http(FRONT + "/healthz")
            front_url = f"{FRONT}/en/letters/{demo.slug}/"
            get(front_url)
            status, headers, _body = get(front_url)
            results["front_cache_status"] = headers.get("X-Cache-Status")
            front, base = alternate(
                lambda: wrk(front_url), lambda: wrk(BASE + "/bench/page/")
            )
            ratio = median(front, "rps") / median(base, "rps")
            add(
                f"letter page through nginx (cache {results['front_cache_status']})",
                round(median(front, "rps")),
                round(median(base, "rps")),
                round(ratio, 2),
                "(vs trivial view direct)",
                None,
            )

        if wanted("5"):
            # 1b. The page while form sign-ups run alongside (direct and through nginx).
            print("1b. letter page with sign-ups alongside", flush=True)

            def alongside(url: str) -> tuple[list, list]:
                together, alone = [], []
                for _ in range(ROUNDS):
                    alone.append(wrk(url))
                    path = f"/en/sign/{open_letter.slug}/"
                    signer = subprocess.Popen(
                        [
                            "wrk",
                            "-t1",
                            "-c8",
                            f"-d{SECONDS}s",
                            "-s",
                            str(ROOT / "bench" / "wrk" / "post.lua"),
                            BASE + path,
                            "--",
                            path,
                            FORM_BODY,
                            FORM,
                            "302",
                            f"a{secrets.token_hex(4)}",
                        ],
                        stdout=subprocess.DEVNULL,
                    )
                    together.append(wrk(url))
                    signer.wait()
                return together, alone

            def steady(url: str) -> tuple[list, list]:
                together, alone = [], []
                for _ in range(ROUNDS):
                    alone.append(wrk(url))
                    signer = SteadySigner(
                        BASE + f"/api/letters/{open_letter.slug}/signatures/",
                        STEADY_RATE,
                        SECONDS,
                    )
                    signer.start()
                    together.append(wrk(url))
                    signer.join()
                    together[-1]["signed"] = signer.accepted
                return together, alone

            beside = (
                (
                    "steady",
                    steady,
                    f"letter page while {STEADY_RATE:.0f} sign-ups/s run "
                    "(open loop, the UK petitions' peak)",
                ),
                (
                    "alongside",
                    alongside,
                    "letter page while form sign-ups run flat out (wrk -c8)",
                ),
            )
            for key, measure, title in beside:
                for label, url in (("", page_url), (" (through nginx)", front_url)):
                    together, alone = measure(url)
                    results[f"{key}{label}"] = {"ours": together, "baseline": alone}
                    ratio = median(together, "rps") / median(alone, "rps")
                    signed = [r["signed"] for r in together if "signed" in r]
                    add(
                        f"{title}{label}",
                        round(median(together, "rps")),
                        round(median(alone, "rps")),
                        round(ratio, 2),
                        ">= 0.8",
                        ratio >= 0.8,
                        note=f"sign-ups accepted per run: {signed}" if signed else "",
                    )
            stop(nginx)

        if wanted("2"):
            # 2. Sign-ups: API and form vs one INSERT + on-commit .delay().
            print("2. sign-ups vs INSERT + .delay()", flush=True)
            api_path = f"/api/letters/{open_letter.slug}/signatures/"
            form_path = f"/en/sign/{open_letter.slug}/"

            def baseline():
                return signups("/bench/insert/", FORM_BODY, FORM, 202, stored_inserts)

            # Twice: the web path alone (the worker paused, emails owed and sent
            # after), and with the worker sending every sign-up's email on the same
            # two cores (the baseline's worker runs its no-op tasks).
            cases = [
                (f"{name}, worker {state}", path, body, ctype, ok, paused)
                for paused, state in (
                    (False, "sending each email on the same cores"),
                    (True, "paused"),
                )
                for name, path, body, ctype, ok in (
                    ("JSON API sign-up", api_path, API_BODY, "application/json", 202),
                    ("form sign-up (302)", form_path, FORM_BODY, FORM, 302),
                )
            ]
            for label, path, body, ctype, ok, paused in cases:
                if paused:
                    Worker.stop()
                else:
                    Worker.start()
                    time.sleep(2)  # its processes ready before the clock starts
                ours, base = alternate(
                    lambda p=path, b=body, c=ctype, o=ok: signups(
                        p, b, c, o, stored_signatures
                    ),
                    baseline,
                )
                results[label] = {"ours": ours, "baseline": base}
                ratio = median(ours, "rate") / median(base, "rate")
                mismatch = sum(abs(r["stored"] - r["ok"]) for r in ours)
                add(
                    f"{label}, stored rows/s",
                    round(median(ours, "rate"), 1),
                    round(median(base, "rate"), 1),
                    round(ratio, 2),
                    ">= 0.6",
                    ratio >= 0.6,
                    note=f"stored vs ok answers differ by {mismatch}; "
                    f"other answers {sum(r['other'] for r in ours)}",
                )
                if label.startswith("JSON") and not paused:
                    signup_rate = median(ours, "rate")
            purge_queue()  # the paused runs' drains and no-ops
            Worker.start()
            outbox_settle()  # the emails owed meanwhile go out before section 3

        if wanted("3"):
            # 3. Confirmation emails vs a no-op task on the same 2 worker processes.
            print("3. emails vs no-op task", flush=True)
            from django.core.cache import cache
            from django_redis import get_redis_connection

            from bench.tasks import noop

            def email_run():
                Worker.stop()
                purge_queue()
                tag = f"m{secrets.token_hex(4)}"
                bodies = [
                    API_BODY.replace("EMAIL", f"{tag}-{n}@bench.example").encode()
                    for n in range(EMAILS)
                ]
                with ThreadPoolExecutor(8) as pool:
                    codes = list(
                        pool.map(
                            lambda b: post(BASE + api_path, b, "application/json"),
                            bodies,
                        )
                    )
                assert codes.count(202) == EMAILS, codes[:5]
                Worker.start()
                deadline = time.monotonic() + 300
                while len(arrived(tag)) < EMAILS and time.monotonic() < deadline:
                    time.sleep(0.1)
                times = arrived(tag)
                return {
                    "sent": len(times),
                    "rate": (len(times) - 1) / max(times[-1] - times[0], 1e-6),
                }

            def noop_run():
                Worker.stop()
                purge_queue()
                key = cache.make_key("bench:noop")
                client = get_redis_connection("default")
                client.delete(key)
                for _ in range(EMAILS):
                    noop.apply_async(queue=QUEUE)
                Worker.start()
                deadline = time.monotonic() + 300
                while client.llen(key) < EMAILS and time.monotonic() < deadline:
                    time.sleep(0.1)
                times = sorted(float(t) for t in client.lrange(key, 0, -1))
                return {
                    "sent": len(times),
                    "rate": (len(times) - 1) / max(times[-1] - times[0], 1e-6),
                }

            ours, base = alternate(email_run, noop_run)
            results["emails"] = {"ours": ours, "baseline": base}
            ratio = median(ours, "rate") / median(base, "rate")
            add(
                f"confirmation emails ({EMAILS} per run), emails/s",
                round(median(ours, "rate"), 1),
                round(median(base, "rate"), 1),
                round(ratio, 2),
                ">= 0.5",
                ratio >= 0.5,
                unit="emails/s",
                note=f"delivered {[r['sent'] for r in ours]} of {EMAILS}",
            )

        if wanted("3"):
            # 3b. Inbox latency while signing at the API rate reached above.
            rate = max(1.0, min(signup_rate, 200.0))
            print(f"3b. inbox latency at {rate:.0f} sign-ups/s", flush=True)
            Worker.start()
            tag = f"l{secrets.token_hex(4)}"
            sent_at: dict[str, float] = {}
            total = int(rate * INBOX_SECONDS)
            begin = time.time() + 0.5

            def sign_at(n: int) -> None:
                delay = begin + n / rate - time.time()
                if delay > 0:
                    time.sleep(delay)
                email = f"{tag}-{n}@bench.example"
                sent_at[email] = time.time()
                post(
                    BASE + api_path,
                    API_BODY.replace("EMAIL", email).encode(),
                    "application/json",
                )

            with ThreadPoolExecutor(32) as pool:
                list(pool.map(sign_at, range(total)))
            deadline = time.monotonic() + 120
            while len(arrived(tag)) < total and time.monotonic() < deadline:
                time.sleep(0.2)
            delays = sorted(
                ARRIVALS[e] - sent_at[e] for e in list(sent_at) if e in ARRIVALS
            )
            p50 = statistics.median(delays) if delays else float("nan")
            p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))] if delays else 0
            add(
                f"inbox latency, {rate:.0f} sign-ups/s for {INBOX_SECONDS} s "
                "(p50 / p99 s)",
                round(p50, 2),
                round(p99, 2),
                "",
                "p99 < 10 s",
                p99 < 10 and len(delays) == total,
                unit="s",
                note=f"delivered {len(delays)} of {total}",
            )

        if wanted("4"):
            # 4. Scale: BENCH_ROWS signatures vs 100, hits and misses.
            print(f"4. {ROWS:,} signatures vs 100", flush=True)
            from pages.caching import letter_cache_bump

            def cursor_for(letter, page: int) -> int:
                ids = sql(
                    "SELECT id FROM signatories_signature WHERE letter_id = %s AND "
                    "status = 'confirmed' AND is_public AND kind = 'organisation' "
                    "ORDER BY id OFFSET %s LIMIT 1",
                    [letter.pk, page * 50 - 1],
                )
                return ids[0][0] if ids else 0

            listed_big = sql(
                "SELECT count(*) FROM signatories_signature WHERE letter_id = %s AND "
                "status = 'confirmed' AND is_public",
                [big.pk],
            )[0][0]
            deep = max(1, min(499, listed_big // 50 - 1))
            scale = {
                "letter page": lambda slug: f"/en/letters/{slug}/",
                "signatory list, page 1": lambda slug: f"/en/sign/{slug}/signatories/",
                f"signatory list, page {deep + 1} (small: its last)": None,
                "API count": lambda slug: f"/api/letters/{slug}/",
            }
            deep_urls = {
                big.slug: f"/en/sign/{big.slug}/signatories/?after="
                f"{cursor_for(big, deep)}",
                small.slug: f"/en/sign/{small.slug}/signatories/?after="
                f"{cursor_for(small, 1)}",
            }
            for label, url_of in scale.items():
                for miss in (False, True):
                    if miss and label == "API count":
                        continue

                    def measure(letter, url_of=url_of, miss=miss):
                        url = BASE + (
                            url_of(letter.slug) if url_of else deep_urls[letter.slug]
                        )
                        bump = (lambda: letter_cache_bump(letter.pk)) if miss else None
                        get(url)
                        return {"p50": latencies(url, before=bump)}

                    ours, base = alternate(
                        lambda m=measure: m(big), lambda m=measure: m(small)
                    )
                    ratio = median(ours, "p50") / median(base, "p50")
                    add(
                        f"{label}{' (cache miss)' if miss else ''}: "
                        f"{ROWS:,} vs 100, p50 ms",
                        round(median(ours, "p50") * 1000, 2),
                        round(median(base, "p50") * 1000, 2),
                        round(ratio, 2),
                        "<= 1.3",
                        ratio <= 1.3,
                        unit="ms",
                    )

        if wanted("4b"):
            # 4b. CSV export of the big letter vs psql \copy of the same rows.
            print("4b. CSV export vs psql \\copy", flush=True)
            columns = (
                "s.id, l.slug, s.status, s.kind, s.organisation, s.website, s.country, "
                "s.organisation_type, s.contact_name, s.contact_role, s.contact_email, "
                "s.is_public, s.newsletter, s.comment, s.language, s.created_at, "
                "s.confirmed_at, s.reviewed_at"
            )
            copy = (
                f"\\copy (SELECT {columns} FROM signatories_signature s "
                "JOIN pages_letter l ON l.id = s.letter_id "
                f"WHERE s.letter_id = {big.pk} ORDER BY s.id) "
                "TO '/dev/null' WITH CSV HEADER"
            )

            def ours_csv():
                out = subprocess.run(
                    [sys.executable, str(ROOT / "bench" / "csv_probe.py"), str(big.pk)],
                    cwd=ROOT,
                    env=ENV,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                seconds, peak = out.split()
                return {"seconds": float(seconds), "peak_mb": float(peak)}

            def psql_copy():
                started = time.perf_counter()
                subprocess.run(
                    ["psql", "-q", ENV["DATABASE_URL"], "-c", copy], check=True
                )
                return {"seconds": time.perf_counter() - started}

            ours, base = alternate(ours_csv, psql_copy)
            ratio = median(ours, "seconds") / median(base, "seconds")
            add(
                f"CSV export of {ROWS:,} rows, s",
                round(median(ours, "seconds"), 2),
                round(median(base, "seconds"), 2),
                round(ratio, 2),
                "<= 3",
                ratio <= 3,
                unit="s",
            )
            peak = max(r["peak_mb"] for r in ours)
            add(
                "CSV export peak memory (process RSS), MB",
                round(peak),
                "",
                "",
                "< 150",
                peak < 150,
                unit="MB",
            )
    finally:
        Worker.stop()
        for proc in reversed(STARTED):
            stop(proc)
        if sink is not None:
            sink.stop()
        with suppress(Exception):
            redis_cleanup()
        with suppress(Exception):
            drop_database()
        results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = OUT / f"stack-{stamp}.json"
        path.write_text(json.dumps(results, indent=2, default=str))
        print_table(results)
        print(f"Written: {path.relative_to(ROOT)}; logs in {WORK}")


def print_table(results: dict) -> None:
    print()
    print(
        f"make bench: {results['cores']} cores, BENCH_ROWS={results['rows']:,}, "
        f"{results['seconds']} s per run, {results['rounds']} rounds alternated, "
        f"wrk {results['connections']} connections"
    )
    print("| measure | ours | baseline | ratio | target | met? |")
    print("|---|---|---|---|---|---|")
    for row in results["measures"]:
        met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
        print(
            f"| {row['measure']} | {row['ours']} | {row['baseline']} | "
            f"{row['ratio']} | {row['target']} | {met} |"
        )


if __name__ == "__main__":
    main()
