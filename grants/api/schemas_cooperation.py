"""Answers and query parameters of the joint work of councils: plan activities and meetings (docs/api.md).

Codes (`format`, `status`, `state`) are the models' enum values; texts come in the request language
(`title`) and in each language (`titles`). Minutes (heard, discussed, decided) and decisions are
answered once the minutes are published, or to a keeper of the meeting's councils (null / empty before).
"""

from marshmallow import fields

from grants.api.schemas import NamedRefSchema, NullableDate, NullableText, PublicNeedRefSchema, Text
from grants.cooperation.models import ActivityFormat, ActivityStatus, MeetingState
from grants.core.schemas import (
    Answer,
    EnumValue,
    Page,
    PageArgs,
    QuerySchema,
    UtcDateTime,
    between,
    computed,
    matches,
    one_of,
)
from grants.core.schemas import (
    lazy as _l,
)
from grants.core.validation import INT_MAX

YEAR = matches(r"[1-9][0-9]{3}", _l("Must be a four-digit year."))


def record_id(description: str) -> fields.Integer:
    return fields.Integer(validate=between(1, INT_MAX), metadata={"description": description})


# --- query parameters ---------------------------------------------------------------------------------


class ActivityFilterArgs(QuerySchema):
    """All optional; an activity matches when it matches every filter given."""

    year = fields.String(validate=YEAR, metadata={"description": "the plan's year"})
    council = record_id("id of a council responsible for the activity")
    format = fields.String(validate=one_of(f.value for f in ActivityFormat))
    status = fields.String(validate=one_of(s.value for s in ActivityStatus))
    topic = record_id("id of a public need the activity is about")
    plan = record_id("id of the activity plan")
    quarter = fields.Integer(
        validate=between(1, 4), metadata={"description": "quarter of the planned start date"}
    )


class ActivityListArgs(ActivityFilterArgs, PageArgs):
    pass


class MeetingListArgs(PageArgs):
    year = fields.String(validate=YEAR, metadata={"description": "the year the meeting starts in (UTC)"})
    council = record_id("id of a council taking part in the meeting")
    state = fields.String(validate=one_of(s.value for s in MeetingState))
    plan = record_id("id of the activity plan the meeting belongs to")


# --- activities ---------------------------------------------------------------------------------------


class TitlesSchema(Answer):
    """A text in each language (null where it was not written)."""

    kk = NullableText()
    ru = NullableText()
    en = NullableText()


def titles(obj) -> dict:
    return {lang: getattr(obj, f"title_{lang}") or None for lang in ("kk", "ru", "en")}


class ActivityPlanRefSchema(Answer):
    id = fields.Integer()
    year = fields.Integer()
    title = computed(Text(), lambda plan: plan.title)


class ActivitySchema(Answer):
    """One line of a joint activity plan."""

    id = fields.Integer()
    plan = fields.Nested(ActivityPlanRefSchema)
    title = computed(Text(), lambda activity: activity.title)
    titles = computed(fields.Nested(TitlesSchema), titles)
    format = EnumValue(ActivityFormat)
    status = EnumValue(ActivityStatus)
    status_reason = NullableText()
    start_date = NullableDate()
    end_date = NullableDate()
    quarter = fields.Integer(allow_none=True, validate=between(1, 4))
    councils = fields.List(fields.Nested(NamedRefSchema))
    topics = computed(fields.List(fields.Nested(PublicNeedRefSchema)), lambda activity: activity.needs)
    spheres = computed(
        fields.List(Text()), lambda activity: sorted(sphere.code for sphere in activity.spheres)
    )
    responsible = NullableText()
    outcome = NullableText()
    campaign_id = fields.Integer(allow_none=True)
    working_group_id = fields.Integer(allow_none=True)


class ActivityPageSchema(Page):
    items = fields.List(fields.Nested(ActivitySchema))


# --- meetings -----------------------------------------------------------------------------------------


class AgendaItemAnswerSchema(Answer):
    """An agenda item; heard, discussed and decided are the minutes (null until the caller may read them)."""

    position = fields.Integer()
    title = computed(Text(), lambda item: item.title)
    speaker = computed(Text(), lambda item: item.speaker_display)
    speaker_position = NullableText()
    heard = NullableText()
    discussed = NullableText()
    decided = NullableText()


class AttendanceSchema(Answer):
    """The attendance of one council: members recorded for it, members present, whether two thirds came."""

    council_id = fields.Integer()
    members = fields.Integer(validate=between(0))
    present = fields.Integer(validate=between(0))
    quorum_met = fields.Boolean()


class MeetingDecisionSchema(Answer):
    text = Text()
    recommendation_ids = fields.List(fields.Integer())


class MeetingSchema(Answer):
    """A meeting of one council or a joint meeting of several."""

    id = fields.Integer()
    number = NullableText()
    title = computed(Text(), lambda meeting: meeting.title)
    titles = computed(fields.Nested(TitlesSchema), titles)
    starts_at = UtcDateTime()
    place = NullableText()
    off_site = fields.Boolean()
    joint = computed(fields.Boolean(), lambda meeting: meeting.is_joint)
    state = EnumValue(MeetingState)
    plan_id = fields.Integer(allow_none=True)
    activity_id = fields.Integer(allow_none=True)
    councils = fields.List(fields.Nested(NamedRefSchema))
    agenda = fields.List(fields.Nested(AgendaItemAnswerSchema))
    attendance = fields.List(fields.Nested(AttendanceSchema))
    decisions = fields.List(fields.Nested(MeetingDecisionSchema))
    minutes_shown = fields.Boolean(
        metadata={"description": "whether the minutes (heard, discussed, decided) and decisions are answered"}
    )


class MeetingPageSchema(Page):
    items = fields.List(fields.Nested(MeetingSchema))
