"""Councils working together (docs/cooperation.md): the joint activity plan and its activities, meetings with
agendas, attendance, minutes and decisions, working groups, experts, information work, and recommendations
tracked to an answer."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import LocalizedMixin, TimestampMixin, utcnow
from grants.core.enums import TitledEnum, enum_column
from grants.councils.models import Council, CouncilMember
from grants.extensions import db

# Who is who (docs/cooperation.md#who-may-do-what). A council is *kept* by its secretary and its chair: they
# draft the plan, schedule meetings, record minutes and send and assess recommendations. Its *people* (members,
# secretary, chair) see its work in progress. Administrators may do everything; everybody sees what is published.


def kept_council_ids(user):
    """SELECT of the ids of the councils user is secretary or chair of."""
    if not user.is_authenticated:
        return select(Council.id).where(false())
    return select(Council.id).where(or_(Council.secretary_id == user.id, Council.chair_id == user.id))


def people_council_ids(user):
    """SELECT of the ids of the councils user belongs to: as a member, the secretary or the chair."""
    if not user.is_authenticated:
        return select(Council.id).where(false())
    return union(
        kept_council_ids(user), select(CouncilMember.council_id).where(CouncilMember.user_id == user.id)
    )


def keeps(user, councils) -> bool:
    """user is an administrator, or the secretary or chair of one of councils."""
    if not user.is_authenticated:
        return False
    if user.has_role("admin"):
        return True
    return any(user.id in (c.secretary_id, c.chair_id) for c in councils)


def belongs(user, councils) -> bool:
    """user keeps one of councils or is a member of one."""
    if keeps(user, councils):
        return True
    return user.is_authenticated and any(m.user_id == user.id for c in councils for m in c.memberships)


def speaks_for(user, organisation_id: int | None) -> bool:
    """user represents the addressee: an official of the state body, or an NGO's representative."""
    return (
        user.is_authenticated
        and (user.has_role("official") or user.has_role("ngo"))
        and user.works_for(organisation_id)
    )


def _link_table(name: str, left: str, right: str) -> Table:
    """A many-to-many link between two tables, deleted with either side."""
    left_table, left_col = left.split(".")
    right_table, right_col = right.split(".")
    return Table(
        name,
        db.metadata,
        Column(
            f"{left_col}", ForeignKey(f"{left_table}.id", ondelete="CASCADE"), primary_key=True, index=True
        ),
        Column(
            f"{right_col}", ForeignKey(f"{right_table}.id", ondelete="CASCADE"), primary_key=True, index=True
        ),
    )


plan_councils = _link_table("plan_councils", "activity_plans.plan_id", "councils.council_id")
activity_councils = _link_table("activity_councils", "activities.activity_id", "councils.council_id")
activity_needs = _link_table("activity_needs", "activities.activity_id", "public_needs.need_id")
activity_spheres = _link_table("activity_spheres", "activities.activity_id", "spheres.sphere_id")
meeting_councils = _link_table("meeting_councils", "meetings.meeting_id", "councils.council_id")
working_group_councils = _link_table(
    "working_group_councils", "working_groups.group_id", "councils.council_id"
)
working_group_needs = _link_table("working_group_needs", "working_groups.group_id", "public_needs.need_id")
recommendation_needs = _link_table(
    "recommendation_needs", "recommendations.recommendation_id", "public_needs.need_id"
)


class PlanState(TitledEnum):
    """draft → approved (at a joint meeting) → published; a published plan is amended with a history."""

    draft = "draft"
    approved = "approved"
    published = "published"

    @staticmethod
    def TITLES():
        return {"draft": _l("Draft"), "approved": _l("Approved"), "published": _l("Published")}


class ActivityFormat(TitledEnum):
    joint_meeting = "joint_meeting"
    working_group = "working_group"
    expert_support = "expert_support"
    monitoring = "monitoring"
    information_work = "information_work"

    @staticmethod
    def TITLES():
        return {
            "joint_meeting": _l("Joint meeting with the hearing of a report"),
            "working_group": _l("Working group"),
            "expert_support": _l("Analytical and expert support"),
            "monitoring": _l("Monitoring"),
            "information_work": _l("Information and explanatory work"),
        }


