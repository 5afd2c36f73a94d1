"""The email outbox: one ``OutboundEmail`` row per message the site owes someone.

Queue (inside the caller's transaction), then deliver in three steps: claim the row
in one short transaction (a lease), send with no transaction or lock held, record
the outcome in another short transaction. A worker that dies mid-send leaves a
claim whose lease expires; the beat sweep then queues the row again. Delivery is
therefore at least once, with at most one duplicate per worker death inside the
send window (docs/decisions.md).

Failures: a 5xx refusal of the address (on RCPT or DATA) is final; anything else
(no server, a 4xx, a timeout, our own misconfiguration) keeps the email owed with a
capped exponential backoff. Only the sweep retries, and only rows that are due and
not leased, so each owed email has exactly one chain of attempts.

Services and tasks both import this module; it imports neither (the Celery task is
looked up by name).
"""

import logging
import smtplib
import threading
import time
import uuid
from contextlib import suppress
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from djangocms_versioning.models import Version
from kombu.exceptions import OperationalError as KombuOperationalError

from pages.models import Letter, LetterContent

from .emails import email_render
from .models import (
    OWED_EMAIL_STATES,
    EmailKind,
    EmailState,
    NewsletterText,
    OutboundEmail,
    Signature,
    SignatureStatus,
)

logger = logging.getLogger(__name__)

DELIVER_TASK = "signatories.tasks.outbox_deliver"
DRAIN_TASK = "signatories.tasks.outbox_drain"
# Set while a drain is queued or running (see _kick and emails_drain).
DRAIN_FLAG = "outbox:drain-queued"
# Set while a helper drain is queued (see _ask_for_help).
HELPER_FLAG = "outbox:drain-helper"
# Emails claimed and sent per round trip pair; also the most a worker that dies
# mid-batch can send twice (each was sent, none recorded yet).
DRAIN_BATCH = 10
# A drain hands over to a fresh task after this long, so one task never nears the
# time limit and other queued work gets a turn.
DRAIN_SECONDS = 20

# Confirmation requests and "already signed" answer a visitor's submission: these
# are capped per signature (SIGNATURE_MAX_EMAILS). Editors' decisions are not.
CAPPED_KINDS = (EmailKind.CONFIRM, EmailKind.ALREADY_SIGNED)


# --- queueing (inside the caller's transaction) ------------------------------------


def _drain_flag_shared() -> bool:
    # The flag lives in the default cache: one Redis every process shares. The
    # embedded default's local-memory cache is per process, so there every owed
    # email publishes (the drains it starts find little and end at once).
    return settings.OUTBOX_KICK_SECONDS > 0 and not current_app.conf.task_always_eager


def _kick(*, delay: float | None = None) -> None:
    """Make sure a drain is on its way (after commit); at most one queued at a time.

    The first owed email since the last drain started sets a short-lived flag and
    publishes one ``outbox_drain`` task, to run ``OUTBOX_DRAIN_DELAY`` seconds
    later so that the emails owed meanwhile go out in its batches; later ones find
    the flag and publish nothing (one Redis round trip instead of a Celery message
    each). A drain keeps the flag while it runs and, on its way out, clears it and
    claims once more, so an email committed before its request saw the flag is
    claimed by that drain or a later one (docs/decisions.md). A broker (or Redis)
    that is down must not fail the request: the rows stay owed and the sweep queues
    them once their queue lease runs out.
    """
    shared = _drain_flag_shared()
    if shared and not cache.add(DRAIN_FLAG, 1, settings.OUTBOX_KICK_SECONDS):
        return  # a drain is queued (or Redis is away: the sweep has it)
    delay = settings.OUTBOX_DRAIN_DELAY if delay is None else delay
    try:
        current_app.tasks[DRAIN_TASK].apply_async(countdown=delay or None)
    except (KombuOperationalError, OSError):
        logger.warning("Broker unavailable; owed emails left to the outbox sweep")
        if shared:
            cache.delete(DRAIN_FLAG)


def _enqueue(email_id: int) -> None:
    # Runs after commit: the drain claims the email (with any others owed).
    _kick()


def enqueue(email_id: int) -> None:
    """After commit: see that ``email_id`` (owed by the caller) goes out."""
    _enqueue(email_id)


def _enqueue_many(email_ids: list[int]) -> None:
    # After commit. One drain for the lot: it claims them in batches, and asks for
    # help from other worker processes while batches come back full.
    if email_ids:
        _kick()


