"""Evaluation pages: a member's queue, declaration and scorecard, evidence, site visits; the chair's consolidation."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core.errors import RuleViolation, today_local
from grants.core.permissions import MAX_ID, load
from grants.extensions import db, talisman
from grants.monitoring import operations as workflow
from grants.monitoring.models import Evaluation, SubjectKind
from grants.monitoring.results import evaluation_result
from grants.needs.models import PublicNeed
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
    for field, message in exc.fields.items():
        flash(f"{field}: {message}", "danger")
    return redirect(target)


@bp.get("/")
@login_required
def queue():
    """The evaluations of the groups I sit in, with what I still have to do."""
    rows = db.session.scalars(
        select(Evaluation)
        .where(Evaluation.in_groups_of(current_user), ~Evaluation.is_draft)
        .order_by(Evaluation.deadline, Evaluation.id)
    ).all()
    return render_template("scoring/queue.html", evaluations=rows, today=today_local())


@bp.get("/<int:evaluation_id>")
@login_required
def show(evaluation_id: int):
    evaluation = _load(evaluation_id)
    card = evaluation.scorecard_of(current_user)
    if card is None and evaluation.in_scoring and evaluation.group.has_member(current_user):
        card = scoring.blank_scorecard(evaluation, current_user)  # shown empty; created by the first save
    result = evaluation_result(evaluation) if evaluation.can_see_scores(current_user) else None
    return render_template(
        "scoring/evaluation.html",
        evaluation=evaluation,
        card=card,
        result=result,
        declaration=DeclarationForm(),
        scorecard_form=make_scorecard_form(evaluation.methodology, card=card) if card else None,
        evidence_form=_evidence_form(evaluation),
        visit_form=SiteVisitForm(),
        need_form=_need_form(evaluation),
        can_edit_needs=workflow.can_edit_needs(evaluation, current_user),
        # everybody's evidence and visits, for the chair, the ministry and admins
        exhibits=gather_exhibits(evaluation, current_user)
        if reviewers_see(evaluation, current_user)
        else None,
    )


def _evidence_form(evaluation: Evaluation) -> EvidenceForm:
    form = EvidenceForm()
    form.criterion_code.choices = [("", _("Whole evaluation"))] + [
        (c.code, c.short) for c in evaluation.methodology.criteria
    ]
    return form


def _need_form(evaluation: Evaluation) -> NeedLinkForm:
    form = NeedLinkForm()
    linked = {link.need_id for link in evaluation.lot.need_links}
    needs = db.session.scalars(
        select(PublicNeed).order_by(PublicNeed.year_raised.desc(), PublicNeed.id)
    ).all()
    form.need_id.choices = [(n.id, n.title) for n in needs if n.id not in linked]
    return form


@bp.post("/<int:evaluation_id>/declare")
@login_required
def declare(evaluation_id: int):
    evaluation = _load(evaluation_id)
    form = DeclarationForm()
    target = url_for("evaluations.show", evaluation_id=evaluation.id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return redirect(target)
    try:
        card = scoring.declare(evaluation, current_user, form.conflict.data == "yes", form.conflict_note.data)
    except RuleViolation as exc:
        return _refused(exc, target)
    db.session.commit()
    if card.recused:
        flash(_("You declared a conflict of interest and are recused from this evaluation."), "warning")
    else:
        flash(_("Declaration recorded. You can score now."), "success")
    return redirect(target)


@bp.post("/<int:evaluation_id>/scorecard")
@login_required
def scorecard(evaluation_id: int):
    evaluation = _load(evaluation_id)
    form = make_scorecard_form(evaluation.methodology, formdata=request.form)
    target = url_for("evaluations.show", evaluation_id=evaluation.id)
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            for message in errors:
                flash(f"{form[name].label.text}: {message}", "danger")
        return redirect(target)
    try:
        scoring.save_draft(evaluation, current_user, scores_from_form(form, evaluation.methodology))
        if form.submit_card.data:
            scoring.submit(evaluation, current_user)
    except RuleViolation as exc:
        if exc.status != 422 or not form.submit_card.data:
            return _refused(exc, target)
        # Incomplete at submit: keep the draft that was just saved, and say what is missing.
        db.session.commit()
        flash(exc.message, "danger")
        names = {c.code: c.short for c in evaluation.methodology.criteria}
        for field, message in exc.fields.items():
            code = field.split(".")[1] if "." in field else field
            flash(f"{names.get(code, code)}: {message}", "danger")
        return redirect(target)
    db.session.commit()
    flash(_("Scorecard submitted.") if form.submit_card.data else _("Draft saved."), "success")
    return redirect(target)


@bp.post("/<int:evaluation_id>/evidence")
@login_required
def add_evidence(evaluation_id: int):
    evaluation = _load(evaluation_id)
    form = _evidence_form(evaluation)
    target = url_for("evaluations.show", evaluation_id=evaluation.id) + "#evidence"
    if not form.validate_on_submit():
        return _refused(RuleViolation(_("The evidence is not valid."), 422, form.errors), target)
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
        return _refused(exc, target)
    db.session.commit()
    flash(_("Evidence added."), "success")
    return redirect(target)


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
    target = url_for("evaluations.show", evaluation_id=evaluation.id) + "#visits"
    if not form.validate_on_submit():
        return _refused(
            RuleViolation(
                _("The visit record is not valid."), 422, {k: "; ".join(v) for k, v in form.errors.items()}
            ),
            target,
        )
    try:
        card = scoring.scorecard_for(evaluation, current_user)
        scoring.check_open(evaluation, card)
        visit = scoring.record_visit(
            evaluation, current_user, form.visit_date.data, form.place.data, form.observations.data
        )
        if form.photo.data and getattr(form.photo.data, "filename", ""):
            evidence_store.store_file(form.photo.data, current_user, site_visit=visit)
    except RuleViolation as exc:
        return _refused(exc, target)
    db.session.commit()
    flash(_("Site visit recorded."), "success")
    return redirect(target)


@bp.route("/<int:evaluation_id>/consolidate", methods=["GET", "POST"])
@login_required
def consolidate(evaluation_id: int):
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
