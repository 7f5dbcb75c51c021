"""Methodologies (versioned rubrics), campaigns and the evaluations they assign to groups."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
    select,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import LocalizedMixin, TimestampMixin, current_language, utcnow
from grants.core.enums import TitledEnum, enum_column
from grants.core.errors import today_local
from grants.councils.models import GroupMember, MonitoringGroup
from grants.extensions import db
from grants.organisations.models import Organisation
from grants.projects.models import Project


class SubjectKind(TitledEnum):
    project = "project"
    lot = "lot"

    @staticmethod
    def TITLES():
        return {"project": _l("Project effectiveness"), "lot": _l("Lot relevance")}


class Methodology(LocalizedMixin, TimestampMixin, db.Model):
    """One version of a rubric. A version that has been used never changes: edits make a new version."""

    __tablename__ = "methodologies"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[SubjectKind] = mapped_column(enum_column(SubjectKind), index=True)
    name_ru: Mapped[str] = mapped_column(String(300))
    name_kk: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    scale_min: Mapped[int] = mapped_column(Integer, default=0)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    quorum: Mapped[int] = mapped_column(Integer, default=3)
    disagreement_threshold: Mapped[int] = mapped_column(Integer, default=3)
    # Scores that need a written comment (0, 1 and 5 by default: docs/domain.md#scoring).
    comment_required_scores: Mapped[list] = mapped_column(JSON, default=lambda: [0, 1, 5])
    # [{"min": 85, "code": "highly_effective", "ru": ..., "kk": ..., "en": ...}, ...]
    bands: Mapped[list] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("methodologies.id"), index=True)

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="methodology", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    previous = relationship("Methodology", remote_side=[id])

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.criteria]

    def criterion(self, code: str) -> "Criterion | None":
        return next((c for c in self.criteria if c.code == code), None)

    @property
    def weights(self) -> dict[str, Decimal]:
        return {c.code: c.weight for c in self.criteria}

    def band_pairs(self) -> list[tuple[Decimal, str]]:
        return [(Decimal(str(b["min"])), b["code"]) for b in self.bands]

    def band_title(self, code: str | None, lang: str | None = None) -> str:
        lang = lang or current_language()
        for b in self.bands:
            if b["code"] == code:
                return b.get(lang) or b.get("ru") or code
        return ""

    @property
    def in_use(self) -> bool:
        return (
            db.session.scalar(select(Evaluation.id).where(Evaluation.methodology_id == self.id).limit(1))
            is not None
        )

    def can_view(self, user) -> bool:
        return True  # the rules of evaluation are public

    def can_edit(self, user) -> bool:
        return user.is_authenticated and user.has_role("admin")


class Criterion(LocalizedMixin, db.Model):
    __tablename__ = "criteria"
    __table_args__ = (UniqueConstraint("methodology_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_id: Mapped[int] = mapped_column(
        ForeignKey("methodologies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(60))
    name_ru: Mapped[str] = mapped_column(Text)
    name_kk: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    short_ru: Mapped[str | None] = mapped_column(String(120))
    short_kk: Mapped[str | None] = mapped_column(String(120))
    short_en: Mapped[str | None] = mapped_column(String(120))
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    # {"1": {"ru": ..., "kk": ..., "en": ...}, "3": {...}, "5": {...}}
    descriptors: Mapped[dict] = mapped_column(JSON, default=dict)

    methodology = relationship("Methodology", back_populates="criteria")

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def short(self) -> str:
        return self.localized("short") or self.name

    def descriptor(self, level: int | str, lang: str | None = None) -> str:
        lang = lang or current_language()
        entry = (self.descriptors or {}).get(str(level)) or {}
        return entry.get(lang) or entry.get("ru") or ""


class CampaignStatus(TitledEnum):
    draft = "draft"
    running = "running"
    closed = "closed"

    @staticmethod
    def TITLES():
        return {"draft": _l("Being prepared"), "running": _l("Running"), "closed": _l("Closed")}


campaign_groups = Table(
    "campaign_groups",
    db.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("group_id", ForeignKey("monitoring_groups.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Campaign(LocalizedMixin, TimestampMixin, db.Model):
    """A round of monitoring run by an organisation (e.g. "Astana 2026, H1")."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ru: Mapped[str] = mapped_column(String(300))
    name_kk: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    scoring_deadline: Mapped[date] = mapped_column(Date, index=True)
    review_deadline: Mapped[date | None] = mapped_column(Date)
    reply_window_days: Mapped[int] = mapped_column(Integer, default=10)
    project_methodology_id: Mapped[int | None] = mapped_column(ForeignKey("methodologies.id"), index=True)
    lot_methodology_id: Mapped[int | None] = mapped_column(ForeignKey("methodologies.id"), index=True)
    status: Mapped[CampaignStatus] = mapped_column(
        enum_column(CampaignStatus), default=CampaignStatus.draft, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    organiser = relationship("Organisation")
    project_methodology = relationship("Methodology", foreign_keys=[project_methodology_id])
    lot_methodology = relationship("Methodology", foreign_keys=[lot_methodology_id])
    groups = relationship("MonitoringGroup", secondary=campaign_groups, order_by="MonitoringGroup.id")
    evaluations: Mapped[list["Evaluation"]] = relationship(
        back_populates="campaign", order_by="Evaluation.id"
    )

    @property
    def name(self) -> str:
        return self.localized("name")

    def methodology_for(self, kind: SubjectKind):
        return self.project_methodology if kind == SubjectKind.project else self.lot_methodology

    def is_manager(self, user) -> bool:
        return user.is_authenticated and user.has_role("ministry") and user.works_for(self.organiser_id)

    @classmethod
    def managed_by(cls, user):
        """is_manager as a SQL condition."""
        if not (user.is_authenticated and user.has_role("ministry") and user.organisation_id is not None):
            return false()
        return cls.organiser_id == user.organisation_id

    def can_view(self, user) -> bool:
        """Its managers, admins and members of its groups; visible_to is the same rule as SQL."""
        if not user.is_authenticated:
            return False
        return self.is_manager(user) or user.has_role("admin") or any(g.has_member(user) for g in self.groups)

    @classmethod
    def visible_to(cls, user):
        """can_view as a SQL condition, for lists (tests/test_visibility.py checks they agree)."""
        if not user.is_authenticated:
            return false()
        if user.has_role("admin"):
            return true()
        own_groups = (
            select(campaign_groups.c.campaign_id)
            .join(GroupMember, GroupMember.group_id == campaign_groups.c.group_id)
            .where(GroupMember.user_id == user.id)
        )
        return or_(cls.id.in_(own_groups), cls.managed_by(user))

    def can_edit(self, user) -> bool:
        return self.is_manager(user)

    @property
    def is_draft(self) -> bool:
        return self.status == CampaignStatus.draft

    def can_start(self, user) -> bool:
        """Its managers start a campaign still being prepared (monitoring.operations.start_campaign)."""
        return self.is_draft and self.is_manager(user)


class EvaluationState(TitledEnum):
    draft = "draft"
    scoring = "scoring"
    consolidation = "consolidation"
    in_review = "in_review"
    returned = "returned"
    accepted = "accepted"
    published = "published"

    @staticmethod
    def TITLES():
        return {
            "draft": _l("Draft"),
            "scoring": _l("Scoring"),
            "consolidation": _l("Consolidation"),
            "in_review": _l("In review"),
            "returned": _l("Returned for revision"),
            "accepted": _l("Accepted"),
            "published": _l("Published"),
        }


class Evaluation(TimestampMixin, db.Model):
    """One subject (a project or a lot) scored by one group under one methodology version."""

    __tablename__ = "evaluations"
    # "project:<id>" or "lot:<id>": one evaluation per subject per campaign (NULLs would slip past a
    # unique constraint over project_id/lot_id).
    __table_args__ = (UniqueConstraint("campaign_id", "subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(40))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("monitoring_groups.id"), index=True)
    kind: Mapped[SubjectKind] = mapped_column(enum_column(SubjectKind), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)  # the project's lot for projects
    methodology_id: Mapped[int] = mapped_column(ForeignKey("methodologies.id"), index=True)
    state: Mapped[EvaluationState] = mapped_column(
        enum_column(EvaluationState), default=EvaluationState.draft, index=True
    )
    deadline: Mapped[date] = mapped_column(Date, index=True)
    findings: Mapped[str | None] = mapped_column(Text)
    recommendations: Mapped[str | None] = mapped_column(Text)
    index_value: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    band: Mapped[str | None] = mapped_column(String(40))
    alpha: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    # Stored with the index at finalize: the sums of rules.AgreementSums over this evaluation's counted
    # scores, so that the dashboard pools alpha per campaign from evaluations alone
    # (docs/analytics.md#dashboard). NULL until the evaluation is finalized.
    agreement_values: Mapped[int | None] = mapped_column(Integer)
    agreement_total: Mapped[int | None] = mapped_column(Integer)
    agreement_squares: Mapped[int | None] = mapped_column(Integer)
    agreement_within: Mapped[Decimal | None] = mapped_column(Numeric(24, 12))
    scoring_closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # Set when scoring first closes and the chair sees every score; from then on only reopened
    # scorecards can change (independence of members, docs/concurrency.md).
    scores_revealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version_id: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version_id}  # a concurrent UPDATE fails instead of overwriting

    campaign = relationship("Campaign", back_populates="evaluations")
    group = relationship("MonitoringGroup")
    project = relationship("Project")
    lot = relationship("Lot")
    methodology = relationship("Methodology")
    scorecards: Mapped[list["Scorecard"]] = relationship(  # noqa: F821
        back_populates="evaluation", cascade="all, delete-orphan", order_by="Scorecard.id"
    )
    conclusions: Mapped[list["CriterionConclusion"]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan"
    )
    reviews: Mapped[list["ReviewDecision"]] = relationship(  # noqa: F821
        order_by="ReviewDecision.decided_at", cascade="all, delete-orphan"
    )
    site_visits: Mapped[list["SiteVisit"]] = relationship(  # noqa: F821
        back_populates="evaluation", cascade="all, delete-orphan", order_by="SiteVisit.visit_date"
    )
    replies: Mapped[list["Reply"]] = relationship(  # noqa: F821
        back_populates="evaluation", cascade="all, delete-orphan", order_by="Reply.id"
    )

    @property
    def subject(self):
        return self.project if self.kind == SubjectKind.project else self.lot

    @property
    def title(self) -> str:
        return self.subject.title

    @property
    def ngo_bin(self) -> str | None:
        return self.project.ngo.bin if self.project is not None else None

    def scorecard_of(self, user):
        if not user.is_authenticated:
            return None
        return next((s for s in self.scorecards if s.member_id == user.id), None)

    def conclusion(self, code: str) -> "CriterionConclusion | None":
        return next((c for c in self.conclusions if c.criterion_code == code), None)

    # Access rules live here so pages, API and exports agree (grants.core.permissions calls them).
    def is_chair(self, user) -> bool:
        return user.is_authenticated and self.group.chair_id == user.id

    def can_view(self, user) -> bool:
        """Group members, the campaign's ministry staff, admins, and once published the NGO whose
        project it is; nobody else learns it exists. visible_to is the same rule as SQL, for lists."""
        if not user.is_authenticated:
            return False
        return (
            self.group.has_member(user)
            or self.is_chair(user)
            or self.campaign.is_manager(user)
            or user.has_role("admin")
            or self.is_published_for_ngo(user)
        )

    def is_published_for_ngo(self, user) -> bool:
        """The NGO whose project was evaluated reads the evaluation once it is published (its result
        is public by then; it answers it with replies). published_for_ngo is the same rule as SQL."""
        return (
            user.has_role("ngo")
            and user.organisation_id is not None
            and self.is_published
            and self.project is not None
            and self.project.ngo_id == user.organisation_id
        )

    @classmethod
    def published_for_ngo(cls, user):
        """is_published_for_ngo as a SQL condition."""
        if not user.is_authenticated or not user.has_role("ngo") or user.organisation_id is None:
            return false()
        own = select(Project.id).where(Project.ngo_id == user.organisation_id)
        return and_(cls.is_published, cls.project_id.in_(own))

    @classmethod
    def visible_to(cls, user):
        """can_view as a SQL condition: `select(Evaluation).where(Evaluation.visible_to(user))` lists
        exactly the evaluations for which can_view(user) is true (tests/test_visibility.py checks it)."""
        if not user.is_authenticated:
            return false()
        if user.has_role("admin"):
            return true()
        return or_(
            cls.in_groups_of(user), cls.chaired_by(user), cls.managed_by(user), cls.published_for_ngo(user)
        )

    @classmethod
    def in_groups_of(cls, user):
        """group.has_member(user) as a SQL condition: the evaluations of the groups user sits in."""
        if not user.is_authenticated:
            return false()
        return cls.group_id.in_(select(GroupMember.group_id).where(GroupMember.user_id == user.id))

    @classmethod
    def chaired_by(cls, user):
        """is_chair(user) as a SQL condition."""
        if not user.is_authenticated:
            return false()
        return cls.group_id.in_(select(MonitoringGroup.id).where(MonitoringGroup.chair_id == user.id))

    @classmethod
    def managed_by(cls, user):
        """can_manage as a SQL condition: the evaluations of the campaigns user's organisation runs."""
        return cls.campaign_id.in_(select(Campaign.id).where(Campaign.managed_by(user)))

    def is_affiliated(self, user) -> bool:
        """The user is tied to the evaluated NGO's BIN, whether or not their scorecard exists yet."""
        return user.is_authenticated and self.ngo_bin is not None and self.ngo_bin in user.affiliated_bins

    def is_recused(self, user) -> bool:
        card = self.scorecard_of(user)
        return self.is_affiliated(user) or bool(card and card.recused)

    def can_score(self, user) -> bool:
        card = self.scorecard_of(user)
        return (
            self.in_scoring
            and self.group.has_member(user)
            and not self.is_recused(user)
            and not (card and (card.submitted_at or card.not_submitted))
            # once the scores are revealed only reopened scorecards change (docs/concurrency.md)
            and (self.scores_revealed_at is None or bool(card and card.reopened_at))
            and (today_local() <= self.deadline or bool(card and card.reopened_at))
        )

    def can_see_scores(self, user) -> bool:
        """No anchoring: members see others' scores and aggregates only once they have submitted (or
        scoring has closed), never when recused; staff outside the group only from review on."""
        if not self.can_view(user):
            return False
        if self.group.has_member(user) or self.is_chair(user):
            if self.is_recused(user):
                return False
            if self.is_chair(user) and self.scores_revealed_at is not None:
                return True  # the chair consolidates once scoring has closed
            # A member sees the others only after submitting (a reopened card was submitted before);
            # one who never submitted sees no scores or aggregates, even after scoring closed.
            card = self.scorecard_of(user)
            return bool(card and (card.submitted_at or card.reopened_at))
        # Outside the group only its ministry staff and admins; the NGO reads its published result as
        # the public does, without members' scores and comments.
        return self.has_reached_review and (self.campaign.is_manager(user) or user.has_role("admin"))

    def can_consolidate(self, user) -> bool:
        return self.is_chair(user) and self.with_group

    def can_manage(self, user) -> bool:
        return self.campaign.is_manager(user)

    def can_review(self, user) -> bool:
        """Accept or return it (reports.operations.review)."""
        return self.in_review and self.can_manage(user)

    def can_publish(self, user) -> bool:
        """Make its result public (reports.operations.publish)."""
        return self.is_accepted and self.can_manage(user)

    @classmethod
    def recused_for(cls, user):
        """is_recused(user) as a SQL condition (for an authenticated user)."""
        scorecard = cls.scorecards.property.mapper.class_
        bins = user.affiliated_bins
        affiliated = false()  # is_affiliated: the evaluated project's NGO is one of the user's BINs
        if bins:
            ngo_projects = select(Project.id).join(Organisation, Organisation.id == Project.ngo_id)
            affiliated = and_(
                cls.project_id.is_not(None),
                cls.project_id.in_(ngo_projects.where(Organisation.bin.in_(bins))),
            )
        own_recused = and_(scorecard.member_id == user.id, scorecard.recused.is_(True))
        return or_(affiliated, cls.scorecards.any(own_recused))

    @classmethod
    def scores_visible_to(cls, user):
        """can_see_scores as a SQL condition (tests/test_visibility.py checks they agree)."""
        if not user.is_authenticated:
            return false()
        # Scorecard lives in grants.scoring, above this package: reached through the relationship.
        scorecard = cls.scorecards.property.mapper.class_
        own = scorecard.member_id == user.id
        recused = cls.recused_for(user)
        submitted = or_(scorecard.submitted_at.is_not(None), scorecard.reopened_at.is_not(None))
        insider = or_(cls.in_groups_of(user), cls.chaired_by(user))
        staff = true() if user.has_role("admin") else cls.managed_by(user)
        sees_as_insider = and_(
            ~recused,
            or_(
                and_(cls.chaired_by(user), cls.scores_revealed_at.is_not(None)),
                cls.scorecards.any(and_(own, submitted)),
            ),
        )
        return and_(
            cls.visible_to(user),
            or_(and_(insider, sees_as_insider), and_(~insider, cls.has_reached_review, staff)),
        )

    # Named states, for templates and lists (templates never compare state values). The hybrids
    # are SQL conditions on the class: `select(Evaluation).where(Evaluation.is_published)`.
    @hybrid_property
    def is_draft(self) -> bool:
        return self.state == EvaluationState.draft

    @hybrid_property
    def in_scoring(self) -> bool:
        return self.state == EvaluationState.scoring

    @hybrid_property
    def in_review(self) -> bool:
        return self.state == EvaluationState.in_review

    @hybrid_property
    def is_returned(self) -> bool:
        return self.state == EvaluationState.returned

    @hybrid_property
    def is_accepted(self) -> bool:
        return self.state == EvaluationState.accepted

    @hybrid_property
    def is_published(self) -> bool:
        return self.state == EvaluationState.published

    @hybrid_property
    def with_group(self) -> bool:
        """The group still works on it: scoring, consolidation, or returned for revision."""
        return self.state in GROUP_STATES

    @with_group.inplace.expression
    @classmethod
    def _with_group_expression(cls):
        return cls.state.in_(GROUP_STATES)

    @hybrid_property
    def awaits_consolidation(self) -> bool:
        """Scoring has closed and the chair consolidates (again, if returned)."""
        return self.state in CONSOLIDATION_STATES

    @awaits_consolidation.inplace.expression
    @classmethod
    def _awaits_consolidation_expression(cls):
        return cls.state.in_(CONSOLIDATION_STATES)

    @hybrid_property
    def past_scoring(self) -> bool:
        """Scoring has closed (reports may have been issued)."""
        return self.state not in (EvaluationState.draft, EvaluationState.scoring)

    @past_scoring.inplace.expression
    @classmethod
    def _past_scoring_expression(cls):
        return cls.state.not_in((EvaluationState.draft, EvaluationState.scoring))

    @hybrid_property
    def has_reached_review(self) -> bool:
        """Submitted for review at least once: in review, returned, accepted or published."""
        return self.state in REVIEWED_STATES

    @has_reached_review.inplace.expression
    @classmethod
    def _has_reached_review_expression(cls):
        return cls.state.in_(REVIEWED_STATES)

    @property
    def scoring_overdue(self) -> bool:
        """Still in scoring after its deadline."""
        return self.in_scoring and today_local() > self.deadline


REVIEWED_STATES = (
    EvaluationState.in_review,
    EvaluationState.returned,
    EvaluationState.accepted,
    EvaluationState.published,
)
CONSOLIDATION_STATES = (EvaluationState.consolidation, EvaluationState.returned)
GROUP_STATES = (EvaluationState.scoring, *CONSOLIDATION_STATES)


class CriterionConclusion(db.Model):
    """The group's verbal conclusion on a criterion, and the consensus note where members disagreed."""

    __tablename__ = "criterion_conclusions"
    __table_args__ = (UniqueConstraint("evaluation_id", "criterion_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    criterion_code: Mapped[str] = mapped_column(String(60))
    conclusion: Mapped[str | None] = mapped_column(Text)
    consensus_note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    evaluation = relationship("Evaluation", back_populates="conclusions")