def queue_lease():
    """Until when a newly owed email is left to its drain (the sweep waits)."""
    return timezone.now() + timedelta(seconds=settings.OUTBOX_MIN_AGE_SECONDS)


def email_queue(*, kind: str, signature: Signature) -> OutboundEmail:
    """Owe ``signature``'s signer one email of ``kind``; it is queued on commit."""
    now = timezone.now()
    email = OutboundEmail.objects.create(
        kind=kind,
        signature=signature,
        recipient=signature.contact_email,
        language=signature.language,
        next_attempt_at=now,
        lease_until=queue_lease(),
        created_at=now,
    )
    transaction.on_commit(partial(_enqueue, email.pk))
    return email


def emails_queue_many(
    *, kind: str, signatures: list[Signature], newsletter_id: int | None = None
) -> list[int]:
    """Owe each of ``signatures`` one email of ``kind`` (one INSERT); queued on commit.

    The signatures need only ``pk``, ``contact_email`` and ``language``.
    """
    now = timezone.now()
    lease = queue_lease()
    rows = OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                kind=kind,
                signature_id=signature.pk,
                recipient=signature.contact_email,
                language=signature.language,
                newsletter_id=newsletter_id,
                next_attempt_at=now,
                lease_until=lease,
                created_at=now,
            )
            for signature in signatures
        ]
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(partial(_enqueue_many, ids))
    return ids


def capped_count_sql(column: str) -> str:
    """SQL for ``column`` plus one, stopping one above the cap (no overflow); its
    parameter is the cap."""
    return f"CASE WHEN {column} <= %s THEN {column} + 1 ELSE {column} END"


def capped_email_insert(source: str) -> tuple[str, list]:
    """``INSERT … SELECT`` of the confirmation request (pending signature) or
    "already signed" email owed to each signature row of ``source``, aliased ``s``;
    the caller appends its WHERE (the cap, the states) and RETURNING. Returns the
    SQL and its parameters (``capped_email_params``)."""
    sql = f"""
        INSERT INTO {OutboundEmail._meta.db_table} (kind, signature_id, recipient,
            language, state, attempts, next_attempt_at, lease_until, claimed_by,
            last_error, created_at)
        SELECT CASE WHEN s.status = %s THEN %s ELSE %s END, s.id, s.contact_email,
            s.language, %s, 0, %s, %s, '', '', %s
        FROM {source} s
    """  # noqa: S608 (table names come from the models)
    return sql, capped_email_params()


def capped_email_params() -> list:
    """The parameters of ``capped_email_insert``'s SQL, as of now."""
    now = timezone.now()
    return [
        SignatureStatus.PENDING,
        EmailKind.CONFIRM,
        EmailKind.ALREADY_SIGNED,
        EmailState.PENDING,
        now,
        queue_lease(),
        now,
    ]


