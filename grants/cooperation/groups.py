"""Working groups of several councils (docs/cooperation.md#working-groups-experts-and-information-work).

A working group is formed by the keepers (secretary, chair) of its councils; its members are people of those
councils; its lead and the keepers add tasks with deadlines; a task is completed once, with its output (a
conclusion and documents). Every change is audited; completing a task locks it, so two people pressing the
same button get one result and one 409.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import User
from grants.audit.operations import record
from grants.cooperation.attachments import attach
from grants.cooperation.models import (
    Activity,
    ActivityPlan,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupTask,
    keeps,
    plan_councils,
)
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation, today_local
from grants.core.validation import MAX_TEXT
from grants.councils.models import Council
from grants.extensions import db
from grants.needs.models import PublicNeed


def describe(group: WorkingGroup) -> dict:
    return {
        "name_ru": group.name_ru,
        "name_kk": group.name_kk,
        "name_en": group.name_en,
        "mandate": group.mandate,
        "lead_id": group.lead_id,
        "active": group.active,
        "councils": [c.id for c in group.councils],
        "needs": sorted(n.id for n in group.needs),
        "members": sorted(m.user_id for m in group.memberships),
    }


def describe_task(task: WorkingGroupTask) -> dict:
    return {
        "title": task.title,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "responsible_id": task.responsible_id,
        "activity_id": task.activity_id,
        "done_on": task.done_on.isoformat() if task.done_on else None,
        "output": task.output,
    }


def is_overdue(task: WorkingGroupTask, today: date | None = None) -> bool:
    """Derived: the deadline passed and the task is not done."""
    today = today or today_local()
    return task.done_on is None and task.due_date is not None and task.due_date < today


def people_of(councils) -> dict[int, int]:
    """user id -> the first council (by id) of councils the user belongs to (member, secretary or chair)."""
    found: dict[int, int] = {}
    for council in sorted(councils, key=lambda c: c.id):
        for user_id in (council.chair_id, council.secretary_id, *(m.user_id for m in council.memberships)):
            if user_id is not None:
                found.setdefault(user_id, council.id)
    return found


def may_form(user, councils) -> bool:
    """Forming a group, changing it and its members: the keepers of one of its councils, or an admin."""
    return keeps(user, councils)


def may_manage_tasks(group: WorkingGroup, user) -> bool:
    """Adding tasks: the keepers of the group's councils and its lead."""
    return group.can_edit(user)


def may_complete(task: WorkingGroupTask, user) -> bool:
    """Completing a task: the keepers, the lead and the person responsible for it."""
    return task.group.can_edit(user) or (user.is_authenticated and user.id == task.responsible_id)


def _text(fields: dict, name: str, value, required_message: str | None = None, limit: int = MAX_TEXT):
    value = (value or "").strip() or None
    if value is None and required_message:
        fields[name] = required_message
    elif value is not None and len(value) > limit:
        fields[name] = _("Must be at most %(max)s characters.", max=limit)
    return value


