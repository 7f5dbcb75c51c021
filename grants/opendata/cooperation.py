"""The open-data tables of the joint work of councils: plan activities and recommendations (docs/api.md#open-data-of-the-joint-work).

Public data only, whoever downloads: the activities of *published* plans, and the *published* recommendations
with the addressee's response and the council's assessment. Drafts, approved but unpublished plans and
unpublished recommendations are never read here. One row builder serves CSV, XLSX and JSON.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.cooperation.models import (
    Activity,
    ActivityFormat,
    ActivityPlan,
    ActivityStatus,
    PlanState,
    Recommendation,
    RecommendationStatus,
    activity_councils,
    activity_needs,
    recommendation_needs,
)
from grants.core.db import as_utc
from grants.core.schemas import lazy as _l
from grants.extensions import db
from grants.opendata.export import Column, Kind, Table
from grants.organisations.models import Organisation

SEPARATOR = "; "  # between the items of a list in one cell


@dataclass(frozen=True)
class CooperationFilters:
    year: int | None = None
    council: int | None = None
    topic: int | None = None
    status: str | None = None
    format: str | None = None
    addressee: str | None = None  # BIN


def cooperation_filters(args: dict) -> CooperationFilters:
    return CooperationFilters(
        year=int(args["year"]) if args.get("year") else None,
        council=args.get("council"),
        topic=args.get("topic"),
        status=args.get("status"),
        format=args.get("format"),
        addressee=args.get("addressee"),
    )


def _joined(values) -> str | None:
    values = [str(v) for v in values if v]
    return SEPARATOR.join(values) if values else None


def _day(value: datetime | None) -> date | None:
    return None if value is None else as_utc(value).date()


# --- activities of published plans -------------------------------------------------------------------

ACTIVITY_COLUMNS = [
    Column("id", _l("ID"), Kind.integer),
    Column("plan_id", _l("Plan ID"), Kind.integer),
    Column("plan_year", _l("Plan year"), Kind.integer),
    Column("plan_title_ru", _l("Plan title (Russian)")),
    Column("plan_title_kk", _l("Plan title (Kazakh)")),
    Column("plan_revision", _l("Plan revision"), Kind.integer),
    Column("position", _l("No."), Kind.integer),
    Column("title_ru", _l("Title (Russian)")),
    Column("title_kk", _l("Title (Kazakh)")),
    Column("title_en", _l("Title (English)")),
    Column("format", _l("Format code")),
    Column("format_title", _l("Format")),
    Column("status", _l("Status code")),
    Column("status_title", _l("Status")),
    Column("status_reason", _l("Reason of the status")),
    Column("start_date", _l("Start date"), Kind.date),
    Column("end_date", _l("End date"), Kind.date),
    Column("quarter", _l("Quarter"), Kind.integer),
    Column("council_ids", _l("Council IDs")),
    Column("councils", _l("Councils")),
    Column("topic_ids", _l("Topic IDs")),
    Column("topics", _l("Topics")),
    Column("spheres", _l("Sphere codes")),
    Column("responsible", _l("Responsible")),
    Column("outcome", _l("Outcome")),
    Column("campaign_id", _l("Monitoring campaign ID"), Kind.integer),
    Column("working_group_id", _l("Working group ID"), Kind.integer),
]


def public_activities(filters: CooperationFilters):
    """Activities of published plans matching the filters, in plan order."""
    query = (
        select(Activity)
        .join(ActivityPlan, Activity.plan_id == ActivityPlan.id)
        .where(ActivityPlan.state == PlanState.published)
        .order_by(ActivityPlan.year.desc(), ActivityPlan.id, Activity.position, Activity.id)
        .options(
            selectinload(Activity.plan),
            selectinload(Activity.councils),
            selectinload(Activity.needs),
            selectinload(Activity.spheres),
        )
    )
    if filters.year is not None:
        query = query.where(ActivityPlan.year == filters.year)
    if filters.council is not None:
        query = query.where(
            Activity.id.in_(
                select(activity_councils.c.activity_id).where(
                    activity_councils.c.council_id == filters.council
                )
            )
        )
    if filters.topic is not None:
        query = query.where(
            Activity.id.in_(
                select(activity_needs.c.activity_id).where(activity_needs.c.need_id == filters.topic)
            )
        )
    if filters.format:
        query = query.where(Activity.format == ActivityFormat(filters.format))
    if filters.status:
        query = query.where(Activity.status == ActivityStatus(filters.status))
    return db.session.scalars(query).all()


def activity_table(filters: CooperationFilters) -> Table:
    rows = []
    for activity in public_activities(filters):
        plan = activity.plan
        needs = sorted(activity.needs, key=lambda need: need.id)
        rows.append(
            [
                activity.id,
                plan.id,
                plan.year,
                plan.title_ru,
                plan.title_kk,
                plan.revision,
                activity.position,
                activity.title_ru,
                activity.title_kk,
                activity.title_en,
                activity.format.value,
                str(activity.format.title),
                activity.status.value,
                str(activity.status.title),
                activity.status_reason,
                activity.start_date,
                activity.end_date,
                activity.quarter,
                _joined(c.id for c in activity.councils),
                _joined(c.name for c in activity.councils),
                _joined(n.id for n in needs),
                _joined(n.title for n in needs),
                _joined(sorted(s.code for s in activity.spheres)),
                activity.responsible,
                activity.outcome,
                activity.campaign_id,
                activity.working_group_id,
            ]
        )
    return Table("activities", ACTIVITY_COLUMNS, rows)


# --- published recommendations with their responses ---------------------------------------------------

RECOMMENDATION_COLUMNS = [
    Column("id", _l("ID"), Kind.integer),
    Column("council_id", _l("Council ID"), Kind.integer),
    Column("council", _l("Council")),
    Column("addressee_bin", _l("Addressee BIN")),
    Column("addressee", _l("Addressee")),
    Column("text", _l("Recommendation")),
    Column("topic_ids", _l("Topic IDs")),
    Column("topics", _l("Topics")),
    Column("meeting_id", _l("Meeting ID"), Kind.integer),
    Column("evaluation_id", _l("Evaluation ID"), Kind.integer),
    Column("activity_id", _l("Activity ID"), Kind.integer),
    Column("due_date", _l("Due date"), Kind.date),
    Column("status", _l("Status code")),
    Column("status_title", _l("Status")),
    Column("status_reason", _l("Reason of the status")),
    Column("overdue", _l("Overdue"), Kind.boolean),
    Column("sent_on", _l("Sent on"), Kind.date),
    Column("published_on", _l("Published on"), Kind.date),
    Column("response", _l("Response")),
    Column("responded_on", _l("Answered on"), Kind.date),
    Column("assessment", _l("Assessment of the response")),
    Column("assessed_on", _l("Assessed on"), Kind.date),
]


def public_recommendations(filters: CooperationFilters):
    """Published recommendations matching the filters, newest sent first."""
    query = (
        select(Recommendation)
        .where(Recommendation.published_at.is_not(None), Recommendation.status != RecommendationStatus.draft)
        .order_by(Recommendation.sent_at.desc(), Recommendation.id.desc())
        .options(
            selectinload(Recommendation.council),
            selectinload(Recommendation.addressee),
            selectinload(Recommendation.needs),
        )
    )
    if filters.year is not None:
        query = query.where(Recommendation.sent_at >= datetime(filters.year, 1, 1, tzinfo=UTC)).where(
            Recommendation.sent_at < datetime(filters.year + 1, 1, 1, tzinfo=UTC)
        )
    if filters.council is not None:
        query = query.where(Recommendation.council_id == filters.council)
    if filters.topic is not None:
        query = query.where(
            Recommendation.id.in_(
                select(recommendation_needs.c.recommendation_id).where(
                    recommendation_needs.c.need_id == filters.topic
                )
            )
        )
    if filters.status:
        query = query.where(Recommendation.status == RecommendationStatus(filters.status))
    if filters.addressee:
        query = query.where(
            Recommendation.addressee_id.in_(
                select(Organisation.id).where(Organisation.bin == filters.addressee)
            )
        )
    return db.session.scalars(query).all()


def recommendation_table(filters: CooperationFilters, today: date) -> Table:
    rows = []
    for item in public_recommendations(filters):
        needs = sorted(item.needs, key=lambda need: need.id)
        rows.append(
            [
                item.id,
                item.council_id,
                item.council.name,
                item.addressee.bin,
                item.addressee.name,
                item.text,
                _joined(n.id for n in needs),
                _joined(n.title for n in needs),
                item.meeting_id,
                item.evaluation_id,
                item.activity_id,
                item.due_date,
                item.status.value,
                str(item.status.title),
                item.status_reason,
                item.is_overdue(today),
                _day(item.sent_at),
                _day(item.published_at),
                item.response,
                _day(item.responded_at),
                item.assessment,
                _day(item.assessed_at),
            ]
        )
    return Table("recommendations", RECOMMENDATION_COLUMNS, rows)


def as_records(table: Table) -> list[dict]:
    """The rows as JSON objects keyed by the columns' machine names (dates ISO 8601)."""
    records = []
    for row in table.rows:
        record = {}
        for column, value in zip(table.columns, row, strict=True):
            record[column.key] = value.isoformat() if isinstance(value, date) else value
        records.append(record)
    return records