def email_queue_capped(*, signature_id: int, signing_open: bool) -> int | None:
    """Owe a confirmation (or "already signed") email unless the cap is reached.

    The same statements whether or not the signature exists (``signature_id`` 0
    for none), so a known and an unknown address cost the same queries. The
    signature's ``capped_emails`` counts what it was owed; the UPDATE that moves
    it takes the row lock, which keeps the cap exact under concurrency. A pending
    signature gets a confirmation request only while ``signing_open``. Returns the
    new row's id, or None.
    """
    signatures = Signature._meta.db_table
    cap = settings.SIGNATURE_MAX_EMAILS
    counted = f"""
        UPDATE {signatures} SET capped_emails = {capped_count_sql("capped_emails")}
        WHERE id = %s AND contact_email <> ''
          AND (status IN (%s, %s) OR (status = %s AND %s))
        RETURNING id, status, contact_email, language, capped_emails
    """  # noqa: S608 (table names come from the models)
    counted_params = [
        cap,
        signature_id,
        SignatureStatus.CONFIRMED,
        SignatureStatus.APPROVED,
        SignatureStatus.PENDING,
        signing_open,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            insert, insert_params = capped_email_insert("s")
            cursor.execute(
                f"WITH s AS ({counted}) {insert} WHERE s.capped_emails <= %s "
                "RETURNING id",
                [*counted_params, *insert_params, cap],
            )
        else:
            # SQLite has no UPDATE inside WITH: the count, then an INSERT that
            # runs whatever the count said (the same two statements either way).
            cursor.execute(counted, counted_params)
            found = cursor.fetchone()
            owed = found is not None and found[4] <= cap
            insert, insert_params = capped_email_insert(signatures)
            cursor.execute(
                f"{insert} WHERE s.id = %s AND %s RETURNING id",
                [*insert_params, signature_id, owed],
            )
        row = cursor.fetchone()
    if row is None:
        return None
    transaction.on_commit(partial(_enqueue, row[0]))
    return row[0]


def emails_queue_about_version(
    *, kind: str, content_id: int, signature_ids: list[int]
) -> int:
    """Owe each of these signatures one email of ``kind`` about a version.

    One statement for the batch. A signature that already has (or was refused)
    this email for this version gets nothing: the unique constraint
    ``outbox_one_email_per_version`` decides, so running it twice adds nothing.
    Erased signatures (no address) are skipped. Returns how many were added; each
    is queued on commit.
    """
    if not signature_ids:
        return 0
    table = OutboundEmail._meta.db_table
    signatures = Signature._meta.db_table
    now = timezone.now()
    marks = ", ".join(["%s"] * len(signature_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (kind, signature_id, letter_content_id, recipient,
                language, state, attempts, next_attempt_at, lease_until,
                claimed_by, last_error, created_at)
            SELECT %s, s.id, %s, s.contact_email, s.language, %s, 0, %s, %s, '',
                '', %s
            FROM {signatures} s
            WHERE s.id IN ({marks}) AND s.contact_email <> ''
            ORDER BY s.id
            ON CONFLICT DO NOTHING
            RETURNING id
            """,  # noqa: S608 (table names come from the models)
            [
                kind,
                content_id,
                EmailState.PENDING,
                now,
                queue_lease(),
                now,
                *signature_ids,
            ],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for email_id in ids:
        transaction.on_commit(partial(_enqueue, email_id))
    return len(ids)


def emails_cancel(*, signature_id: int, kinds: tuple[str, ...] | None = None) -> int:
    """Drop every email still owed to a signature (or only those of ``kinds``).

    Withdrawn: nothing to send; unsubscribed: no newsletter. Returns how many.
    """
    owed = OutboundEmail.objects.filter(
        signature_id=signature_id, state=EmailState.PENDING
    )
    if kinds is not None:
        owed = owed.filter(kind__in=kinds)
    # A row being sent right now keeps its address until its worker records it.
    return owed.update(state=EmailState.CANCELLED, recipient="", lease_until=None)


# --- delivery (the worker) -----------------------------------------------------------


def email_build(email: OutboundEmail) -> EmailMultiAlternatives | None:
    """Render ``email`` in its language, or None when it is no longer worth sending."""
    if email.signature is None:
        return None
    content = None
    if email.newsletter_id is not None:
        # The text in the language the email was owed in; gone means not owed.
        text = NewsletterText.objects.filter(
            newsletter_id=email.newsletter_id, language=email.language
        ).first()
        if text is None:
            return None
        content = {"text": text}
    return email_render(
        kind=email.kind,
        signature=email.signature,
        language=email.language,
        recipient=email.recipient,
        content=content,
        # Only emails about a version name one (read for those alone).
        letter_content=email.letter_content if email.letter_content_id else None,
    )


def is_permanent(exc: Exception) -> bool:
    """Whether the server refused this address or message for good (a 5xx reply).

    Only a refusal of the recipient or of the message counts; an unreachable
    server, a 4xx, a timeout or a refused sender/login (our configuration) may
    succeed later, so the email stays owed.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600
    return False


def error_summary(exc: Exception) -> str:
    """The exception class and SMTP code: SMTP replies may quote the address."""
    codes = []
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _msg in exc.recipients.values()})
    elif isinstance(exc, smtplib.SMTPResponseException):
        codes = [exc.smtp_code]
    return " ".join([type(exc).__name__, *map(str, codes)])[:200]


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after ``attempts`` failures: doubling, capped."""
    seconds = settings.EMAIL_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_MAX_BACKOFF))


# --- the mail connection (one per worker process, kept across tasks) ---------------


class _MailConnection(threading.local):
    backend = None
    key: tuple | None = None


_mail = _MailConnection()

# What a kept connection raises once the server has dropped it (an idle timeout, a
# restart): worth one attempt on a fresh connection before the email backs off.
RECONNECT_ERRORS = (smtplib.SMTPServerDisconnected, ConnectionError)


def _mail_settings() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def mail_connection():
    """This process's mail backend, opened lazily and kept across emails.

    One SMTP session per worker process instead of one per email (connect, EHLO,
    STARTTLS, AUTH each time). A change of mail settings (tests) gets a new one.
    """
    key = _mail_settings()
    if _mail.backend is not None and _mail.key != key:
        mail_connection_close()
    if _mail.backend is None:
        _mail.backend = get_connection()
        _mail.key = key
    return _mail.backend


def mail_connection_close() -> None:
    """Close and forget this process's mail connection (shutdown, or after an error)."""
    backend, _mail.backend = _mail.backend, None
    if backend is not None:
        with suppress(Exception):  # already broken: nothing left to close cleanly
            backend.close()


def _send_once(message: EmailMultiAlternatives) -> None:
    backend = mail_connection()
    try:
        backend.open()  # no-op while the connection is open
        backend.send_messages([message])
    except Exception:
        # The session may be half-way through a command: never reuse it.
        mail_connection_close()
        raise


def mail_send(message: EmailMultiAlternatives) -> None:
    """Send one message on the kept connection; reopen it once if it was dropped.

    Only a connection kept from an earlier email is retried, and only for a
    dropped connection: a fresh connection that fails is the server's outage,
    which the outbox's backoff handles.
    """
    kept = getattr(_mail.backend, "connection", None) is not None
    try:
        _send_once(message)
    except RECONNECT_ERRORS:
        if not kept:
            raise
        logger.info("Mail connection dropped; reopening it")
        _send_once(message)


def _columns(model, alias: str) -> tuple[list[str], str]:
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], ", ".join(
        f'{alias}."{f.column}"' for f in fields
    )