def save_group(group: WorkingGroup | None, user, data: dict) -> WorkingGroup:
    """Create (group None) or change a working group. data: name_ru, name_kk, name_en, mandate, formed_on,
    active, lead_id, councils (ids), needs (ids). The user must keep one of the councils (before and after)."""
    fields: dict[str, str] = {}
    name_ru = _text(fields, "name_ru", data.get("name_ru"), _("This field is required."), 500)
    name_kk = _text(fields, "name_kk", data.get("name_kk"), _("This field is required."), 500)
    name_en = _text(fields, "name_en", data.get("name_en"), None, 500)
    mandate = _text(fields, "mandate", data.get("mandate"))
    council_ids = [int(i) for i in data.get("councils") or []]
    councils = list(
        db.session.scalars(select(Council).where(Council.id.in_(council_ids)).order_by(Council.id))
    )
    if not councils:
        fields["councils"] = _("Choose at least one council.")
    needs = list(db.session.scalars(select(PublicNeed).where(PublicNeed.id.in_(data.get("needs") or []))))
    lead_id = data.get("lead_id") or None
    if lead_id is not None and councils and lead_id not in people_of(councils):
        fields["lead_id"] = _("The lead must be a member of one of the group's councils.")
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)
    if group is not None:
        lock(group)
        if not may_form(user, group.councils):
            raise RuleViolation(
                _("Only the secretary or chair of the group's councils changes it."), status=403
            )
    if not may_form(user, councils):
        message = _("Choose a council whose secretary or chair you are.")
        raise RuleViolation(message, status=422, fields={"councils": message})
    before = describe(group) if group is not None else None
    if group is None:
        group = WorkingGroup()
        db.session.add(group)
    group.name_ru, group.name_kk, group.name_en = name_ru, name_kk, name_en
    group.mandate = mandate
    group.formed_on = data.get("formed_on")
    group.active = bool(data.get("active", True))
    group.lead_id = lead_id
    group.councils = councils
    group.needs = needs
    kept = {c.id for c in councils}
    members = people_of(councils)
    # Members whose council left the group stay only while they belong to another of its councils.
    for membership in list(group.memberships):
        if membership.council_id not in kept:
            if membership.user_id in members:
                membership.council_id = members[membership.user_id]
            else:
                group.memberships.remove(membership)
    if lead_id is not None and all(m.user_id != lead_id for m in group.memberships):
        group.memberships.append(WorkingGroupMember(user_id=lead_id, council_id=members[lead_id]))
    db.session.flush()
    record(
        "working_group.create" if before is None else "working_group.edit",
        group,
        before=before,
        after=describe(group),
        actor=user,
    )
    return group


def add_member(
    group: WorkingGroup, user, member_id: int | None, council_id: int | None
) -> WorkingGroupMember:
    """Add a person of one of the group's councils (council_id: the council they represent; None: the first
    council of the group they belong to)."""
    lock(group)
    if not may_form(user, group.councils):
        raise RuleViolation(_("Only the secretary or chair of the group's councils changes it."), status=403)
    if member_id is None:
        message = _("Choose the member.")
        raise RuleViolation(message, status=422, fields={"user_id": message})
    people = people_of(group.councils)
    if member_id not in people:
        message = _("Only members of the group's councils can join it.")
        raise RuleViolation(message, status=422, fields={"user_id": message})
    if council_id is not None:
        council = next((c for c in group.councils if c.id == council_id), None)
        if council is None or member_id not in people_of([council]):
            message = _("The member does not belong to this council.")
            raise RuleViolation(message, status=422, fields={"council_id": message})
    else:
        council_id = people[member_id]
    if any(m.user_id == member_id for m in group.memberships):
        raise RuleViolation(_("This person is already a member of the group."), status=409)
    membership = WorkingGroupMember(group=group, user_id=member_id, council_id=council_id)
    db.session.add(membership)
    db.session.flush()
    record(
        "working_group.member_add", group, after={"user_id": member_id, "council_id": council_id}, actor=user
    )
    return membership


def remove_member(group: WorkingGroup, user, membership_id: int) -> None:
    lock(group)
    if not may_form(user, group.councils):
        raise RuleViolation(_("Only the secretary or chair of the group's councils changes it."), status=403)
    membership = next((m for m in group.memberships if m.id == membership_id), None)
    if membership is None:
        raise RuleViolation(_("This person is no longer a member of the group."), status=409)
    if membership.user_id == group.lead_id:
        raise RuleViolation(_("Choose another lead before removing the lead from the group."), status=409)
    before = {"user_id": membership.user_id, "council_id": membership.council_id}
    group.memberships.remove(membership)
    db.session.flush()
    record("working_group.member_remove", group, before=before, after={}, actor=user)


def add_task(
    group: WorkingGroup,
    user,
    title: str,
    due_date: date | None,
    responsible_id: int | None = None,
    activity_id: int | None = None,
) -> WorkingGroupTask:
    lock(group)
    if not may_manage_tasks(group, user):
        raise RuleViolation(
            _("Only the group's lead or its councils' secretary or chair adds tasks."), status=403
        )
    title = _task_fields(group, title, due_date, responsible_id, activity_id)["title"]
    task = WorkingGroupTask(
        group=group, title=title, due_date=due_date, responsible_id=responsible_id, activity_id=activity_id
    )
    db.session.add(task)
    db.session.flush()
    record("working_group.task_add", task, after=describe_task(task), actor=user)
    return task


