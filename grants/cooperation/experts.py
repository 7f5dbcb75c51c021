"""Expert support (docs/cooperation.md#working-groups-experts-and-information-work): an expert, a member
(a user of the service) or an invited person, attached to an activity of the plan, a meeting or an
evaluation, with the written conclusion and its documents.

Who attaches experts: the keepers (secretary, chair) of the activity's plan councils or of the meeting's
councils; for an evaluation, the chair of the evaluating group or an administrator. Experts are seen by
whoever sees what they are attached to.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import User
from grants.audit.operations import record
from grants.cooperation.attachments import attach
from grants.cooperation.models import Activity, Expert, Meeting, keeps
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation, today_local
from grants.core.validation import MAX_TEXT
from grants.extensions import db
from grants.monitoring.models import Evaluation

OWNER_KINDS = {"activity": Activity, "meeting": Meeting, "evaluation": Evaluation}


def owner_of(expert: Expert):
    return expert.activity or expert.meeting or expert.evaluation


def owner_kind(owner) -> str:
    for kind, model in OWNER_KINDS.items():
        if isinstance(owner, model):
            return kind
    raise TypeError(type(owner).__name__)


def may_attach(owner, user) -> bool:
    """May user attach experts to owner (and record their conclusions)?"""
    if not user.is_authenticated:
        return False
    if isinstance(owner, Activity):
        return keeps(user, owner.plan.councils)
    if isinstance(owner, Meeting):
        return keeps(user, owner.councils)
    if isinstance(owner, Evaluation):
        return user.has_role("admin") or owner.is_chair(user)
    return False


def experts_of(owner) -> list[Expert]:
    """The experts attached to owner (an Activity, a Meeting or an Evaluation), in the order attached."""
    column = {
        "activity": Expert.activity_id,
        "meeting": Expert.meeting_id,
        "evaluation": Expert.evaluation_id,
    }
    return list(
        db.session.scalars(select(Expert).where(column[owner_kind(owner)] == owner.id).order_by(Expert.id))
    )


def may_view(expert: Expert, user) -> bool:
    owner = owner_of(expert)
    return owner is not None and owner.can_view(user)


def describe(expert: Expert) -> dict:
    return {
        "user_id": expert.user_id,
        "name": expert.name,
        "qualification": expert.qualification,
        "conclusion": expert.conclusion,
        "concluded_on": expert.concluded_on.isoformat() if expert.concluded_on else None,
    }


def _clean(fields: dict, name: str, value, limit: int):
    value = (value or "").strip() or None
    if value is not None and len(value) > limit:
        fields[name] = _("Must be at most %(max)s characters.", max=limit)
    return value


def add_expert(
    owner,
    user,
    member_id: int | None = None,
    name: str | None = None,
    qualification: str | None = None,
    conclusion: str | None = None,
    concluded_on: date | None = None,
    files=(),
    links=(),
) -> Expert:
    """Attach an expert to owner (an Activity, a Meeting or an Evaluation): a member (member_id) or an
    invited person (name); with the qualification, the written conclusion and documents."""
    lock(owner)
    if not may_attach(owner, user):
        raise RuleViolation(_("You may not attach experts here."), status=403)
    fields: dict[str, str] = {}
    name = _clean(fields, "name", name, 300)
    qualification = _clean(fields, "qualification", qualification, 500)
    conclusion = _clean(fields, "conclusion", conclusion, MAX_TEXT)
    member = db.session.get(User, member_id) if member_id else None
    if member_id and member is None:
        fields["user_id"] = _("Choose the member.")
    if member is None and name is None and "user_id" not in fields:
        fields["name"] = _("Choose a member or write the invited expert's name.")
    if member is not None and name is not None:
        fields["name"] = _("Choose a member or write a name, not both.")
    if concluded_on is not None and concluded_on > today_local():
        fields["concluded_on"] = _("The date cannot be in the future.")
    if concluded_on is not None and conclusion is None:
        fields["conclusion"] = _("Write the conclusion, or leave its date empty.")
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)
    kind = owner_kind(owner)
    expert = Expert(
        user_id=member.id if member is not None else None,
        name=name,
        qualification=qualification,
        conclusion=conclusion,
        concluded_on=concluded_on or (today_local() if conclusion else None),
        **{kind: owner},
    )
    db.session.add(expert)
    db.session.flush()
    attach(user, files=files, links=links, expert=expert)
    record("expert.add", expert, after=describe(expert), actor=user)
    return expert


def conclude(expert: Expert, user, conclusion: str, concluded_on: date | None = None, files=(), links=()):
    """Record (or replace) the expert's written conclusion and add documents."""
    owner = owner_of(expert)
    lock(expert)
    if owner is None or not may_attach(owner, user):
        raise RuleViolation(_("You may not attach experts here."), status=403)
    fields: dict[str, str] = {}
    conclusion = _clean(fields, "conclusion", conclusion, MAX_TEXT)
    if conclusion is None:
        fields["conclusion"] = _("This field is required.")
    if concluded_on is not None and concluded_on > today_local():
        fields["concluded_on"] = _("The date cannot be in the future.")
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)
    before = describe(expert)
    attach(user, files=files, links=links, expert=expert)
    expert.conclusion = conclusion
    expert.concluded_on = concluded_on or today_local()
    db.session.flush()
    record("expert.conclude", expert, before=before, after=describe(expert), actor=user)
    return expert


def remove_expert(expert: Expert, user) -> None:
    owner = owner_of(expert)
    lock(expert)
    if owner is None or not may_attach(owner, user):
        raise RuleViolation(_("You may not attach experts here."), status=403)
    before = describe(expert)
    record("expert.remove", expert, before=before, after={}, actor=user)
    db.session.delete(expert)
    db.session.flush()
