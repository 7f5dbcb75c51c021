"""Meetings and minutes (docs/cooperation.md#meetings-and-minutes).

scheduled → held (attendance, minutes per agenda item and decisions are recorded) → published (the
minutes are public; the decisions' draft recommendations are sent and published with them); a scheduled
meeting may be cancelled. Every change is made by a keeper of one of the meeting's councils, locks the
meeting and is audited, so two people pressing the same button get one result and one 409.

Quorum (docs/cooperation.md#quorum): a council's part of a meeting is quorate when at least two thirds of
its members are present (QUORUM, after the Model regulation of public councils).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grants.audit.operations import record
from grants.cooperation import recommendations
from grants.cooperation.attachments import attach
from grants.cooperation.models import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingState,
    Participant,
    RecommendationStatus,
    keeps,
)
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation
from grants.core.validation import MAX_TEXT
from grants.extensions import db

QUORUM = Fraction(
    2, 3
)  # present members / members of the council, at least (Model regulation of public councils)
MAX_TITLE = 1000
MAX_NAME = 300
MAX_POSITION = 500
MAX_PLACE = 500
MAX_NUMBER = 40
MAX_RECOMMENDATIONS = 5  # per decision, in one form


def describe(meeting: Meeting) -> dict:
    return {
        "state": meeting.state.value,
        "title_ru": meeting.title_ru,
        "title_kk": meeting.title_kk,
        "title_en": meeting.title_en,
        "starts_at": meeting.starts_at.isoformat() if meeting.starts_at else None,
        "place": meeting.place,
        "off_site": meeting.off_site,
        "number": meeting.number,
        "chaired_by": meeting.chaired_by,
        "councils": [c.id for c in meeting.councils],
        "plan_id": meeting.plan_id,
        "activity_id": meeting.activity_id,
    }


# --- rules shared by the operations ----------------------------------------------------------


def _forbid(meeting: Meeting, user) -> None:
    if not keeps(user, meeting.councils):
        raise RuleViolation(
            _("Only the secretary or chair of the meeting's councils may do this."), status=403
        )


def _require_state(meeting: Meeting, *states: MeetingState) -> None:
    if meeting.state not in states:
        messages = {
            MeetingState.scheduled: _("The meeting has already been held or cancelled."),
            MeetingState.held: _("Mark the meeting as held first."),
        }
        if meeting.state == MeetingState.published:
            message = _("The minutes of this meeting are already published.")
        elif meeting.state == MeetingState.cancelled:
            message = _("This meeting was cancelled.")
        else:
            message = messages.get(states[0], _("Not possible in the meeting's current state."))
        raise RuleViolation(message, status=409)


def _text(fields: dict, name: str, value, limit: int, required_message: str | None = None) -> str | None:
    value = (value or "").strip() or None
    if value is None and required_message:
        fields[name] = str(required_message)
    elif value is not None and len(value) > limit:
        fields[name] = _("Must be at most %(max)s characters.", max=limit)
    return value


def _raise(fields: dict) -> None:
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)


def _titles(fields: dict, data: dict) -> dict:
    titles = {
        f"title_{lang}": _text(fields, f"title_{lang}", data.get(f"title_{lang}"), MAX_TITLE)
        for lang in ("kk", "ru", "en")
    }
    if not any(titles.values()):
        fields["title_ru"] = _("Give the title in at least one language.")
    # title_ru is NOT NULL: the Russian column holds the first title given when Russian is missing.
    titles["title_ru"] = titles["title_ru"] or titles["title_kk"] or titles["title_en"]
    return titles


def _sync_participants(meeting: Meeting) -> None:
    """Every member of every council of the meeting is a participant (once, for the first of their
    councils); members of councils no longer on the meeting are dropped; invited people stay."""
    council_ids = {c.id for c in meeting.councils}
    by_user = {p.user_id: p for p in meeting.participants if p.user_id is not None}
    for participant in list(meeting.participants):
        if participant.council_id is not None and participant.council_id not in council_ids:
            meeting.participants.remove(participant)
            by_user.pop(participant.user_id, None)
    for council in meeting.councils:
        for membership in sorted(council.memberships, key=lambda m: m.id):
            existing = by_user.get(membership.user_id)
            if existing is None:
                participant = Participant(council_id=council.id, user_id=membership.user_id)
                meeting.participants.append(participant)
                by_user[membership.user_id] = participant
            elif existing.council_id is None:
                existing.council_id = council.id  # invited before, now a member of one of the councils


# --- scheduling -------------------------------------------------------------------------------


def _meeting_fields(data: dict) -> dict:
    """Validated values of the meeting form; raises 422 naming every field at fault."""
    fields: dict[str, str] = {}
    values = _titles(fields, data)
    councils = list(data.get("councils") or [])
    if not councils:
        fields["councils"] = _("Choose at least one council.")
    starts_at = data.get("starts_at")
    if not isinstance(starts_at, datetime):
        fields["starts_at"] = _("Give the date and time of the meeting.")
    elif starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    plan, activity = data.get("plan"), data.get("activity")
    if activity is not None and plan is not None and activity.plan_id != plan.id:
        fields["activity"] = _("Choose an activity of the chosen plan.")
    values.update(
        starts_at=starts_at,
        place=_text(fields, "place", data.get("place"), MAX_PLACE),
        off_site=bool(data.get("off_site")),
        number=_text(fields, "number", data.get("number"), MAX_NUMBER),
        chaired_by=_text(fields, "chaired_by", data.get("chaired_by"), MAX_NAME),
        councils=councils,
        plan=plan if plan is not None or activity is None else activity.plan,
        activity=activity,
    )
    _raise(fields)
    return values


def schedule(user, data: dict) -> Meeting:
    """A new meeting of data["councils"] (a joint meeting when several), kept by user; the members of
    each council become its participants. data: title_kk/ru/en, starts_at (datetime), place, off_site,
    councils (Council objects); optional: number (of the minutes), chaired_by, plan, activity."""
    values = _meeting_fields(data)
    if not keeps(user, values["councils"]):
        raise RuleViolation(
            _("Only the secretary or chair of one of the councils schedules its meetings."), 403
        )
    meeting = Meeting(
        state=MeetingState.scheduled,
        created_by_id=user.id,
        secretary_id=user.id,
        **{k: v for k, v in values.items() if k not in ("plan", "activity")},
    )
    meeting.plan = values["plan"]
    meeting.activity = values["activity"]
    db.session.add(meeting)
    _sync_participants(meeting)
    db.session.flush()
    record("meeting.schedule", meeting, after=describe(meeting), actor=user)
    return meeting


def edit(meeting: Meeting, user, data: dict) -> Meeting:
    """Change a scheduled meeting (councils too: participants follow)."""
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.scheduled)
    values = _meeting_fields(data)
    if not keeps(user, values["councils"]):
        raise RuleViolation(_("Keep at least one council you are the secretary or chair of."), 403)
    before = describe(meeting)
    for key, value in values.items():
        setattr(meeting, key, value)
    _sync_participants(meeting)
    db.session.flush()
    record("meeting.edit", meeting, before=before, after=describe(meeting), actor=user)
    return meeting


def cancel(meeting: Meeting, user) -> Meeting:
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.scheduled)
    before = describe(meeting)
    meeting.state = MeetingState.cancelled
    record("meeting.cancel", meeting, before=before, after=describe(meeting), actor=user)
    return meeting


def mark_held(meeting: Meeting, user) -> Meeting:
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.scheduled)
    before = describe(meeting)
    meeting.state = MeetingState.held
    record("meeting.held", meeting, before=before, after=describe(meeting), actor=user)
    return meeting


# --- agenda -----------------------------------------------------------------------------------


def _agenda_fields(meeting: Meeting, data: dict) -> dict:
    fields: dict[str, str] = {}
    values = _titles(fields, data)
    speaker = data.get("speaker")
    name = _text(fields, "speaker_name", data.get("speaker_name"), MAX_NAME)
    position = _text(fields, "speaker_position", data.get("speaker_position"), MAX_POSITION)
    organisation = data.get("speaker_organisation")
    if speaker is not None and name:
        fields["speaker_name"] = _("Choose a member or name an invited speaker, not both.")
    values.update(
        speaker=speaker,
        speaker_name=None if speaker is not None else name,
        speaker_position=position,
        speaker_organisation=organisation,
    )
    _raise(fields)
    return values


def describe_item(item: AgendaItem) -> dict:
    return {
        "title_ru": item.title_ru,
        "title_kk": item.title_kk,
        "title_en": item.title_en,
        "speaker_id": item.speaker_id,
        "speaker_name": item.speaker_name,
        "speaker_position": item.speaker_position,
        "speaker_organisation_id": item.speaker_organisation_id,
        "heard": item.heard,
        "discussed": item.discussed,
        "decided": item.decided,
    }


def add_agenda_item(meeting: Meeting, user, data: dict, files=(), links=()) -> AgendaItem:
    """An agenda item with its speaker (a member: data["speaker"], a User; or an invited person:
    speaker_name, speaker_position, speaker_organisation) and its materials (files, links)."""
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.scheduled, MeetingState.held)
    values = _agenda_fields(meeting, data)
    position = max((i.position for i in meeting.agenda), default=0) + 1
    item = AgendaItem(meeting=meeting, position=position, **values)
    db.session.add(item)
    db.session.flush()
    attach(user, files=files, links=links, agenda_item=item)
    record("agenda_item.add", item, after=describe_item(item), actor=user)
    return item


def edit_agenda_item(item: AgendaItem, user, data: dict, files=(), links=()) -> AgendaItem:
    meeting = item.meeting
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.scheduled, MeetingState.held)
    values = _agenda_fields(meeting, data)
    before = describe_item(item)
    for key, value in values.items():
        setattr(item, key, value)
    db.session.flush()
    attach(user, files=files, links=links, agenda_item=item)
    record("agenda_item.edit", item, before=before, after=describe_item(item), actor=user)
    return item


def save_minutes(item: AgendaItem, user, heard: str | None, discussed: str | None, decided: str | None):
    """The minutes of one agenda item: what was heard, discussed and decided (the meeting is held)."""
    meeting = item.meeting
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.held)
    fields: dict[str, str] = {}
    heard = _text(fields, "heard", heard, MAX_TEXT, _l("Write what was heard."))
    discussed = _text(fields, "discussed", discussed, MAX_TEXT)
    decided = _text(fields, "decided", decided, MAX_TEXT, _l("Write what was decided."))
    _raise(fields)
    before = describe_item(item)
    item.heard, item.discussed, item.decided = heard, discussed, decided
    record("agenda_item.minutes", item, before=before, after=describe_item(item), actor=user)
    return item


# --- participants and attendance --------------------------------------------------------------


def invite(meeting: Meeting, user, name: str | None, position: str | None) -> Participant:
    """An invited participant (not a member of the meeting's councils): name and position."""
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.scheduled, MeetingState.held)
    fields: dict[str, str] = {}
    name = _text(fields, "name", name, MAX_NAME, _l("Give the name."))
    position = _text(fields, "position", position, MAX_POSITION)
    _raise(fields)
    participant = Participant(meeting=meeting, name=name, position=position)
    db.session.add(participant)
    db.session.flush()
    record("meeting.invite", participant, actor=user)
    return participant


