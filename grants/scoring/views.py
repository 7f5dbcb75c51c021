"""Evaluation pages: a member's queue, declaration and scorecard, evidence, site visits; the chair's consolidation."""

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from grants.accounts.models import User
from grants.core.errors import RuleViolation, today_local
from grants.core.permissions import MAX_ID, load
from grants.councils.models import MonitoringGroup
from grants.extensions import db, talisman
from grants.lots.models import Lot
from grants.monitoring import operations as workflow
from grants.monitoring.models import (
    CONSOLIDATION_STATES,
    Evaluation,
    EvaluationState,
    Methodology,
    SubjectKind,
)
from grants.monitoring.results import evaluation_result
from grants.needs.models import PublicNeed
from grants.projects.models import Project
from grants.scoring import evidence as evidence_store
from grants.scoring import operations as scoring
from grants.scoring.exhibits import gather as gather_exhibits
from grants.scoring.exhibits import reviewers_see, size_label, type_label
from grants.scoring.forms import (
    DeclarationForm,
    EvidenceForm,
    NeedLinkForm,
    ReopenForm,
    SiteVisitForm,
    make_scorecard_form,
    scores_from_form,
)
from grants.scoring.models import Evidence, Scorecard, SiteVisit

bp = Blueprint("evaluations", __name__, url_prefix="/evaluations")
bp.add_app_template_global(type_label, "evidence_type")
bp.add_app_template_filter(size_label, "evidence_size")


def _load(evaluation_id: int) -> Evaluation:
    """An evaluation the user may view; others are told it does not exist (404)."""
    return load(Evaluation, evaluation_id, hide=True)


def _refused(exc: RuleViolation, target: str):
    db.session.rollback()
    flash(exc.message, "danger")
    for message in dict.fromkeys(exc.fields.values()):  # the messages alone: no internal field names
        if message != exc.message:
            flash(message, "danger")
    return redirect(target)


QUEUE_FILTERS = ("todo", "submitted", "finished")
QUEUE_PER_PAGE = 50  # rows of the member's queue per page (docs/performance.md#queues-and-consolidation)


def _placing(user, card):
    """The columns that place an evaluation in user's queue, for a query of evaluations joined with
    user's own scorecard card (outer) and its group: user's part in it, "todo" (something
    waits for me), "submitted" (my part is done, the group's is not) or "finished" (published or
    accepted, or nothing left to anyone in it), with the part's rank for the order."""
    chair_consolidates = and_(
        Evaluation.state.in_(CONSOLIDATION_STATES), MonitoringGroup.chair_id == user.id
    )  # awaits_consolidation and can_consolidate
    card_open = or_(card.c.id.is_(None), and_(card.c.recused.is_not(True), card.c.submitted_at.is_(None)))
    part = case(
        (chair_consolidates, "todo"),
        (and_(Evaluation.state == EvaluationState.scoring, card_open), "todo"),
        (Evaluation.state.in_((EvaluationState.published, EvaluationState.accepted)), "finished"),
        else_="submitted",
    )
    return part.label("part"), case(
        {name: rank for rank, name in enumerate(QUEUE_FILTERS)}, value=part
    ).label("rank")


class _QueryPage(Pagination):
    """One page of a list whose total is already known (templates/_macros/ui.html pagination):
    fetch(limit, offset) reads its rows."""

    def _query_items(self) -> list:
        return self._query_args["fetch"](self.per_page, self._query_offset)

    def _query_count(self) -> int:
        return self._query_args["total"]


