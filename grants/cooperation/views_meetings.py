"""Meetings: agenda, speakers and materials, attendance and quorum, minutes, decisions, publication, minutes PDF
(docs/cooperation.md#meetings-and-minutes). Published minutes are public; other meetings are shown only to
the people of their councils and their participants (404 for everyone else)."""

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import extract, or_, select
from sqlalchemy.orm import selectinload

from grants.accounts.models import User
from grants.cooperation import attachments
from grants.cooperation import meetings as ops
from grants.cooperation.forms_meetings import (
    AgendaItemForm,
    ConfirmForm,
    DecisionForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
)
from grants.cooperation.models import (
    Activity,
    ActivityPlan,
    AgendaItem,
    Attachment,
    Meeting,
    MeetingState,
    kept_council_ids,
)
from grants.core.db import as_utc
from grants.core.errors import LOCAL_TZ, RuleViolation
from grants.core.forms import attach_violation, refused
from grants.core.i18n import BABEL_LOCALES
from grants.core.pdf import render_pdf
from grants.core.permissions import MAX_ID, get_or_404
from grants.councils.models import Council
from grants.extensions import db
from grants.organisations.models import Organisation, OrganisationKind
from grants.reports.content import STYLESHEET

bp = Blueprint("meetings", __name__)

PDF_LANGS = ("kk", "ru", "en")


# --- loading and choices ----------------------------------------------------------------------


def load_meeting(meeting_id: int, action: str = "view") -> Meeting:
    """The meeting if the reader may see it (404 otherwise) and, for action "edit", keeps it (403)."""
    meeting = get_or_404(Meeting, meeting_id)
    if not meeting.can_view(current_user):
        abort(404)
    if action == "edit" and not meeting.can_edit(current_user):
        abort(403)
    return meeting


def load_item(meeting_id: int, item_id: int, action: str = "view") -> AgendaItem:
    meeting = load_meeting(meeting_id, action)
    item = get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        abort(404)
    return item


def _kept_councils(extra=()) -> list[Council]:
    query = select(Council).order_by(Council.level.desc(), Council.name_ru)
    if not current_user.has_role("admin"):
        query = query.where(
            or_(Council.id.in_(kept_council_ids(current_user)), Council.id.in_([c.id for c in extra]))
        )
    return list(db.session.scalars(query))


def _organisations(*kinds) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind.in_(kinds))
            .order_by(Organisation.kind, Organisation.name_ru)
        )
    )


def _addressee_choices() -> list:
    choices = [(None, "—")]
    for org in _organisations(OrganisationKind.government, OrganisationKind.ngo):
        choices.append((org.id, f"{org.name} ({org.kind.title})"))
    return choices


def _to_utc(value: datetime | None) -> datetime | None:
    """A date and time typed in Kazakhstan's time, as stored (UTC)."""
    return None if value is None else value.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def _local(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value).astimezone(LOCAL_TZ).replace(tzinfo=None)


# --- list and page ----------------------------------------------------------------------------


@bp.get("/meetings/")
def index():
    query = select(Meeting).where(Meeting.visible_to(current_user))
    council_id = request.args.get("council", type=int)
    year = request.args.get("year", type=int)
    state = request.args.get("state") or None
    if council_id is not None and 0 < council_id <= MAX_ID:
        query = query.where(Meeting.councils.any(Council.id == council_id))
    if year is not None and 1900 <= year <= 2200:
        query = query.where(extract("year", Meeting.starts_at) == year)
    if state in MeetingState.__members__:
        query = query.where(Meeting.state == MeetingState(state))
    rows = db.session.scalars(
        query.options(selectinload(Meeting.councils)).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    ).all()
    councils = db.session.scalars(select(Council).order_by(Council.level.desc(), Council.name_ru)).all()
    years = sorted(
        {
            as_utc(d).astimezone(LOCAL_TZ).year
            for d in db.session.scalars(select(Meeting.starts_at).where(Meeting.visible_to(current_user)))
        },
        reverse=True,
    )
    return render_template(
        "cooperation/meetings/index.html",
        meetings=rows,
        councils=councils,
        years=years,
        states=list(MeetingState),
        selected={"council": council_id, "year": year, "state": state},
        may_schedule=current_user.is_authenticated
        and (current_user.has_role("admin") or bool(_kept_councils())),
    )


