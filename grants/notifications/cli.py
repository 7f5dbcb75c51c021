"""`flask --app grants send-reminders [--days N] [--dry-run]` (for cron) and `flask --app grants send-mail`."""

import click
from flask import current_app
from flask.cli import with_appcontext

from grants.extensions import db
from grants.monitoring.tick import close_due_evaluations
from grants.notifications import mail
from grants.notifications.reminders import due_reminders, queue_reminders


def _deliver() -> None:
    if not mail.mail_enabled():
        click.echo("MAIL_SERVER is not set: the messages wait in the outbox (/admin/outbox).")
        return
    total_sent = total_failed = 0
    while True:  # in batches, so a long outbox never sits in memory at once
        sent, failed = mail.deliver_pending(limit=200)
        db.session.commit()
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if sent + failed == 0 or failed:
            break
    click.echo(f"Delivered {total_sent} message(s), {total_failed} failed.")


@click.command("send-reminders")
@click.option(
    "--days",
    type=click.IntRange(min=0, max=365),
    default=None,
    help="Remind of deadlines from today up to this many days ahead (default REMINDER_DAYS, 3).",
)
@click.option(
    "--dry-run", is_flag=True, help="List the reminders that would be queued; queue and send nothing."
)
@with_appcontext
def send_reminders(days: int | None, dry_run: bool) -> None:
    """Queue one reminder per person, evaluation and deadline (scoring, review, rulings on NGO replies;
    the councils' recommendations before their due date and once overdue), then deliver the outbox when MAIL_SERVER is set. Run it daily from cron."""
    if days is None:
        days = int(current_app.config.get("REMINDER_DAYS", 3))
    if dry_run:
        due = due_reminders(days)
        for item in due:
            click.echo(item.describe())
        click.echo(f"{len(due)} reminder(s) would be queued (dry run, nothing changed).")
        db.session.rollback()
        return
    closed = close_due_evaluations()  # reminders speak of the states the tick would leave
    if closed:
        click.echo(f"Closed scoring of {len(closed)} evaluation(s) past their deadline.")
    queued = queue_reminders(days)
    db.session.commit()
    click.echo(f"Queued {len(queued)} reminder(s) for deadlines within {days} day(s).")
    _deliver()


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Deliver the queued outbox messages over SMTP (MAIL_SERVER); failed ones are retried up to 5 times."""
    if not mail.mail_enabled():
        raise click.ClickException("MAIL_SERVER is not set: nothing can be delivered.")
    _deliver()
