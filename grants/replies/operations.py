"""Right of reply (docs/domain.md#right-of-reply): the NGO answers a published evaluation per criterion or finding within
the reply window; the group's chair rules on each reply; the rulings are printed in a new report version."""

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from grants.audit.operations import record
from grants.core import signals
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation
from grants.core.i18n import date_long
from grants.core.validation import MAX_TEXT
from grants.extensions import db
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.projects.models import Project
from grants.replies.models import Reply, Ruling
from grants.replies.window import reply_deadline, window_open
from grants.scoring.evidence import add_link, store_file

MAX_FINDING = 1000
MAX_ATTACHMENTS = 5


def answering_ngo_ids(evaluation: Evaluation) -> set[int]:
    """The NGOs whose work the evaluation judged: the project's NGO, or for a lot the NGOs holding its projects."""
    if evaluation.kind == SubjectKind.project:
        return {evaluation.project.ngo_id}
    return set(db.session.scalars(select(Project.ngo_id).where(Project.lot_id == evaluation.lot_id)))


def speaks_for_ngo(evaluation: Evaluation, user) -> bool:
    return (
        user.is_authenticated
        and user.has_role("ngo")
        and user.organisation_id is not None
        and user.organisation_id in answering_ngo_ids(evaluation)
    )


def can_reply(evaluation: Evaluation, user) -> bool:
    return (
        speaks_for_ngo(evaluation, user)
        and evaluation.state == EvaluationState.published
        and window_open(evaluation)
    )


def may_view_replies(evaluation: Evaluation, user) -> bool:
    """Who may see an evaluation's replies page: everybody while it is published; while it is revised after
    an accepted reply, the NGO concerned and those who may view the evaluation. Never before publication."""
    if evaluation.published_at is None:
        return False
    if evaluation.state == EvaluationState.published:
        return True
    return evaluation.can_view(user) or speaks_for_ngo(evaluation, user)


def visible_replies(evaluation: Evaluation, user) -> list[Reply]:
    return [reply for reply in evaluation.replies if reply.can_view(user)]


def pending(evaluation: Evaluation) -> list[Reply]:
    return [reply for reply in evaluation.replies if reply.ruling is None]


def describe(reply: Reply) -> dict:
    return {
        "criterion": reply.criterion_code,
        "finding": reply.finding,
        "text": reply.text,
        "ruling": reply.ruling.value if reply.ruling else None,
        "reason": reply.reason,
        "changes_score": reply.changes_score,
    }


def _check_target(
    evaluation: Evaluation, criterion: str | None, finding: str | None
) -> tuple[str | None, str | None]:
    criterion = (criterion or "").strip() or None
    finding = (finding or "").strip() or None
    if bool(criterion) == bool(finding):
        message = _("Reply either to one criterion or to a finding.")
        raise RuleViolation(message, status=422, fields={"criterion": message, "finding": message})
    if criterion and evaluation.methodology.criterion(criterion) is None:
        raise RuleViolation(
            _("Unknown criterion."),
            status=422,
            fields={
                "criterion": _("Choose one of: %(codes)s.", codes=", ".join(evaluation.methodology.codes))
            },
        )
    if finding and len(finding) > MAX_FINDING:
        raise RuleViolation(
            _("The finding is too long."),
            status=422,
            fields={"finding": _("At most %(n)s characters.", n=MAX_FINDING)},
        )
    return criterion, finding


def submit_reply(evaluation: Evaluation, user, text: str, criterion: str | None = None, finding: str | None = None,
                 files=(), links=()) -> Reply:  # fmt: skip
    """The NGO's reply, with optional attachments (files checked like evidence, or links)."""
    lock(evaluation)  # not interleaved with a ruling that sends the evaluation back (docs/concurrency.md)
    if not speaks_for_ngo(evaluation, user):
        raise RuleViolation(
            _("Only the NGO whose work was evaluated may reply to this evaluation."), status=403
        )
    if evaluation.state != EvaluationState.published:
        raise RuleViolation(_("Replies are accepted only while the evaluation is published."), status=409)
    if not window_open(evaluation):
        raise RuleViolation(
            _("The reply window closed on %(date)s.", date=date_long(reply_deadline(evaluation))),
            status=409,
            code="reply_window_closed",
        )
    criterion, finding = _check_target(evaluation, criterion, finding)
    text = (text or "").strip()
    if not text:
        raise RuleViolation(_("Write the reply."), status=422, fields={"text": _("This field is required.")})
    if len(text) > MAX_TEXT:
        raise RuleViolation(
            _("The reply is too long."),
            status=422,
            fields={"text": _("At most %(n)s characters.", n=MAX_TEXT)},
        )
    files = [f for f in files if f and getattr(f, "filename", None)]
    links = [link.strip() for link in links if link and link.strip()]
    if len(files) + len(links) > MAX_ATTACHMENTS:
        raise RuleViolation(
            _("At most %(n)s attachments.", n=MAX_ATTACHMENTS),
            status=422,
            fields={"files": _("Too many attachments.")},
        )
    reply = Reply(
        evaluation=evaluation,
        organisation_id=user.organisation_id,
        author_id=user.id,
        criterion_code=criterion,
        finding=finding,
        text=text,
        submitted_at=datetime.now(UTC),
    )
    db.session.add(reply)
    db.session.flush()
    for upload in files:
        try:
            store_file(upload, user, reply=reply)
        except RuleViolation as exc:  # name the reply's field, not the evidence form's
            raise RuleViolation(
                exc.message, status=exc.status, fields={"files": exc.fields.get("file", exc.message)}
            ) from exc
    for link in links:
        try:
            add_link(link, user, reply=reply)
        except RuleViolation as exc:
            raise RuleViolation(
                exc.message, status=exc.status, fields={"links": exc.fields.get("url", exc.message)}
            ) from exc
    record("reply.submit", reply, after=describe(reply), actor=user)
    signals.reply_submitted.send(reply, actor=user)
    return reply


