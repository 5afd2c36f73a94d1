"""Logging that keeps signers' secrets out of log files.

Confirmation, withdrawal and unsubscribe links are bearer secrets (a withdraw
link lives 400 days), and an address in a log names a signer. ``RedactingFilter``
sits on every handler the site, gunicorn and Celery write through, and rewrites
each record (message, arguments, traceback) before it is formatted: link tokens,
email addresses, client IP addresses and query strings become ``[redacted]``.
"""

import ipaddress
import logging
import re

from celery.signals import after_setup_logger, after_setup_task_logger

REDACTED = "[redacted]"

# Everything after /confirm/, /withdraw/ or /unsubscribe/ in a path: the signature
# id and the token.
_LINK = re.compile(r"(/(?:confirm|withdraw|unsubscribe)/)[^\s\"'<>]+", re.IGNORECASE)
# A query string after a path (it may carry an address or a token).
_QUERY = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]*")
# Tokens as signatories.tokens makes them (base-36 timestamp, hex digest), anywhere.
_TOKEN = re.compile(r"\b[0-9a-z]{1,13}-[0-9a-f]{20,}\b", re.IGNORECASE)
# Addresses, loosely: anything@anything up to a delimiter (better too much than too
# little: quoted local parts, escaped bytes in an SMTP reply, IDN domains, %40).
_EMAIL = re.compile(
    r"""(?:"[^"\r\n]*"|[^\s@<>()\[\]{},;:"'`]+)(?:@|%40)[^\s@<>()\[\]{},;:"'`/?#&=]+"""
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w])")
_IPV6 = re.compile(r"(?<![\w:.])[0-9a-f]*:[0-9a-f:]*:[0-9a-f:.]*(?![\w:])", re.I)


def _ip_or_keep(match: re.Match) -> str:
    text = match.group(0).rstrip(".")
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return match.group(0)  # a time of day, a hash, not an address
    return REDACTED + match.group(0)[len(text) :]


def redact(text: str) -> str:
    """Return ``text`` without link tokens, query strings, addresses or IPs."""
    text = _LINK.sub(rf"\1{REDACTED}", text)
    text = _QUERY.sub(rf"\1?{REDACTED}", text)
    text = _TOKEN.sub(REDACTED, text)
    text = _EMAIL.sub(REDACTED, text)
    text = _IPV4.sub(_ip_or_keep, text)
    return _IPV6.sub(_ip_or_keep, text)


def redact_path(path: str) -> str:
    """Return a request path (or request line) fit for an access log."""
    path, question, _query = path.partition("?")
    return redact(path) + (f"?{REDACTED}" if question else "")


class RedactingFilter(logging.Filter):
    """Redact every record a handler emits; install it on handlers, not loggers.

    A filter on a logger misses the records its children propagate; a handler sees
    them all.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(logger: logging.Logger) -> None:
    """Put a RedactingFilter on each of ``logger``'s handlers (once)."""
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


# A Celery worker drops Django's root handlers (worker_hijack_root_logger) and
# installs its own, for the root and the task logger: filter those too.
@after_setup_logger.connect(weak=False, dispatch_uid="campaign.logging.root")
@after_setup_task_logger.connect(weak=False, dispatch_uid="campaign.logging.task")
def _install_on_celery_logger(sender=None, logger=None, **kwargs) -> None:
    if logger is not None:
        install(logger)
