"""Working groups of several councils: members, mandate, tasks with deadlines, output; experts and their conclusions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.routing import BuildError

from grants.accounts.models import User
from grants.cooperation import attachments
from grants.cooperation import experts as expert_ops
from grants.cooperation import groups as ops
from grants.cooperation.forms_groups import (
    CompleteTaskForm,
    ConclusionForm,
    ExpertForm,
    MemberForm,
    TaskForm,
    WorkingGroupForm,
    links_of,
)
from grants.cooperation.models import Attachment, Expert, WorkingGroup, WorkingGroupTask, kept_council_ids
from grants.core.errors import RuleViolation, today_local
from grants.core.forms import refused
from grants.core.permissions import get_or_404, load
from grants.councils.models import Council
from grants.extensions import db
from grants.needs.models import PublicNeed

bp = Blueprint("working_groups", __name__)


def _status(exc: RuleViolation) -> int:
    return exc.status if exc.status >= 400 else 422


# --- working groups ----------------------------------------------------------------------------------------


@bp.get("/working-groups/")
def index():
    groups = db.session.scalars(
        select(WorkingGroup).order_by(WorkingGroup.active.desc(), WorkingGroup.name_ru)
    ).all()
    may_create = current_user.is_authenticated and (
        current_user.has_role("admin") or db.session.scalar(select(kept_council_ids(current_user).exists()))
    )
    return render_template(
        "cooperation/groups/index.html", groups=groups, may_create=may_create, today=today_local()
    )


@bp.get("/working-groups/<int:group_id>")
def show(group_id: int):
    return _group_page(load(WorkingGroup, group_id))


def _member_form(group: WorkingGroup, form: MemberForm | None = None) -> MemberForm:
    form = form or MemberForm(prefix="member")
    form.user_id.choices = [(None, "—"), *ops.member_choices(group)]
    form.council_id.choices = [(None, "—")] + [(c.id, c.name) for c in group.councils]
    return form


def _group_page(group: WorkingGroup, member_form: MemberForm | None = None, extra=(), status: int = 200):
    may_form = ops.may_form(current_user, group.councils)
    return (
        render_template(
            "cooperation/groups/show.html",
            group=group,
            today=today_local(),
            is_overdue=ops.is_overdue,
            may_form=may_form,
            may_manage_tasks=ops.may_manage_tasks(group, current_user),
            may_complete=lambda task: ops.may_complete(task, current_user),
            member_form=_member_form(group, member_form) if may_form else None,
            member_extra=list(extra),
        ),
        status,
    )


def _group_form(group: WorkingGroup | None) -> WorkingGroupForm:
    form = WorkingGroupForm(obj=group)
    # Any council may join a joint group; the user must keep one of those chosen (groups.save_group).
    councils = db.session.scalars(select(Council).order_by(Council.level.desc(), Council.name_ru)).all()
    form.councils.choices = [(c.id, f"{c.name} ({c.level.title})") for c in councils]
    chosen = form.councils.data if form.is_submitted() else [c.id for c in (group.councils if group else [])]
    people = ops.people_of([c for c in councils if c.id in (chosen or [])] or councils)
    users = db.session.scalars(select(User).where(User.id.in_(list(people))).order_by(User.full_name)).all()
    form.lead_id.choices = [(None, "—")] + [(u.id, u.full_name) for u in users]
    form.needs.choices = [
        (n.id, n.title)
        for n in db.session.scalars(select(PublicNeed).order_by(PublicNeed.id.desc()).limit(500))
    ]
    if group is not None and not form.is_submitted():
        form.councils.data = [c.id for c in group.councils]
        form.needs.data = [n.id for n in group.needs]
    return form


@bp.route("/working-groups/new", methods=["GET", "POST"])
@login_required
def new():
    return _edit(None)


@bp.route("/working-groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit(group_id: int):
    group = load(WorkingGroup, group_id)
    if not ops.may_form(current_user, group.councils):
        abort(403)
    return _edit(group)


def _edit(group: WorkingGroup | None):
    if group is None and not (
        current_user.has_role("admin") or db.session.scalar(select(kept_council_ids(current_user).exists()))
    ):
        abort(403)
    form = _group_form(group)
    title = group.name if group is not None else _("New working group")
    back = url_for("working_groups.show", group_id=group.id) if group else url_for("working_groups.index")
    crumbs = [(_("Working groups"), url_for("working_groups.index")), (title, None)]
    extra: list[str] = []
    if form.is_submitted():
        if form.validate():
            group_id = group.id if group is not None else None
            try:
                saved = ops.save_group(group, current_user, form.data)
            except RuleViolation as exc:
                extra = refused(form, exc)
                group = db.session.get(WorkingGroup, group_id) if group_id else None
                return _form_page(form, title, back, crumbs, extra, _status(exc))
            db.session.commit()
            flash(_("Working group saved."), "success")
            return redirect(url_for("working_groups.show", group_id=saved.id))
        return _form_page(form, title, back, crumbs, extra, 422)
    return _form_page(form, title, back, crumbs, extra, 200)


def _form_page(
    form, title, back, crumbs, extra=(), status=200, template="cooperation/groups/form.html", **more
):
    return (
        render_template(
            template, form=form, title=title, back=back, crumbs=crumbs, extra=list(extra), **more
        ),
        status,
    )


@bp.post("/working-groups/<int:group_id>/members")
@login_required
def add_member(group_id: int):
    group = load(WorkingGroup, group_id)
    if not ops.may_form(current_user, group.councils):
        abort(403)
    form = _member_form(group, MemberForm(prefix="member"))
    if not form.validate():
        return _group_page(group, form, status=422)
    try:
        ops.add_member(group, current_user, form.user_id.data, form.council_id.data)
    except RuleViolation as exc:
        extra = refused(form, exc)
        group = db.session.get(WorkingGroup, group_id)
        form = _member_form(group, form)
        return _group_page(group, form, extra, _status(exc))
    db.session.commit()
    flash(_("Member added."), "success")
    return redirect(url_for("working_groups.show", group_id=group_id) + "#members")


@bp.post("/working-groups/<int:group_id>/members/<int:membership_id>/remove")
@login_required
def remove_member(group_id: int, membership_id: int):
    group = load(WorkingGroup, group_id)
    if not ops.may_form(current_user, group.councils):
        abort(403)
    try:
        ops.remove_member(group, current_user, membership_id)
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(exc.message, "danger")
        return redirect(url_for("working_groups.show", group_id=group_id) + "#members"), 303
    db.session.commit()
    flash(_("Member removed."), "success")
    return redirect(url_for("working_groups.show", group_id=group_id) + "#members")


def _task_form(group: WorkingGroup, task: WorkingGroupTask | None = None) -> TaskForm:
    form = TaskForm(obj=task)
    form.responsible_id.choices = [(None, "—")] + [
        (m.user_id, m.user.full_name) for m in sorted(group.memberships, key=lambda m: m.user.full_name)
    ]
    form.activity_id.choices = [(None, "—")] + [(a.id, a.title) for a in ops.linkable_activities(group)]
    return form


@bp.route("/working-groups/<int:group_id>/tasks/new", methods=["GET", "POST"])
@login_required
def new_task(group_id: int):
    group = load(WorkingGroup, group_id)
    if not ops.may_manage_tasks(group, current_user):
        abort(403)
    form = _task_form(group)
    title = _("New task")
    back = url_for("working_groups.show", group_id=group.id)
    crumbs = [
        (_("Working groups"), url_for("working_groups.index")),
        (group.name, back),
        (title, None),
    ]
    if not form.is_submitted():
        return _form_page(form, title, back, crumbs)
    if not form.validate():
        return _form_page(form, title, back, crumbs, status=422)
    try:
        ops.add_task(
            group,
            current_user,
            form.title.data,
            form.due_date.data,
            form.responsible_id.data,
            form.activity_id.data,
        )
    except RuleViolation as exc:
        extra = refused(form, exc)
        return _form_page(form, title, back, crumbs, extra, _status(exc))
    db.session.commit()
    flash(_("Task added."), "success")
    return redirect(back + "#tasks")


@bp.route("/working-groups/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit_task(task_id: int):
    task = get_or_404(WorkingGroupTask, task_id)
    group = task.group
    if not ops.may_manage_tasks(group, current_user):
        abort(403)
    back = url_for("working_groups.show", group_id=group.id)
    if task.done_on is not None:
        if request.method == "POST":
            return _conflict(back, _("This task has already been completed."))
        return redirect(back + f"#task-{task.id}")
    form = _task_form(group, task)
    form.submit.label.text = _("Save")
    title = _("Edit the task")
    crumbs = [(_("Working groups"), url_for("working_groups.index")), (group.name, back), (title, None)]
    if not form.is_submitted():
        return _form_page(form, title, back, crumbs)
    if not form.validate():
        return _form_page(form, title, back, crumbs, status=422)
    try:
        ops.edit_task(
            task,
            current_user,
            form.title.data,
            form.due_date.data,
            form.responsible_id.data,
            form.activity_id.data,
        )
    except RuleViolation as exc:
        extra = refused(form, exc)
        if exc.status == 409:
            return _conflict(back, exc.message)
        return _form_page(form, title, back, crumbs, extra, _status(exc))
    db.session.commit()
    flash(_("Task saved."), "success")
    return redirect(back + f"#task-{task_id}")


@bp.route("/working-groups/tasks/<int:task_id>/complete", methods=["GET", "POST"])
@login_required
def complete_task(task_id: int):
    task = get_or_404(WorkingGroupTask, task_id)
    group = task.group
    back = url_for("working_groups.show", group_id=group.id)
    if task.done_on is not None:
        if request.method == "POST":
            return _conflict(back, _("This task has already been completed."))
        return redirect(back + f"#task-{task.id}")
    if not ops.may_complete(task, current_user):
        abort(403)
    form = CompleteTaskForm()
    title = _("Complete the task")
    crumbs = [(_("Working groups"), url_for("working_groups.index")), (group.name, back), (title, None)]
    more = {"task": task, "template": "cooperation/groups/complete.html"}
    if not form.is_submitted():
        return _form_page(form, title, back, crumbs, **more)
    if not form.validate():
        return _form_page(form, title, back, crumbs, status=422, **more)
    try:
        ops.complete_task(
            task,
            current_user,
            form.output.data,
            form.done_on.data,
            files=form.files.data or [],
            links=links_of(form.links),
        )
    except RuleViolation as exc:
        extra = refused(form, exc)
        if exc.status == 409:
            return _conflict(back, exc.message)
        task = db.session.get(WorkingGroupTask, task_id)
        more["task"] = task
        return _form_page(form, title, back, crumbs, extra, _status(exc), **more)
    db.session.commit()
    flash(_("The task is done."), "success")
    return redirect(back + f"#task-{task_id}")


def _conflict(back: str, message: str):
    flash(message, "danger")
    return render_template("cooperation/groups/conflict.html", message=message, back=back), 409


@bp.get("/working-groups/tasks/<int:task_id>/documents/<int:attachment_id>")
def task_document(task_id: int, attachment_id: int):
    task = get_or_404(WorkingGroupTask, task_id)
    if not task.group.can_view(current_user):
        abort(404)
    return _send(get_or_404(Attachment, attachment_id), task_id=task.id)


def _send(attachment: Attachment, **owner):
    for name, value in owner.items():
        if getattr(attachment, name) != value:
            abort(404)
    if attachment.url:
        return redirect(attachment.url)
    return attachments.send(attachment)


# --- experts -----------------------------------------------------------------------------------------------


def _owner(kind: str, owner_id: int):
    model = expert_ops.OWNER_KINDS.get(kind)
    if model is None:
        abort(404)
    owner = get_or_404(model, owner_id)
    if not owner.can_view(current_user):
        abort(404)
    return owner


def _expert_candidates(owner) -> list[tuple[int, str]]:
    if isinstance(owner, expert_ops.Evaluation):
        people = {m.user_id for m in owner.group.memberships} | {owner.group.chair_id} - {None}
    else:
        councils = owner.plan.councils if isinstance(owner, expert_ops.Activity) else owner.councils
        people = set(ops.people_of(councils))
    users = db.session.scalars(select(User).where(User.id.in_(list(people))).order_by(User.full_name)).all()
    return [(u.id, u.full_name) for u in users]


@bp.route("/experts/new/<kind>/<int:owner_id>", methods=["GET", "POST"])
@login_required
def new_expert(kind: str, owner_id: int):
    owner = _owner(kind, owner_id)
    if not expert_ops.may_attach(owner, current_user):
        abort(403)
    form = ExpertForm()
    form.user_id.choices = [(None, "—"), *_expert_candidates(owner)]
    back = _owner_url(kind, owner) or url_for("working_groups.index")
    title = _("Attach an expert")
    crumbs = [(_owner_label(kind, owner), back), (title, None)]
    more = {"owner": owner, "template": "cooperation/groups/expert_form.html"}
    if not form.is_submitted():
        return _form_page(form, title, back, crumbs, **more)
    if not form.validate():
        return _form_page(form, title, back, crumbs, status=422, **more)
    try:
        expert_ops.add_expert(
            owner,
            current_user,
            member_id=form.user_id.data,
            name=form.name.data,
            qualification=form.qualification.data,
            conclusion=form.conclusion.data,
            concluded_on=form.concluded_on.data,
            files=form.files.data or [],
            links=links_of(form.links),
        )
    except RuleViolation as exc:
        extra = refused(form, exc)
        more["owner"] = owner = _owner(kind, owner_id)
        return _form_page(form, title, back, crumbs, extra, _status(exc), **more)
    db.session.commit()
    flash(_("Expert attached."), "success")
    return redirect(back + "#experts")


def _expert_for_change(expert_id: int):
    expert = get_or_404(Expert, expert_id)
    owner = expert_ops.owner_of(expert)
    if owner is None or not owner.can_view(current_user):
        abort(404)
    if not expert_ops.may_attach(owner, current_user):
        abort(403)
    return expert, owner


@bp.route("/experts/<int:expert_id>/conclusion", methods=["GET", "POST"])
@login_required
def conclude_expert(expert_id: int):
    expert, owner = _expert_for_change(expert_id)
    form = ConclusionForm(obj=expert)
    back = page_url(owner) or url_for("working_groups.index")
    title = _("Conclusion of %(name)s", name=expert.display_name)
    crumbs = [(_owner_label(expert_ops.owner_kind(owner), owner), back), (title, None)]
    if not form.is_submitted():
        return _form_page(form, title, back, crumbs)
    if not form.validate():
        return _form_page(form, title, back, crumbs, status=422)
    try:
        expert_ops.conclude(
            expert,
            current_user,
            form.conclusion.data,
            form.concluded_on.data,
            files=form.files.data or [],
            links=links_of(form.links),
        )
    except RuleViolation as exc:
        extra = refused(form, exc)
        return _form_page(form, title, back, crumbs, extra, _status(exc))
    db.session.commit()
    flash(_("Conclusion saved."), "success")
    return redirect(back + f"#expert-{expert_id}")


@bp.post("/experts/<int:expert_id>/remove")
@login_required
def remove_expert(expert_id: int):
    expert, owner = _expert_for_change(expert_id)
    back = page_url(owner) or url_for("working_groups.index")
    try:
        expert_ops.remove_expert(expert, current_user)
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        return _conflict(back, exc.message)
    db.session.commit()
    flash(_("Expert removed."), "success")
    return redirect(back + "#experts")


@bp.get("/experts/<int:expert_id>/documents/<int:attachment_id>")
def expert_document(expert_id: int, attachment_id: int):
    expert = get_or_404(Expert, expert_id)
    if not expert_ops.may_view(expert, current_user):
        abort(404)
    return _send(get_or_404(Attachment, attachment_id), expert_id=expert.id)


def _safe_url(endpoint: str, **values) -> str | None:
    """A page of another part of the service, when it exists (None otherwise)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


