"""`flask --app grants seed-demo` (the demo data set) and `flask --app grants seed-bench` (the benchmark
one); both idempotent."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from grants.extensions import db
from grants.seed import demo
from grants.seed.bench import load_bench


@click.command("seed-demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load nothing when the database already holds users, organisations or lots.",
)
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load demo regions, organisations, lots, projects, needs, councils, groups, accounts and the councils' joint work."""
    if current_app.config.get("GRANTS_ENV") == "production":  # docs/security.md
        raise click.ClickException(
            "seed-demo refuses to run in production: its accounts have a published password"
        )
    password = current_app.config.get("DEMO_PASSWORD")
    if not password:
        raise click.ClickException("DEMO_PASSWORD is empty: set it to the password for the demo accounts")
    try:
        if if_empty and not demo.database_is_empty():
            click.echo("The database already holds data: demo data not loaded.")
            return
        counts = demo.seed_demo(password)
    except (SQLAlchemyError, ValueError) as exc:
        db.session.rollback()
        detail = getattr(exc, "orig", None) or exc  # the driver's message, without the SQL
        raise click.ClickException(
            f"demo data not loaded ({detail.__class__.__name__}: {detail}). Has `flask db upgrade` been run?"
        ) from exc

    click.echo("Demo data loaded (rows in the demo set):")
    for name, count in counts.items():
        click.echo(f"  {name:<22} {count}")
    click.echo(f"Accounts, all with the password {password}:")
    for email, roles, full_name in demo.demo_accounts():
        click.echo(f"  {email:<26} {roles:<14} {full_name}")


@click.command("seed-bench")
@click.option("--lots", "n_lots", type=click.IntRange(1, 9999), default=2000, show_default=True)
@click.option("--projects", "n_projects", type=click.IntRange(0, 9999), default=1500, show_default=True)
@with_appcontext
def seed_bench(n_lots: int, n_projects: int) -> None:
    """Load a larger deterministic data set for benchmarks (lots and projects across regions and years).

    Idempotent: rows are keyed by BIN, lot number and year, and contract number; a second run adds nothing.
    """
    if n_projects > n_lots:
        raise click.ClickException("there cannot be more projects than lots")
    counts = load_bench(n_lots, n_projects)
    db.session.commit()
    click.echo("Bench data: " + ", ".join(f"{name} {added} added" for name, added in counts.items()))
