"""Recommendations tracked to an answer (docs/cooperation.md#recommendations).

draft → sent (by the keepers of the council; publishing a meeting's minutes sends its decisions'
recommendations) → answered (the addressee's response, once) → implemented | partially_implemented |
not_implemented | rejected (the council's assessment; the last two with a reason). Overdue is derived:
sent, past the due date and unanswered. Every change locks the recommendation and is audited, so two
people pressing the same button get one result and one 409.
"""

from datetime import UTC, date, datetime

from flask_babel import gettext as _

from grants.audit.operations import record
from grants.cooperation.attachments import attach
from grants.cooperation.models import ASSESSED, Recommendation, RecommendationStatus
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation
from grants.core.validation import MAX_TEXT, check_length
from grants.extensions import db


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


def _required(name: str, value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, status=422, fields={name: _("This field is required.")})
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
        text=_required("text", text, _("Write the recommendation.")),
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
    text = _required("text", text, _("Write the response."))
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
