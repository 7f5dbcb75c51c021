"""Deadline reminders: who is due one today (send-reminders runs daily from cron).

- scoring: members of the evaluation's group who have neither submitted nor been recused;
- review: the organiser's ministry staff, for evaluations in review when the campaign has a review deadline;
- rulings: the chair, while NGO replies wait for a ruling and the reply window ends.
One reminder per person, evaluation and deadline (OutboxMessage.dedupe_key): a second run sends nothing.

Higher packages add reminders of their own with register_source (the councils' recommendations,
docs/cooperation.md#reminders): this package never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, select

from grants.accounts.models import Role, User, UserRole
from grants.core.errors import today_local
from grants.extensions import db
from grants.monitoring.models import Campaign, Evaluation
from grants.notifications.handlers import (
    absolute_url,
    evaluation_link,
    queue_message,
    recipients,
    replies_link,
)
from grants.notifications.models import OutboxMessage
from grants.replies.models import Reply
from grants.replies.window import reply_deadline


@dataclass
class Due:
    template: str
    user: User
    evaluation: Evaluation
    deadline: date
    link: str

    @property
    def key(self) -> str:
        return f"{self.template}:{self.evaluation.id}:{self.user.id}:{self.deadline.isoformat()}"

    def describe(self) -> str:
        return f"{self.template}: {self.user.email} · evaluation {self.evaluation.id} · {self.deadline.isoformat()}"

    def queue(self, first: date) -> OutboxMessage:
        return queue_message(
            "reminder",
            self.user,
            self.template,
            self.evaluation,
            dedupe_key=self.key,
            evaluation=self.evaluation,
            deadline=self.deadline,
            days_left=(self.deadline - first).days,
            link=self.link,
        )


@dataclass
class Reminder:
    """A reminder from a registered source: one message to user about obj, taken once by key;
    taken() runs when it is queued (a source stamps its object there)."""

    template: str
    user: User
    obj: object
    deadline: date
    link: str
    key: str
    context: dict = field(default_factory=dict)
    taken: Callable[[], None] | None = None

    def describe(self) -> str:
        name = type(self.obj).__name__.lower()
        return f"{self.template}: {self.user.email} · {name} {getattr(self.obj, 'id', '')} · {self.deadline.isoformat()}"

    def queue(self, first: date) -> OutboxMessage:
        message = queue_message(
            "reminder",
            self.user,
            self.template,
            self.obj,
            dedupe_key=self.key,
            deadline=self.deadline,
            days_left=(self.deadline - first).days,
            link=self.link,
            **self.context,
        )
        if self.taken is not None:
            self.taken()
        return message


# source(first, last) -> list[Reminder]: deadlines from first to last, and whatever fell due before.
_sources: list[Callable[[date, date], list[Reminder]]] = []


def register_source(source: Callable[[date, date], list[Reminder]]) -> None:
    """Add a source of reminders (once, however often it is registered)."""
    if source not in _sources:
        _sources.append(source)


def _scoring(first: date, last: date) -> list[Due]:
    due = []
    evaluations = db.session.scalars(
        select(Evaluation)
        .where(
            Evaluation.in_scoring,
            Evaluation.deadline >= first,
            Evaluation.deadline <= last,
        )
        .order_by(Evaluation.deadline, Evaluation.id)
    )
    for evaluation in evaluations:
        link = evaluation_link(evaluation)
        for user in recipients(evaluation.group.members):
            card = evaluation.scorecard_of(user)
            if (card is not None and card.submitted_at is not None) or evaluation.is_recused(user):
                continue
            due.append(Due("reminder_scoring", user, evaluation, evaluation.deadline, link))
    return due


def _review(first: date, last: date) -> list[Due]:
    due = []
    evaluations = db.session.scalars(
        select(Evaluation)
        .join(Campaign, Evaluation.campaign_id == Campaign.id)
        .where(
            Evaluation.in_review,
            Campaign.review_deadline.is_not(None),
            Campaign.review_deadline >= first,
            Campaign.review_deadline <= last,
        )
        .order_by(Campaign.review_deadline, Evaluation.id)
    )
    for evaluation in evaluations:
        staff = db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.organisation_id == evaluation.campaign.organiser_id, UserRole.role == Role.ministry)
            .order_by(User.id)
        )
        link = absolute_url("reports.show", evaluation_id=evaluation.id)
        for user in recipients(staff):
            due.append(Due("reminder_review", user, evaluation, evaluation.campaign.review_deadline, link))
    return due


def _rulings(first: date, last: date) -> list[Due]:
    due = []
    evaluations = db.session.scalars(
        select(Evaluation)
        .where(
            Evaluation.is_published,
            exists().where(Reply.evaluation_id == Evaluation.id, Reply.ruling.is_(None)),
        )
        .order_by(Evaluation.id)
    )
    for evaluation in evaluations:
        deadline = reply_deadline(evaluation)
        if deadline is None or not first <= deadline <= last:
            continue
        for user in recipients([evaluation.group.chair]):
            due.append(Due("reminder_ruling", user, evaluation, deadline, replies_link(evaluation)))
    return due


def due_reminders(days: int, today: date | None = None) -> list[Due | Reminder]:
    """Reminders of deadlines from today to today + days that have not been queued before."""
    first = today or today_local()
    last = first + timedelta(days=days)
    candidates = _scoring(first, last) + _review(first, last) + _rulings(first, last)
    for source in _sources:
        candidates += source(first, last)
    keys = [d.key for d in candidates]
    if not keys:
        return []
    known = set()
    for start in range(0, len(keys), 500):
        known.update(
            db.session.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.dedupe_key.in_(keys[start : start + 500])
                )
            )
        )
    chosen, seen = [], set()
    for item in candidates:
        if item.key in known or item.key in seen:
            continue
        seen.add(item.key)
        chosen.append(item)
    return chosen


def queue_reminders(days: int, today: date | None = None) -> list[OutboxMessage]:
    """Add the due reminders to the outbox (the caller commits)."""
    first = today or today_local()
    return [item.queue(first) for item in due_reminders(days, first)]
