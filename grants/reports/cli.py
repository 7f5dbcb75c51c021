"""`flask --app grants render-reports --campaign ID` and `flask --app grants seed-bench` (DESIGN §6)."""

import os
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import insert, select

from grants.extensions import db
from grants.lots.models import Lot, LotStatus, Sphere
from grants.monitoring.models import Campaign
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project, ProjectStatus
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


# --- seed-bench -----------------------------------------------------------------------------

BENCH_YEARS = (2021, 2022, 2023, 2024, 2025, 2026)
BENCH_PREFIX = "BENCH"
ADMIN_YYMM, NGO_YYMM = "9703", "9704"  # BIN prefixes no demo organisation uses
NGOS_PER_REGION = 5


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


def load_bench(n_lots: int, n_projects: int) -> dict[str, int]:
    """Insert whatever of the bench data set is missing, in bulk; flushes, the caller commits."""
    from grants.seed.data.bins import demo_bin
    from grants.seed.data.lot_plan import TOPICS
    from grants.seed.data.spheres import SPHERES
    from grants.seed.demo import load_regions

    regions = sorted(load_regions().values(), key=lambda r: r.kato)
    spheres = _ensure_spheres(SPHERES)
    admins = [
        {
            "bin": demo_bin(ADMIN_YYMM, 10000 + 100 * i),
            "kind": OrganisationKind.government,
            "region_id": r.id,
            "name_ru": f"Управление общественного развития ({r.name_ru})",
            "name_kk": f"Қоғамдық даму басқармасы ({r.name_kk})",
            "name_en": f"Public Development Department ({r.name_en})",
        }
        for i, r in enumerate(regions)
    ]
    ngos = [
        {
            "bin": demo_bin(NGO_YYMM, 10000 + 100 * (i * NGOS_PER_REGION + k)),
            "kind": OrganisationKind.ngo,
            "region_id": r.id,
            "name_ru": f"ОФ «Бенчмарк-{i + 1:02d}-{k + 1}»",
            "name_kk": f"«Бенчмарк-{i + 1:02d}-{k + 1}» қоғамдық қоры",
            "name_en": f"Benchmark {i + 1:02d}-{k + 1} Public Foundation",
        }
        for i, r in enumerate(regions)
        for k in range(NGOS_PER_REGION)
    ]
    added_orgs = _insert_missing(Organisation, admins + ngos, "bin")
    org_ids = dict(
        db.session.execute(
            select(Organisation.bin, Organisation.id).where(
                Organisation.bin.in_([o["bin"] for o in admins + ngos])
            )
        ).all()
    )

    rng = random.Random(20270)
    topics = sorted(TOPICS.values(), key=lambda t: t["code"])
    with_project = set(rng.sample(range(n_lots), n_projects))
    lots, projects = [], []
    for i in range(n_lots):
        region_index = i % len(regions)
        region, topic, year = (
            regions[region_index],
            topics[i % len(topics)],
            BENCH_YEARS[(i // len(regions)) % len(BENCH_YEARS)],
        )
        start, end = (
            date(year, rng.randint(2, 4), rng.randint(1, 28)),
            date(year, rng.choice((11, 12)), rng.randint(1, 25)),
        )
        budget = Decimal(rng.randint(3_000, 39_900) * 1000)
        awarded = i in with_project
        status = (
            (LotStatus.completed if year < BENCH_YEARS[-1] else LotStatus.in_implementation)
            if awarded
            else rng.choice((LotStatus.planned, LotStatus.announced, LotStatus.cancelled))
        )
        number = f"{BENCH_PREFIX}-{i + 1:04d}"
        lots.append(
            {
                "number": number,
                "year": year,
                "status": status,
                **{
                    f"title_{lang}": _title(topic[f"title_{lang}"], region.localized("name", lang))
                    for lang in ("ru", "kk", "en")
                },
                "description_ru": topic["description_ru"],
                "description_kk": topic["description_kk"],
                "administrator_id": org_ids[admins[region_index]["bin"]],
                "region_id": region.id,
                "kato": region.kato,
                "sphere_id": spheres.get(topic["sphere"]),
                "budget": budget,
                "start_date": start,
                "end_date": end,
                "beneficiaries": rng.randint(10, 300) * 10,
            }
        )
        if awarded:
            ngo = ngos[region_index * NGOS_PER_REGION + rng.randrange(NGOS_PER_REGION)]
            amount = (budget * Decimal(rng.randint(90, 100)) / 100).quantize(Decimal("0.01"))
            projects.append(
                {
                    "key": (number, year),
                    "contract_number": f"{BENCH_PREFIX}-{year}-{i + 1:04d}",
                    "ngo_id": org_ids[ngo["bin"]],
                    "contract_date": date(year, 1, 15),
                    "amount": amount,
                    "start_date": start,
                    "end_date": end,
                    "status": ProjectStatus.completed
                    if status == LotStatus.completed
                    else ProjectStatus.in_implementation,
                }
            )
    existing_lots = set(
        db.session.execute(select(Lot.number, Lot.year).where(Lot.number.like(f"{BENCH_PREFIX}-%"))).all()
    )
    new_lots = [row for row in lots if (row["number"], row["year"]) not in existing_lots]
    if new_lots:
        db.session.execute(insert(Lot), new_lots)
    lot_ids = {
        (n, y): i
        for i, n, y in db.session.execute(
            select(Lot.id, Lot.number, Lot.year).where(Lot.number.like(f"{BENCH_PREFIX}-%"))
        ).all()
    }
    for row in projects:
        row["lot_id"] = lot_ids[row.pop("key")]
    added_projects = _insert_missing(Project, projects, "contract_number")
    db.session.flush()
    return {"organisations": added_orgs, "lots": len(new_lots), "projects": added_projects}


def _title(template: str, region: str) -> str:
    """A topic title for any region: the demo's place phrase dropped, the region named after a dash."""
    text = " ".join(template.format(place="").split())
    return f"{text[:1].upper()}{text[1:]} — {region}"


def _ensure_spheres(rows: list[dict]) -> dict[str, int]:
    _insert_missing(
        Sphere, [{k: row[k] for k in ("code", "name_ru", "name_kk", "name_en")} for row in rows], "code"
    )
    return dict(db.session.execute(select(Sphere.code, Sphere.id)).all())


def _insert_missing(model, rows: list[dict], key: str) -> int:
    """Bulk-insert the rows whose natural key is not in the table yet; returns how many were inserted."""
    column = getattr(model, key)
    present = set(db.session.scalars(select(column).where(column.in_([row[key] for row in rows]))))
    missing = [row for row in rows if row[key] not in present]
    if missing:
        db.session.execute(insert(model), missing)
    return len(missing)
