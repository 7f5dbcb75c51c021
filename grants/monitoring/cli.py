"""`flask --app grants tick`: the periodic work (docs/operations.md, "The tick"). Run it every few minutes."""

import click
from flask.cli import with_appcontext

from grants.monitoring.tick import tick as run_tick


@click.command("tick")
@with_appcontext
def tick() -> None:
    """Close scoring of every evaluation past its deadline whose quorum is met (one per transaction,
    safe to run concurrently), and hand reports still waiting for their PDF to the renderer."""
    outcome = run_tick()
    closed = outcome["closed"]
    click.echo(
        f"Closed scoring of {len(closed)} evaluation(s){': ' + ', '.join(map(str, closed)) if closed else ''}."
    )
    for name, value in outcome["listeners"].items():
        click.echo(f"{name}: {value}")  # what each listener of signals.ticked did
