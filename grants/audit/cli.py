import click
from flask.cli import with_appcontext
from sqlalchemy import select

from grants.audit.models import AuditEvent
from grants.extensions import db


def verify_chain() -> tuple[int, list[str]]:
    """Recompute every event's hash and link; return (events checked, problems)."""
    problems: list[str] = []
    prev = None
    count = 0
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        count += 1
        if event.prev_hash != prev:
            problems.append(f"event {event.id}: link to the previous event is broken")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.id}: content does not match its hash")
        prev = event.hash
    return count, problems


@click.command("verify-audit")
@with_appcontext
def verify_audit():
    """Check that the audit trail has not been altered."""
    count, problems = verify_chain()
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problems in {count} audit events")
    click.echo(f"audit trail intact: {count} events")
