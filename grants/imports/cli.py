"""flask --app grants import-lots FILE / import-projects FILE [--dry-run]."""

import click


@click.command("import-lots")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True)
def import_lots(path, dry_run):
    raise click.ClickException("not implemented yet")


@click.command("import-projects")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True)
def import_projects(path, dry_run):
    raise click.ClickException("not implemented yet")