def _due_order():
    # Answers to a visitor's submission before newsletters; oldest first.
    return (F("newsletter_id").asc(nulls_first=True), "next_attempt_at", "pk")


def _claim(*, claimant: str, email_id: int | None = None, limit: int = 1):
    """Claim one owed, due email (``email_id``) or up to ``limit`` of any; return them.

    On PostgreSQL one statement (one round trip, atomic on its own): the claiming
    UPDATE returns the rows, each joined to its signature, letter and the letter's
    published text in the email's language, which the email is written from. Rows
    another worker is claiming are skipped, not waited for.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    due = OutboundEmail.objects.filter(
        state=EmailState.PENDING, next_attempt_at__lte=now
    )
    if email_id is not None:
        due = due.filter(pk=email_id)
    if connection.vendor != "postgresql":
        # SQLite (the embedded default) has no UPDATE inside WITH: claim with one
        # conditional UPDATE, then read the rows (two statements, same guarantee).
        ids = (
            [email_id]
            if email_id is not None
            else list(due.order_by(*_due_order()).values_list("pk", flat=True)[:limit])
        )
        if not ids or not due.filter(pk__in=ids).update(
            state=EmailState.SENDING, lease_until=lease, claimed_by=claimant
        ):
            return []
        return list(
            OutboundEmail.objects.select_related("signature__letter")
            .filter(pk__in=ids, claimed_by=claimant, state=EmailState.SENDING)
            .order_by(*_due_order())
        )
    table = OutboundEmail._meta.db_table
    picked = (
        f"SELECT id FROM {table} WHERE state = %s AND next_attempt_at <= %s"
        + (" AND id = %s" if email_id is not None else "")
        + " ORDER BY (newsletter_id IS NOT NULL), next_attempt_at, id"
        " LIMIT %s FOR UPDATE SKIP LOCKED"
    )
    picked_params = [
        EmailState.PENDING,
        now,
        *([email_id] if email_id is not None else []),
        limit,
    ]
    models = (OutboundEmail, Signature, Letter, LetterContent)
    names, selects = zip(
        *(_columns(m, a) for m, a in zip(models, ("c", "s", "l", "t"), strict=True)),
        strict=True,
    )
    content_type = ContentType.objects.get_for_model(LetterContent).pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH c AS (
                UPDATE {table}
                SET state = %s, lease_until = %s, claimed_by = %s
                WHERE id IN ({picked})
                RETURNING *
            )
            SELECT {", ".join(selects)} FROM c
            LEFT JOIN {Signature._meta.db_table} s ON s.id = c.signature_id
            LEFT JOIN {Letter._meta.db_table} l ON l.id = s.letter_id
            LEFT JOIN {LetterContent._meta.db_table} t ON t.id = (
                SELECT lc.id FROM {LetterContent._meta.db_table} lc
                JOIN {Version._meta.db_table} v
                  ON v.object_id = lc.id AND v.content_type_id = %s
                 AND v.state = 'published'
                WHERE lc.letter_id = l.id AND lc.language = c.language
                LIMIT 1
            )
            ORDER BY (c.newsletter_id IS NOT NULL), c.next_attempt_at, c.id
            """,  # noqa: S608 (table and column names come from the models)
            [EmailState.SENDING, lease, claimant, *picked_params, content_type],
        )
        rows = cursor.fetchall()
    return [_hydrate(row, models, names) for row in rows]


