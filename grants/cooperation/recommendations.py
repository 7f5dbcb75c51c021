"""Recommendations tracked to an answer (docs/cooperation.md#recommendations).

draft → sent (by the keepers of the council; publishing a meeting's minutes sends its decisions'
recommendations) → answered (the addressee's response, once) → implemented | partially_implemented |
not_implemented | rejected (the council's assessment; the last two with a reason). Overdue is derived:
sent, past the due date and unanswered. Every change locks the recommendation and is audited, so two
people pressing the same button get one result and one 409.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import selectinload

from grants.audit.operations import record
from grants.cooperation.attachments import attach
from grants.cooperation.models import (
    ASSESSED,
    Recommendation,
    RecommendationStatus,
    keeps,
    kept_council_ids,
    recommendation_needs,
)
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation
from grants.core.validation import MAX_TEXT, check_length
from grants.extensions import db
from grants.organisations.models import Organisation


def describe(rec: Recommendation) -> dict:
    return {
        "status": rec.status.value,
        "addressee_id": rec.addressee_id,
        "text": rec.text,
        "due_date": rec.due_date.isoformat() if rec.due_date else None,
        "status_reason": rec.status_reason,
        "response": rec.response,
        "assessment": rec.assessment,
        "published": rec.is_published,
    }


def _required(name: str, value: str | None, message) -> str:
    """value stripped, or a 422 naming the field; message is lazy (translated only when refused, so
    the operations also run outside a request: the demo seed, the CLI)."""
    value = (value or "").strip()
    if not value:
        raise RuleViolation(str(message), status=422, fields={name: _("This field is required.")})
    check_length(name, value, MAX_TEXT)
    return value


def draft(council, addressee, text: str, due_date: date | None, user, needs=(), **source) -> Recommendation:
    """A new draft recommendation of council to addressee (an Organisation); source is decision=…,
    meeting=…, evaluation=… or activity=…. The caller checks the user keeps the council."""
    if addressee is None:
        message = _("Choose the addressee.")
        raise RuleViolation(message, status=422, fields={"addressee": message})
    rec = Recommendation(
        council=council,
        addressee=addressee,
        text=_required("text", text, _l("Write the recommendation.")),
        due_date=due_date,
        status=RecommendationStatus.draft,
        created_by_id=user.id if user is not None and user.is_authenticated else None,
        needs=list(needs),
        **source,
    )
    db.session.add(rec)
    db.session.flush()
    record("recommendation.draft", rec, after=describe(rec), actor=user)
    return rec


def send(rec: Recommendation, user, publish: bool = False) -> Recommendation:
    """Send a draft to its addressee (and publish it at once when asked). Needs a due date."""
    lock(rec)
    if not rec.can_send(user):
        if rec.status != RecommendationStatus.draft:
            raise RuleViolation(_("This recommendation has already been sent."), status=409)
        raise RuleViolation(_("Only the council's secretary or chair sends its recommendations."), status=403)
    if rec.due_date is None:
        message = _("Set the due date before sending.")
        raise RuleViolation(message, status=422, fields={"due_date": message})
    before = describe(rec)
    now = datetime.now(UTC)
    rec.status = RecommendationStatus.sent
    rec.sent_at = now
    if publish:
        rec.published_at = now
    record("recommendation.send", rec, before=before, after=describe(rec), actor=user)
    return rec


def publish(rec: Recommendation, user) -> Recommendation:
    """Make a sent recommendation (and its response and assessment, as they come) public."""
    lock(rec)
    if not rec.can_publish(user):
        if rec.is_published:
            raise RuleViolation(_("This recommendation is already published."), status=409)
        if rec.status == RecommendationStatus.draft:
            raise RuleViolation(_("Send the recommendation before publishing it."), status=409)
        raise RuleViolation(
            _("Only the council's secretary or chair publishes its recommendations."), status=403
        )
    rec.published_at = datetime.now(UTC)
    record("recommendation.publish", rec, actor=user)
    return rec


def respond(rec: Recommendation, user, text: str, files=(), links=()) -> Recommendation:
    """The addressee's response, once, with optional attachments (files checked like evidence, or links)."""
    lock(rec)
    if not rec.can_respond(user):
        if rec.status != RecommendationStatus.sent and rec.addressed_to(user):
            raise RuleViolation(_("This recommendation has already been answered."), status=409)
        raise RuleViolation(_("Only the addressee's representatives answer this recommendation."), status=403)
    text = _required("text", text, _l("Write the response."))
    before = describe(rec)
    attach(user, files=files, links=links, recommendation=rec)
    rec.response = text
    rec.responded_at = datetime.now(UTC)
    rec.responded_by_id = user.id
    rec.status = RecommendationStatus.answered
    record("recommendation.respond", rec, before=before, after=describe(rec), actor=user)
    return rec


