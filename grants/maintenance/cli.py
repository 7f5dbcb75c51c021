"""`flask --app grants backup PATH` and `flask --app grants restore PATH` (docs/backups.md)."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from grants.extensions import db
from grants.maintenance.backup import BackupError, create_backup, file_roots, restore_backup, verify_backup


def _summary(manifest: dict) -> str:
    database = manifest["database"]
    files = [name for name in manifest["files"] if name.startswith("files/")]
    size = sum(entry["size"] for entry in manifest["files"].values())
    return (
        f"{database['dialect']} database at migration {database['revision']} "
        f"({sum(database['rows'].values())} rows in {len(database['rows'])} tables), "
        f"{len(files)} files, {size / 1024 / 1024:.1f} MB, made {manifest['created_at']}"
    )


@click.command("backup")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path):
    """Back up the database and the uploaded files into the new directory PATH, with a manifest of checksums."""
    try:
        manifest = create_backup(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written to {path}: {_summary(manifest)}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the data without asking (for scripts).")
@with_appcontext
def restore(path: Path, yes: bool):
    """Replace the database and the uploaded files with the backup in PATH (checked against its manifest first)."""
    try:
        manifest = verify_backup(path)
    except BackupError as exc:
        raise click.ClickException(f"nothing was changed: {exc}") from None
    click.echo(f"backup checked: {_summary(manifest)}")
    if not yes:
        target = make_url(db.engine.url).render_as_string(hide_password=True)
        folders = ", ".join(str(p) for p in file_roots().values())
        click.confirm(f"Replace everything in {target} and in {folders} with this backup?", abort=True)
    try:
        restore_backup(path, manifest)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("restored; run `flask --app grants verify-audit` to check the audit trail")