# Pages of the objects experts and feed entries belong to: (endpoint, argument) tried in order.
PAGES = {
    "Activity": (("plans.activity", "activity_id"),),
    "ActivityPlan": (("plans.show", "plan_id"),),
    "Meeting": (("meetings.show", "meeting_id"), ("meetings.minutes", "meeting_id")),
    "Recommendation": (("recommendations.show", "rec_id"), ("recommendations.show", "recommendation_id")),
    "Evaluation": (("evaluations.show", "evaluation_id"),),
    "WorkingGroup": (("working_groups.show", "group_id"),),
}


@bp.app_template_global("cooperation_page_url")
def page_url(obj) -> str | None:
    """The page of obj (an activity, plan, meeting, recommendation, evaluation or working group), if any."""
    for endpoint, arg in PAGES.get(type(obj).__name__, ()):
        found = _safe_url(endpoint, **{arg: obj.id})
        if found:
            return found
    return None


def _owner_url(kind: str, owner) -> str | None:
    return page_url(owner)


def _owner_label(kind: str, owner) -> str:
    if kind == "evaluation":
        return _("Evaluation no. %(n)s", n=owner.id)
    return owner.title


@bp.app_template_global("expert_add_url")
def expert_add_url(owner) -> str | None:
    """The add-expert form for owner when the current user may attach experts to it (used by _experts.html)."""
    if owner is None or not expert_ops.may_attach(owner, current_user):
        return None
    return url_for("working_groups.new_expert", kind=expert_ops.owner_kind(owner), owner_id=owner.id)


@bp.app_template_global("experts_of")
def experts_of(owner) -> list[Expert]:
    """The experts of an activity, a meeting or an evaluation, for pages including _experts.html."""
    return expert_ops.experts_of(owner) if owner is not None else []
