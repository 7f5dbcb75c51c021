"""The benchmark data set (`flask --app grants seed-bench`): lots and projects across regions and years,
deterministic and idempotent, built from the demo's regions, topics and spheres."""

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select

from grants.extensions import db
from grants.lots.models import Lot, LotStatus, Sphere
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project, ProjectStatus
from grants.seed.data.bins import demo_bin
from grants.seed.data.lot_plan import TOPICS
from grants.seed.data.spheres import SPHERES
from grants.seed.demo import load_regions

BENCH_YEARS = (2021, 2022, 2023, 2024, 2025, 2026)
BENCH_PREFIX = "BENCH"
ADMIN_YYMM, NGO_YYMM = "9703", "9704"  # BIN prefixes no demo organisation uses
NGOS_PER_REGION = 5


def load_bench(n_lots: int, n_projects: int) -> dict[str, int]:
    """Insert whatever of the bench data set is missing, in bulk; flushes, the caller commits."""
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
