"""Recommendations: the register, drafting and sending, the addressee's response, the council's assessment
(docs/cooperation.md#recommendations)."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.cooperation import attachments
from grants.cooperation import recommendations as ops
from grants.cooperation.forms_recommendations import (
    AssessForm,
    PublishForm,
    RecommendationForm,
    ResponseForm,
    SendForm,
    SplitForm,
)
from grants.cooperation.models import Attachment, Recommendation, RecommendationStatus, kept_council_ids
from grants.core.errors import RuleViolation, today_local
from grants.core.forms import attach_violation
from grants.core.permissions import MAX_ID, load
from grants.councils.models import Council
from grants.extensions import db
from grants.monitoring.models import Evaluation
from grants.needs.models import PublicNeed
from grants.organisations.models import Organisation, OrganisationKind

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")

DEFAULT_DUE_DAYS = 30


def _int_arg(name: str) -> int | None:
    value = (request.args.get(name) or "").strip()
    if value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def _filters() -> ops.Filters:
    year = (request.args.get("year") or "").strip()
    status = (request.args.get("status") or "").strip()
    addressee = (request.args.get("addressee") or "").strip()
    return ops.Filters(
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        council=_int_arg("council"),
        addressee=addressee if addressee.isdigit() and len(addressee) <= 12 else None,
        topic=_int_arg("topic"),
        status=status if status in {s.value for s in RecommendationStatus} else None,
        overdue=request.args.get("overdue") in ("1", "on", "true", "yes"),
    )


@bp.get("/")
def index():
    """The register: what the reader may see (the public: published ones), filtered."""
    filters = _filters()
    today = today_local()
    page = db.paginate(
        ops.register_query(current_user, filters, today),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    council = db.session.get(Council, filters.council) if filters.council else None
    addressee = None
    if filters.addressee and len(filters.addressee) == 12:
        addressee = db.session.scalar(select(Organisation).where(Organisation.bin == filters.addressee))
    elif filters.addressee and len(filters.addressee) <= 9 and 0 < int(filters.addressee) <= MAX_ID:
        addressee = db.session.get(Organisation, int(filters.addressee))
    topic = db.session.get(PublicNeed, filters.topic) if filters.topic else None
    return render_template(
        "cooperation/recommendations/index.html",
        page=page,
        filters=filters,
        today=today,
        council=council,
        addressee=addressee,
        topic=topic,
        councils=db.session.scalars(select(Council).order_by(Council.name_ru)).all(),
        statuses=list(RecommendationStatus),
        may_draft=_may_draft(),
    )


def _may_draft() -> bool:
    if not current_user.is_authenticated:
        return False
    if current_user.has_role("admin"):
        return True
    return (
        db.session.scalar(select(Council.id).where(Council.id.in_(kept_council_ids(current_user))).limit(1))
        is not None
    )


def _kept_councils() -> list[Council]:
    query = select(Council).order_by(Council.name_ru)
    if not current_user.has_role("admin"):
        query = query.where(Council.id.in_(kept_council_ids(current_user)))
    return list(db.session.scalars(query))


def _addressees() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind.in_((OrganisationKind.government, OrganisationKind.ngo)))
            .order_by(Organisation.name_ru)
        )
    )


def _needs() -> list[PublicNeed]:
    return list(db.session.scalars(select(PublicNeed).order_by(PublicNeed.title_ru)))


def _choices(form: RecommendationForm, councils) -> None:
    form.council_id.choices = [(None, "—")] + [(c.id, c.name) for c in councils]
    form.addressee_id.choices = [(None, "—")] + [(o.id, f"{o.name} ({o.kind.title})") for o in _addressees()]
    form.needs.choices = [(n.id, n.title) for n in _needs()]


def _form_page(form, rec=None, status: int = 200, extra=()):
    return (
        render_template(
            "cooperation/recommendations/form.html", form=form, rec=rec, extra_errors=list(extra)
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    councils = _kept_councils()
    if not councils:
        abort(403)
    form = RecommendationForm()
    _choices(form, councils)
    if request.method == "GET":
        if _int_arg("council") in {c.id for c in councils}:
            form.council_id.data = _int_arg("council")
        form.due_date.data = today_local() + timedelta(days=DEFAULT_DUE_DAYS)
        return _form_page(form)
    if not form.validate_on_submit():
        return _form_page(form, status=422)
    council = next(c for c in councils if c.id == form.council_id.data)
    try:
        rec = ops.draft(
            council,
            db.session.get(Organisation, form.addressee_id.data),
            form.text.data,
            form.due_date.data,
            current_user,
            needs=[db.session.get(PublicNeed, i) for i in form.needs.data or []],
        )
    except RuleViolation as exc:
        db.session.rollback()
        extra = attach_violation(form, exc.fields, {"addressee": "addressee_id"})
        return _form_page(form, status=exc.status, extra=extra or [exc.message])
    db.session.commit()
    flash(_("The draft recommendation has been saved."), "success")
    return redirect(url_for("recommendations.show", rec_id=rec.id))


@bp.route("/<int:rec_id>/edit", methods=["GET", "POST"])
@login_required
def edit(rec_id: int):
    rec = load(Recommendation, rec_id, "edit", hide=True)
    form = RecommendationForm(obj=rec if request.method == "GET" else None)
    _choices(form, [rec.council])
    if request.method == "GET":
        form.needs.data = [n.id for n in rec.needs]
        return _form_page(form, rec)
    form.council_id.data = rec.council_id  # the council does not change
    if not form.validate_on_submit():
        return _form_page(form, rec, 422)
    try:
        ops.edit(
            rec,
            current_user,
            db.session.get(Organisation, form.addressee_id.data),
            form.text.data,
            form.due_date.data,
            needs=[db.session.get(PublicNeed, i) for i in form.needs.data or []],
        )
    except RuleViolation as exc:
        db.session.rollback()
        rec = db.session.get(Recommendation, rec_id)
        extra = attach_violation(form, exc.fields, {"addressee": "addressee_id"})
        return _form_page(form, rec, exc.status, extra or [exc.message])
    db.session.commit()
    flash(_("The draft recommendation has been saved."), "success")
    return redirect(url_for("recommendations.show", rec_id=rec.id))


def _show(rec: Recommendation, status: int = 200, response_form=None, assess_form=None):
    return (
        render_template(
            "cooperation/recommendations/show.html",
            rec=rec,
            today=today_local(),
            send_form=SendForm(),
            publish_form=PublishForm(),
            response_form=response_form or ResponseForm(),
            assess_form=assess_form or AssessForm(),
        ),
        status,
    )


@bp.get("/<int:rec_id>")
def show(rec_id: int):
    rec = load(Recommendation, rec_id, "view", hide=True)
    return _show(rec)


def _state_change(rec_id: int, operation, done: str, *args):
    """Send or publish: on a broken rule a message and back to the page (403 and 409 as such)."""
    rec = load(Recommendation, rec_id, "view", hide=True)
    try:
        operation(rec, current_user, *args)
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(exc.message, "danger")
        rec = db.session.get(Recommendation, rec_id)
        return _show(rec, exc.status)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("recommendations.show", rec_id=rec_id))


@bp.post("/<int:rec_id>/send")
@login_required
def send(rec_id: int):
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    return _state_change(
        rec_id, ops.send, _("The recommendation has been sent to the addressee."), bool(form.publish.data)
    )


@bp.post("/<int:rec_id>/publish")
@login_required
def publish(rec_id: int):
    if not PublishForm().validate_on_submit():
        abort(400)
    return _state_change(rec_id, ops.publish, _("The recommendation has been published."))


@bp.post("/<int:rec_id>/respond")
@login_required
def respond(rec_id: int):
    rec = load(Recommendation, rec_id, "view", hide=True)
    if not rec.addressed_to(current_user):
        abort(403)
    form = ResponseForm()
    if not form.validate_on_submit():
        return _show(rec, 422, response_form=form)
    try:
        ops.respond(rec, current_user, form.text.data, files=form.files.data or [], links=form.link_list())
    except RuleViolation as exc:
        db.session.rollback()
        rec = db.session.get(Recommendation, rec_id)
        if exc.status == 403:
            abort(403)
        attach_violation(form, exc.fields, {"links": "links"})
        flash(exc.message, "danger")
        return _show(rec, exc.status, response_form=form)
    db.session.commit()
    flash(_("Your response has been sent to the council."), "success")
    return redirect(url_for("recommendations.show", rec_id=rec_id))


@bp.post("/<int:rec_id>/assess")
@login_required
def assess(rec_id: int):
    rec = load(Recommendation, rec_id, "view", hide=True)
    form = AssessForm()
    if not form.validate_on_submit():
        if not rec.can_assess(current_user):
            abort(403 if rec.status == RecommendationStatus.answered else 409)
        return _show(rec, 422, assess_form=form)
    try:
        ops.assess(rec, current_user, form.status.data, form.assessment.data, form.reason.data)
    except RuleViolation as exc:
        db.session.rollback()
        rec = db.session.get(Recommendation, rec_id)
        if exc.status == 403:
            abort(403)
        attach_violation(form, exc.fields)
        flash(exc.message, "danger")
        return _show(rec, exc.status, assess_form=form)
    db.session.commit()
    flash(_("The assessment has been recorded."), "success")
    return redirect(url_for("recommendations.show", rec_id=rec_id))


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """A file attached to a response, for whoever may see the recommendation."""
    if not 0 < attachment_id <= MAX_ID:
        abort(404)
    item = db.session.get(Attachment, attachment_id)
    if (
        item is None
        or item.recommendation is None
        or item.storage_key is None
        or not item.recommendation.can_view(current_user)
    ):
        abort(404)
    return attachments.send(item)


# --- an evaluation's recommendations as items -------------------------------------------------------


def _split_choices(form: SplitForm, evaluation) -> None:
    form.council_id.choices = [(c.id, c.name) for c in ops.evaluation_councils(evaluation)]
    addressees = [(None, "—")] + [(o.id, f"{o.name} ({o.kind.title})") for o in _addressees()]
    for entry in form.items:
        entry.form.addressee_id.choices = addressees


def _split_page(form, evaluation, status=200, extra=()):
    return (
        render_template(
            "cooperation/recommendations/split.html",
            form=form,
            evaluation=evaluation,
            made=evaluation_recommendations(evaluation),
            extra_errors=list(extra),
        ),
        status,
    )


@bp.app_template_global("may_split_recommendations")
def may_split_recommendations(evaluation) -> bool:
    """The evaluation page links to the splitting page for those who may use it."""
    return ops.can_split(evaluation, current_user)


def evaluation_recommendations(evaluation) -> list[Recommendation]:
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.evaluation_id == evaluation.id, Recommendation.visible_to(current_user))
            .order_by(Recommendation.id)
        )
    )


@bp.route("/from-evaluation/<int:evaluation_id>", methods=["GET", "POST"])
@login_required
def from_evaluation(evaluation_id: int):
    """The chair of the evaluating group (or a keeper of one of its councils) turns the evaluation's
    recommendations text into drafts, each with an addressee and a due date."""
    evaluation = load(Evaluation, evaluation_id, "view", hide=True)
    if not ops.can_split(evaluation, current_user):
        abort(403)
    if request.method == "GET":
        default = ops.default_addressee(evaluation)
        due = today_local() + timedelta(days=DEFAULT_DUE_DAYS)
        rows = [
            {"keep": True, "text": text, "addressee_id": default.id if default else None, "due_date": due}
            for text in ops.split_items(evaluation.recommendations)
        ] or [{"keep": True, "text": "", "addressee_id": default.id if default else None, "due_date": due}]
        form = SplitForm(data={"items": rows})
        _split_choices(form, evaluation)
        keepable = [
            c
            for c in ops.evaluation_councils(evaluation)
            if c.id in set(db.session.scalars(kept_council_ids(current_user)))
        ]
        if keepable:
            form.council_id.data = keepable[0].id
        return _split_page(form, evaluation)
    form = SplitForm()
    _split_choices(form, evaluation)
    if not form.validate_on_submit():
        return _split_page(form, evaluation, 422)
    council = db.session.get(Council, form.council_id.data)
    items = [
        (
            entry.form.text.data,
            db.session.get(Organisation, entry.form.addressee_id.data)
            if entry.form.addressee_id.data
            else None,
            entry.form.due_date.data,
        )
        for entry in form.items
        if entry.form.keep.data and (entry.form.text.data or "").strip()
    ]
    try:
        made = ops.from_evaluation(evaluation, current_user, council, items)
    except RuleViolation as exc:
        db.session.rollback()
        evaluation = db.session.get(Evaluation, evaluation_id)
        if exc.status == 403:
            abort(403)
        extra = attach_violation(form, exc.fields, {"council": "council_id"})
        return _split_page(form, evaluation, exc.status, extra or [exc.message])
    db.session.commit()
    flash(_("%(n)s draft recommendations have been created.", n=len(made)), "success")
    return redirect(url_for("recommendations.index", council=council.id, status="draft"))
