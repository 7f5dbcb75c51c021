"""The joint activity plan: list, calendar, activities, approval, publication, amendments, PDF and XLSX
(docs/cooperation.md#the-joint-activity-plan)."""

import calendar as pycalendar
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from babel.dates import format_date, get_day_names
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from grants.accounts.models import User
from grants.cooperation import plans as operations
from grants.cooperation.forms_plans import ActivityForm, ApproveForm, PlanForm, PublishForm, StatusForm
from grants.cooperation.models import (
    Activity,
    ActivityFormat,
    ActivityPlan,
    ActivityStatus,
    Meeting,
    MeetingState,
    PlanState,
    WorkingGroup,
    keeps,
    kept_council_ids,
)
from grants.core.errors import RuleViolation
from grants.core.forms import attach_violation
from grants.core.i18n import BABEL_LOCALES, date_short, language
from grants.core.pdf import render_pdf
from grants.core.permissions import load
from grants.core.spreadsheets import xlsx_cell
from grants.councils.models import Council
from grants.extensions import db
from grants.lots.models import Sphere
from grants.monitoring.models import Campaign
from grants.needs.models import PublicNeed
from grants.reports.content import STYLESHEET

bp = Blueprint("plans", __name__)

LANGS = ("kk", "ru", "en")
PDF_STYLESHEET = Path(STYLESHEET)


# --- helpers -------------------------------------------------------------------------------------