def _page(meeting: Meeting, status: int = 200, invite_form=None, extra=()):
    return (
        render_template(
            "cooperation/meetings/show.html",
            meeting=meeting,
            quorum=ops.quorum(meeting),
            quorum_rule=ops.QUORUM,
            attendance_recorded=ops.attendance_recorded(meeting),
            problems=ops.publish_problems(meeting) if meeting.state == MeetingState.held else [],
            can_edit=meeting.can_edit(current_user),
            invite_form=invite_form or InviteForm(),
            confirm=ConfirmForm(),
            experts=meeting.experts,
            extra=list(extra),
            local=_local,
        ),
        status,
    )


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id: int):
    return _page(load_meeting(meeting_id))


# --- scheduling -------------------------------------------------------------------------------


def _meeting_form(meeting: Meeting | None) -> MeetingForm:
    form = MeetingForm()
    # Any council may be invited to a joint meeting; the user must keep one of those chosen (meetings.schedule).
    everyone = db.session.scalars(select(Council).order_by(Council.level.desc(), Council.name_ru))
    form.councils.choices = [(c.id, f"{c.name} ({c.level.title})") for c in everyone]
    plans = db.session.scalars(
        select(ActivityPlan).where(ActivityPlan.visible_to(current_user)).order_by(ActivityPlan.year.desc())
    ).all()
    form.plan_id.choices = [(None, "—")] + [(p.id, f"{p.year}: {p.title}") for p in plans]
    activities = db.session.scalars(
        select(Activity)
        .where(Activity.plan_id.in_([p.id for p in plans]))
        .order_by(Activity.plan_id, Activity.position)
    ).all()
    form.activity_id.choices = [(None, "—")] + [(a.id, f"{a.plan.year}: {a.title}") for a in activities]
    if meeting is not None and request.method == "GET":
        for lang in ("kk", "ru", "en"):
            getattr(form, f"title_{lang}").data = getattr(meeting, f"title_{lang}")
        form.starts_at.data = _local(meeting.starts_at)
        form.place.data = meeting.place
        form.off_site.data = meeting.off_site
        form.number.data = meeting.number
        form.chaired_by.data = meeting.chaired_by
        form.councils.data = [c.id for c in meeting.councils]
        form.plan_id.data = meeting.plan_id
        form.activity_id.data = meeting.activity_id
    return form


def _meeting_data(form: MeetingForm) -> dict:
    chosen = form.councils.data or []
    councils = list(db.session.scalars(select(Council).where(Council.id.in_(chosen)).order_by(Council.id)))
    activity = db.session.get(Activity, form.activity_id.data) if form.activity_id.data else None
    plan = db.session.get(ActivityPlan, form.plan_id.data) if form.plan_id.data else None
    if plan is None and activity is not None:
        plan = activity.plan
    return {
        "title_kk": form.title_kk.data,
        "title_ru": form.title_ru.data,
        "title_en": form.title_en.data,
        "starts_at": _to_utc(form.starts_at.data),
        "place": form.place.data,
        "off_site": form.off_site.data,
        "number": form.number.data,
        "chaired_by": form.chaired_by.data,
        "councils": councils,
        "plan": plan,
        "activity": activity,
    }