class ActivityStatus(TitledEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    postponed = "postponed"  # with a reason
    cancelled = "cancelled"  # with a reason

    @staticmethod
    def TITLES():
        return {
            "planned": _l("Planned"),
            "in_progress": _l("In progress"),
            "done": _l("Done"),
            "postponed": _l("Postponed"),
            "cancelled": _l("Cancelled"),
        }

    @property
    def needs_reason(self) -> bool:
        return self in (ActivityStatus.postponed, ActivityStatus.cancelled)


class ActivityPlan(LocalizedMixin, TimestampMixin, db.Model):
    """The joint activity plan of two or more councils (of either level) for one year."""

    __tablename__ = "activity_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title_ru: Mapped[str] = mapped_column(String(500))
    title_kk: Mapped[str | None] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    state: Mapped[PlanState] = mapped_column(enum_column(PlanState), default=PlanState.draft, index=True)
    # Incremented by every amendment of an approved or published plan (the history: PlanAmendment).
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    approved_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", use_alter=True, name="fk_activity_plans_approved_meeting_id_meetings"),
        index=True,
    )
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version_id}

    councils = relationship("Council", secondary=plan_councils, order_by="Council.id")
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Activity.position"
    )
    amendments: Mapped[list["PlanAmendment"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanAmendment.id"
    )
    approved_meeting = relationship("Meeting", foreign_keys=[approved_meeting_id], post_update=True)
    created_by = relationship("User")

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def is_published(self) -> bool:
        return self.state == PlanState.published

    def can_view(self, user) -> bool:
        return self.is_published or belongs(user, self.councils)

    def can_edit(self, user) -> bool:
        return keeps(user, self.councils)

    def can_approve(self, user) -> bool:
        """The approval at a joint meeting is recorded on a draft (plans.approve)."""
        return self.state == PlanState.draft and self.can_edit(user)

    def can_publish(self, user) -> bool:
        return self.state == PlanState.approved and self.can_edit(user)

    @classmethod
    def visible_to(cls, user):
        """can_view as a SQL condition."""
        if user.is_authenticated and user.has_role("admin"):
            return true()
        own = select(plan_councils.c.plan_id).where(plan_councils.c.council_id.in_(people_council_ids(user)))
        return or_(cls.state == PlanState.published, cls.id.in_(own))


class PlanAmendment(db.Model):
    """One change to an approved or published plan: what changed, why, by whom (shown as the plan's history)."""

    __tablename__ = "plan_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("activity_plans.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(
        String(40)
    )  # activity.add | activity.edit | activity.status | plan.edit
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    plan = relationship("ActivityPlan", back_populates="amendments")
    activity = relationship("Activity")
    made_by = relationship("User")


class Activity(LocalizedMixin, TimestampMixin, db.Model):
    """One line of the plan."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("activity_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_ru: Mapped[str] = mapped_column(String(1000))
    title_kk: Mapped[str | None] = mapped_column(String(1000))
    title_en: Mapped[str | None] = mapped_column(String(1000))
    format: Mapped[ActivityFormat] = mapped_column(enum_column(ActivityFormat), index=True)
    status: Mapped[ActivityStatus] = mapped_column(
        enum_column(ActivityStatus), default=ActivityStatus.planned, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date | None] = mapped_column(Date, index=True)
    end_date: Mapped[date | None] = mapped_column(Date, index=True)
    # Responsible persons as written in the plan (names and positions); the councils are linked below.
    responsible: Mapped[str | None] = mapped_column(Text)
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(Text)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="SET NULL"), index=True
    )
    version_id: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version_id}

    plan = relationship("ActivityPlan", back_populates="activities")
    councils = relationship("Council", secondary=activity_councils, order_by="Council.id")
    needs = relationship("PublicNeed", secondary=activity_needs)
    spheres = relationship("Sphere", secondary=activity_spheres)
    responsible_user = relationship("User")
    campaign = relationship("Campaign")
    working_group = relationship("WorkingGroup", back_populates="activities")
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="activity", foreign_keys="Meeting.activity_id"
    )
    information_items: Mapped[list["InformationItem"]] = relationship(back_populates="activity")
    experts: Mapped[list["Expert"]] = relationship(back_populates="activity")

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def quarter(self) -> int | None:
        return (self.start_date.month - 1) // 3 + 1 if self.start_date else None

    def can_view(self, user) -> bool:
        return self.plan.can_view(user)

    def can_edit(self, user) -> bool:
        return self.plan.can_edit(user)

    @classmethod
    def visible_to(cls, user):
        return cls.plan_id.in_(select(ActivityPlan.id).where(ActivityPlan.visible_to(user)))


class MeetingState(TitledEnum):
    scheduled = "scheduled"
    held = "held"  # attendance and minutes being recorded
    published = "published"  # the minutes are published (public)
    cancelled = "cancelled"

    @staticmethod
    def TITLES():
        return {
            "scheduled": _l("Scheduled"),
            "held": _l("Held"),
            "published": _l("Minutes published"),
            "cancelled": _l("Cancelled"),
        }


class Meeting(LocalizedMixin, TimestampMixin, db.Model):
    """A meeting of one council or a joint meeting of several; its minutes are kept per agenda item."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40))  # the minutes' number, e.g. "3"
    title_ru: Mapped[str] = mapped_column(String(1000))
    title_kk: Mapped[str | None] = mapped_column(String(1000))
    title_en: Mapped[str | None] = mapped_column(String(1000))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    place: Mapped[str | None] = mapped_column(String(500))
    off_site: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[MeetingState] = mapped_column(
        enum_column(MeetingState), default=MeetingState.scheduled, index=True
    )
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity_plans.id", ondelete="SET NULL"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    chaired_by: Mapped[str | None] = mapped_column(String(300))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version_id}

    councils = relationship("Council", secondary=meeting_councils, order_by="Council.id")
    plan = relationship("ActivityPlan", foreign_keys=[plan_id])
    activity = relationship("Activity", back_populates="meetings", foreign_keys=[activity_id])
    secretary = relationship("User", foreign_keys=[secretary_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Participant.id"
    )
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Decision.position"
    )
    experts: Mapped[list["Expert"]] = relationship(back_populates="meeting")

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def is_joint(self) -> bool:
        return len(self.councils) > 1

    @property
    def is_published(self) -> bool:
        return self.state == MeetingState.published

    def can_view(self, user) -> bool:
        if self.is_published or belongs(user, self.councils):
            return True
        return user.is_authenticated and any(p.user_id == user.id for p in self.participants)

    def can_edit(self, user) -> bool:
        return keeps(user, self.councils)

    def can_reschedule(self, user) -> bool:
        """Edit, mark held or cancel: while it is scheduled (grants/cooperation/meetings.py)."""
        return self.state == MeetingState.scheduled and self.can_edit(user)

    def can_edit_agenda(self, user) -> bool:
        return self.state in (MeetingState.scheduled, MeetingState.held) and self.can_edit(user)

    def can_record_minutes(self, user) -> bool:
        """Attendance, minutes, decisions and publication: once it is held."""
        return self.state == MeetingState.held and self.can_edit(user)

    @classmethod
    def visible_to(cls, user):
        """can_view as a SQL condition."""
        if user.is_authenticated and user.has_role("admin"):
            return true()
        if not user.is_authenticated:
            return cls.state == MeetingState.published
        own = select(meeting_councils.c.meeting_id).where(
            meeting_councils.c.council_id.in_(people_council_ids(user))
        )
        invited = select(Participant.meeting_id).where(Participant.user_id == user.id)
        return or_(cls.state == MeetingState.published, cls.id.in_(own), cls.id.in_(invited))


class AgendaItem(LocalizedMixin, db.Model):
    """An agenda item with its speaker and, once held, its minutes: heard, discussed, decided."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_ru: Mapped[str] = mapped_column(String(1000))
    title_kk: Mapped[str | None] = mapped_column(String(1000))
    title_en: Mapped[str | None] = mapped_column(String(1000))
    # The speaker: a member (user) or an invited official (name, position, body).
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    speaker_name: Mapped[str | None] = mapped_column(String(300))
    speaker_position: Mapped[str | None] = mapped_column(String(500))
    speaker_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    heard: Mapped[str | None] = mapped_column(Text)
    discussed: Mapped[str | None] = mapped_column(Text)
    decided: Mapped[str | None] = mapped_column(Text)

    meeting = relationship("Meeting", back_populates="agenda")
    speaker = relationship("User")
    speaker_organisation = relationship("Organisation")
    materials: Mapped[list["Attachment"]] = relationship(
        back_populates="agenda_item", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def speaker_display(self) -> str:
        return self.speaker.full_name if self.speaker is not None else (self.speaker_name or "")


class Participant(db.Model):
    """Someone expected at a meeting: a member of one of its councils, or an invited person; attendance."""

    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)  # None: invited
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[str | None] = mapped_column(String(500))
    present: Mapped[bool | None] = mapped_column(Boolean)  # None until attendance is recorded

    meeting = relationship("Meeting", back_populates="participants")
    council = relationship("Council")
    user = relationship("User")

    @property
    def display_name(self) -> str:
        return self.user.full_name if self.user is not None else (self.name or "")

    @property
    def invited(self) -> bool:
        return self.council_id is None


class Decision(db.Model):
    """A decision of a meeting; it may create recommendations."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)

    meeting = relationship("Meeting", back_populates="decisions")
    agenda_item = relationship("AgendaItem")
    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="decision", order_by="Recommendation.id"
    )