def assess(rec: Recommendation, user, status: str, assessment: str | None, reason: str | None = None):
    """The council's assessment of the response: implemented, partially implemented, not implemented or
    rejected; the last two need the reason."""
    lock(rec)
    if not rec.can_assess(user):
        if rec.status != RecommendationStatus.answered:
            raise RuleViolation(_("Only an answered recommendation can be assessed."), status=409)
        raise RuleViolation(_("Only the council's secretary or chair assesses responses."), status=403)
    try:
        outcome = RecommendationStatus(status)
    except ValueError:
        outcome = None
    if outcome not in ASSESSED:
        message = _("Choose one of: %(codes)s.", codes=", ".join(s.value for s in ASSESSED))
        raise RuleViolation(message, status=422, fields={"status": message})
    reason = (reason or "").strip() or None
    if outcome.needs_reason and not reason:
        message = _("Give the reason.")
        raise RuleViolation(message, status=422, fields={"reason": message})
    if reason:
        check_length("reason", reason, MAX_TEXT)
    assessment = (assessment or "").strip() or None
    if assessment:
        check_length("assessment", assessment, MAX_TEXT)
    before = describe(rec)
    rec.status = outcome
    rec.status_reason = reason
    rec.assessment = assessment
    rec.assessed_at = datetime.now(UTC)
    rec.assessed_by_id = user.id
    record("recommendation.assess", rec, before=before, after=describe(rec), actor=user)
    return rec


def edit(rec: Recommendation, user, addressee, text: str, due_date: date | None, needs=()) -> Recommendation:
    """Change a draft: addressee, text, due date and topics (the keepers of its council)."""
    lock(rec)
    if not rec.can_edit(user):
        if rec.status != RecommendationStatus.draft:
            raise RuleViolation(_("This recommendation has already been sent."), status=409)
        raise RuleViolation(_("Only the council's secretary or chair edits its recommendations."), status=403)
    if addressee is None:
        message = _("Choose the addressee.")
        raise RuleViolation(message, status=422, fields={"addressee": message})
    before = describe(rec)
    rec.addressee = addressee
    rec.text = _required("text", text, _l("Write the recommendation."))
    rec.due_date = due_date
    rec.needs = list(needs)
    record("recommendation.edit", rec, before=before, after=describe(rec), actor=user)
    return rec


# --- the register ----------------------------------------------------------------------------------


@dataclass
class Filters:
    """What the register (page, API) is narrowed to; None means "any"."""

    year: int | None = None
    council: int | None = None
    addressee: str | None = None  # an organisation's id or its 12-digit BIN
    topic: int | None = None  # a public need's id
    status: str | None = None
    overdue: bool = False


def register_query(user, filters: Filters, today: date):
    """SELECT of the recommendations user may see (Recommendation.visible_to), filtered, newest due first."""
    query = select(Recommendation).where(Recommendation.visible_to(user))
    if filters.year and not 1900 <= filters.year <= 2999:
        query = query.where(false())
    elif filters.year:
        first, last = date(filters.year, 1, 1), date(filters.year, 12, 31)
        query = query.where(
            or_(
                Recommendation.due_date.between(first, last),
                and_(
                    Recommendation.due_date.is_(None),
                    Recommendation.created_at >= datetime(filters.year, 1, 1, tzinfo=UTC),
                    Recommendation.created_at < datetime(filters.year + 1, 1, 1, tzinfo=UTC),
                ),
            )
        )
    if filters.council:
        query = query.where(Recommendation.council_id == filters.council)
    if filters.addressee:
        value = str(filters.addressee).strip()
        if re.fullmatch(r"\d{12}", value):
            query = query.where(
                Recommendation.addressee_id.in_(select(Organisation.id).where(Organisation.bin == value))
            )
        elif re.fullmatch(r"\d{1,9}", value):
            query = query.where(Recommendation.addressee_id == int(value))
        else:
            query = query.where(false())
    if filters.topic:
        query = query.where(
            Recommendation.id.in_(
                select(recommendation_needs.c.recommendation_id).where(
                    recommendation_needs.c.need_id == filters.topic
                )
            )
        )
    if filters.status:
        try:
            query = query.where(Recommendation.status == RecommendationStatus(filters.status))
        except ValueError:
            query = query.where(false())
    if filters.overdue:
        query = query.where(Recommendation.overdue_on(today))
    return query.options(
        selectinload(Recommendation.council),
        selectinload(Recommendation.addressee),
        selectinload(Recommendation.needs),
    ).order_by(Recommendation.due_date.desc().nulls_last(), Recommendation.id.desc())