def _meeting_form_page(form, meeting, status=200, extra=()):
    title = _("Edit the meeting") if meeting else _("Schedule a meeting")
    back = url_for("meetings.show", meeting_id=meeting.id) if meeting else url_for("meetings.index")
    return render_template(
        "cooperation/meetings/form.html", form=form, title=title, back=back, meeting=meeting, extra=extra
    ), status


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new():
    form = _meeting_form(None)
    if not _kept_councils():
        abort(403)
    if not form.is_submitted():
        return _meeting_form_page(form, None)
    if not form.validate_on_submit():
        return _meeting_form_page(form, None, 422)
    try:
        meeting = ops.schedule(current_user, _meeting_data(form))
    except RuleViolation as exc:
        extra = refused(form, exc, {"plan": "plan_id", "activity": "activity_id"})
        form = _refill(form, _meeting_form(None))
        return _meeting_form_page(form, None, exc.status, extra)
    db.session.commit()
    flash(_("The meeting has been scheduled."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


def _refill(submitted, fresh):
    """Choices reloaded after a rollback; the typed values and messages kept."""
    for name, field in submitted._fields.items():
        if hasattr(field, "choices"):
            field.choices = fresh[name].choices
    return submitted


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = load_meeting(meeting_id, "edit")
    form = _meeting_form(meeting)
    if not form.is_submitted():
        return _meeting_form_page(form, meeting)
    if not form.validate_on_submit():
        return _meeting_form_page(form, meeting, 422)
    try:
        ops.edit(meeting, current_user, _meeting_data(form))
    except RuleViolation as exc:
        extra = refused(form, exc, {"plan": "plan_id", "activity": "activity_id"})
        meeting = load_meeting(meeting_id)
        form = _refill(form, _meeting_form(meeting))
        return _meeting_form_page(form, meeting, exc.status, extra)
    db.session.commit()
    flash(_("The meeting has been saved."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


def _transition(meeting_id: int, operation, done: str, anchor: str = ""):
    """A button changing the meeting's state: redirect on success, the page with the message (409) if not."""
    meeting = load_meeting(meeting_id, "edit")
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operation(meeting, current_user)
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        meeting = load_meeting(meeting_id)
        return _page(meeting, exc.status, extra=[exc.message])
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id) + anchor)


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id: int):
    return _transition(meeting_id, ops.cancel, _("The meeting has been cancelled."))


@bp.post("/meetings/<int:meeting_id>/held")
@login_required
def held(meeting_id: int):
    return _transition(meeting_id, ops.mark_held, _("The meeting is marked as held."), "#attendance")


@bp.post("/meetings/<int:meeting_id>/publish")
@login_required
def publish(meeting_id: int):
    return _transition(meeting_id, ops.publish, _("The minutes have been published."))


# --- agenda -----------------------------------------------------------------------------------


def _agenda_form(meeting: Meeting, item: AgendaItem | None) -> AgendaItemForm:
    form = AgendaItemForm()
    people = {}
    for council in meeting.councils:
        for membership in council.memberships:
            people[membership.user_id] = membership.user
    form.speaker_id.choices = [(None, "—")] + sorted(
        ((u.id, u.full_name) for u in people.values()), key=lambda pair: pair[1]
    )
    form.speaker_organisation_id.choices = [(None, "—")] + [
        (o.id, o.name)
        for o in _organisations(OrganisationKind.government, OrganisationKind.ngo, OrganisationKind.other)
    ]
    if item is not None and request.method == "GET":
        for lang in ("kk", "ru", "en"):
            getattr(form, f"title_{lang}").data = getattr(item, f"title_{lang}")
        form.speaker_id.data = item.speaker_id
        form.speaker_name.data = item.speaker_name
        form.speaker_position.data = item.speaker_position
        form.speaker_organisation_id.data = item.speaker_organisation_id
    return form


def _agenda_data(form: AgendaItemForm) -> dict:
    speaker_id = form.speaker_id.data
    valid = {value for value, _label in form.speaker_id.choices if value is not None}
    organisation_id = form.speaker_organisation_id.data
    return {
        "title_kk": form.title_kk.data,
        "title_ru": form.title_ru.data,
        "title_en": form.title_en.data,
        "speaker": db.session.get(User, speaker_id) if speaker_id in valid else None,
        "speaker_name": form.speaker_name.data,
        "speaker_position": form.speaker_position.data,
        "speaker_organisation": db.session.get(Organisation, organisation_id) if organisation_id else None,
    }


def _links(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _agenda_page(form, meeting, item, status=200, extra=()):
    title = _("Edit the agenda item") if item else _("New agenda item")
    return render_template(
        "cooperation/meetings/agenda_form.html",
        form=form,
        meeting=meeting,
        item=item,
        title=title,
        extra=extra,
    ), status


def _save_agenda(meeting_id: int, item_id: int | None):
    meeting = load_meeting(meeting_id, "edit")
    item = load_item(meeting_id, item_id, "edit") if item_id is not None else None
    form = _agenda_form(meeting, item)
    if not form.is_submitted():
        return _agenda_page(form, meeting, item)
    if not form.validate_on_submit():
        return _agenda_page(form, meeting, item, 422)
    data = _agenda_data(form)
    files = form.files.data or []
    try:
        if item is None:
            item = ops.add_agenda_item(meeting, current_user, data, files, _links(form.links.data))
        else:
            ops.edit_agenda_item(item, current_user, data, files, _links(form.links.data))
    except RuleViolation as exc:
        extra = refused(
            form, exc, {"speaker": "speaker_id", "speaker_organisation": "speaker_organisation_id"}
        )
        meeting = load_meeting(meeting_id)
        item = load_item(meeting_id, item_id) if item_id is not None else None
        form = _refill(form, _agenda_form(meeting, item))
        return _agenda_page(form, meeting, item, exc.status, extra)
    db.session.commit()
    flash(_("The agenda item has been saved."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id) + f"#item-{item.id}")


@bp.route("/meetings/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@login_required
def agenda_new(meeting_id: int):
    return _save_agenda(meeting_id, None)


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def agenda_edit(meeting_id: int, item_id: int):
    return _save_agenda(meeting_id, item_id)


@bp.get("/meetings/materials/<int:attachment_id>")
def material(attachment_id: int):
    """A file among an agenda item's materials, for whoever may see the meeting."""
    attachment = get_or_404(Attachment, attachment_id)
    if (
        attachment.agenda_item is None
        or attachment.storage_key is None
        or not attachment.agenda_item.meeting.can_view(current_user)
    ):
        abort(404)
    return attachments.send(attachment)


# --- participants, attendance, minutes --------------------------------------------------------


@bp.post("/meetings/<int:meeting_id>/participants")
@login_required
def invite(meeting_id: int):
    meeting = load_meeting(meeting_id, "edit")
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(meeting, 422, invite_form=form)
    try:
        ops.invite(meeting, current_user, form.name.data, form.position.data)
    except RuleViolation as exc:
        extra = refused(form, exc)
        return _page(load_meeting(meeting_id), exc.status, invite_form=form, extra=extra)
    db.session.commit()
    flash(_("The invited person has been added."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id) + "#participants")


def _ids(values) -> list[int]:
    ids = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < number <= MAX_ID:
            ids.append(number)
    return ids


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(meeting_id: int):
    meeting = load_meeting(meeting_id, "edit")
    form = ConfirmForm()
    checked = None
    if form.is_submitted():
        checked = _ids(request.form.getlist("present"))
        if not form.validate_on_submit():
            abort(400)
        try:
            ops.record_attendance(meeting, current_user, checked)
        except RuleViolation as exc:
            db.session.rollback()
            if exc.status == 403:
                abort(403)
            meeting = load_meeting(meeting_id)
            return _attendance_page(meeting, form, set(checked), exc.status, [exc.message])
        db.session.commit()
        flash(_("Attendance has been recorded."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting_id) + "#participants")
    present = {p.id for p in meeting.participants if p.present}
    return _attendance_page(meeting, form, present)


def _attendance_page(meeting, form, present: set, status=200, extra=()):
    return render_template(
        "cooperation/meetings/attendance.html",
        meeting=meeting,
        form=form,
        present=present,
        extra=extra,
        quorum_rule=ops.QUORUM,
    ), status


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(meeting_id: int, item_id: int):
    item = load_item(meeting_id, item_id, "edit")
    form = MinutesForm()
    if request.method == "GET":
        form.heard.data, form.discussed.data, form.decided.data = item.heard, item.discussed, item.decided
        return _minutes_page(form, item)
    if not form.validate_on_submit():
        return _minutes_page(form, item, 422)
    try:
        ops.save_minutes(item, current_user, form.heard.data, form.discussed.data, form.decided.data)
    except RuleViolation as exc:
        extra = refused(form, exc)
        return _minutes_page(form, load_item(meeting_id, item_id), exc.status, extra)
    db.session.commit()
    flash(_("The minutes of the agenda item have been saved."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id) + f"#item-{item_id}")


def _minutes_page(form, item, status=200, extra=()):
    return render_template(
        "cooperation/meetings/minutes_form.html", form=form, item=item, meeting=item.meeting, extra=extra
    ), status


# --- decisions --------------------------------------------------------------------------------


def _decision_form(meeting: Meeting) -> DecisionForm:
    form = DecisionForm()
    form.agenda_item_id.choices = [(None, "—")] + [(i.id, f"{i.position}. {i.title}") for i in meeting.agenda]
    kept = [c for c in meeting.councils if ops.keeps(current_user, [c])]
    council_choices = [(c.id, c.name) for c in kept]
    addressees = _addressee_choices()
    for row in form.recommendations:
        row.council_id.choices = council_choices
        row.addressee_id.choices = addressees
    return form


def _decision_data(meeting: Meeting, form: DecisionForm):
    councils = {c.id: c for c in meeting.councils}
    rows = []
    for entry in form.recommendations:
        row = entry.form
        if row.is_blank:
            continue
        rows.append(
            {
                "council": councils.get(row.council_id.data),
                "addressee": db.session.get(Organisation, row.addressee_id.data)
                if row.addressee_id.data
                else None,
                "text": row.text.data,
                "due_date": row.due_date.data,
            }
        )
    item_id = form.agenda_item_id.data
    item = next((i for i in meeting.agenda if i.id == item_id), None) if item_id else None
    return item, rows


def _renumber(fields: dict, form: DecisionForm) -> dict:
    """The rule numbers the rows it was given (blank rows skipped); point its messages at the form's rows."""
    given = [i for i, entry in enumerate(form.recommendations) if not entry.form.is_blank]
    renamed = {}
    for name, message in fields.items():
        if name.startswith("recommendations-"):
            _prefix, index, field = name.split("-", 2)
            if index.isdigit() and int(index) < len(given):
                entry = form.recommendations[given[int(index)]]
                entry.form[field].errors = [*entry.form[field].errors, message]
                continue
        renamed[name] = message
    return renamed


@bp.route("/meetings/<int:meeting_id>/decisions/new", methods=["GET", "POST"])
@login_required
def decision_new(meeting_id: int):
    meeting = load_meeting(meeting_id, "edit")
    form = _decision_form(meeting)
    if not form.is_submitted():
        return _decision_page(form, meeting)
    if not form.validate_on_submit():
        return _decision_page(form, meeting, 422)
    item, rows = _decision_data(meeting, form)
    try:
        ops.add_decision(meeting, current_user, form.text.data, item, rows)
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        meeting = load_meeting(meeting_id)
        fresh = _decision_form(meeting)
        form.agenda_item_id.choices = fresh.agenda_item_id.choices
        for entry, new_entry in zip(form.recommendations, fresh.recommendations, strict=False):
            entry.form.council_id.choices = new_entry.form.council_id.choices
            entry.form.addressee_id.choices = new_entry.form.addressee_id.choices
        extra = attach_violation(form, _renumber(exc.fields, form), {"agenda_item": "agenda_item_id"})
        if not exc.fields:
            extra.append(exc.message)
        return _decision_page(form, meeting, exc.status, extra)
    db.session.commit()
    flash(_("The decision has been recorded."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id) + "#decisions")


def _decision_page(form, meeting, status=200, extra=()):
    return render_template(
        "cooperation/meetings/decision_form.html", form=form, meeting=meeting, extra=extra
    ), status


# --- the minutes as PDF -----------------------------------------------------------------------


def render_minutes_pdf(meeting: Meeting, lang: str) -> bytes:
    with force_locale(BABEL_LOCALES[lang]):
        html = render_template(
            "cooperation/meetings/minutes_pdf.html",
            meeting=meeting,
            quorum=ops.quorum(meeting),
            quorum_rule=ops.QUORUM,
            lang=lang,
            generated_at=datetime.now(UTC),
        )
    return render_pdf(html, STYLESHEET)


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
def minutes_pdf(meeting_id: int):
    meeting = load_meeting(meeting_id)
    lang = request.args.get("lang") or "ru"
    if lang not in PDF_LANGS:
        abort(404)
    content = render_minutes_pdf(meeting, lang)
    name = f"minutes-{meeting.id}-{lang}.pdf"
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
