"""Delivering outbox messages over SMTP (MAIL_SERVER… optional: README.md, "Configuration (environment)").

Without MAIL_SERVER every message stays in the outbox (status "queued"), where administrators
read it. With MAIL_SERVER, messages created in a request are delivered once its transaction has
committed: inline at the end of the request, or by an RQ worker (`rq worker mail`) when REDIS_URL
is set. `flask --app grants send-mail` (and send-reminders) deliver whatever is still queued,
so a message whose delivery failed is retried until MAX_ATTEMPTS.
"""

import logging
import smtplib
import ssl
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from flask import current_app
from sqlalchemy import select

from grants.core.committed import CommittedIds
from grants.extensions import db
from grants.notifications.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
QUEUE = "mail"


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


# --- one SMTP conversation -------------------------------------------------------------------


def build_email(message: OutboxMessage) -> MIMEText:
    """The MIME message: UTF-8 subject (RFC 2047) and body (quoted-printable), so Kazakh letters survive.

    Built with the compat32 classes: the default policy's header folding drops the space between
    two encoded words of a long Cyrillic subject (the words run together when read)."""
    name, address = parseaddr(current_app.config.get("MAIL_SENDER") or "grants@localhost")
    address = address or "grants@localhost"
    charset = Charset("utf-8")
    charset.body_encoding = QP
    email = MIMEText(message.body, "plain", charset)
    email["Subject"] = Header(message.subject, "utf-8")
    email["From"] = formataddr((name, address), charset="utf-8")
    email["To"] = message.recipient_email
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(
        idstring=f"outbox{message.id}", domain=address.rpartition("@")[2] or None
    )
    email["Content-Language"] = message.lang or "ru"
    email["Auto-Submitted"] = "auto-generated"
    return email


def open_connection() -> smtplib.SMTP:
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    if config.get("MAIL_USE_SSL"):
        connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            connection.starttls(context=ssl.create_default_context())
    try:
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except Exception:
        _close(connection)
        raise
    return connection


def _close(connection) -> None:
    try:
        connection.quit()
    except Exception:  # the server is gone already
        connection.close()


def _error_text(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:1000]


def _record(message: OutboxMessage, error: BaseException | None) -> None:
    message.attempts = (message.attempts or 0) + 1
    if error is None:
        message.sent_at = datetime.now(UTC)
        message.last_error = None
    else:
        message.last_error = _error_text(error)
        log.warning(
            "mail %s to %s not delivered: %s", message.id, message.recipient_email, message.last_error
        )


def send_batch(messages: list[OutboxMessage]) -> tuple[int, int]:
    """Send messages over one connection (reconnecting after a dropped one); returns (sent, failed).
    Records the outcome on each message; never raises. The caller commits."""
    sent = failed = 0
    if not messages:
        return 0, 0
    if not mail_enabled():
        return 0, 0
    connection = None
    for position, message in enumerate(messages):
        if connection is None:
            try:
                connection = open_connection()
            except Exception as exc:  # closed port, TLS or auth failure, timeout: the rest would fail alike
                for rest in messages[position:]:
                    _record(rest, exc)
                return sent, failed + len(messages) - position
        try:
            connection.send_message(build_email(message))
        except Exception as exc:  # refused recipient, dropped connection…
            _record(message, exc)
            failed += 1
            if not isinstance(
                exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError | smtplib.SMTPSenderRefused
            ):
                _close(connection)
                connection = None
        else:
            _record(message, None)
            sent += 1
    if connection is not None:
        _close(connection)
    return sent, failed


def deliver(message: OutboxMessage) -> bool:
    """Send one message now; True when the server took it. Never raises; the caller commits."""
    sent, _failed = send_batch([message])
    return bool(sent)


def pending_query(limit: int | None = None):
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
    )
    return query.limit(limit) if limit else query


def deliver_pending(limit: int | None = 500) -> tuple[int, int]:
    """Deliver queued messages (not sent, fewer than MAX_ATTEMPTS tries); returns (sent, failed). The caller commits."""
    if not mail_enabled():
        return 0, 0
    return send_batch(list(db.session.scalars(pending_query(limit))))


def deliver_ids(ids) -> tuple[int, int]:
    """Deliver those of the given messages that are still queued, and commit the outcome."""
    ids = sorted(set(ids))
    if not ids or not mail_enabled():
        return 0, 0
    messages = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.attempts < MAX_ATTEMPTS,
            )
            .order_by(OutboxMessage.id)
        )
    )
    result = send_batch(messages)
    db.session.commit()
    return result


# --- after the transaction commits -----------------------------------------------------------


NEW_MESSAGES = CommittedIds("outbox", lambda obj: isinstance(obj, OutboxMessage))
watch_sessions = NEW_MESSAGES.watch  # note new messages as they are flushed; a commit makes them real
committed_ids = NEW_MESSAGES.take  # the ids of messages this session committed since the last call


def dispatch(ids) -> None:
    """Hand committed messages to delivery: an RQ job with REDIS_URL, else at once. Never raises."""
    ids = sorted(set(ids))
    if not ids or not mail_enabled():
        return
    url = current_app.config.get("REDIS_URL")
    try:
        if url:
            from redis import Redis
            from rq import Queue

            with Redis.from_url(url) as connection:
                Queue(QUEUE, connection=connection).enqueue_call(
                    "grants.tasks.deliver_mail",  # the worker builds its app there
                    args=(ids, current_app.config.get("JOB_APP_CONFIG")),
                    timeout=600,
                    description=f"deliver {len(ids)} outbox message(s)",
                )
        else:
            deliver_ids(ids)
    except Exception:  # the messages stay queued: send-mail or send-reminders (cron) retries them
        log.exception("could not deliver outbox messages %s", ids)
        db.session.rollback()


def deliver_after_request(response):
    """Flask after_request hook: deliver what this request committed."""
    try:
        ids = committed_ids()
    except Exception:
        log.exception("could not read the committed outbox messages")
        return response
    if ids:
        dispatch(ids)
    return response