# --- what waits for whom (home pages) --------------------------------------------------------------


def to_answer(user) -> list[Recommendation]:
    """Sent, unanswered recommendations to the organisation user speaks for (official or NGO), due first."""
    if not (user.is_authenticated and (user.has_role("official") or user.has_role("ngo"))):
        return []
    if user.organisation_id is None:
        return []
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(
                Recommendation.addressee_id == user.organisation_id,
                Recommendation.status == RecommendationStatus.sent,
                Recommendation.responded_at.is_(None),
            )
            .options(selectinload(Recommendation.council))
            .order_by(Recommendation.due_date.asc().nulls_last(), Recommendation.id)
        )
    )


def kept_waiting(user, today: date) -> dict:
    """For the chair and the secretary of councils: their councils' overdue recommendations and the
    answered ones waiting for an assessment."""
    if not user.is_authenticated:
        return {"overdue": [], "to_assess": []}
    councils = kept_council_ids(user)
    base = select(Recommendation).where(Recommendation.council_id.in_(councils))
    options = (selectinload(Recommendation.council), selectinload(Recommendation.addressee))
    overdue = db.session.scalars(
        base.where(Recommendation.overdue_on(today)).options(*options).order_by(Recommendation.due_date)
    ).all()
    to_assess = db.session.scalars(
        base.where(Recommendation.status == RecommendationStatus.answered)
        .options(*options)
        .order_by(Recommendation.responded_at)
    ).all()
    return {"overdue": list(overdue), "to_assess": list(to_assess)}


# --- from an evaluation's free-text recommendations ------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-–—•*·]+|\(?\d{1,3}[.)])\s*")


def split_items(text: str | None) -> list[str]:
    """An evaluation's recommendations text as separate items: one per non-empty line, bullets and
    numbers dropped."""
    items = []
    for line in (text or "").splitlines():
        line = _BULLET.sub("", line, count=1).strip()
        if line:
            items.append(line)
    return items


def evaluation_councils(evaluation) -> list:
    """The councils the evaluating group is drawn from (the recommendations' council is one of them)."""
    return list(evaluation.group.councils) if evaluation.group is not None else []


def can_split(evaluation, user) -> bool:
    """The chair of the evaluating group, or a keeper of one of its councils, turns an accepted or
    published evaluation's recommendations into items addressed to someone."""
    if not user.is_authenticated or not (evaluation.is_accepted or evaluation.is_published):
        return False
    return evaluation.is_chair(user) or keeps(user, evaluation_councils(evaluation))


def default_addressee(evaluation):
    """The evaluated project's NGO, or the lot's administrator."""
    if evaluation.project is not None and evaluation.project.ngo is not None:
        return evaluation.project.ngo
    return evaluation.lot.administrator if evaluation.lot is not None else None


def from_evaluation(evaluation, user, council, items) -> list[Recommendation]:
    """Drafts from an evaluation: items are (text, addressee, due_date); empty texts are skipped."""
    if not can_split(evaluation, user):
        raise RuleViolation(
            _("Only the group's chair or a council's secretary or chair does this."), status=403
        )
    if council is None or council.id not in {c.id for c in evaluation_councils(evaluation)}:
        message = _("Choose one of the group's councils.")
        raise RuleViolation(message, status=422, fields={"council": message})
    made = []
    for text, addressee, due_date in items:
        if not (text or "").strip():
            continue
        made.append(draft(council, addressee, text, due_date, user, evaluation=evaluation))
    if not made:
        message = _("Keep at least one recommendation.")
        raise RuleViolation(message, status=422, fields={"items": message})
    return made
