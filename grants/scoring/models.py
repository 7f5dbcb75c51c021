"""Members' scorecards: declaration, scores with comments, evidence and site visits."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import utcnow
from grants.core.enums import TitledEnum, enum_column
from grants.extensions import db


class RecusalReason(TitledEnum):
    declared = "declared"
    affiliation = "affiliation"

    @staticmethod
    def TITLES():
        return {
            "declared": _l("Conflict of interest declared by the member"),
            "affiliation": _l("Member is affiliated with the NGO (same BIN)"),
        }


class Scorecard(db.Model):
    """One member's scores for one evaluation."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("evaluation_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    conflict_of_interest: Mapped[bool | None] = mapped_column(Boolean)  # None until declared
    conflict_note: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recused: Mapped[bool] = mapped_column(Boolean, default=False)
    recusal_reason: Mapped[RecusalReason | None] = mapped_column(enum_column(RecusalReason))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    not_submitted: Mapped[bool] = mapped_column(
        Boolean, default=False
    )  # recorded when scoring closed without it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version_id}  # a concurrent UPDATE fails instead of overwriting

    evaluation = relationship("Evaluation", back_populates="scorecards")
    member = relationship("User")
    scores: Mapped[list["Score"]] = relationship(back_populates="scorecard", cascade="all, delete-orphan")
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", order_by="Evidence.id"
    )

    @property
    def declared(self) -> bool:
        return self.conflict_of_interest is not None

    @property
    def counts(self) -> bool:
        """Whether this card enters the aggregates: submitted and not recused."""
        return bool(self.submitted_at) and not self.recused

    def score_for(self, code: str) -> "Score | None":
        return next((s for s in self.scores if s.criterion_code == code), None)

    def as_dict(self) -> dict[str, int]:
        return {s.criterion_code: s.score for s in self.scores if s.score is not None}


class Score(db.Model):
    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("scorecard_id", "criterion_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"), index=True)
    criterion_code: Mapped[str] = mapped_column(String(60))
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)

    scorecard = relationship("Scorecard", back_populates="scores")


class EvidenceKind(TitledEnum):
    file = "file"
    link = "link"
    photo = "photo"

    @staticmethod
    def TITLES():
        return {"file": _l("Document"), "link": _l("Link"), "photo": _l("Photo")}


class SiteVisit(db.Model):
    """A monitoring visit to where the project is implemented."""

    __tablename__ = "site_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    visit_date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(500))
    observations: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    evaluation = relationship("Evaluation", back_populates="site_visits")
    member = relationship("User")
    photos: Mapped[list["Evidence"]] = relationship(back_populates="site_visit", order_by="Evidence.id")


class Evidence(db.Model):
    """A document, photo or link backing a score; files are stored outside the web root."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int | None] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    site_visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("site_visits.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), index=True)
    criterion_code: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind))
    url: Mapped[str | None] = mapped_column(String(1000))
    filename: Mapped[str | None] = mapped_column(String(255))
    storage_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    scorecard = relationship("Scorecard", back_populates="evidence")
    site_visit = relationship("SiteVisit", back_populates="photos")
    reply = relationship("Reply", back_populates="attachments")

    @property
    def evaluation(self):
        if self.scorecard is not None:
            return self.scorecard.evaluation
        if self.reply is not None:
            return self.reply.evaluation
        return self.site_visit.evaluation

    def can_view(self, user) -> bool:
        """The uploader, and whoever may see the evaluation's scores (no anchoring through evidence)."""
        if self.reply is not None:
            return self.reply.can_view(user)
        if not user.is_authenticated:
            return False
        return self.uploaded_by_id == user.id or self.evaluation.can_see_scores(user)
