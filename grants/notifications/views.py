"""The outbox page for administrators: every message the service has written, sent or not."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from grants.core.permissions import MAX_ID, require_role
from grants.extensions import db
from grants.notifications import mail
from grants.notifications.models import OutboxMessage

bp = Blueprint("notifications", __name__, url_prefix="/admin/outbox")

STATUSES = {"queued": _l("Queued"), "sent": _l("Sent"), "failed": _l("Failed")}
KINDS = {
    "assignment": _l("Assignment"),
    "reminder": _l("Reminder"),
    "returned": _l("Returned for revision"),
    "published": _l("Publication"),
    "reply": _l("NGO reply"),
    "ruling": _l("Ruling"),
}


@bp.before_request
@login_required
def _admins_only():
    require_role("admin")


def _status_filter(query, status: str):
    if status == "sent":
        return query.where(OutboxMessage.sent_at.is_not(None))
    if status == "failed":
        return query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error.is_not(None))
    if status == "queued":
        return query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error.is_(None))
    return query


@bp.get("/")
def index():
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    query = _status_filter(select(OutboxMessage), status)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    query = query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False)
    pending = db.session.scalar(select(db.func.count()).select_from(mail.pending_query().subquery()))
    return render_template(
        "notifications/index.html",
        page=page,
        status=status,
        kind=kind,
        statuses=STATUSES,
        kinds=KINDS,
        pending=pending,
        mail_enabled=mail.mail_enabled(),
    )


def _message(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id) if 0 < message_id <= MAX_ID else None
    if message is None:
        abort(404)
    return message


@bp.get("/<int:message_id>")
def show(message_id: int):
    return render_template(
        "notifications/show.html",
        message=_message(message_id),
        statuses=STATUSES,
        kinds=KINDS,
        mail_enabled=mail.mail_enabled(),
        max_attempts=mail.MAX_ATTEMPTS,
    )


@bp.post("/<int:message_id>/send")
def send(message_id: int):
    """Retry delivery of one message now (also one that failed MAX_ATTEMPTS times)."""
    message = _message(message_id)
    if not mail.mail_enabled():
        flash(_("Mail is not configured (MAIL_SERVER): the message stays in the outbox."), "warning")
    elif message.sent_at is not None:
        flash(_("This message has already been sent."), "info")
    elif mail.deliver(message):
        db.session.commit()
        flash(_("The message has been sent."), "success")
    else:
        db.session.commit()
        flash(_("The message could not be sent: %(error)s", error=message.last_error), "error")
    return redirect(url_for("notifications.show", message_id=message.id))


@bp.post("/send")
def send_pending():
    """Deliver every queued message now."""
    if not mail.mail_enabled():
        flash(_("Mail is not configured (MAIL_SERVER): the messages stay in the outbox."), "warning")
    else:
        sent, failed = mail.deliver_pending()
        db.session.commit()
        flash(
            _("Sent: %(sent)s; failed: %(failed)s.", sent=sent, failed=failed),
            "error" if failed else "success",
        )
    return redirect(url_for("notifications.index"))
