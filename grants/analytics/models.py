"""What analytics stores: the thresholds of the risk rules and the reviews of raised flags.

Flags themselves are not stored: they are worked out from the data whenever they are asked for
(grants.analytics.risks), so they can never go stale or drift from the data behind them.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import utcnow
from grants.extensions import db


class RiskThreshold(db.Model):
    """An administrator's threshold for one risk rule; a rule with no row uses its default."""

    __tablename__ = "risk_thresholds"

    rule: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version_id}

    updated_by = relationship("User")


class FlagReview(db.Model):
    """Ministry staff looked at a raised flag and wrote what they found. One review per rule and subject:
    a second review of the same flag is a conflict (409), not a second row."""

    __tablename__ = "flag_reviews"
    __table_args__ = (UniqueConstraint("rule", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(60), index=True)
    subject_kind: Mapped[str] = mapped_column(String(20))  # "project", "lot" or "organisation"
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    note: Mapped[str] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)  # the data behind the flag when it was reviewed
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    reviewed_by = relationship("User")
