"""Members' scorecards: declaration, scores with comments, evidence and site visits."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import utcnow
from grants.core.enums import TitledEnum, enum_column
from grants.extensions import db
from grants.monitoring.models import Evaluation


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


INLINE_TYPES = ("image/png", "image/jpeg", "application/pdf")


class EvidenceKind(TitledEnum):
    file = "file"
    link = "link"
    photo = "photo"

    @staticmethod
    def TITLES():
        return {"file": _l("Document"), "link": _l("Link"), "photo": _l("Photo")}


def exhibits_open(evaluation, user) -> bool:
    """Whether user may see the evidence and site visits that members attached to the evaluation
    (docs/domain.md#evidence-access): its group's members and chair (not recused; during scoring
    only once their own scorecard is submitted), the campaign's ministry staff, admins, and the
    project's NGO once published. exhibits_open_on is the same rule as SQL."""
    if not evaluation.can_view(user):
        return False
    if evaluation.group.has_member(user) or evaluation.is_chair(user):
        if evaluation.is_recused(user):
            return False
        card = evaluation.scorecard_of(user)
        return evaluation.past_scoring or bool(card and (card.submitted_at or card.reopened_at))
    return True


def exhibits_open_on(user):
    """exhibits_open as a SQL condition on Evaluation."""
    if not user.is_authenticated:
        return false()
    insider = or_(Evaluation.in_groups_of(user), Evaluation.chaired_by(user))
    own_card_done = Evaluation.scorecards.any(
        and_(
            Scorecard.member_id == user.id,
            or_(Scorecard.submitted_at.is_not(None), Scorecard.reopened_at.is_not(None)),
        )
    )
    return and_(
        Evaluation.visible_to(user),
        or_(~insider, and_(~Evaluation.recused_for(user), or_(Evaluation.past_scoring, own_card_done))),
    )


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

    def can_view(self, user) -> bool:
        """Its member, and whoever may see the evaluation's evidence (docs/domain.md#evidence-access)."""
        if not user.is_authenticated:
            return False
        return self.member_id == user.id or exhibits_open(self.evaluation, user)

    @classmethod
    def visible_to(cls, user):
        """can_view as a SQL condition (tests/test_visibility.py checks they agree)."""
        if not user.is_authenticated:
            return false()
        open_evaluations = select(Evaluation.id).where(exhibits_open_on(user))
        return or_(cls.member_id == user.id, cls.evaluation_id.in_(open_evaluations))


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
    uploaded_by = relationship("User")

    @property
    def evaluation(self):
        if self.scorecard is not None:
            return self.scorecard.evaluation
        if self.reply is not None:
            return self.reply.evaluation
        return self.site_visit.evaluation

    def can_view(self, user) -> bool:
        """A reply's attachment: whoever may see the reply. Otherwise its uploader, and whoever may see
        the evaluation's evidence (docs/domain.md#evidence-access). visible_to is the same rule as SQL."""
        if self.reply is not None:
            return self.reply.can_view(user)
        if not user.is_authenticated:
            return False
        return self.uploaded_by_id == user.id or exhibits_open(self.evaluation, user)

    @classmethod
    def visible_to(cls, user):
        """can_view as a SQL condition (tests/test_visibility.py checks they agree)."""
        # Reply lives in grants.replies, above this package: reached through the relationship.
        reply = cls.reply.property.mapper.class_
        of_reply = and_(
            cls.reply_id.is_not(None), cls.reply_id.in_(select(reply.id).where(reply.visible_to(user)))
        )
        if not user.is_authenticated:
            return of_reply
        open_evaluations = select(Evaluation.id).where(exhibits_open_on(user))
        on_cards = select(Scorecard.id).where(Scorecard.evaluation_id.in_(open_evaluations))
        on_visits = select(SiteVisit.id).where(SiteVisit.evaluation_id.in_(open_evaluations))
        own_or_open = or_(
            cls.uploaded_by_id == user.id,
            cls.scorecard_id.in_(on_cards),
            cls.site_visit_id.in_(on_visits),
        )
        return or_(of_reply, and_(cls.reply_id.is_(None), own_or_open))

    @property
    def opens_inline(self) -> bool:
        """Shown by the browser itself (images, PDFs); other files are downloaded."""
        return self.content_type in INLINE_TYPES

    @property
    def is_image(self) -> bool:
        return self.content_type in ("image/png", "image/jpeg")