def _may_draft(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_role("admin"):
        return True
    return db.session.scalar(select(kept_council_ids(user).exists())) or False


def _status(exc: RuleViolation) -> int:
    return exc.status if exc.status >= 400 else 422


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _by_ids(model, ids):
    ids = [i for i in ids or () if i is not None]
    if not ids:
        return []
    found = {o.id: o for o in db.session.scalars(select(model).where(model.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _get(model, ident):
    return db.session.get(model, ident) if ident else None


@dataclass
class Filters:
    council: int | None = None
    format: str | None = None
    need: int | None = None
    quarter: int | None = None
    status: str | None = None

    @classmethod
    def from_args(cls) -> "Filters":
        fmt = request.args.get("format") or None
        status = request.args.get("status") or None
        quarter = _int_arg("quarter")
        return cls(
            council=_int_arg("council"),
            format=fmt if fmt in {f.value for f in ActivityFormat} else None,
            need=_int_arg("need"),
            quarter=quarter if quarter in (1, 2, 3, 4) else None,
            status=status if status in {s.value for s in ActivityStatus} else None,
        )

    def args(self) -> dict:
        """The filters as query arguments (only those set)."""
        return {k: v for k, v in vars(self).items() if v is not None}

    @property
    def active(self) -> bool:
        return any(v is not None for v in vars(self).values())

    def match(self, a: Activity) -> bool:
        if self.council is not None and self.council not in {c.id for c in a.councils}:
            return False
        if self.format is not None and a.format.value != self.format:
            return False
        if self.need is not None and self.need not in {n.id for n in a.needs}:
            return False
        if self.quarter is not None and self.quarter not in quarters_of(a):
            return False
        return self.status is None or a.status.value == self.status


def quarters_of(a: Activity) -> set[int]:
    """The quarters an activity runs in (from its start to its end)."""
    if a.start_date is None:
        return set()
    end = a.end_date or a.start_date
    first, last = (a.start_date.month - 1) // 3 + 1, (end.month - 1) // 3 + 1
    return set(range(first, last + 1)) if end.year == a.start_date.year else {first}


def activities_of(plan: ActivityPlan) -> list[Activity]:
    """The plan's activities in order, with what the pages and downloads show loaded in a few queries."""
    return list(
        db.session.scalars(
            select(Activity)
            .where(Activity.plan_id == plan.id)
            .options(
                selectinload(Activity.councils),
                selectinload(Activity.needs),
                selectinload(Activity.spheres),
                selectinload(Activity.responsible_user),
            )
            .order_by(Activity.position, Activity.id)
        )
    )


def plan_needs(plan: ActivityPlan) -> list[PublicNeed]:
    needs = {n.id: n for a in plan.activities for n in a.needs}
    return sorted(needs.values(), key=lambda n: n.title)


@bp.app_template_global("meeting_url")
def meeting_url(meeting) -> str | None:
    """The meeting's page, when the meetings part serves one."""
    try:
        return url_for("meetings.show", meeting_id=meeting.id)
    except BuildError:
        return None


@bp.app_template_global("group_url")
def group_url(group) -> str | None:
    """The working group's page, when the working groups part serves one."""
    try:
        return url_for("working_groups.show", group_id=group.id)
    except BuildError:
        return None


def field_names() -> dict:
    """The names of the fields an amendment shows (describe_plan, describe_activity)."""
    return {
        "year": _("Year"),
        "title_kk": _("Title (kk)"),
        "title_ru": _("Title (ru)"),
        "title_en": _("Title (en)"),
        "councils": _("Councils"),
        "format": _("Format"),
        "status": _("Status"),
        "status_reason": _("Reason"),
        "start_date": _("Planned start"),
        "end_date": _("Planned end"),
        "needs": _("Topics: public needs"),
        "spheres": _("Topics: spheres"),
        "responsible": _("Responsible persons"),
        "responsible_user_id": _("Responsible user"),
        "campaign_id": _("Monitoring campaign"),
        "working_group_id": _("Working group"),
        "outcome": _("Outcome"),
        "revision": _("Revision"),
        "state": _("State"),
        "approved_meeting_id": _("Joint meeting that approved the plan"),
    }


def _shown(key: str, value) -> str:
    """An amendment's stored value as a reader reads it: names for ids, titles for codes."""
    if value is None or value == []:
        return "—"
    models = {"councils": (Council, "name"), "needs": (PublicNeed, "title"), "spheres": (Sphere, "name")}
    if key in models:
        model, attribute = models[key]
        return "; ".join(getattr(o, attribute) for o in _by_ids(model, value))
    single = {
        "responsible_user_id": (User, "full_name"),
        "campaign_id": (Campaign, "name"),
        "working_group_id": (WorkingGroup, "name"),
        "approved_meeting_id": (Meeting, "title"),
    }
    if key in single:
        model, attribute = single[key]
        found = _get(model, value)
        return getattr(found, attribute) if found is not None else "—"
    enums = {"format": ActivityFormat, "status": ActivityStatus, "state": PlanState}
    if key in enums:
        try:
            return enums[key](value).title
        except ValueError:
            return str(value)
    if key in ("start_date", "end_date"):
        return date_short(date.fromisoformat(value))
    return str(value)


@bp.app_template_global("amendment_changes")
def amendment_changes(amendment) -> list[tuple[str, str, str]]:
    """(field, before, after) for every field an amendment changed; an added activity lists its fields."""
    names = field_names()
    before, after = amendment.before or {}, amendment.after or {}
    rows = []
    for key in after:
        if key == "revision" or before.get(key) == after.get(key):
            continue
        if not before and after.get(key) in (None, [], ""):
            continue
        rows.append((names.get(key, key), _shown(key, before.get(key)), _shown(key, after.get(key))))
    return rows


# --- list and plan pages -------------------------------------------------------------------------


@bp.get("/plans/")
def index():
    plans = db.session.scalars(
        select(ActivityPlan)
        .where(ActivityPlan.visible_to(current_user))
        .order_by(ActivityPlan.year.desc(), ActivityPlan.id.desc())
    ).all()
    return render_template("cooperation/plans/index.html", plans=plans, may_draft=_may_draft(current_user))


@bp.get("/plans/<int:plan_id>")
def show(plan_id: int):
    plan = load(ActivityPlan, plan_id, hide=True)
    filters = Filters.from_args()
    activities = [a for a in activities_of(plan) if filters.match(a)]
    return render_template(
        "cooperation/plans/show.html",
        plan=plan,
        activities=activities,
        filters=filters,
        needs=plan_needs(plan),
        formats=list(ActivityFormat),
        statuses=list(ActivityStatus),
        can_edit=plan.can_edit(current_user),
        publish_form=PublishForm(),
    )


@bp.route("/plans/new", methods=["GET", "POST"])
@login_required
def new():
    if not _may_draft(current_user):
        abort(403)
    form = _plan_form(None)
    if request.method == "GET":
        form.year.data = date.today().year
    return _save_plan(form, None)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id: int):
    plan = load(ActivityPlan, plan_id, "edit", hide=True)
    form = _plan_form(plan)
    if request.method == "GET":
        form.councils.data = [c.id for c in plan.councils]
    return _save_plan(form, plan)


def _plan_form(plan: ActivityPlan | None) -> PlanForm:
    form = PlanForm(obj=plan)
    form.councils.choices = [
        (c.id, f"{c.name} ({c.level.title})")
        for c in db.session.scalars(select(Council).order_by(Council.level.desc(), Council.name_ru))
    ]
    if plan is None or not operations.is_amended(plan):
        del form.reason
    return form


def _save_plan(form: PlanForm, plan: ActivityPlan | None):
    title = _("New joint activity plan") if plan is None else plan.title
    back = url_for("plans.index") if plan is None else url_for("plans.show", plan_id=plan.id)
    status = 200
    extra: list[str] = []
    if form.is_submitted():
        status = 422
        if form.validate():
            data = {
                "year": form.year.data,
                "title_kk": form.title_kk.data,
                "title_ru": form.title_ru.data,
                "title_en": form.title_en.data,
                "councils": _by_ids(Council, form.councils.data),
            }
            try:
                if plan is None:
                    plan = operations.create_plan(current_user, data)
                else:
                    operations.edit_plan(plan, current_user, data, form.reason.data if form.reason else None)
            except RuleViolation as exc:
                db.session.rollback()
                if exc.status == 403:
                    abort(403)
                status = _status(exc)
                extra = attach_violation(form, exc.fields) or ([] if exc.fields else [exc.message])
            else:
                db.session.commit()
                flash(_("The plan has been saved."), "success")
                return redirect(url_for("plans.show", plan_id=plan.id))
    return (
        render_template(
            "cooperation/plans/form.html", form=form, title=title, back=back, extra=extra, plan=plan
        ),
        status,
    )


# --- activities ----------------------------------------------------------------------------------


def _activity_form(plan: ActivityPlan, activity: Activity | None) -> ActivityForm:
    form = ActivityForm(obj=activity)
    form.councils.choices = [(c.id, c.name) for c in plan.councils]
    form.needs.choices = [
        (n.id, n.title) for n in db.session.scalars(select(PublicNeed).order_by(PublicNeed.title_ru))
    ]
    form.spheres.choices = [
        (s.id, s.name) for s in db.session.scalars(select(Sphere).order_by(Sphere.name_ru))
    ]
    people = {u.id: u for c in plan.councils for u in c.members}
    for c in plan.councils:
        for u in (c.chair, c.secretary):
            if u is not None:
                people[u.id] = u
    if activity is not None and activity.responsible_user is not None:
        people[activity.responsible_user.id] = activity.responsible_user
    form.responsible_user_id.choices = [(None, "—")] + [
        (u.id, u.full_name) for u in sorted(people.values(), key=lambda u: u.full_name)
    ]
    form.campaign_id.choices = [(None, "—")] + [
        (c.id, c.name) for c in db.session.scalars(select(Campaign).order_by(Campaign.id.desc()))
    ]
    form.working_group_id.choices = [(None, "—")] + [
        (g.id, g.name) for g in db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.name_ru))
    ]
    if request.method == "GET" and activity is not None:
        form.format.data = activity.format.value
        form.councils.data = [c.id for c in activity.councils]
        form.needs.data = [n.id for n in activity.needs]
        form.spheres.data = [s.id for s in activity.spheres]
    if not operations.is_amended(plan):
        del form.reason
    return form


@bp.get("/plans/activities/<int:activity_id>")
def activity(activity_id: int):
    item = load(Activity, activity_id, hide=True)
    return render_template(
        "cooperation/plans/activity.html",
        activity=item,
        plan=item.plan,
        can_edit=item.can_edit(current_user),
        meetings=[m for m in item.meetings if m.can_view(current_user)],
        information=[i for i in item.information_items if i.can_view(current_user)],
    )


@bp.route("/plans/<int:plan_id>/activities/new", methods=["GET", "POST"])
@login_required
def activity_new(plan_id: int):
    plan = load(ActivityPlan, plan_id, "edit", hide=True)
    form = _activity_form(plan, None)
    if request.method == "GET":
        form.councils.data = [c.id for c in plan.councils if keeps(current_user, [c])] or [
            c.id for c in plan.councils
        ]
    return _save_activity(form, plan, None)


@bp.route("/plans/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def activity_edit(activity_id: int):
    item = load(Activity, activity_id, "edit", hide=True)
    return _save_activity(_activity_form(item.plan, item), item.plan, item)


def _save_activity(form: ActivityForm, plan: ActivityPlan, item: Activity | None):
    status, extra = 200, []
    plan_id, item_id = plan.id, item.id if item else None
    if form.is_submitted():
        status = 422
        if form.validate():
            data = {
                "title_kk": form.title_kk.data,
                "title_ru": form.title_ru.data,
                "title_en": form.title_en.data,
                "format": form.format.data,
                "councils": _by_ids(Council, form.councils.data),
                "needs": _by_ids(PublicNeed, form.needs.data),
                "spheres": _by_ids(Sphere, form.spheres.data),
                "responsible": form.responsible.data,
                "responsible_user": _get(User, form.responsible_user_id.data),
                "start_date": form.start_date.data,
                "end_date": form.end_date.data,
                "campaign": _get(Campaign, form.campaign_id.data),
                "working_group": _get(WorkingGroup, form.working_group_id.data),
                "outcome": form.outcome.data,
            }
            reason = form.reason.data if form.reason else None
            try:
                if item is None:
                    item = operations.add_activity(plan, current_user, data, reason)
                else:
                    operations.edit_activity(item, current_user, data, reason)
            except RuleViolation as exc:
                db.session.rollback()
                if exc.status == 403:
                    abort(403)
                plan = db.session.get(ActivityPlan, plan_id)
                item = db.session.get(Activity, item_id) if item_id else None
                status = _status(exc)
                extra = attach_violation(form, exc.fields) or ([] if exc.fields else [exc.message])
            else:
                db.session.commit()
                flash(_("The activity has been saved."), "success")
                return redirect(url_for("plans.activity", activity_id=item.id))
    title = _("New activity") if item is None else item.title
    back = (
        url_for("plans.show", plan_id=plan.id)
        if item is None
        else url_for("plans.activity", activity_id=item.id)
    )
    return (
        render_template(
            "cooperation/plans/form.html", form=form, title=title, back=back, extra=extra, plan=plan
        ),
        status,
    )


@bp.route("/plans/activities/<int:activity_id>/status", methods=["GET", "POST"])
@login_required
def activity_status(activity_id: int):
    item = load(Activity, activity_id, "edit", hide=True)
    form = StatusForm()
    if request.method == "GET":
        form.status.data = item.status.value
        form.reason.data = item.status_reason
        form.outcome.data = item.outcome
    status, extra = 200, []
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                operations.change_status(
                    item, current_user, form.status.data, form.reason.data, form.outcome.data
                )
            except RuleViolation as exc:
                db.session.rollback()
                if exc.status == 403:
                    abort(403)
                item = db.session.get(Activity, activity_id)
                status = _status(exc)
                extra = attach_violation(form, exc.fields) or ([] if exc.fields else [exc.message])
            else:
                db.session.commit()
                flash(_("The status has been changed."), "success")
                return redirect(url_for("plans.activity", activity_id=item.id))
    return (
        render_template(
            "cooperation/plans/form.html",
            form=form,
            title=_("Status of the activity: %(title)s", title=item.title),
            back=url_for("plans.activity", activity_id=item.id),
            extra=extra,
            plan=item.plan,
        ),
        status,
    )


# --- approval and publication --------------------------------------------------------------------


def approval_meetings(plan: ActivityPlan) -> list[Meeting]:
    """Held or published meetings in which every council of the plan took part."""
    ids = [c.id for c in plan.councils]
    query = select(Meeting).where(Meeting.state.in_((MeetingState.held, MeetingState.published)))
    for council_id in ids:
        query = query.where(Meeting.councils.any(Council.id == council_id))
    return list(db.session.scalars(query.order_by(Meeting.starts_at.desc())))


@bp.route("/plans/<int:plan_id>/approve", methods=["GET", "POST"])
@login_required
def approve(plan_id: int):
    plan = load(ActivityPlan, plan_id, "edit", hide=True)
    form = ApproveForm()
    form.meeting_id.choices = [(None, "—")] + [
        (m.id, f"{m.title} ({format_date(m.starts_at, 'medium', locale=get_locale())})")
        for m in approval_meetings(plan)
    ]
    status, extra = 200, []
    if form.is_submitted():
        status = 422
        if form.validate():
            meeting = _get(Meeting, form.meeting_id.data)
            try:
                operations.approve(plan, meeting, current_user)
            except RuleViolation as exc:
                db.session.rollback()
                if exc.status == 403:
                    abort(403)
                plan = db.session.get(ActivityPlan, plan_id)
                status = _status(exc)
                extra = attach_violation(form, exc.fields) or ([] if exc.fields else [exc.message])
            else:
                db.session.commit()
                flash(_("The approval of the plan has been recorded."), "success")
                return redirect(url_for("plans.show", plan_id=plan.id))
    return (
        render_template(
            "cooperation/plans/form.html",
            form=form,
            title=_("Approval of the plan: %(title)s", title=plan.title),
            back=url_for("plans.show", plan_id=plan.id),
            extra=extra,
            plan=plan,
        ),
        status,
    )


@bp.post("/plans/<int:plan_id>/publish")
@login_required
def publish(plan_id: int):
    plan = load(ActivityPlan, plan_id, "edit", hide=True)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.publish(plan, current_user)
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(exc.message, "danger")
        plan = db.session.get(ActivityPlan, plan_id)
        filters = Filters()
        return (
            render_template(
                "cooperation/plans/show.html",
                plan=plan,
                activities=list(plan.activities),
                filters=filters,
                needs=plan_needs(plan),
                formats=list(ActivityFormat),
                statuses=list(ActivityStatus),
                can_edit=plan.can_edit(current_user),
                publish_form=PublishForm(formdata=None),
            ),
            _status(exc),
        )
    db.session.commit()
    flash(_("The plan has been published."), "success")
    return redirect(url_for("plans.show", plan_id=plan.id))


# --- calendar ------------------------------------------------------------------------------------


@dataclass
class Month:
    first: date
    weeks: list[list[date]]
    starting: dict[date, list[Activity]]
    continuing: list[Activity]

    def title(self) -> str:
        return format_date(self.first, "LLLL y", locale=get_locale())


def month_of(year: int, month: int, activities: list[Activity]) -> Month:
    first = date(year, month, 1)
    last = date(year, month, pycalendar.monthrange(year, month)[1])
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    starting: dict[date, list[Activity]] = {}
    continuing = []
    for a in activities:
        if a.start_date is None:
            continue
        end = a.end_date or a.start_date
        if first <= a.start_date <= last:
            starting.setdefault(a.start_date, []).append(a)
        elif a.start_date < first and end >= first:
            continuing.append(a)
    return Month(first, weeks, starting, continuing)


def week_days() -> list[str]:
    """Monday to Sunday, abbreviated, in the reader's language (babel numbers Monday 0)."""
    names = get_day_names("abbreviated", locale=get_locale())
    return [names[i] for i in range(7)]


@bp.get("/plans/<int:plan_id>/calendar")
def calendar(plan_id: int):
    plan = load(ActivityPlan, plan_id, hide=True)
    filters = Filters.from_args()
    activities = [a for a in activities_of(plan) if filters.match(a)]
    chosen = request.args.get("month", "")
    months: list[tuple[int, int]] = [(plan.year, m) for m in range(1, 13)]
    single = None
    try:
        picked = datetime.strptime(chosen, "%Y-%m").date() if chosen else None
    except ValueError:
        picked = None
    if picked is not None and 1900 < picked.year < 2200:
        single = picked
        months = [(picked.year, picked.month)]
    prev_month = next_month = None
    if single is not None:
        prev_month = date(single.year - (single.month == 1), (single.month - 2) % 12 + 1, 1)
        next_month = date(single.year + (single.month == 12), single.month % 12 + 1, 1)
    return render_template(
        "cooperation/plans/calendar.html",
        plan=plan,
        months=[month_of(y, m, activities) for y, m in months],
        day_names=week_days(),
        single=single,
        filter_args=filters.args(),
        prev_month=prev_month,
        next_month=next_month,
        filters=filters,
        needs=plan_needs(plan),
        formats=list(ActivityFormat),
        statuses=list(ActivityStatus),
    )


# --- downloads -----------------------------------------------------------------------------------


def _lang() -> str:
    lang = request.args.get("lang") or language()
    if lang not in LANGS:
        abort(404)
    return lang


def render_plan_pdf(plan: ActivityPlan, lang: str) -> bytes:
    """The plan as a PDF in one language (kk, ru or en)."""
    activities_of(plan)
    with force_locale(BABEL_LOCALES[lang]):
        html = render_template(
            "cooperation/plans/plan_pdf.html",
            plan=plan,
            lang=lang,
            generated_at=datetime.now(UTC),
        )
    return render_pdf(html, PDF_STYLESHEET)


def _dates(a: Activity) -> str:
    if a.start_date is None:
        return ""
    if a.end_date is None or a.end_date == a.start_date:
        return a.start_date.strftime("%d.%m.%Y")
    return f"{a.start_date:%d.%m.%Y} — {a.end_date:%d.%m.%Y}"


def activity_row(number: int, a: Activity, lang: str) -> list:
    """One activity as a spreadsheet row, in lang (called inside force_locale)."""
    topics = [n.localized("title", lang) for n in a.needs] + [s.localized("name", lang) for s in a.spheres]
    responsible = "; ".join(
        x for x in (a.responsible, a.responsible_user.full_name if a.responsible_user else None) if x
    )
    return [
        number,
        a.localized("title", lang),
        a.format.title,
        "; ".join(topics),
        "; ".join(c.localized("name", lang) for c in a.councils),
        responsible,
        a.start_date,
        a.end_date,
        a.status.title,
        a.status_reason or "",
        a.outcome or "",
    ]


BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def render_plan_xlsx(plan: ActivityPlan, lang: str) -> bytes:
    with force_locale(BABEL_LOCALES[lang]):
        headers = [
            _("No."),
            _("Activity"),
            _("Format"),
            _("Topics"),
            _("Responsible councils"),
            _("Responsible persons"),
            _("Planned start"),
            _("Planned end"),
            _("Status"),
            _("Reason"),
            _("Outcome"),
        ]
        rows = [activity_row(i, a, lang) for i, a in enumerate(activities_of(plan), start=1)]
        sheet_title = _("Plan")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    for letter, width in zip("ABCDEFGHIJK", (6, 50, 24, 30, 30, 26, 12, 12, 14, 26, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    sheet.append([xlsx_cell(sheet, plan.localized("title", lang))])
    sheet.append([xlsx_cell(sheet, h, font=BOLD) for h in headers])
    for row in rows:
        sheet.append(
            [
                xlsx_cell(
                    sheet,
                    v,
                    number_format="DD.MM.YYYY" if isinstance(v, date) else None,
                    alignment=WRAP,
                )
                for v in row
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _download(content: bytes, mimetype: str, name: str, plan: ActivityPlan):
    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)
    if plan.state != PlanState.published:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/plans/<int:plan_id>/plan.pdf")
def plan_pdf(plan_id: int):
    plan = load(ActivityPlan, plan_id, hide=True)
    lang = _lang()
    return _download(render_plan_pdf(plan, lang), "application/pdf", f"plan-{plan.id}-{lang}.pdf", plan)


@bp.get("/plans/<int:plan_id>/plan.xlsx")
def plan_xlsx(plan_id: int):
    plan = load(ActivityPlan, plan_id, hide=True)
    lang = _lang()
    return _download(
        render_plan_xlsx(plan, lang),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"plan-{plan.id}-{lang}.xlsx",
        plan,
    )
