"""`flask --app grants seed-demo` (the demo data set) and `flask --app grants seed-bench` (the benchmark
one); both idempotent."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from grants.extensions import db
from grants.seed import demo
from grants.seed.bench import MAX_LOTS, MAX_PROJECTS_PER_LOT, analyze, load_bench, load_bench_scores


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
@click.option("--lots", "n_lots", type=click.IntRange(1, MAX_LOTS), default=2000, show_default=True)
@click.option(
    "--projects",
    "n_projects",
    type=click.IntRange(0, MAX_LOTS * MAX_PROJECTS_PER_LOT),
    default=1500,
    show_default=True,
    help=f"Contracts; more than the lots puts several (at most {MAX_PROJECTS_PER_LOT}) under one lot.",
)
@click.option(
    "--scores",
    "n_scores",
    type=click.IntRange(0, 10_000_000),
    default=0,
    show_default=True,
    help="Criterion scores to reach with campaigns, (mostly published) evaluations and scorecards.",
)
@with_appcontext
def seed_bench(n_lots: int, n_projects: int, n_scores: int) -> None:
    """Load a larger deterministic data set for benchmarks (lots and projects across regions and years,
    and with --scores campaigns, evaluations, scorecards, scores, replies and recommendations).

    Idempotent: rows are keyed by BIN, lot number and year, contract number, e-mail, campaign name and
    evaluated subject; a second run adds nothing.
    """
    if n_projects > n_lots * MAX_PROJECTS_PER_LOT:
        raise click.ClickException(f"there cannot be more than {MAX_PROJECTS_PER_LOT} projects per lot")
    try:
        counts = load_bench(n_lots, n_projects)
        counts |= load_bench_scores(n_scores)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    analyze()
    db.session.commit()
    click.echo("Bench data: " + ", ".join(f"{name} {added} added" for name, added in counts.items()))
