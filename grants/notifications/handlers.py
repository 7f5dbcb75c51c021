"""Signal listeners that turn domain events (grants.core.signals) into outbox messages.

Every listener adds OutboxMessage rows to the current transaction (no commit): the mail exists
exactly when the event does. Each message is written in its recipient's language from the
plain-text templates templates/notifications/mail/<name>.txt (first line: the subject).
Delivery (grants.notifications.mail) happens after the transaction commits.
"""

import logging
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.routing import BuildError

from grants.accounts.models import Role, User, UserRole
from grants.core import signals
from grants.core.i18n import BABEL_LOCALES
from grants.extensions import db
from grants.notifications import mail
from grants.notifications.models import OutboxMessage
from grants.replies.operations import answering_ngo_ids
from grants.replies.window import reply_deadline

log = logging.getLogger(__name__)

SUBJECT_MAX = 300
_connected = False


# --- rendering -------------------------------------------------------------------------------


def language_of(user) -> str:
    """The recipient's language (kk, ru or en); Russian when the account has none."""
    lang = getattr(user, "language", None)
    if lang in BABEL_LOCALES and lang in current_app.config.get("LANGUAGES", BABEL_LOCALES):
        return lang
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "ru")
    return default if default in BABEL_LOCALES else "ru"


def absolute_url(endpoint: str, **values) -> str:
    """An absolute link under PUBLIC_BASE_URL, built without a request (listeners also run in the CLI)."""
    base = urlsplit((current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def render_mail(template: str, lang: str, **context) -> tuple[str, str]:
    """(subject, body) of templates/notifications/mail/<template>.txt in lang."""
    with force_locale(BABEL_LOCALES[lang]):
        text = current_app.jinja_env.get_template(f"notifications/mail/{template}.txt").render(
            lang=lang, **context
        )
    subject, _sep, body = text.lstrip("\n").partition("\n")
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    return subject, body.strip("\n") + "\n"


def queue_message(
    kind: str, user, template: str, obj=None, dedupe_key: str | None = None, **context
) -> OutboxMessage:
    """Add one message for user to the session (no flush, no commit)."""
    lang = language_of(user)
    subject, body = render_mail(template, lang, recipient=user, **context)
    message = OutboxMessage(
        kind=kind,
        recipient_id=user.id,
        recipient_email=user.email,
        lang=lang,
        subject=subject,
        body=body,
        object_type=obj.__class__.__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        dedupe_key=dedupe_key,
        attempts=0,
    )
    db.session.add(message)
    return message


# --- who gets what ---------------------------------------------------------------------------


def recipients(users, actor=None) -> list:
    """Active users with an email, each once, never the person who acted."""
    actor_id = getattr(actor, "id", None)
    seen: set[int] = set()
    chosen = []
    for user in users:
        if user is None or not user.active or not user.email or user.id in seen:
            continue
        if actor_id is not None and user.id == actor_id:
            continue
        seen.add(user.id)
        chosen.append(user)
    return chosen


def group_people(evaluation) -> list:
    """The group's members and its chair."""
    group = evaluation.group
    return [*group.members, group.chair]


def ngo_users(organisation_ids) -> list:
    ids = [i for i in organisation_ids if i is not None]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.organisation_id.in_(ids), UserRole.role == Role.ngo, User.active.is_(True))
            .order_by(User.id)
        )
    )


def evaluation_link(evaluation) -> str:
    return absolute_url("evaluations.show", evaluation_id=evaluation.id)


def public_link(evaluation) -> str:
    """The public page that shows a published result: the project's, or the lot's."""
    if evaluation.project_id is not None:
        return absolute_url("projects.show", project_id=evaluation.project_id)
    return absolute_url("lots.show", lot_id=evaluation.lot_id)


def replies_link(evaluation) -> str:
    """The page where the NGO replies and the chair rules (the public page should it ever move)."""
    try:
        return absolute_url("replies.evaluation_replies", evaluation_id=evaluation.id)
    except BuildError:
        return public_link(evaluation)


# --- listeners -------------------------------------------------------------------------------


def on_scoring_opened(evaluation, actor=None, **_kw) -> None:
    link = evaluation_link(evaluation)
    for user in recipients(group_people(evaluation), actor):
        queue_message("assignment", user, "assignment", evaluation, evaluation=evaluation, link=link)


def on_evaluation_returned(evaluation, actor=None, comment=None, **_kw) -> None:
    link = absolute_url("evaluations.consolidate", evaluation_id=evaluation.id)
    for user in recipients([evaluation.group.chair], actor):
        queue_message(
            "returned", user, "returned", evaluation, evaluation=evaluation, comment=comment or "", link=link
        )


def on_evaluation_published(evaluation, actor=None, **_kw) -> None:
    deadline = reply_deadline(evaluation)
    context = {
        "evaluation": evaluation,
        "deadline": deadline,
        "link": public_link(evaluation),
        "replies_link": replies_link(evaluation),
    }
    for user in recipients(ngo_users(answering_ngo_ids(evaluation)), actor):
        queue_message("published", user, "published_ngo", evaluation, **context)
    for user in recipients([evaluation.group.chair], actor):
        queue_message("published", user, "published_chair", evaluation, **context)


def on_reply_submitted(reply, actor=None, **_kw) -> None:
    evaluation = reply.evaluation
    for user in recipients([evaluation.group.chair], actor):
        queue_message(
            "reply",
            user,
            "reply",
            reply,
            reply=reply,
            evaluation=evaluation,
            deadline=reply_deadline(evaluation),
            link=replies_link(evaluation),
        )


def on_reply_ruled(reply, actor=None, **_kw) -> None:
    evaluation = reply.evaluation
    people = [*ngo_users([reply.organisation_id]), reply.author]
    for user in recipients(people, actor):
        if user.organisation_id != reply.organisation_id:
            continue  # the author has since left the NGO
        queue_message(
            "ruling", user, "ruling", reply, reply=reply, evaluation=evaluation, link=replies_link(evaluation)
        )


LISTENERS = (
    (signals.scoring_opened, on_scoring_opened),
    (signals.evaluation_returned, on_evaluation_returned),
    (signals.evaluation_published, on_evaluation_published),
    (signals.reply_submitted, on_reply_submitted),
    (signals.reply_ruled, on_reply_ruled),
)


def connect(app) -> None:
    """Subscribe the listeners (once per process: they use current_app, so every app shares them),
    watch the session for new messages, deliver them after each request."""
    global _connected

    if not _connected:
        for signal, listener in LISTENERS:
            signal.connect(listener, weak=False)
        mail.watch_sessions()
        _connected = True
    app.after_request(mail.deliver_after_request)
