"""Logs keep no link token, no email address and no client IP.

Confirmation and withdrawal links are bearer secrets (withdraw links live 400 days);
an address names a signer who may be at risk. Checked on what the configured
handlers actually print: Django's (a sign/confirm/withdraw cycle through the test
client) and gunicorn's (a real server, with this project's config).
"""

import http.client
import io
import logging
import os
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from campaign.logging import RedactingFilter
from signatories.models import EmailState, OutboundEmail, Signature, SignatureStatus
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import LetterFactory, SignatureFactory
from tests.live import _database_url, free_port

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "Olena.Secret@kestrel.example"
CLIENT_IP = "203.0.113.9"


@pytest.fixture
def log_output():
    """What the handlers configured by settings.LOGGING print, as text."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactingFilter) for f in handler.filters)
    ]
    assert handlers, "settings.LOGGING installs no redacting handler on the root"
    buffer = io.StringIO()
    previous = [handler.setStream(buffer) for handler in handlers]
    yield buffer
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


class RefusingHandler:
    """An SMTP server that refuses every recipient, naming it in the reply."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected"


@pytest.fixture
def refusing_smtp(settings):
    port = free_port()
    controller = Controller(RefusingHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield
    controller.stop()


def assert_clean(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret.lower() not in text.lower(), f"{secret!r} in the log:\n{text}"


def test_root_handlers_redact_addresses_tokens_and_tracebacks(log_output):
    """A record naming an address or carrying a link, traceback included, is cleaned."""
    signature_token = "cx1abc-0123456789abcdef0123456789abcdef"
    logger = logging.getLogger("signatories.tasks")
    error = smtplib.SMTPRecipientsRefused(
        {ADDRESS: (550, f"5.1.1 <{ADDRESS}> unknown".encode())}
    )
    logger.warning("Email to signature %s failed: %r", 7, error)
    try:
        raise ValueError(f"could not deliver to {ADDRESS} from {CLIENT_IP}")
    except ValueError:
        logger.exception("Send failed")
    logging.getLogger("django.request").warning(
        "Bad Request: %s", f"/en/sign/withdraw/7/{signature_token}/?e={ADDRESS}"
    )
    text = log_output.getvalue()
    assert "Email to signature 7 failed" in text and "Traceback" in text
    assert "Bad Request: /en/sign/withdraw/[redacted]" in text
    assert_clean(text, ADDRESS, signature_token, CLIENT_IP)


def test_django_loggers_print_only_through_redacting_handlers():
    """Django's own loggers have no handler of their own that would print unfiltered."""
    for name in ("django", "django.request", "django.server", "celery", "axes"):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.NullHandler):
                continue  # prints nothing
            assert any(isinstance(f, RedactingFilter) for f in handler.filters), name


@pytest.mark.django_db
def test_sign_confirm_withdraw_cycle_logs_no_secret(
    client,
    log_output,
    refusing_smtp,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    """Signing (its email refused by SMTP), confirming and withdrawing log no secret."""
    letter = LetterFactory(slug="stop-the-raids")
    form = {
        "organisation": "Kestrel Rights Alliance",
        "website": "https://kestrel.example",
        "country": "UA",
        "organisation_type": "ngo",
        "contact_name": "Olena Contact",
        "contact_role": "Director",
        "contact_email": ADDRESS,
        "is_public": "on",
        "consent": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/sign/{letter.slug}/", form, REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 302
    signature = Signature.objects.get()
    tokens = [confirm_token.make_token(signature), withdraw_token.make_token(signature)]
    for kind, token in zip(("confirm", "withdraw"), tokens, strict=True):
        link = f"/en/sign/{kind}/{signature.pk}/{token}/?from={ADDRESS}"
        moved = client.get(link, REMOTE_ADDR=CLIENT_IP)
        assert moved.status_code == 302
        assert client.get(moved["Location"]).status_code == 200
        client.post(moved["Location"], REMOTE_ADDR=CLIENT_IP)
    bad = client.get(f"/en/sign/confirm/{signature.pk}/{tokens[0]}x/", follow=True)
    assert bad.status_code == 400
    assert Signature.objects.get().status == SignatureStatus.WITHDRAWN
    text = log_output.getvalue()
    assert text, "the cycle logged nothing: the test would prove nothing"
    assert_clean(text, ADDRESS, "kestrel.example", *tokens, CLIENT_IP)


def _wait_until_serving(port: int, process, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer:\n{log.read_text()}")


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


@pytest.mark.django_db(transaction=True)
def test_gunicorn_logs_no_token_address_or_ip(tmp_path, settings):
    """gunicorn with campaign/gunicorn.py logs paths without tokens, and no IPs."""
    signature = SignatureFactory(
        letter=LetterFactory(slug="stop-the-raids"), contact_email=ADDRESS.lower()
    )
    confirm = confirm_token.make_token(signature)
    withdraw = withdraw_token.make_token(signature)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_DEBUG"))
    } | {
        "DJANGO_SETTINGS_MODULE": "campaign.settings_test",
        "DATABASE_URL": _database_url(),
        "CAMPAIGN_RUN_DIR": str(settings.RUN_DIR),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:campaign.gunicorn"]
            + ["campaign.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(port, process, log)
        query = f"?email={ADDRESS}"
        assert _get(port, f"/en/sign/confirm/{signature.pk}/{confirm}/{query}") == 302
        assert _get(port, f"/en/sign/withdraw/{signature.pk}/{withdraw}/") == 302
        assert _get(port, f"/en/admin/signatories/signature/?q={ADDRESS}") == 302
        # A malformed request: gunicorn names the client ("Invalid request from ip=").
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            raw.recv(1024)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    text = log.read_text(errors="replace")
    assert "/en/sign/confirm/[redacted]" in text  # the access log was written
    assert "/en/sign/withdraw/[redacted]" in text
    assert "Invalid request from ip=[redacted]" in text  # and the error log
    assert_clean(text, confirm, withdraw, ADDRESS, "kestrel.example", "127.0.0.1")


@pytest.mark.integration
@pytest.mark.xdist_group("live")
@pytest.mark.django_db(transaction=True)
def test_celery_worker_logs_no_address(start_worker):
    """A real worker whose email is refused logs the failure without the address."""
    from signatories import services

    port = free_port()
    controller = Controller(RefusingHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        worker = start_worker(EMAIL_URL=f"smtp://127.0.0.1:{port}")
        services.signature_create(
            letter=LetterFactory(slug="stop-the-raids"),
            organisation="Kestrel Rights Alliance",
            contact_name="Olena",
            contact_email=ADDRESS,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if OutboundEmail.objects.filter(state=EmailState.FAILED_PERMANENT).exists():
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the worker recorded no failure:\n{worker.output()}")
        time.sleep(0.5)  # the warning is logged after the failure is recorded
    finally:
        controller.stop()
    text = worker.output()
    assert "signatories.tasks.outbox_deliver" in text  # the worker did log
    assert_clean(text, ADDRESS, "kestrel.example")
