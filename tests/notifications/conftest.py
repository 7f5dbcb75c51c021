"""A real SMTP server on loopback (aiosmtpd) for the mail tests, and helpers to read the outbox."""

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from grants.extensions import db
from grants.notifications.models import OutboxMessage
from tests.helpers import free_port


class Inbox:
    """aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.envelopes = []
        self.refused: set[str] = set()  # recipients the server answers 550

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [
            email.message_from_bytes(e.original_content or e.content, policy=policy.default)
            for e in self.envelopes
        ]

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _set_mail(app, server, port):
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER=server, MAIL_PORT=port, MAIL_TIMEOUT=5)
    return saved


@pytest.fixture
def mail_on(app, smtp_server):
    """MAIL_SERVER points at the loopback SMTP server; yields its Inbox."""
    inbox, port = smtp_server
    saved = _set_mail(app, "127.0.0.1", port)
    yield inbox
    app.config.update(saved)


@pytest.fixture
def mail_broken(app):
    """MAIL_SERVER points at a loopback port nobody listens on."""
    saved = _set_mail(app, "127.0.0.1", free_port())
    yield
    app.config.update(saved)


@pytest.fixture
def mail_off(app):
    saved = _set_mail(app, None, 25)
    yield
    app.config.update(saved)


def outbox(kind: str | None = None, obj=None) -> list[OutboxMessage]:
    """Messages in the outbox, oldest first, of one kind and about one object if given."""
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if obj is not None:
        query = query.where(
            OutboxMessage.object_type == obj.__class__.__name__, OutboxMessage.object_id == obj.id
        )
    return list(db.session.scalars(query))


def recipients_of(messages) -> set[str]:
    return {m.recipient_email for m in messages}