def edit_task(
    task: WorkingGroupTask,
    user,
    title: str,
    due_date: date | None,
    responsible_id: int | None = None,
    activity_id: int | None = None,
) -> WorkingGroupTask:
    """Change a task that is not done yet (its title, deadline, the person responsible, the activity)."""
    lock(task)
    group = task.group
    if not may_manage_tasks(group, user):
        raise RuleViolation(
            _("Only the group's lead or its councils' secretary or chair changes tasks."), status=403
        )
    if task.done_on is not None:
        raise RuleViolation(_("This task has already been completed."), status=409)
    fields = _task_fields(group, title, due_date, responsible_id, activity_id)
    before = describe_task(task)
    task.title = fields["title"]
    task.due_date, task.responsible_id, task.activity_id = due_date, responsible_id, activity_id
    db.session.flush()
    record("working_group.task_edit", task, before=before, after=describe_task(task), actor=user)
    return task


def _task_fields(group, title, due_date, responsible_id, activity_id) -> dict:
    fields: dict[str, str] = {}
    title = _text(fields, "title", title, _("This field is required."), 1000)
    if due_date is None:
        fields["due_date"] = _("Set the deadline.")
    if responsible_id is not None and all(m.user_id != responsible_id for m in group.memberships):
        fields["responsible_id"] = _("The person responsible must be a member of the group.")
    if activity_id is not None and activity_id not in {a.id for a in linkable_activities(group)}:
        fields["activity_id"] = _("Choose an activity of a plan of the group's councils.")
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)
    return {"title": title}


def complete_task(
    task: WorkingGroupTask, user, output: str, done_on: date | None = None, files=(), links=()
) -> WorkingGroupTask:
    """Mark a task done, once, with its output (a conclusion) and documents (files or links)."""
    lock(task)
    if task.done_on is not None:
        raise RuleViolation(_("This task has already been completed."), status=409)
    if not may_complete(task, user):
        raise RuleViolation(
            _(
                "Only the group's lead, the person responsible or the councils' secretary or chair completes a task."
            ),
            status=403,
        )
    fields: dict[str, str] = {}
    output = _text(fields, "output", output, _("Describe the output of the task."))
    today = today_local()
    done_on = done_on or today
    if done_on > today:
        fields["done_on"] = _("The date cannot be in the future.")
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)
    before = describe_task(task)
    attach(user, files=files, links=links, task=task)
    task.done_on = done_on
    task.output = output
    db.session.flush()
    record("working_group.task_complete", task, before=before, after=describe_task(task), actor=user)
    return task


def linkable_activities(group: WorkingGroup) -> list[Activity]:
    """Activities a task may be linked to: the group's own, and those of plans of the group's councils."""
    from_plans = []
    if group.councils:
        from_plans = list(
            db.session.scalars(
                select(Activity)
                .join(ActivityPlan)
                .where(
                    ActivityPlan.id.in_(
                        select(plan_councils.c.plan_id).where(
                            plan_councils.c.council_id.in_([c.id for c in group.councils])
                        )
                    )
                )
                .order_by(ActivityPlan.year.desc(), Activity.position, Activity.id)
            )
        )
    seen, result = set(), []
    for activity in [*group.activities, *from_plans]:
        if activity.id not in seen:
            seen.add(activity.id)
            result.append(activity)
    return result


def member_choices(group: WorkingGroup) -> list[tuple[int, str]]:
    """People of the group's councils who are not yet members: (user id, name)."""
    current = {m.user_id for m in group.memberships}
    ids = [i for i in people_of(group.councils) if i not in current]
    if not ids:
        return []
    return [
        (u.id, u.full_name)
        for u in db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.full_name))
    ]
