"""Issued PDF reports (immutable) and ministry review decisions."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    or_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from grants.core.db import utcnow
from grants.core.enums import TitledEnum, enum_column
from grants.extensions import db
from grants.monitoring.models import Evaluation


class ReportKind(TitledEnum):
    draft = "draft"
    final = "final"

    @staticmethod
    def TITLES():
        return {"draft": _l("Draft for review"), "final": _l("Final report")}


class RenderStatus(TitledEnum):
    """Where an issued report's PDF stands: it is rendered after the issuing transaction commits
    (docs/operations.md, "Reports after commit")."""

    pending = "pending"
    ready = "ready"
    failed = "failed"

    @staticmethod
    def TITLES():
        return {"pending": _l("Being prepared"), "ready": _l("Ready"), "failed": _l("Rendering failed")}


class Report(db.Model):
    """An issued report of an evaluation in one language.

    Issuing fixes its text (`html`, rendered in the issuing transaction) and its printed
    fingerprint; the PDF bytes, their sha256 and size are written once, together, when the render
    job finishes, and never change afterwards."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("evaluation_id", "version", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind), index=True)
    version: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(2))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    html: Mapped[str | None] = deferred(mapped_column(Text))
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Printed in the PDF and in its QR code: the link to /verify/<fingerprint> (a PDF cannot hold its own hash).
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int | None] = mapped_column(Integer)
    render_status: Mapped[RenderStatus] = mapped_column(
        enum_column(RenderStatus), default=RenderStatus.pending, server_default="ready", index=True
    )
    render_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    render_error: Mapped[str | None] = mapped_column(Text)
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    evaluation = relationship("Evaluation")
    issued_by = relationship("User")

    @property
    def is_ready(self) -> bool:
        return self.render_status == RenderStatus.ready

    @property
    def render_failed(self) -> bool:
        """Its rendering was tried RENDER_ATTEMPTS times and failed: an administrator retries it."""
        return self.render_status == RenderStatus.failed

    @property
    def filename(self) -> str:
        e = self.evaluation
        return f"evaluation-{e.id}-v{self.version}-{self.kind.value}-{self.lang}.pdf"

    @hybrid_property
    def is_public(self) -> bool:
        """A final report of a published evaluation: anybody may read it."""
        return self.kind == ReportKind.final and self.evaluation.is_published

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls):
        published = select(Evaluation.id).where(Evaluation.is_published)
        return and_(cls.kind == ReportKind.final, cls.evaluation_id.in_(published))

    def can_view(self, user) -> bool:
        """A published evaluation's final reports are public; drafts and unpublished ones only for
        whoever may see the evaluation's scores. visible_to is the same rule as SQL."""
        return self.is_public or self.evaluation.can_see_scores(user)

    @classmethod
    def visible_to(cls, user):
        """can_view as a SQL condition (tests/test_visibility.py checks they agree)."""
        readable = select(Evaluation.id).where(Evaluation.scores_visible_to(user))
        return or_(cls.is_public, cls.evaluation_id.in_(readable))


@event.listens_for(Report, "before_update")
def _immutable(mapper, connection, target):
    raise PermissionError("issued reports never change")


class ReviewDecision(db.Model):
    """Ministry staff's accept or return of an evaluation in review, with their comment."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(10))  # accept | return
    comment: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    reviewer = relationship("User")
    report = relationship("Report")
