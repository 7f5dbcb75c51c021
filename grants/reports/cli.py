"""`flask --app grants render-reports --campaign ID` (README.md, "Command line")."""

import os
from pathlib import Path

import click
from flask.cli import with_appcontext

from grants.extensions import db
from grants.monitoring.models import Campaign
from grants.reports.bulk import bundle_files, issue_missing, write_campaign_zip
from grants.reports.jobs import reports_dir
from grants.reports.operations import report_languages
from grants.reports.rendering import render_committed

LANGS = ("kk", "ru", "en")


@click.command("render-reports")
@click.option(
    "--campaign", "campaign_id", type=int, required=True, help="The campaign's id (see /campaigns/)."
)
@click.option(
    "--lang",
    "langs",
    type=click.Choice(LANGS),
    multiple=True,
    help="A language to include (repeat the option); default: every report language.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The ZIP to write; default instance/reports/campaign-<ID>.zip.",
)
@with_appcontext
def render_reports(campaign_id: int, langs: tuple[str, ...], out: Path | None) -> None:
    """Write a ZIP of the campaign's issued reports, its summary report and a manifest with sha256s."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"there is no campaign with id {campaign_id}")
    langs = tuple(dict.fromkeys(langs)) or report_languages()
    unissued = [lang for lang in langs if lang not in report_languages()]
    if unissued:
        raise click.ClickException(
            f"reports are issued in {', '.join(report_languages())} only (REPORT_LANGUAGES), not in {', '.join(unissued)}"
        )
    repaired = issue_missing(campaign, langs)
    db.session.commit()
    render_committed()  # inline without REDIS_URL; with it the worker renders them
    if repaired:
        click.echo(
            f"Issued the missing reports of {len(repaired)} evaluation(s): {', '.join(str(e.id) for e in repaired)}."
        )

    out = out or reports_dir() / f"campaign-{campaign.id}.zip"
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    try:
        with (
            click.progressbar(length=len(bundle_files(campaign, langs)), label="Rendering") as bar,
            part.open("wb") as fh,
        ):
            count = write_campaign_zip(campaign, langs, fh, progress=lambda done, total: bar.update(1))
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
    click.echo(f"{count} PDFs written to {out}")