def _hydrate(row, models, names) -> OutboundEmail:
    instances, start = [], 0
    for model, fields in zip(models, names, strict=True):
        values = row[start : start + len(fields)]
        start += len(fields)
        instances.append(
            None
            if values[0] is None
            else model.from_db(connection.alias, fields, values)
        )
    email, signature, letter, content = instances
    if content is not None:
        # The letter's published text in the email's language, read in the same
        # statement (any other language would be read on demand).
        letter.set_published_contents([content])
    if signature is not None:
        signature.letter = letter
    email.signature = signature
    return email


def email_claim(*, email_id: int, claimant: str) -> OutboundEmail | None:
    """Take an owed, due email for sending under a lease; None if it is not ours."""
    claimed = _claim(claimant=claimant, email_id=email_id)
    return claimed[0] if claimed else None


def emails_claim_due(*, claimant: str, limit: int) -> list[OutboundEmail]:
    """Take up to ``limit`` owed, due emails nobody else is claiming, under a lease."""
    return _claim(claimant=claimant, limit=limit)


def _record(*, email_id: int, claimant: str, **changes) -> bool:
    # One UPDATE in autocommit: atomic on its own. Only the current claimant
    # records: a worker whose lease ran out and whose row was claimed again must
    # not overwrite the newer attempt.
    return bool(
        OutboundEmail.objects.filter(
            pk=email_id, state=EmailState.SENDING, claimed_by=claimant
        ).update(lease_until=None, **changes)
    )


def _record_many(*, email_ids: list[int], claimant: str, **changes) -> int:
    # One UPDATE for a batch's emails that ended the same way.
    if not email_ids:
        return 0
    return OutboundEmail.objects.filter(
        pk__in=email_ids, state=EmailState.SENDING, claimed_by=claimant
    ).update(lease_until=None, **changes)


def _try_send(email: OutboundEmail) -> tuple[str, Exception | None]:
    """Build and send one claimed email; say how it ended (nothing recorded yet)."""
    message = email_build(email)
    if message is None:
        return EmailState.CANCELLED, None
    try:
        mail_send(message)
    except Exception as exc:
        if is_permanent(exc):
            return EmailState.FAILED_PERMANENT, exc
        return EmailState.PENDING, exc
    return EmailState.SENT, None


def _record_failure(email: OutboundEmail, claimant: str, state: str, exc) -> None:
    attempts = email.attempts + 1
    summary = error_summary(exc)
    if state == EmailState.FAILED_PERMANENT:
        logger.warning("Email %s refused for good: %s", email.pk, summary)
        _record(
            email_id=email.pk,
            claimant=claimant,
            state=EmailState.FAILED_PERMANENT,
            attempts=attempts,
            last_error=summary,
            recipient="",
        )
        return
    retry_at = timezone.now() + backoff(attempts)
    logger.info("Email %s not sent (%s); next attempt %s", email.pk, summary, retry_at)
    _record(
        email_id=email.pk,
        claimant=claimant,
        state=EmailState.PENDING,
        attempts=attempts,
        last_error=summary,
        next_attempt_at=retry_at,
    )


def _record_sent(email_ids: list[int], claimant: str) -> None:
    _record_many(
        email_ids=email_ids,
        claimant=claimant,
        state=EmailState.SENT,
        attempts=F("attempts") + 1,
        last_error="",
        sent_at=timezone.now(),
        recipient="",
    )


def _record_cancelled(email_ids: list[int], claimant: str) -> None:
    _record_many(
        email_ids=email_ids,
        claimant=claimant,
        state=EmailState.CANCELLED,
        recipient="",
    )


def email_deliver(*, email_id: int) -> str | None:
    """Claim, send (no transaction held) and record one owed email.

    Returns the state it was left in, or None when it was not ours to send.
    """
    claimant = uuid.uuid4().hex
    email = email_claim(email_id=email_id, claimant=claimant)
    if email is None:
        return None
    [state] = emails_deliver_batch([email], claimant)["outcomes"]
    return state