def rule(reply: Reply, user, decision: str, reason: str | None, changes_score: bool = False) -> Reply:
    """The chair accepts or rejects a reply. An accepted reply that changes a score sends the evaluation back
    to consolidation (and then review); otherwise, once no reply is pending, the rulings are printed in a new
    version of the final report (issued by grants.reports on the rulings_complete signal)."""
    evaluation = reply.evaluation
    lock(evaluation)  # one ruling per reply, one report version per set of rulings (docs/concurrency.md)
    if not evaluation.is_chair(user):
        raise RuleViolation(_("Only the chair of the evaluating group rules on replies."), status=403)
    if reply.ruling is not None:
        raise RuleViolation(_("This reply has already been ruled on."), status=409)
    if evaluation.published_at is None:
        raise RuleViolation(_("Rulings are made on published evaluations."), status=409)
    if evaluation.state in (EvaluationState.in_review, EvaluationState.accepted):
        # The report under review must print every ruling: rule before finalizing or after publication.
        raise RuleViolation(
            _("The evaluation is being reviewed: rule on the reply once it is published again."), status=409
        )
    if decision not in (Ruling.accepted.value, Ruling.rejected.value):
        raise RuleViolation(
            _("Decide accepted or rejected."),
            status=422,
            fields={"decision": _("Must be accepted or rejected.")},
        )
    reason = (reason or "").strip() or None
    if decision == Ruling.rejected.value and not reason:
        raise RuleViolation(
            _("Give the reason for rejecting the reply."),
            status=422,
            fields={"reason": _("A rejection needs a reason.")},
        )
    if reason and len(reason) > MAX_TEXT:
        raise RuleViolation(
            _("The reason is too long."),
            status=422,
            fields={"reason": _("At most %(n)s characters.", n=MAX_TEXT)},
        )
    if changes_score and decision != Ruling.accepted.value:
        raise RuleViolation(
            _("Only an accepted reply can change a score."),
            status=422,
            fields={"changes_score": _("Only with an accepted reply.")},
        )
    before = describe(reply)
    reply.ruling = Ruling(decision)
    reply.reason = reason
    reply.changes_score = bool(changes_score)
    reply.ruled_by_id = user.id
    reply.ruled_at = datetime.now(UTC)
    db.session.flush()
    record("reply.rule", reply, before=before, after=describe(reply), actor=user)
    if changes_score and evaluation.state == EvaluationState.published:
        # The score is revised the usual way: consolidation (the chair may reopen scorecards), review, publication.
        evaluation.state = EvaluationState.consolidation
        db.session.flush()
        record(
            "evaluation.revise_after_reply",
            evaluation,
            before={"state": "published"},
            after={"state": "consolidation", "reply_id": reply.id},
            actor=user,
        )
    signals.reply_ruled.send(reply, actor=user)
    if evaluation.state == EvaluationState.published and not pending(evaluation):
        signals.rulings_complete.send(evaluation, actor=user)  # grants.reports issues the final report
    return reply


def printed_replies(evaluation: Evaluation) -> list[Reply]:
    """Replies with their rulings, as the report prints them (pending ones are not public)."""
    return [reply for reply in evaluation.replies if reply.ruling is not None]


def remark_counts(evaluation: Evaluation) -> dict[str, int]:
    """One evaluation's remarks as reports, cards and open data show them: ruled replies only
    (grants.reports.summary.remarks_counts counts the same over many evaluations in one query)."""
    ruled = printed_replies(evaluation)
    return {
        "made": len(ruled),
        "accepted": sum(1 for reply in ruled if reply.ruling == Ruling.accepted),
        "rejected": sum(1 for reply in ruled if reply.ruling == Ruling.rejected),
    }
