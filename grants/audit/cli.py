import click
from flask.cli import with_appcontext

from grants.audit import chain
from grants.extensions import db


def verify_chain() -> tuple[int, list[str]]:
    """Check every event's hash and link and every checkpoint; return (events checked, problems)."""
    result = chain.verify()
    return result.events, result.problems


@click.command("verify-audit")
@click.option(
    "--checkpoint",
    is_flag=True,
    help="When the trail is intact, sign its head as a new checkpoint (run it from cron; docs/audit.md).",
)
@with_appcontext
def verify_audit(checkpoint: bool):
    """Check that the audit trail has not been altered, and that no event after a checkpoint was deleted."""
    result = chain.verify()
    if result.problems:
        if result.first_broken is not None:
            click.echo(f"first broken event: {result.first_broken}", err=True)
        for line in result.problems:
            click.echo(line, err=True)
        raise click.ClickException(f"{len(result.problems)} problems in {result.events} audit events")
    last = result.last_checkpoint
    since = (
        f"; last checkpoint {last.id} at event {last.event_id}, {last.at:%Y-%m-%d %H:%M}"
        if last
        else "; no checkpoint yet"
    )
    click.echo(f"audit trail intact: {result.events} events, {result.checkpoints} checkpoints{since}")
    if checkpoint:
        # Sign the head just verified, not whatever was appended meanwhile (no lock held while checking).
        written = chain.write_checkpoint(result.head) if result.head else None
        db.session.commit()
        if written is None:
            click.echo("no events yet: nothing to sign")
        else:
            # One line worth keeping off this machine (syslog, mail): it pins the head even if the
            # database and its checkpoints are later rolled back together.
            click.echo(
                f"checkpoint {written.id}: event {written.event_id} hash {written.event_hash} "
                f"count {written.event_count} signature {written.signature}"
            )