def record_attendance(meeting: Meeting, user, present_ids) -> Meeting:
    """Attendance of every participant at once: those in present_ids were present, the others absent."""
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.held)
    present_ids = {int(i) for i in present_ids}
    known = {p.id for p in meeting.participants}
    if present_ids - known:
        raise RuleViolation(_("Some of the people marked present are not participants of this meeting."), 422)
    before = {p.id: p.present for p in meeting.participants}
    for participant in meeting.participants:
        participant.present = participant.id in present_ids
    record(
        "meeting.attendance",
        meeting,
        before={"present": before},
        after={"present": {p.id: p.present for p in meeting.participants}},
        actor=user,
    )
    return meeting


def attendance_recorded(meeting: Meeting) -> bool:
    return bool(meeting.participants) and all(p.present is not None for p in meeting.participants)


@dataclass
class CouncilQuorum:
    council: object
    members: int
    present: int
    absent_names: list
    present_names: list

    @property
    def has_quorum(self) -> bool:
        return self.members > 0 and Fraction(self.present, self.members) >= QUORUM

    @property
    def needed(self) -> int:
        """Present members the council needs for a quorum."""
        return -(-self.members * QUORUM.numerator // QUORUM.denominator)


def quorum(meeting: Meeting) -> list[CouncilQuorum]:
    """Per council of the meeting: its members, how many of them were present, and whether that is a
    quorum (present / members >= QUORUM). A person who is a member of two of the councils counts in both."""
    present_users = {p.user_id for p in meeting.participants if p.user_id is not None and p.present}
    result = []
    for council in meeting.councils:
        members = sorted(council.memberships, key=lambda m: m.user.full_name)
        here = [m.user.full_name for m in members if m.user_id in present_users]
        away = [m.user.full_name for m in members if m.user_id not in present_users]
        result.append(CouncilQuorum(council, len(members), len(here), away, here))
    return result


# --- decisions and publication ----------------------------------------------------------------


def add_decision(meeting: Meeting, user, text: str, agenda_item=None, recommendations_data=()) -> Decision:
    """A decision of the held meeting (optionally on one agenda item) and its draft recommendations:
    recommendations_data is a list of dicts council, addressee (Organisation), text, due_date. Each
    council must be one of the meeting's councils kept by user (who will send it on publication)."""
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.held)
    fields: dict[str, str] = {}
    text = _text(fields, "text", text, MAX_TEXT, _l("Write the decision."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.id:
        fields["agenda_item"] = _("Choose an item of this meeting's agenda.")
    rows = list(recommendations_data)
    if len(rows) > MAX_RECOMMENDATIONS:
        fields["recommendations"] = _("At most %(n)s recommendations per decision.", n=MAX_RECOMMENDATIONS)
    for index, row in enumerate(rows):
        prefix = f"recommendations-{index}-"
        council = row.get("council")
        if council is None or council not in meeting.councils:
            fields[prefix + "council_id"] = _("Choose one of the meeting's councils.")
        elif not keeps(user, [council]):
            fields[prefix + "council_id"] = _(
                "Only the council's secretary or chair sends its recommendations."
            )
        if row.get("addressee") is None:
            fields[prefix + "addressee_id"] = _("Choose the addressee.")
        _text(fields, prefix + "text", row.get("text"), MAX_TEXT, _l("Write the recommendation."))
        due = row.get("due_date")
        if not isinstance(due, date):
            fields[prefix + "due_date"] = _("Give the due date.")
        elif due < meeting.starts_at.date():
            fields[prefix + "due_date"] = _("The due date cannot be before the meeting.")
    _raise(fields)
    decision = Decision(
        meeting=meeting,
        agenda_item=agenda_item,
        position=max((d.position for d in meeting.decisions), default=0) + 1,
        text=text,
    )
    db.session.add(decision)
    db.session.flush()
    record("decision.add", decision, actor=user)
    for row in rows:
        recommendations.draft(
            row["council"],
            row["addressee"],
            row["text"],
            row["due_date"],
            user,
            decision=decision,
            meeting=meeting,
        )
    return decision


def publish_problems(meeting: Meeting) -> list[str]:
    """What is missing before the minutes can be published (empty when nothing)."""
    problems = []
    if not meeting.agenda:
        problems.append(_("The meeting has no agenda items."))
    if not attendance_recorded(meeting):
        problems.append(_("Record the attendance first."))
    for item in meeting.agenda:
        if not (item.heard and item.decided):
            problems.append(_("Write the minutes of agenda item %(n)s.", n=item.position))
    return problems


def publish(meeting: Meeting, user) -> Meeting:
    """Publish the minutes of a held meeting, and send and publish its decisions' draft recommendations."""
    lock(meeting)
    _forbid(meeting, user)
    _require_state(meeting, MeetingState.held)
    problems = publish_problems(meeting)
    if problems:
        raise RuleViolation(" ".join(problems), status=409)
    drafts = [
        rec
        for decision in meeting.decisions
        for rec in decision.recommendations
        if rec.status == RecommendationStatus.draft
    ]
    for rec in drafts:
        lock(rec)  # every row lock before the first audited change (docs/audit.md)
    for rec in drafts:
        if not keeps(user, [rec.council]):
            raise RuleViolation(
                _(
                    "Only the secretary or chair of %(council)s may send its recommendations: ask them to "
                    "publish the minutes.",
                    council=rec.council.name,
                ),
                status=403,
            )
    before = describe(meeting)
    for rec in drafts:
        recommendations.send(rec, user, publish=True)
    meeting.state = MeetingState.published
    meeting.published_at = datetime.now(UTC)
    record("meeting.publish", meeting, before=before, after=describe(meeting), actor=user)
    return meeting
