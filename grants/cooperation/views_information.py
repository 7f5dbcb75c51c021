"""Information and explanatory work, and the public feed of the councils' work."""

import math

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from grants.cooperation import information as ops
from grants.cooperation.forms_groups import InformationForm
from grants.cooperation.models import (
    Activity,
    ActivityPlan,
    InformationItem,
    InformationKind,
    kept_council_ids,
    plan_councils,
)
from grants.cooperation.views_groups import page_url
from grants.core.errors import RuleViolation
from grants.core.forms import attach_violation
from grants.core.permissions import load
from grants.core.validation import positive_id
from grants.councils.models import Council
from grants.extensions import db

bp = Blueprint("information", __name__)

PER_PAGE = 20
FEED_PER_PAGE = 20


class Page:
    """The attributes templates/_macros/ui.html's pagination reads, for a list built by hand."""

    def __init__(self, items, page: int, per_page: int, total: int):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        self.pages = max(1, math.ceil(total / per_page))
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num, self.next_num = page - 1, page + 1

    def iter_pages(self, left_edge=1, left_current=2, right_current=3, right_edge=1):
        last = 0
        for n in range(1, self.pages + 1):
            if (
                n <= left_edge
                or self.page - left_current <= n < self.page + right_current
                or n > self.pages - right_edge
            ):
                if last + 1 != n:
                    yield None
                yield n
                last = n


def _may_record(user) -> bool:
    return user.is_authenticated and (
        user.has_role("admin") or bool(db.session.scalar(select(kept_council_ids(user).exists())))
    )


@bp.get("/information/")
def index():
    page = request.args.get("page", 1, type=positive_id) or 1
    kind = request.args.get("kind")
    condition = ops.visible_items(current_user)
    if kind in {k.value for k in InformationKind}:
        condition = condition & (InformationItem.kind == InformationKind(kind))
    else:
        kind = None
    total = db.session.scalar(select(func.count()).select_from(InformationItem).where(condition))
    items = db.session.scalars(
        select(InformationItem)
        .where(condition)
        .order_by(InformationItem.held_on.desc(), InformationItem.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return render_template(
        "cooperation/information/index.html",
        page=Page(items, page, PER_PAGE, total),
        kind=kind,
        kinds=list(InformationKind),
        may_record=_may_record(current_user),
    )


def _form(item: InformationItem | None = None) -> InformationForm:
    form = InformationForm(obj=item)
    if current_user.has_role("admin"):
        councils = db.session.scalars(select(Council).order_by(Council.name_ru)).all()
    else:
        councils = db.session.scalars(
            select(Council).where(Council.id.in_(kept_council_ids(current_user))).order_by(Council.name_ru)
        ).all()
    form.council_id.choices = [(None, "—")] + [(c.id, c.name) for c in councils]
    activities = db.session.scalars(
        select(Activity)
        .join(ActivityPlan)
        .where(
            ActivityPlan.id.in_(
                select(plan_councils.c.plan_id).where(
                    plan_councils.c.council_id.in_([c.id for c in councils])
                )
            )
        )
        .order_by(ActivityPlan.year.desc(), Activity.position, Activity.id)
    ).all()
    form.activity_id.choices = [(None, "—")] + [(a.id, f"{a.plan.year}: {a.title}") for a in activities]
    if item is not None and not form.is_submitted():
        form.kind.data = item.kind.value
    return form


def _page(form, title, extra=(), status=200):
    crumbs = [(_("Information work"), url_for("information.index")), (title, None)]
    return (
        render_template(
            "cooperation/information/form.html",
            form=form,
            title=title,
            crumbs=crumbs,
            extra=list(extra),
            back=url_for("information.index"),
        ),
        status,
    )


def _save(item: InformationItem | None):
    form = _form(item)
    title = _("New information item") if item is None else item.title
    if not form.is_submitted():
        return _page(form, title)
    if not form.validate():
        return _page(form, title, status=422)
    data = {name: form[name].data for name in ops.FIELDS}
    item_id = item.id if item is not None else None
    try:
        saved = (
            ops.create_item(current_user, data) if item is None else ops.update_item(item, current_user, data)
        )
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        extra = attach_violation(form, exc.fields)
        if not exc.fields:
            extra.append(exc.message)
        if item_id is not None:
            db.session.get(InformationItem, item_id)
        return _page(form, title, extra, exc.status if exc.status >= 400 else 422)
    db.session.commit()
    flash(_("Information item saved."), "success")
    return redirect(url_for("information.index") + f"#item-{saved.id}")


@bp.route("/information/new", methods=["GET", "POST"])
@login_required
def new():
    if not _may_record(current_user):
        abort(403)
    return _save(None)


@bp.route("/information/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: int):
    return _save(load(InformationItem, item_id, "edit", hide=True))


@bp.post("/information/<int:item_id>/publish")
@login_required
def publish(item_id: int):
    item = load(InformationItem, item_id, "view", hide=True)
    try:
        ops.publish_item(item, current_user)
    except RuleViolation as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(exc.message, "danger")
        return (
            render_template(
                "cooperation/groups/conflict.html", message=exc.message, back=url_for("information.index")
            ),
            exc.status,
        )
    db.session.commit()
    flash(_("Published: the item is now in the public feed."), "success")
    return redirect(url_for("information.index") + f"#item-{item_id}")


@bp.get("/feed")
def feed():
    page = request.args.get("page", 1, type=positive_id) or 1
    entries, total = ops.feed(page, FEED_PER_PAGE)
    if page > 1 and not entries:
        abort(404)
    return render_template(
        "cooperation/information/feed.html",
        page=Page(entries, page, FEED_PER_PAGE, total),
        entries=entries,
        page_url=page_url,
    )


def _entry_json(entry) -> dict:
    obj = entry.obj
    if entry.kind == "recommendation":
        title, link = obj.text, page_url(obj)
    elif entry.kind == "information":
        title, link = obj.title, obj.url
    else:
        title, link = obj.title, page_url(obj)
    return {
        "kind": entry.kind,
        "id": obj.id,
        "at": entry.at.isoformat(),
        "title": title,
        "url": url_for("main.home", _external=True).rstrip("/") + link
        if link and link.startswith("/")
        else link,
    }


@bp.get("/feed.json")
def feed_json():
    """The public feed as JSON Feed 1.1 (https://jsonfeed.org/version/1.1), one page at a time."""
    page = request.args.get("page", 1, type=positive_id) or 1
    entries, total = ops.feed(page, FEED_PER_PAGE)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _("The councils' work"),
        "home_page_url": url_for("information.feed", _external=True),
        "feed_url": url_for("information.feed_json", page=page, _external=True),
        "items": [
            {
                "id": f"{item['kind']}-{item['id']}",
                "title": item["title"],
                "url": item["url"],
                "date_published": item["at"],
                "tags": [item["kind"]],
            }
            for item in map(_entry_json, entries)
        ],
    }
    if page * FEED_PER_PAGE < total:
        document["next_url"] = url_for("information.feed_json", page=page + 1, _external=True)
    return jsonify(document)