class RecommendationStatus(TitledEnum):
    draft = "draft"
    sent = "sent"
    answered = "answered"
    implemented = "implemented"
    partially_implemented = "partially_implemented"
    not_implemented = "not_implemented"  # with the reason
    rejected = "rejected"  # with the reason

    @staticmethod
    def TITLES():
        return {
            "draft": _l("Draft"),
            "sent": _l("Sent"),
            "answered": _l("Answered"),
            "implemented": _l("Implemented"),
            "partially_implemented": _l("Partially implemented"),
            "not_implemented": _l("Not implemented"),
            "rejected": _l("Rejected"),
        }

    @property
    def needs_reason(self) -> bool:
        return self in (RecommendationStatus.not_implemented, RecommendationStatus.rejected)

    @property
    def is_assessment(self) -> bool:
        """A status the council sets when it assesses the addressee's response."""
        return self in ASSESSED


ASSESSED = (
    RecommendationStatus.implemented,
    RecommendationStatus.partially_implemented,
    RecommendationStatus.not_implemented,
    RecommendationStatus.rejected,
)


class Recommendation(TimestampMixin, db.Model):
    """A recommendation of a council to a state body or an NGO, from a meeting's decision or an evaluation,
    tracked until it is answered and the answer assessed (docs/cooperation.md#recommendations)."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    addressee_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[RecommendationStatus] = mapped_column(
        enum_column(RecommendationStatus, length=40), default=RecommendationStatus.draft, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Where it came from: a meeting's decision, an evaluation, or (rarely) an activity of the plan.
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluations.id", ondelete="SET NULL"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # The addressee's response.
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The council's assessment of the response.
    assessment: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Reminders taken once (docs/cooperation.md#reminders): before the due date, and on the first overdue day.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overdue_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version_id}

    council = relationship("Council")
    addressee = relationship("Organisation")
    decision = relationship("Decision", back_populates="recommendations")
    meeting = relationship("Meeting")
    evaluation = relationship("Evaluation")
    activity = relationship("Activity")
    needs = relationship("PublicNeed", secondary=recommendation_needs)
    responded_by = relationship("User", foreign_keys=[responded_by_id])
    assessed_by = relationship("User", foreign_keys=[assessed_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    def is_overdue(self, today: date) -> bool:
        """Derived, never stored: sent, the due date passed, and no response yet."""
        return (
            self.status == RecommendationStatus.sent
            and self.responded_at is None
            and self.due_date is not None
            and self.due_date < today
        )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def addressed_to(self, user) -> bool:
        """user speaks for the addressee, and the recommendation has been sent to it."""
        return self.status != RecommendationStatus.draft and speaks_for(user, self.addressee_id)

    def can_view(self, user) -> bool:
        if self.is_published or self.addressed_to(user):
            return True
        return belongs(user, [self.council])

    def can_edit(self, user) -> bool:
        """Text, addressee and due date change while it is a draft, by the keepers of its council."""
        return self.status == RecommendationStatus.draft and keeps(user, [self.council])

    def can_send(self, user) -> bool:
        return self.can_edit(user)

    def can_respond(self, user) -> bool:
        """The addressee answers once, while it is sent and unanswered (docs/cooperation.md#recommendations)."""
        return self.status == RecommendationStatus.sent and speaks_for(user, self.addressee_id)

    def can_assess(self, user) -> bool:
        return self.status == RecommendationStatus.answered and keeps(user, [self.council])

    def can_publish(self, user) -> bool:
        return (
            self.status != RecommendationStatus.draft
            and not self.is_published
            and keeps(user, [self.council])
        )

    @classmethod
    def visible_to(cls, user):
        """can_view as a SQL condition: `select(Recommendation).where(Recommendation.visible_to(user))`."""
        if user.is_authenticated and user.has_role("admin"):
            return true()
        published = cls.published_at.is_not(None)
        if not user.is_authenticated:
            return published
        conditions = [published, cls.council_id.in_(people_council_ids(user))]
        if (user.has_role("official") or user.has_role("ngo")) and user.organisation_id is not None:
            conditions.append(
                and_(cls.addressee_id == user.organisation_id, cls.status != RecommendationStatus.draft)
            )
        return or_(*conditions)

    @classmethod
    def overdue_on(cls, today: date):
        """is_overdue(today) as a SQL condition."""
        return and_(
            cls.status == RecommendationStatus.sent,
            cls.responded_at.is_(None),
            cls.due_date.is_not(None),
            cls.due_date < today,
        )


class WorkingGroup(LocalizedMixin, TimestampMixin, db.Model):
    """A standing group of members of several councils on a topic (monitoring groups are separate)."""

    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ru: Mapped[str] = mapped_column(String(500))
    name_kk: Mapped[str | None] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    mandate: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    formed_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    lead = relationship("User")
    councils = relationship("Council", secondary=working_group_councils, order_by="Council.id")
    needs = relationship("PublicNeed", secondary=working_group_needs)
    memberships: Mapped[list["WorkingGroupMember"]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )
    tasks: Mapped[list["WorkingGroupTask"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="WorkingGroupTask.due_date"
    )
    activities: Mapped[list["Activity"]] = relationship(back_populates="working_group")

    @property
    def name(self) -> str:
        return self.localized("name")

    def can_view(self, user) -> bool:
        return True  # a working group, its members, tasks and output are public

    def can_edit(self, user) -> bool:
        return keeps(user, self.councils) or (user.is_authenticated and user.id == self.lead_id)


class WorkingGroupMember(db.Model):
    __tablename__ = "working_group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)

    group = relationship("WorkingGroup", back_populates="memberships")
    user = relationship("User")
    council = relationship("Council")


class WorkingGroupTask(db.Model):
    """A task of a working group with its deadline and its output (documents, conclusions)."""

    __tablename__ = "working_group_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(1000))
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    output: Mapped[str | None] = mapped_column(Text)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )

    group = relationship("WorkingGroup", back_populates="tasks")
    responsible = relationship("User")
    activity = relationship("Activity")
    documents: Mapped[list["Attachment"]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class Expert(db.Model):
    """An expert (a member or an invited person) attached to an activity, a meeting or an evaluation, with
    the written conclusion."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    qualification: Mapped[str | None] = mapped_column(String(500))
    conclusion: Mapped[str | None] = mapped_column(Text)
    concluded_on: Mapped[date | None] = mapped_column(Date)

    activity = relationship("Activity", back_populates="experts")
    meeting = relationship("Meeting", back_populates="experts")
    evaluation = relationship("Evaluation")
    user = relationship("User")
    documents: Mapped[list["Attachment"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    @property
    def display_name(self) -> str:
        return self.user.full_name if self.user is not None else (self.name or "")


class InformationKind(TitledEnum):
    explanatory_meeting = "explanatory_meeting"
    media = "media"
    social_media = "social_media"

    @staticmethod
    def TITLES():
        return {
            "explanatory_meeting": _l("Explanatory meeting"),
            "media": _l("Media material"),
            "social_media": _l("Social media post"),
        }


class InformationItem(LocalizedMixin, TimestampMixin, db.Model):
    """An event or publication of information and explanatory work; published items form the public feed."""

    __tablename__ = "information_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    kind: Mapped[InformationKind] = mapped_column(enum_column(InformationKind), index=True)
    title_ru: Mapped[str] = mapped_column(String(1000))
    title_kk: Mapped[str | None] = mapped_column(String(1000))
    title_en: Mapped[str | None] = mapped_column(String(1000))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    audience: Mapped[str | None] = mapped_column(String(500))
    reach: Mapped[int | None] = mapped_column(Integer)  # people reached
    url: Mapped[str | None] = mapped_column(String(1000))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    activity = relationship("Activity", back_populates="information_items")
    council = relationship("Council")

    @property
    def title(self) -> str:
        return self.localized("title")

    def can_view(self, user) -> bool:
        return self.published_at is not None or belongs(user, [self.council] if self.council else [])

    def can_edit(self, user) -> bool:
        return keeps(user, [self.council] if self.council else [])


class Attachment(db.Model):
    """A file or link: an agenda item's materials, a response's attachments, a task's or an expert's documents.
    Files are checked and stored like evidence (outside the web root, by random key)."""

    __tablename__ = "cooperation_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group_tasks.id", ondelete="CASCADE"), index=True
    )
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    url: Mapped[str | None] = mapped_column(String(1000))
    filename: Mapped[str | None] = mapped_column(String(255))
    storage_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    agenda_item = relationship("AgendaItem", back_populates="materials")
    recommendation = relationship("Recommendation", back_populates="attachments")
    task = relationship("WorkingGroupTask", back_populates="documents")
    expert = relationship("Expert", back_populates="documents")
    uploaded_by = relationship("User")

    @property
    def label(self) -> str:
        return self.filename or self.url or ""
