"""gunicorn settings: ``gunicorn -c python:campaign.gunicorn campaign.wsgi``."""

import multiprocessing
import os

from gunicorn.glogging import Logger

from campaign.logging import install, redact_path

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (a guard against slow leaks). Each
# replacement imports Django and the CMS afresh (~1 s of CPU): at 2,000 a worker
# serving a viral letter was replaced every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
# No client addresses in the access log: signers may be at risk.
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
logger_class = "campaign.gunicorn.RedactingLogger"

# Access-log atoms that name no one: the rest (address, user agent, referrer,
# headers, environ) print as "-" whatever access_log_format asks for.
SAFE_ATOMS = ("t", "s", "m", "H", "b", "B", "T", "D", "M", "L", "p")


class RedactingLogger(Logger):
    """gunicorn's logger without link tokens, query strings or client addresses.

    Confirm and withdraw URLs carry live tokens; gunicorn's error log names the
    client's IP ("Invalid request from ip=…"). Both logs go through the same
    redaction as the application's (campaign.logging).
    """

    def setup(self, cfg):
        super().setup(cfg)
        install(self.error_log)
        install(self.access_log)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        safe = {key: atoms[key] for key in SAFE_ATOMS if key in atoms}
        safe["r"] = " ".join(
            [
                environ.get("REQUEST_METHOD") or "-",
                redact_path(environ.get("RAW_URI") or ""),
                environ.get("SERVER_PROTOCOL") or "-",
            ]
        )
        safe["U"] = redact_path(atoms.get("U") or "")
        return safe
