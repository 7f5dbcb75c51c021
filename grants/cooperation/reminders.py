"""Reminders of recommendations through the outbox (docs/cooperation.md#reminders).

- before the due date: once, REMINDER_DAYS (send-reminders --days) ahead, to the addressee's
  representatives (its officials, or the NGO's users);
- on the first overdue day (or the first run after it): once, to the same people and to the council's
  chair and secretary.
Each is taken once: the recommendation is stamped (reminded_at, overdue_notified_at) and every message
carries a dedupe key, so running send-reminders twice queues nothing more.
"""

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from grants.accounts.models import Role, User, UserRole
from grants.cooperation.models import Recommendation, RecommendationStatus
from grants.extensions import db
from grants.notifications.handlers import absolute_url, recipients
from grants.notifications.reminders import Reminder, register_source


def addressee_users(rec: Recommendation) -> list[User]:
    """Active officials and NGO users of the addressee organisation."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == rec.addressee_id,
                User.active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role.in_((Role.official, Role.ngo)))),
            )
            .order_by(User.id)
        )
    )


def keepers(rec: Recommendation) -> list[User]:
    council = rec.council
    return [u for u in (council.chair, council.secretary) if u is not None] if council else []


def _stamp(rec_id: int, column: str):
    def taken() -> None:
        # A plain UPDATE: a stamp is no edit of the recommendation (its version stays, so nobody
        # answering at this moment gets a conflict).
        db.session.execute(
            update(Recommendation)
            .where(Recommendation.id == rec_id, getattr(Recommendation, column).is_(None))
            .values({column: datetime.now(UTC)})
            .execution_options(synchronize_session=False)
        )

    return taken


def _unanswered():
    return select(Recommendation).where(
        Recommendation.status == RecommendationStatus.sent,
        Recommendation.responded_at.is_(None),
        Recommendation.due_date.is_not(None),
    )


def recommendation_reminders(first: date, last: date) -> list[Reminder]:
    """Recommendations due from first to last not reminded yet, and those overdue not notified yet."""
    found = []
    upcoming = db.session.scalars(
        _unanswered()
        .where(
            Recommendation.reminded_at.is_(None),
            Recommendation.due_date >= first,
            Recommendation.due_date <= last,
        )
        .order_by(Recommendation.due_date, Recommendation.id)
    )
    for rec in upcoming:
        link = absolute_url("recommendations.show", rec_id=rec.id)
        taken = _stamp(rec.id, "reminded_at")
        for user in recipients(addressee_users(rec)):
            found.append(
                Reminder(
                    "reminder_recommendation",
                    user,
                    rec,
                    rec.due_date,
                    link,
                    key=f"reminder_recommendation:{rec.id}:{user.id}:{rec.due_date.isoformat()}",
                    context={"recommendation": rec},
                    taken=taken,
                )
            )
    overdue = db.session.scalars(
        _unanswered()
        .where(Recommendation.overdue_notified_at.is_(None), Recommendation.overdue_on(first))
        .order_by(Recommendation.due_date, Recommendation.id)
    )
    for rec in overdue:
        link = absolute_url("recommendations.show", rec_id=rec.id)
        taken = _stamp(rec.id, "overdue_notified_at")
        for user in recipients([*addressee_users(rec), *keepers(rec)]):
            found.append(
                Reminder(
                    "overdue_recommendation",
                    user,
                    rec,
                    rec.due_date,
                    link,
                    key=f"overdue_recommendation:{rec.id}:{user.id}:{rec.due_date.isoformat()}",
                    context={"recommendation": rec, "addressed": user.organisation_id == rec.addressee_id},
                    taken=taken,
                )
            )
    return found


def connect() -> None:
    """Make send-reminders queue the recommendations' reminders too (called by the app factory)."""
    register_source(recommendation_reminders)