def emails_deliver_batch(emails: list[OutboundEmail], claimant: str) -> dict:
    """Send a claimed batch on the kept connection; record it in few statements.

    Sent and cancelled emails are recorded together after the batch (one UPDATE
    each). A failure is recorded at once; a failure that is not the address's
    fault (the server is down or refusing for now) ends the batch: the rest are
    handed back unattempted (owed and due) instead of each waiting out a timeout.
    """
    outcomes: dict[str, list[int]] = {}
    handed_back: list[int] = []
    for position, email in enumerate(emails):
        state, exc = _try_send(email)
        outcomes.setdefault(state, []).append(email.pk)
        if exc is not None:
            _record_failure(email, claimant, state, exc)
            if state == EmailState.PENDING:
                handed_back = [e.pk for e in emails[position + 1 :]]
                break
    _record_sent(outcomes.get(EmailState.SENT, []), claimant)
    _record_cancelled(outcomes.get(EmailState.CANCELLED, []), claimant)
    _record_many(email_ids=handed_back, claimant=claimant, state=EmailState.PENDING)
    return {"outcomes": outcomes, "handed_back": handed_back}


def _publish_drain(*, delay: float = 0, helper: bool = False) -> bool:
    """Queue a drain without touching the flag (a hand-over, or a helper)."""
    try:
        current_app.tasks[DRAIN_TASK].apply_async(
            kwargs={"helper": True} if helper else {}, countdown=delay or None
        )
    except (KombuOperationalError, OSError):
        logger.warning("Broker unavailable; owed emails left to the outbox sweep")
        return False
    return True


def _ask_for_help() -> None:
    # At most one helper queued at a time: it clears its own flag when it starts.
    if not _drain_flag_shared():
        _publish_drain(helper=True)
    elif cache.add(HELPER_FLAG, 1, settings.OUTBOX_KICK_SECONDS):
        if not _publish_drain(helper=True):
            cache.delete(HELPER_FLAG)


def emails_drain(
    *, batch: int = DRAIN_BATCH, seconds: float = DRAIN_SECONDS, helper: bool = False
) -> int:
    """Deliver owed, due emails in batches until none is left; return how many sent.

    The drain flag stays set while it runs, so sign-ups meanwhile queue nothing; it
    is cleared only on the way out, and one more claim follows the clearing (see
    ``_kick``). While batches come back full it asks for one helper, so an idle
    worker process joins in; claims skip each other's rows. After ``seconds``, or
    at the first batch the mail server could not take (those emails wait out their
    backoff), it hands over to a fresh task, which inherits the flag.
    """
    shared = _drain_flag_shared()
    if helper and shared:
        cache.delete(HELPER_FLAG)
    claimant = uuid.uuid4().hex
    deadline = time.monotonic() + seconds
    sent = 0
    while True:
        emails = emails_claim_due(claimant=claimant, limit=batch)
        if not emails:
            if shared:
                cache.delete(DRAIN_FLAG)
            # Owed before the flag went: ours. Owed after: its request set the
            # flag again and queued the next drain.
            emails = emails_claim_due(claimant=claimant, limit=batch)
            if not emails:
                return sent
        if len(emails) == batch:
            _ask_for_help()  # more are waiting
        result = emails_deliver_batch(emails, claimant)
        sent += len(result["outcomes"].get(EmailState.SENT, []))
        if result["handed_back"] or EmailState.PENDING in result["outcomes"]:
            _publish_drain(delay=settings.OUTBOX_DRAIN_DELAY)
            return sent
        if time.monotonic() > deadline:
            _publish_drain()
            return sent


# --- the sweep (beat) ----------------------------------------------------------------


def emails_due(*, limit: int = 1000) -> list[int]:
    """Lease and return owed emails that are due and held by nobody.

    A row in backoff is not due; a queued or sending row is leased. A sending row
    whose lease ran out (its worker died) is owed again.
    """
    now = timezone.now()
    with transaction.atomic():
        due = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(state__in=OWED_EMAIL_STATES, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(due)
        OutboundEmail.objects.filter(pk__in=ids).update(
            state=EmailState.PENDING, lease_until=queue_lease(), claimed_by=""
        )
    return ids


def email_requeue(email_id: int) -> None:
    """Queue one delivery task now (the sweep's half of the chain)."""
    _enqueue(email_id)


def backlog() -> dict[str, int]:
    """How many emails are owed, and how many of those already failed an attempt."""
    return OutboundEmail.objects.filter(state__in=OWED_EMAIL_STATES).aggregate(
        owed=Count("pk"), failing=Count("pk", filter=Q(attempts__gt=0))
    )
