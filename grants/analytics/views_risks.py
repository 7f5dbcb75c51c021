"""Risk flags: the list with its filters, a flag's review, and the administrators' thresholds
(docs/analytics.md#risk-flags). Ministry staff and administrators only; flags never change a score."""

import marshmallow as ma
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from marshmallow import fields

from grants.analytics import risks
from grants.analytics.filters import AnalyticsArgs, AnalyticsFilters
from grants.analytics.forms_risks import ReviewForm, ThresholdsForm
from grants.core.errors import RuleViolation
from grants.core.permissions import MAX_ID, require_role
from grants.core.schemas import one_of
from grants.extensions import db
from grants.lots.operations import filter_options

bp = Blueprint("risks", __name__, url_prefix="/risks")

STATUSES = ("all", "open", "reviewed")
PER_PAGE = 50


class FlagPage(Pagination):
    """One page of the flags (worked out in full: the count and the order need all of them), in the
    shape of the pagination macro; `page` comes from the query string (anything else: page 1)."""

    def _query_items(self) -> list:
        flags = self._query_args["flags"]
        return flags[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["flags"])


STAFF = ("ministry", "admin")


class RiskArgs(AnalyticsArgs):
    """The analytics filters, a rule and the review status (open, reviewed or all)."""

    rule = fields.String(validate=one_of(risks.RULES))
    status = fields.String(validate=one_of(STATUSES))


def _filter_labels() -> dict:
    return {
        "year": _("Year"),
        "region": _("Region"),
        "administrator": _("Administrator"),
        "sphere": _("Sphere"),
        "council": _("Council"),
        "rule": _("Rule"),
        "status": _("Review"),
    }


def _status_titles() -> dict:
    return {"all": _("All flags"), "open": _("Not reviewed"), "reviewed": _("Reviewed")}


@bp.get("/")
def index():
    require_role(*STAFF)
    problems: list[str] = []
    try:
        args = RiskArgs().load(request.args)
    except ma.ValidationError as exc:
        args = {}
        labels = _filter_labels()
        problems = [
            f"{labels.get(name, name)}: {'; '.join(map(str, msgs))}" for name, msgs in exc.messages.items()
        ]
    filters = AnalyticsFilters.from_args(args)
    rule = args.get("rule")
    status = args.get("status") or "all"
    found = [] if problems else risks.flags(filters, [rule] if rule else None, status)
    page = FlagPage(per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False, flags=found)
    return (
        render_template(
            "analytics/risks.html",
            page=page,
            rules=risks.RULES,
            thresholds=risks.thresholds(),
            filters=filters,
            rule=rule,
            status=status,
            statuses=_status_titles(),
            options=filter_options(),
            problems=problems,
            may_review=_may_review(),
        ),
        422 if problems else 200,
    )


def _may_review() -> bool:
    return current_user.is_authenticated and (
        current_user.has_role("ministry") or current_user.has_role("admin")
    )


def _subject(rule: str, subject_kind: str, subject_id: int) -> None:
    if (
        rule not in risks.RULES
        or risks.RULES[rule].subject_kind != subject_kind
        or not 0 < subject_id <= MAX_ID
    ):
        abort(404)


@bp.route("/review/<rule>/<subject_kind>/<int:subject_id>", methods=["GET", "POST"])
def review(rule: str, subject_kind: str, subject_id: int):
    """A flag with its figures and the review form; the review is taken once (409 for a second one)."""
    require_role(*STAFF)
    _subject(rule, subject_kind, subject_id)
    form = ReviewForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                risks.review(rule, subject_kind, subject_id, form.note.data, current_user)
            except RuleViolation as exc:
                db.session.rollback()
                if exc.status == 422:
                    form.note.errors = [*form.note.errors, exc.message]
                    return _review_page(rule, subject_kind, subject_id, form, 422)
                return _review_page(rule, subject_kind, subject_id, form, exc.status, exc.message)
            db.session.commit()
            flash(_("The flag is marked as reviewed."), "success")
            return redirect(url_for("risks.index", rule=rule))
        return _review_page(rule, subject_kind, subject_id, form, 422)
    return _review_page(rule, subject_kind, subject_id, form)


def _review_page(rule, subject_kind, subject_id, form, status: int = 200, message: str | None = None):
    flag = risks.find_flag(rule, subject_kind, subject_id)
    if flag is not None:
        flag.review = risks.review_of(rule, subject_kind, subject_id)
    if flag is None and status == 200:
        status = 404 if request.method == "GET" else status
    return (
        render_template(
            "analytics/risks_review.html",
            flag=flag,
            rule=risks.RULES[rule],
            form=form,
            message=message,
            status=status,
        ),
        status,
    )


@bp.route("/thresholds", methods=["GET", "POST"])
def thresholds():
    """Administrators set each rule's threshold; a page read before someone else's change is refused."""
    require_role("admin")
    form = ThresholdsForm()
    if request.method == "GET":
        current = risks.thresholds()
        for code in risks.RULES:
            form[code].data = current[code]
        form.versions.data = _encode(risks.versions())
        return _thresholds_page(form)
    if not form.validate_on_submit():
        return _thresholds_page(form, 422)
    try:
        changed = risks.save_thresholds(
            {code: form[code].data for code in risks.RULES}, _decode(form.versions.data), current_user
        )
    except RuleViolation as exc:
        db.session.rollback()
        return _thresholds_page(form, exc.status, exc.message)
    db.session.commit()
    if changed:
        flash(_("The thresholds have been saved."), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return redirect(url_for("risks.thresholds"))


def _thresholds_page(form, status: int = 200, message: str | None = None):
    return (
        render_template(
            "analytics/risks_thresholds.html", form=form, rules=risks.RULES, message=message, status=status
        ),
        status,
    )


def _encode(versions: dict[str, int]) -> str:
    return ",".join(f"{code}:{version}" for code, version in versions.items())


def _decode(text: str | None) -> dict[str, int]:
    """'rule:version,…' back to a dict; anything unreadable counts as "read before any change"."""
    seen = {}
    for part in (text or "").split(","):
        code, _sep, version = part.partition(":")
        if code in risks.RULES and version.isdigit() and len(version) <= 9:
            seen[code] = int(version)
    return seen
