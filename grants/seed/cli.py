"""`flask --app grants seed-demo`: load the demo data set (idempotent)."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from grants.extensions import db
from grants.seed import demo


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True,
              help="Load nothing when the database already holds users, organisations or lots.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load demo regions, organisations, lots, projects, needs, councils, groups and accounts."""
    if current_app.config.get("GRANTS_ENV") == "production":  # docs/security.md
        raise click.ClickException("seed-demo refuses to run in production: its accounts have a published password")
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
        click.echo(f"  {name:<16} {count}")
    click.echo(f"Accounts, all with the password {password}:")
    for email, roles, full_name in demo.demo_accounts():
        click.echo(f"  {email:<26} {roles:<14} {full_name}")
