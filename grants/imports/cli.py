"""flask --app grants import-lots FILE / import-projects FILE [--dry-run] [--lang kk|ru|en] (docs/domain.md#import-formats).

A file with any invalid row imports nothing: every error is printed as "Row 7, column «…»: …"
and the command exits with status 1. A valid file is imported in one transaction; rows whose
values already match are left untouched, so importing the same file again changes nothing.
"""

import os

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from grants.core.i18n import BABEL_LOCALES
from grants.extensions import db
from grants.imports.lots import apply_lots, validate_lots
from grants.imports.parse import max_bytes, too_large
from grants.imports.projects import apply_projects, validate_projects

LANGS = ("kk", "ru", "en")


def default_language() -> str:
    lang = (os.environ.get("LANG") or "")[:2].lower()
    return lang if lang in LANGS else "en"


def _run(path: str, dry_run: bool, lang: str | None, validate, apply) -> None:
    with force_locale(BABEL_LOCALES[lang or default_language()]):
        try:
            size = os.path.getsize(path)
            if size > max_bytes():
                errors = too_large().errors
                content = None
            else:
                with open(path, "rb") as fh:
                    content = fh.read(max_bytes() + 1)
        except OSError as exc:
            raise click.ClickException(
                _("Cannot read the file %(path)s: %(reason)s", path=path, reason=exc.strerror or exc)
            ) from None
        if content is not None:
            result = validate(content)
            errors = result.errors
        for error in errors:
            click.echo(error.describe())
        if errors:
            raise click.ClickException(_("Nothing was imported: the file has %(n)s error(s).", n=len(errors)))
        if dry_run:
            click.echo(_("Dry run: the file is valid; nothing was saved."))
            click.echo(result.summary())
            if result.extra.get("new_ngos"):
                click.echo(_("New NGOs: %(n)s", n=len(result.extra["new_ngos"])))
            return
        apply(result, actor=None)
        db.session.commit()
        click.echo(result.summary())
        if result.extra.get("new_ngos"):
            click.echo(_("New NGOs: %(n)s", n=len(result.extra["new_ngos"])))


LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="Language of the messages; default: from LANG when it is kk, ru or en, else en.",
)


@click.command("import-lots")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; save nothing.")
@LANG_OPTION
@with_appcontext
def import_lots(path, dry_run, lang):
    """Import lots from an XLSX or CSV file (all rows or none)."""
    _run(path, dry_run, lang, validate_lots, apply_lots)


@click.command("import-projects")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; save nothing.")
@LANG_OPTION
@with_appcontext
def import_projects(path, dry_run, lang):
    """Import projects (contracts) from an XLSX or CSV file (all rows or none); unknown NGOs are created."""
    _run(path, dry_run, lang, validate_projects, apply_projects)
