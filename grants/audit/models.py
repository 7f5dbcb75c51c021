"""The audit trail: append-only events chained by hash, and signed checkpoints of the chain's head.

The rules (what a hash covers, how appends are serialised, what a checkpoint proves) are in
docs/audit.md.
"""

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import as_utc, utcnow
from grants.extensions import db

HASH_VERSION = 2  # version 1 left out the id and the time; migration 0009 re-chained every event


def canonical_time(value: datetime) -> str:
    """The event's time as hashed: UTC, microseconds, whatever the database hands back."""
    return as_utc(value).astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(*, id, at, actor_id, action, object_type, object_id, before, after, prev_hash) -> str:
    """sha256 over every field of an event and the previous event's hash (docs/audit.md)."""
    payload = json.dumps(
        {
            "v": HASH_VERSION,
            "id": id,
            "at": canonical_time(at),
            "actor_id": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": before,
            "after": after,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


class AuditEvent(db.Model):
    """Append-only record of who did what to which object, chained by hash so edits show."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor = relationship("User")

    def compute_hash(self) -> str:
        return event_hash(
            id=self.id,
            at=self.at,
            actor_id=self.actor_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            before=self.before,
            after=self.after,
            prev_hash=self.prev_hash,
        )


class AuditCheckpoint(db.Model):
    """A signed statement "the chain's head was event N with hash H, N events long" (docs/audit.md).

    No foreign key to the event on purpose: a checkpoint must outlive the events it vouches for,
    so that deleting them shows.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event_id: Mapped[int] = mapped_column(Integer, index=True)
    event_hash: Mapped[str] = mapped_column(String(64))
    event_count: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(64))

    def signed_content(self) -> bytes:
        return json.dumps(
            [
                "grants-audit-checkpoint",
                1,
                canonical_time(self.at),
                self.event_id,
                self.event_hash,
                self.event_count,
            ],
            separators=(",", ":"),
        ).encode("ascii")


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
@event.listens_for(AuditCheckpoint, "before_update")
@event.listens_for(AuditCheckpoint, "before_delete")
def _append_only(mapper, connection, target):
    raise PermissionError("audit events are append-only")
