"""Information and explanatory work and the public feed of the councils' work
(docs/cooperation.md#working-groups-experts-and-information-work).

An information item (an explanatory meeting, a media material, a social media post) is recorded by the keepers
(secretary, chair) of its council and published once; the public feed lists, newest first, published
information items, published minutes, published plans and published recommendations that have been answered.
"""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from grants.audit.operations import record
from grants.cooperation.models import (
    Activity,
    ActivityPlan,
    InformationItem,
    InformationKind,
    Meeting,
    MeetingState,
    PlanState,
    Recommendation,
    keeps,
    people_council_ids,
)
from grants.core.concurrency import lock
from grants.core.db import utcnow
from grants.core.errors import RuleViolation
from grants.core.validation import INT_MAX
from grants.councils.models import Council
from grants.extensions import db

FIELDS = (
    "kind",
    "title_ru",
    "title_kk",
    "title_en",
    "held_on",
    "audience",
    "reach",
    "url",
    "council_id",
    "activity_id",
)


def describe(item: InformationItem) -> dict:
    return {
        "kind": item.kind.value if item.kind else None,
        "title_ru": item.title_ru,
        "title_kk": item.title_kk,
        "title_en": item.title_en,
        "held_on": item.held_on.isoformat() if item.held_on else None,
        "audience": item.audience,
        "reach": item.reach,
        "url": item.url,
        "council_id": item.council_id,
        "activity_id": item.activity_id,
        "published": item.published_at is not None,
    }


def valid_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _clean(data: dict, user) -> dict:
    """The item's values from data, checked; RuleViolation (422) naming every field at fault."""
    fields: dict[str, str] = {}
    values: dict = {}
    try:
        values["kind"] = InformationKind(data.get("kind"))
    except ValueError:
        fields["kind"] = _("Choose the kind.")
    for name, limit, required in (
        ("title_ru", 1000, True),
        ("title_kk", 1000, True),
        ("title_en", 1000, False),
        ("audience", 500, False),
        ("url", 1000, False),
    ):
        value = (data.get(name) or "").strip() or None
        if value is None and required:
            fields[name] = _("This field is required.")
        elif value is not None and len(value) > limit:
            fields[name] = _("Must be at most %(max)s characters.", max=limit)
        values[name] = value
    if values["url"] is not None and not valid_url(values["url"]):
        fields["url"] = _("Links must start with http:// or https://.")
    held_on = data.get("held_on")
    if not isinstance(held_on, date):
        fields["held_on"] = _("Enter the date.")
    values["held_on"] = held_on
    reach = data.get("reach")
    if reach is not None and (
        not isinstance(reach, int) or isinstance(reach, bool) or not 0 <= reach <= INT_MAX
    ):
        fields["reach"] = _("Enter the number of people reached: 0 or more.")
    values["reach"] = reach
    council = db.session.get(Council, data["council_id"]) if data.get("council_id") else None
    if council is None:
        fields["council_id"] = _("Choose the council.")
    elif not keeps(user, [council]):
        fields["council_id"] = _("Choose a council whose secretary or chair you are.")
    values["council_id"] = council.id if council is not None else None
    activity = db.session.get(Activity, data["activity_id"]) if data.get("activity_id") else None
    if data.get("activity_id") and activity is None:
        fields["activity_id"] = _("Choose an activity of a plan of the council.")
    elif activity is not None and council is not None and council not in activity.plan.councils:
        fields["activity_id"] = _("Choose an activity of a plan of the council.")
    values["activity_id"] = activity.id if activity is not None else None
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)
    return values


def create_item(user, data: dict) -> InformationItem:
    values = _clean(data, user)
    item = InformationItem(created_by_id=user.id, **values)
    db.session.add(item)
    db.session.flush()
    record("information.create", item, after=describe(item), actor=user)
    return item


def update_item(item: InformationItem, user, data: dict) -> InformationItem:
    lock(item)
    if not item.can_edit(user):
        raise RuleViolation(
            _("Only the council's secretary or chair changes its information work."), status=403
        )
    values = _clean(data, user)
    before = describe(item)
    for name, value in values.items():
        setattr(item, name, value)
    db.session.flush()
    record("information.edit", item, before=before, after=describe(item), actor=user)
    return item


def publish_item(item: InformationItem, user) -> InformationItem:
    """Publish once: the item joins the public feed."""
    lock(item)
    if item.published_at is not None:
        raise RuleViolation(_("This item is already published."), status=409)
    if not item.can_edit(user):
        raise RuleViolation(
            _("Only the council's secretary or chair publishes its information work."), status=403
        )
    before = describe(item)
    item.published_at = utcnow()
    db.session.flush()
    record("information.publish", item, before=before, after=describe(item), actor=user)
    return item


def visible_items(user):
    """InformationItem.can_view as a SQL condition."""
    if user.is_authenticated and user.has_role("admin"):
        return InformationItem.id.is_not(None)
    if not user.is_authenticated:
        return InformationItem.published_at.is_not(None)
    return InformationItem.published_at.is_not(None) | InformationItem.council_id.in_(
        people_council_ids(user)
    )


# --- the public feed ---------------------------------------------------------------------------------------


@dataclass
class FeedEntry:
    kind: str  # information | minutes | plan | recommendation
    at: datetime
    obj: object


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=utcnow().tzinfo)


def _answered_at():
    """When an answered recommendation came to the feed: the later of its publication and its response."""
    return case(
        (Recommendation.published_at > Recommendation.responded_at, Recommendation.published_at),
        else_=Recommendation.responded_at,
    )


def _sources():
    """(kind, model, date column, condition) of every source of the feed."""
    return (
        (
            "information",
            InformationItem,
            InformationItem.published_at,
            InformationItem.published_at.is_not(None),
        ),
        (
            "minutes",
            Meeting,
            func.coalesce(Meeting.published_at, Meeting.starts_at),
            Meeting.state == MeetingState.published,
        ),
        (
            "plan",
            ActivityPlan,
            func.coalesce(ActivityPlan.published_at, ActivityPlan.approved_at, ActivityPlan.created_at),
            ActivityPlan.state == PlanState.published,
        ),
        (
            "recommendation",
            Recommendation,
            _answered_at(),
            Recommendation.published_at.is_not(None) & Recommendation.responded_at.is_not(None),
        ),
    )


def feed(page: int = 1, per_page: int = 20) -> tuple[list[FeedEntry], int]:
    """One page of the public feed, newest first, and the number of entries in all."""
    page = max(page, 1)
    wanted = page * per_page
    entries: list[FeedEntry] = []
    total = 0
    for kind, model, at, condition in _sources():
        total += db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
        rows = db.session.execute(
            select(model, at.label("at")).where(condition).order_by(at.desc(), model.id.desc()).limit(wanted)
        ).all()
        entries.extend(FeedEntry(kind, _aware(row.at), row[0]) for row in rows)
    entries.sort(key=lambda e: (e.at, e.kind, e.obj.id), reverse=True)
    return entries[(page - 1) * per_page : wanted], total