@bp.get("/")
@login_required
def queue():
    """The evaluations of the groups I sit in: what I still have to do first, finished ones last.

    Bounded whatever their number (docs/performance.md#queues-and-consolidation): one query counts
    them by part and year (the filters and totals), one orders and pages them on narrow rows and reads
    the page's evaluations with what their rows show, one their scorecards.
    """
    # The member's own scorecards, read once by their index and hashed: PostgreSQL would otherwise
    # probe the scorecards of every evaluation in turn (twice as slow with 2,000 of them).
    mine = (
        select(Scorecard.id, Scorecard.evaluation_id, Scorecard.recused, Scorecard.submitted_at)
        .where(Scorecard.member_id == current_user.id)
        .cte("mine")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    part, rank = _placing(current_user, mine)

    def placed(*columns):
        return (
            select(*columns)
            .join(Lot, Lot.id == Evaluation.lot_id)
            .join(MonitoringGroup, MonitoringGroup.id == Evaluation.group_id)
            .outerjoin(mine, mine.c.evaluation_id == Evaluation.id)
            .where(Evaluation.in_groups_of(current_user), ~Evaluation.is_draft)
        )

    counts = db.session.execute(placed(part, Lot.year, func.count()).group_by(part, Lot.year)).all()
    years = sorted({row.year for row in counts}, reverse=True)
    state = request.args.get("state", "")
    state = state if state in QUEUE_FILTERS else ""
    year = request.args.get("year", type=int)
    year = year if year in years else None
    ordered = placed(Evaluation.id, part, rank, Evaluation.deadline)
    if state:
        ordered = ordered.where(part == state)
    if year is not None:
        ordered = ordered.where(Lot.year == year)
    ordered = ordered.order_by(rank, Evaluation.deadline, Evaluation.id)

    def fetch(limit: int, offset: int) -> list:
        # The order and the page on narrow rows, then the page's evaluations with what they show.
        rows = ordered.limit(limit).offset(offset).subquery()
        query = (
            select(Evaluation, rows.c.part)
            .join(rows, rows.c.id == Evaluation.id)
            .order_by(rows.c.rank, rows.c.deadline, rows.c.id)
            .options(
                joinedload(Evaluation.lot),
                joinedload(Evaluation.group),
                joinedload(Evaluation.project).joinedload(Project.ngo),
                joinedload(Evaluation.campaign),
                selectinload(Evaluation.scorecards),
            )
        )
        return list(db.session.execute(query).unique())

    matching = sum(n for p, y, n in counts if (not state or p == state) and (year is None or y == year))
    page = _QueryPage(
        per_page=QUEUE_PER_PAGE, max_per_page=QUEUE_PER_PAGE, error_out=False, fetch=fetch, total=matching
    )
    return render_template(
        "scoring/queue.html",
        evaluations=[row.Evaluation for row in page.items],
        page=page,
        parts={row.Evaluation.id: row.part for row in page.items},
        years=years,
        state=state,
        year=year,
        matching=matching,
        total=sum(n for _p, _y, n in counts),
        today=today_local(),
    )


def _wants_json() -> bool:
    """A request of the page's own script (grants/static/js/scorecard.js) asks for JSON."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _page_context(evaluation: Evaluation, **overrides) -> dict:
    """Everything templates/scoring/evaluation.html (and its sections) need; overrides keep what a
    refused form held, with its errors."""
    card = evaluation.scorecard_of(current_user)
    if card is None and evaluation.in_scoring and evaluation.group.has_member(current_user):
        card = scoring.blank_scorecard(evaluation, current_user)  # shown empty; created by the first save
    result = evaluation_result(evaluation) if evaluation.can_see_scores(current_user) else None
    context = {
        "evaluation": evaluation,
        "card": card,
        "result": result,
        "declaration": DeclarationForm(formdata=None),
        "scorecard_form": make_scorecard_form(evaluation.methodology, card=card) if card else None,
        "scorecard_errors": {},
        "scorecard_problem": None,
        "evidence_form": _evidence_form(evaluation, formdata=None),
        "evidence_problem": None,
        "visit_form": SiteVisitForm(formdata=None),
        "visit_problem": None,
        "need_form": _need_form(evaluation),
        "can_edit_needs": workflow.can_edit_needs(evaluation, current_user),
        # everybody's evidence and visits, for the chair, the ministry and admins
        "exhibits": gather_exhibits(evaluation, current_user)
        if reviewers_see(evaluation, current_user)
        else None,
    }
    context.update(overrides)
    return context


@bp.get("/<int:evaluation_id>")
@login_required
def show(evaluation_id: int):
    evaluation = _load(evaluation_id)
    return render_template("scoring/evaluation.html", **_page_context(evaluation))


def _evidence_form(evaluation: Evaluation, **kwargs) -> EvidenceForm:
    form = EvidenceForm(**kwargs)
    form.criterion_code.choices = [("", _("Whole evaluation"))] + [
        (c.code, c.short) for c in evaluation.methodology.criteria
    ]
    return form


def _need_form(evaluation: Evaluation) -> NeedLinkForm:
    form = NeedLinkForm(formdata=None)
    linked = {link.need_id for link in evaluation.lot.need_links}
    needs = db.session.scalars(
        select(PublicNeed).order_by(PublicNeed.year_raised.desc(), PublicNeed.id)
    ).all()
    form.need_id.choices = [(n.id, n.title) for n in needs if n.id not in linked]
    return form


def _field_errors(form, fields: dict) -> None:
    """Put a RuleViolation's field messages beside the form's own fields (unknown names are dropped:
    the violation's message says it all)."""
    for name, message in fields.items():
        if name in form._fields:
            form[name].errors = [*form[name].errors, message]


@bp.post("/<int:evaluation_id>/declare")
@login_required
def declare(evaluation_id: int):
    evaluation = _load(evaluation_id)
    form = DeclarationForm()
    target = url_for("evaluations.show", evaluation_id=evaluation.id)
    if not form.validate_on_submit():
        return render_template("scoring/evaluation.html", **_page_context(evaluation, declaration=form)), 422
    try:
        card = scoring.declare(evaluation, current_user, form.conflict.data == "yes", form.conflict_note.data)
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status != 422:
            return _refused(exc, target)
        _field_errors(form, exc.fields)
        return render_template("scoring/evaluation.html", **_page_context(evaluation, declaration=form)), 422
    db.session.commit()
    if card.recused:
        flash(_("You declared a conflict of interest and are recused from this evaluation."), "warning")
    else:
        flash(_("Declaration recorded. You can score now."), "success")
    return redirect(target)


def _criterion_errors(evaluation: Evaluation, form, fields: dict) -> dict[str, list[str]]:
    """Errors by criterion code, from the form's fields (score_X, comment_X) and a RuleViolation's
    (scores.X, scores.X.score, scores.X.comment)."""
    codes = set(evaluation.methodology.codes)
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        code = name.partition("_")[2]
        if code in codes:
            errors.setdefault(code, []).extend(str(m) for m in messages)
    for name, message in fields.items():
        parts = name.split(".")
        if len(parts) >= 2 and parts[0] == "scores" and parts[1] in codes:
            errors.setdefault(parts[1], []).append(str(message))
    return errors


def _scorecard_refused(evaluation: Evaluation, form, message: str, fields: dict | None = None):
    """The page again with every score and comment as typed, each error beside its criterion (422)."""
    errors = _criterion_errors(evaluation, form, fields or {})
    return render_template(
        "scoring/evaluation.html",
        **_page_context(evaluation, scorecard_form=form, scorecard_errors=errors, scorecard_problem=message),
    ), 422


@bp.post("/<int:evaluation_id>/scorecard")
@login_required
def scorecard(evaluation_id: int):
    evaluation = _load(evaluation_id)
    form = make_scorecard_form(evaluation.methodology, formdata=request.form)
    target = url_for("evaluations.show", evaluation_id=evaluation.id)
    if not form.validate_on_submit():
        return _scorecard_refused(evaluation, form, _("Some scores are not valid."))
    try:
        scoring.save_draft(evaluation, current_user, scores_from_form(form, evaluation.methodology))
        if form.submit_card.data:
            scoring.submit(evaluation, current_user)
    except RuleViolation as exc:
        if exc.status != 422:
            return _refused(exc, target)
        if form.submit_card.data:
            # Incomplete at submit: keep the draft that was just saved, and say what is missing.
            db.session.commit()
        else:
            db.session.rollback()
        return _scorecard_refused(evaluation, form, exc.message, exc.fields)
    db.session.commit()
    flash(_("Scorecard submitted.") if form.submit_card.data else _("Draft saved."), "success")
    return redirect(target)


@bp.post("/<int:evaluation_id>/scorecard/autosave")
@login_required
def autosave(evaluation_id: int):
    """The page's script saves the draft as the member types (JSON); never submits. Same rules as
    "Save draft": only while the scorecard is open (docs/architecture.md#autosaved-drafts)."""
    evaluation = _load(evaluation_id)
    form = make_scorecard_form(evaluation.methodology, formdata=request.form)
    if not form.validate_on_submit():
        errors = _criterion_errors(evaluation, form, {})
        return jsonify(message=_("Some scores are not valid."), fields=errors), 422
    try:
        scoring.save_draft(evaluation, current_user, scores_from_form(form, evaluation.methodology))
    except RuleViolation as exc:
        db.session.rollback()
        return jsonify(
            message=exc.message, fields=_criterion_errors(evaluation, form, exc.fields)
        ), exc.status
    db.session.commit()
    at = format_datetime(datetime.now(UTC), "HH:mm")
    return jsonify(saved=True, time=at, message=_("Draft saved at %(time)s", time=at))


def _section(evaluation: Evaluation, name: str, status: int, message: str, **overrides):
    """A refused or accepted evidence or visit form: for the page's script, the section again as
    HTML in JSON; without script, the whole page (refused: 422 with everything typed)."""
    context = _page_context(evaluation, **overrides)
    if _wants_json():
        html = render_template(f"scoring/_{name}_section.html", **context)
        return jsonify(ok=status < 400, message=message, html=html), status
    if status < 400:
        flash(message, "success")
        return redirect(url_for("evaluations.show", evaluation_id=evaluation.id) + f"#{name}")
    return render_template("scoring/evaluation.html", **context), status


@bp.post("/<int:evaluation_id>/evidence")
@login_required
def add_evidence(evaluation_id: int):
    evaluation = _load(evaluation_id)
    form = _evidence_form(evaluation)
    if not form.validate_on_submit():
        message = _("The evidence is not valid.")
        return _section(evaluation, "evidence", 422, message, evidence_form=form, evidence_problem=message)
    try:
        card = scoring.scorecard_for(evaluation, current_user)
        scoring.check_open(evaluation, card)
        owner = {
            "scorecard": card,
            "criterion_code": form.criterion_code.data or None,
            "description": form.description.data or None,
        }
        if form.file.data and getattr(form.file.data, "filename", ""):
            evidence_store.store_file(form.file.data, current_user, **owner)
        elif form.url.data:
            evidence_store.add_link(form.url.data, current_user, **owner)
        else:
            raise RuleViolation(
                _("Attach a file or give a link."), 422, {"file": _("Attach a file or give a link.")}
            )
    except RuleViolation as exc:
        db.session.rollback()
        _field_errors(form, exc.fields)
        return _section(
            evaluation, "evidence", exc.status, exc.message, evidence_form=form, evidence_problem=exc.message
        )
    db.session.commit()
    return _section(evaluation, "evidence", 200, _("Evidence added."))


@bp.post("/evidence/<int:evidence_id>/remove")
@login_required
def remove_evidence(evidence_id: int):
    """Its author removes a piece of evidence until the scorecard is submitted (audited)."""
    item = load(Evidence, evidence_id, hide=True)
    evaluation = item.evaluation
    if evaluation is None or item.reply_id is not None:
        abort(404)
    section = "visits" if item.site_visit_id else "evidence"
    try:
        scoring.remove_evidence(evaluation, evidence_id, current_user)
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        problem = "visit_problem" if section == "visits" else "evidence_problem"
        return _section(evaluation, section, exc.status, exc.message, **{problem: exc.message})
    db.session.commit()
    return _section(evaluation, section, 200, _("Evidence removed."))


# A stored file is shown alone: no script, style or frame of its own; PDFs may be framed by this site.
EVIDENCE_FILE_POLICY = {
    "default-src": "'none'",
    "img-src": "'self'",
    "style-src": "'unsafe-inline'",  # the browser's own image and PDF viewers
    "object-src": "'self'",  # Chromium shows a PDF through an embed in the answer's document
    "frame-ancestors": "'self'",
    "base-uri": "'none'",
    "form-action": "'none'",
}


@bp.get("/evidence/<int:evidence_id>")
@talisman(content_security_policy=EVIDENCE_FILE_POLICY)
@login_required
def evidence_file(evidence_id: int):
    """A stored piece of evidence for whoever may see it (docs/domain.md#evidence-access), others 404:
    images and PDFs shown inline by the browser, Word and Excel files downloaded."""
    item = load(Evidence, evidence_id, hide=True)
    if item.storage_key is None:
        abort(404)
    response = send_file(
        evidence_store.file_path(item),
        mimetype=item.content_type,
        as_attachment=not item.opens_inline,
        download_name=item.filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


@bp.post("/<int:evaluation_id>/visits")
@login_required
def add_visit(evaluation_id: int):
    evaluation = _load(evaluation_id)
    form = SiteVisitForm()
    if not form.validate_on_submit():
        message = _("The visit record is not valid.")
        return _section(evaluation, "visits", 422, message, visit_form=form, visit_problem=message)
    try:
        card = scoring.scorecard_for(evaluation, current_user)
        scoring.check_open(evaluation, card)
        visit = scoring.record_visit(
            evaluation, current_user, form.visit_date.data, form.place.data, form.observations.data
        )
        if form.photo.data and getattr(form.photo.data, "filename", ""):
            try:
                evidence_store.store_file(form.photo.data, current_user, site_visit=visit)
            except RuleViolation as exc:
                raise RuleViolation(
                    exc.message, exc.status, {"photo": exc.fields.get("file", exc.message)}
                ) from exc
    except RuleViolation as exc:
        db.session.rollback()
        _field_errors(form, exc.fields)
        return _section(
            evaluation, "visits", exc.status, exc.message, visit_form=form, visit_problem=exc.message
        )
    db.session.commit()
    return _section(evaluation, "visits", 200, _("Site visit recorded."))


@bp.route("/<int:evaluation_id>/consolidate", methods=["GET", "POST"])
@login_required
def consolidate(evaluation_id: int):
    # held here: the session keeps its rows only while something refers to them
    prefetched = _prefetch_consolidation(evaluation_id) if evaluation_id <= MAX_ID else []  # noqa: F841
    evaluation = _load(evaluation_id)
    if not evaluation.is_chair(current_user):
        abort(403)
    target = url_for("evaluations.consolidate", evaluation_id=evaluation.id)
    if request.method == "POST":
        action = request.form.get("action")
        payload = {
            "conclusions": {
                c.code: request.form.get(f"conclusion_{c.code}", "") for c in evaluation.methodology.criteria
            },
            "consensus_notes": {
                c.code: request.form.get(f"note_{c.code}", "") for c in evaluation.methodology.criteria
            },
            "findings": request.form.get("findings", ""),
            "recommendations": request.form.get("recommendations", ""),
        }
        try:
            if action == "close":
                workflow.close_scoring(evaluation, current_user)
                message = _("Scoring closed. The evaluation is in consolidation.")
            elif action == "finalize":
                workflow.finalize(evaluation, current_user, payload)
                message = _("The evaluation has been submitted for review.")
            else:
                workflow.save_consolidation(evaluation, current_user, payload)
                message = _("Saved.")
        except RuleViolation as exc:
            db.session.rollback()
            return render_template(
                "scoring/consolidate.html", **_consolidation_context(evaluation), error=exc, posted=payload
            ), exc.status
        db.session.commit()
        flash(message, "success")
        if evaluation.in_review:
            return redirect(url_for("evaluations.show", evaluation_id=evaluation.id))
        return redirect(target)
    return render_template(
        "scoring/consolidate.html", **_consolidation_context(evaluation), error=None, posted=None
    )


def _prefetch_consolidation(evaluation_id: int) -> list[Evaluation]:
    """Everything the consolidation page reads, in a fixed number of queries whatever the number of
    evaluations, scorecards and scores (docs/performance.md#queues-and-consolidation): the evaluation
    with its subject, campaign, group and its memberships, methodology and its criteria (one query);
    its conclusions (one); its scorecards with their members and scores (one). The rows land in the
    session, where _load finds them."""
    return (
        db.session.scalars(
            select(Evaluation)
            .where(Evaluation.id == evaluation_id)
            .options(
                joinedload(Evaluation.lot),
                joinedload(Evaluation.project).joinedload(Project.ngo),
                joinedload(Evaluation.campaign),
                joinedload(Evaluation.group).joinedload(MonitoringGroup.memberships),
                joinedload(Evaluation.methodology).joinedload(Methodology.criteria),
                selectinload(Evaluation.conclusions),
                selectinload(Evaluation.scorecards).options(
                    joinedload(Scorecard.member).options(
                        lazyload(User.role_rows), lazyload(User.affiliations)
                    ),
                    joinedload(Scorecard.scores),
                ),
            )
        )
        .unique()
        .all()
    )


def _consolidation_context(evaluation: Evaluation) -> dict:
    open_cards = not evaluation.in_scoring
    return {
        "evaluation": evaluation,
        # Before scoring closes the chair sees only progress, not others' scores (no anchoring).
        "result": evaluation_result(evaluation) if open_cards else None,
        "progress": evaluation_result(evaluation).submitted,
        "cards": [c for c in evaluation.scorecards if c.counts] if open_cards else [],
        "all_cards": evaluation.scorecards,
        "reopen_form": ReopenForm(),
        "exhibits": gather_exhibits(evaluation, current_user),
    }


@bp.post("/<int:evaluation_id>/scorecards/<int:card_id>/reopen")
@login_required
def reopen(evaluation_id: int, card_id: int):
    evaluation = _load(evaluation_id)
    if card_id > MAX_ID:
        abort(404)
    card = db.session.get(Scorecard, card_id)
    if card is None or card.evaluation_id != evaluation.id:
        abort(404)
    form = ReopenForm()
    target = url_for("evaluations.consolidate", evaluation_id=evaluation.id)
    try:
        scoring.reopen(evaluation, card, current_user, form.reason.data or "")
    except RuleViolation as exc:
        return _refused(exc, target)
    db.session.commit()
    flash(_("The scorecard of %(name)s has been reopened.", name=card.member.full_name), "success")
    return redirect(target)


@bp.post("/<int:evaluation_id>/needs")
@login_required
def needs(evaluation_id: int):
    evaluation = _load(evaluation_id)
    target = url_for("evaluations.show", evaluation_id=evaluation.id) + "#needs"
    if evaluation.kind != SubjectKind.lot:
        abort(404)
    need_id = request.form.get("need_id", type=int)
    need = db.session.get(PublicNeed, need_id) if need_id and 0 < need_id <= MAX_ID else None
    if need is None:
        return _refused(RuleViolation(_("Choose a public need."), 422), target)
    try:
        if request.form.get("action") == "unlink":
            workflow.unlink_need(evaluation, need, current_user, request.form.get("reason", ""))
        else:
            workflow.link_need(evaluation, need, current_user, request.form.get("reason", ""))
    except RuleViolation as exc:
        return _refused(exc, target)
    db.session.commit()
    flash(_("The lot's public needs have been updated."), "success")
    return redirect(target)


__all__ = ["SiteVisit", "bp"]
