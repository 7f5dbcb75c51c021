"""The NGO's right of reply: objections to a published evaluation and the chair's rulings."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import utcnow
from grants.core.enums import TitledEnum, enum_column
from grants.extensions import db
from grants.monitoring.models import EvaluationState


class Ruling(TitledEnum):
    accepted = "accepted"
    rejected = "rejected"

    @staticmethod
    def TITLES():
        return {"accepted": _l("Reply accepted"), "rejected": _l("Reply rejected")}


class Reply(db.Model):
    """An NGO's objection or comment on one criterion or on a finding, and the chair's ruling on it."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Exactly one of the two: a criterion code of the evaluation's methodology, or the finding answered.
    criterion_code: Mapped[str | None] = mapped_column(String(60))
    finding: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    ruling: Mapped[Ruling | None] = mapped_column(enum_column(Ruling), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    # An accepted reply that changes a score sends the evaluation back to consolidation and review.
    changes_score: Mapped[bool] = mapped_column(Boolean, default=False)
    ruled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    ruled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The report version that first printed the ruling.
    report_version: Mapped[int | None] = mapped_column(Integer)

    evaluation = relationship("Evaluation", back_populates="replies")
    organisation = relationship("Organisation")
    author = relationship("User", foreign_keys=[author_id])
    ruled_by = relationship("User", foreign_keys=[ruled_by_id])
    attachments: Mapped[list["Evidence"]] = relationship(  # noqa: F821
        back_populates="reply", cascade="all, delete-orphan", order_by="Evidence.id"
    )

    @property
    def is_pending(self) -> bool:
        return self.ruling is None

    def subject_title(self, lang: str | None = None) -> str:
        """What the reply answers: the criterion's name, or the finding."""
        if self.criterion_code:
            criterion = self.evaluation.methodology.criterion(self.criterion_code)
            if criterion is not None:
                return criterion.localized("name", lang) if lang else criterion.name
            return self.criterion_code
        return self.finding or ""

    def can_view(self, user) -> bool:
        """The NGO that wrote it, and whoever may see the evaluation's scores; once ruled on, and the
        evaluation published, everybody (replies and rulings are part of the public record)."""
        if self.ruling is not None and self.evaluation.state == EvaluationState.published:
            return True
        if not user.is_authenticated:
            return False
        return user.organisation_id == self.organisation_id or self.evaluation.can_see_scores(user)
