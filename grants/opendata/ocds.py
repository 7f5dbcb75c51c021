"""results.json: an OCDS 1.1 release package, one compiled release per lot.

A lot is a tender; each project (contract) is an award and a contract whose supplier is the NGO,
identified by its BIN. Contracts carry IATI-style result indicators (baseline, target, actual).
Published evaluations are added under the extension key `grantskz_evaluations`: on the release
(lot relevance) and on each contract (project effectiveness). Evaluations in any other state are
never read. Every field is documented in the README ("Open data").
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from decimal import Decimal

from flask import current_app, request, url_for
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from grants.core.db import as_utc, current_language
from grants.core.errors import LOCAL_TZ
from grants.extensions import db
from grants.lots.models import Lot, LotNeed, LotStatus
from grants.lots.operations import LotFilters
from grants.monitoring.models import Evaluation, Methodology, SubjectKind
from grants.monitoring.registry import lot_query
from grants.monitoring.results import evaluation_result
from grants.organisations.models import Organisation
from grants.projects.models import Project, ProjectStatus
from grants.replies.operations import printed_replies, remark_counts
from grants.reports.delivery import final_reports
from grants.reports.models import Report, ReportKind
from grants.reports.views import issued_versions
from grants.scoring.models import Scorecard

OCID_PREFIX = "ocds-grantskz"
OCDS_VERSION = "1.1"
CURRENCY = "KZT"
BIN_SCHEME = "KZ-BIN"
KATO_SCHEME = "KATO"
SPHERE_SCHEME = "GRANTSKZ-SPHERE"
EXTENSION_KEY = "grantskz_evaluations"
DEFAULT_PUBLISHER = "grants: monitoring of the state social order"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"

TENDER_STATUS = {
    LotStatus.planned: "planned",
    LotStatus.announced: "active",
    LotStatus.awarded: "complete",
    LotStatus.in_implementation: "complete",
    LotStatus.completed: "complete",
    LotStatus.cancelled: "cancelled",
}
CONTRACT_STATUS = {
    ProjectStatus.contracted: "active",
    ProjectStatus.in_implementation: "active",
    ProjectStatus.completed: "terminated",  # OCDS: signed, in force, and now come to a close
    ProjectStatus.terminated: "terminated",
}
IMPLEMENTED = (ProjectStatus.in_implementation, ProjectStatus.completed, ProjectStatus.terminated)


# --- values -----------------------------------------------------------------------------------


def number(value) -> int | float | None:
    """A JSON number (OCDS wants numbers, not strings): 12500000.00 -> 12500000, 83.3 -> 83.3."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def amount(value) -> dict | None:
    return None if value is None else {"amount": number(value), "currency": CURRENCY}


def start_of(day: date | None) -> str | None:
    """A date as an OCDS date-time: the start of that day in Kazakhstan."""
    return None if day is None else datetime.combine(day, time(0, 0), LOCAL_TZ).isoformat()


def end_of(day: date | None) -> str | None:
    return None if day is None else datetime.combine(day, time(23, 59, 59), LOCAL_TZ).isoformat()


def moment(value: datetime | None) -> str | None:
    return None if value is None else as_utc(value).replace(microsecond=0).isoformat()


def period(start: date | None, end: date | None) -> dict | None:
    if start is None and end is None:
        return None
    return _compact({"startDate": start_of(start), "endDate": end_of(end)})


def _compact(data: dict) -> dict:
    """Drop empty members, as OCDS asks (no nulls, no empty strings or lists)."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


# The request language, looked up once per package rather than for every text of thousands of lots.
_language: ContextVar[str | None] = ContextVar("opendata_language", default=None)
_unit_titles: dict[tuple[str, str], str] = {}


def language() -> str:
    return _language.get() or current_language()


def text(obj, field: str = "name") -> str | None:
    """obj's field in the request language, falling back as the pages do."""
    return obj.localized(field, language()) or None


def unit_title(unit) -> str:
    key = (unit.value, language())
    if key not in _unit_titles:
        _unit_titles[key] = str(unit.title)
    return _unit_titles[key]


def _texts(obj, field: str, key: str, languages=("ru", "kk", "en")) -> dict:
    """{"title": text in the request language, "title_ru": ..., "title_kk": ...} (OCDS language variants)."""
    data = {key: text(obj, field)}
    for lang in languages:
        data[f"{key}_{lang}"] = getattr(obj, f"{field}_{lang}", None)
    return data


# --- parties ----------------------------------------------------------------------------------


def party_id(org) -> str:
    return f"{BIN_SCHEME}-{org.bin}"


def identifier(org) -> dict:
    return _compact({"scheme": BIN_SCHEME, "id": org.bin, "legalName": org.name_ru})


def party(org, roles: list[str]) -> dict:
    address = None
    if org.region is not None:
        address = {"region": text(org.region), "countryName": "Kazakhstan"}
    return _compact(
        {
            "id": party_id(org),
            "name": text(org),
            "identifier": identifier(org),
            "address": address,
            "contactPoint": {"url": org.website} if org.website else None,
            "roles": roles,
        }
    )


def organisation_ref(org) -> dict:
    return {"id": party_id(org), "name": text(org), "identifier": identifier(org)}


# --- published evaluations --------------------------------------------------------------------


def published_evaluations(
    lot_ids: list[int], project_ids: list[int]
) -> tuple[dict[int, list[Evaluation]], dict[int, list[Evaluation]]]:
    """Published evaluations, newest first: of these lots (relevance) by lot id, of these projects by
    project id. The same query as grants.reports.delivery.published_results, for one batch of lots."""
    query = (
        select(Evaluation)
        .where(
            Evaluation.is_published,
            or_(
                and_(Evaluation.kind == SubjectKind.lot, Evaluation.lot_id.in_(lot_ids)),
                and_(Evaluation.kind != SubjectKind.lot, Evaluation.project_id.in_(project_ids)),
            ),
        )
        .options(
            selectinload(Evaluation.methodology).selectinload(Methodology.criteria),
            selectinload(Evaluation.campaign),
            selectinload(Evaluation.group),
            selectinload(Evaluation.conclusions),
            selectinload(Evaluation.replies),
            selectinload(Evaluation.scorecards).selectinload(Scorecard.scores),
        )
        .order_by(Evaluation.published_at.desc(), Evaluation.id.desc())
    )
    of_lots: dict[int, list[Evaluation]] = defaultdict(list)
    of_projects: dict[int, list[Evaluation]] = defaultdict(list)
    for evaluation in db.session.scalars(query):
        if evaluation.kind == SubjectKind.lot:
            of_lots[evaluation.lot_id].append(evaluation)
        elif evaluation.project_id is not None:
            of_projects[evaluation.project_id].append(evaluation)
    return of_lots, of_projects


def _reply(reply) -> dict:
    return {
        "criterion": reply.criterion_code,
        "finding": reply.finding,
        "text": reply.text,
        "ruling": reply.ruling.value,
        "reason": reply.reason,
        "ruledDate": moment(reply.ruled_at),
    }


def evaluation_entry(evaluation: Evaluation, finals: dict[str, Report] | None = None) -> dict:
    """One published evaluation as the public sees it on the lot and project pages, and no more;
    finals: its final reports by language (final_reports), looked up when not given."""
    if not evaluation.is_published:  # never reached: the query reads published ones only
        raise ValueError("only published evaluations are open data")
    methodology = evaluation.methodology
    result = evaluation_result(evaluation)
    band = evaluation.band
    if finals is None:
        final = next((v for v in issued_versions(evaluation) if v.kind == ReportKind.final), None)
        finals = final.reports if final is not None else {}
    reports = []
    if finals:
        for lang, report in finals.items():
            reports.append(
                {
                    "language": lang,
                    "version": report.version,
                    "url": url_for("reports.download", report_id=report.id, _external=True),
                    "sha256": report.sha256,
                    "verifyUrl": url_for("reports.verify", value=report.fingerprint, _external=True),
                    "issuedDate": moment(report.issued_at),
                }
            )
    criteria = []
    for criterion in methodology.criteria:
        aggregate = result.aggregates.get(criterion.code)
        conclusion = evaluation.conclusion(criterion.code)
        criteria.append(
            {
                "code": criterion.code,
                "name": criterion.name,
                "weight": number(criterion.weight),
                "mean": number(aggregate.mean_display) if aggregate else None,
                "officialSum": aggregate.total if aggregate else None,
                "conclusion": conclusion.conclusion if conclusion and conclusion.conclusion else None,
            }
        )
    ruled = printed_replies(evaluation)
    return {
        "id": evaluation.id,
        "kind": evaluation.kind.value,
        "campaign": {"id": evaluation.campaign.id, "name": evaluation.campaign.name},
        "group": {"id": evaluation.group.id, "name": evaluation.group.name},
        "methodology": {
            "code": methodology.code,
            "version": methodology.version,
            "name": methodology.name,
            "scaleMin": methodology.scale_min,
            "scaleMax": methodology.scale_max,
        },
        "index": number(evaluation.index_value),
        "band": None if band is None else {"code": band, "title": methodology.band_title(band) or band},
        "officialTotal": result.official_total,
        "scorecards": result.submitted,
        "criteria": criteria,
        "findings": evaluation.findings,
        "recommendations": evaluation.recommendations,
        "publishedDate": moment(evaluation.published_at),
        "reports": reports,
        "remarks": {
            **remark_counts(evaluation),  # pending replies are not public
        },
        "replies": [_reply(reply) for reply in ruled],
    }


# --- releases ---------------------------------------------------------------------------------


def indicator(ind) -> dict:
    """An IATI-style result indicator: baseline, target and actual for one period."""
    return {
        "id": str(ind.id),
        "title": text(ind),
        "measure": ind.unit.value,
        "measureTitle": unit_title(ind.unit),
        "periodStart": ind.period_start.isoformat() if ind.period_start else None,
        "periodEnd": ind.period_end.isoformat() if ind.period_end else None,
        "baseline": {"value": number(ind.baseline)},
        "target": {"value": number(ind.target)},
        "actual": {"value": number(ind.actual)},
        "achievementPercent": number(ind.achievement),
    }


def project_title(project: Project) -> str | None:
    """A project is known by its own title or else by its lot's (as Project.title)."""
    return text(project, "title") or text(project.lot, "title")


def award(project: Project) -> dict:
    return _compact(
        {
            "id": project.contract_number,
            "title": project_title(project),
            "status": "active",
            "date": start_of(project.contract_date),
            "value": amount(project.amount),
            "suppliers": [organisation_ref(project.ngo)],
            "contractPeriod": period(project.start_date, project.end_date),
        }
    )


def contract(project: Project, evaluations: list[Evaluation], finals: dict | None = None) -> dict:
    implementation = _compact(
        {
            "grantskz_actualValue": amount(project.actual_amount),
            "grantskz_actualEndDate": end_of(project.actual_end_date),
            "grantskz_beneficiaries": project.beneficiaries_actual,
        }
    )
    return _compact(
        {
            "id": project.contract_number,
            "awardID": project.contract_number,
            **_compact(_texts(project, "title", "title")),
            "title": project_title(project),
            "description": text(project, "summary"),
            "status": CONTRACT_STATUS[project.status],
            "statusDetails": project.status.value,
            "value": amount(project.amount),
            "dateSigned": start_of(project.contract_date),
            "period": period(project.start_date, project.end_date),
            "implementation": implementation,
            "indicators": [indicator(ind) for ind in project.indicators],
            "grantskz_url": url_for("projects.show", project_id=project.id, _external=True),
            EXTENSION_KEY: [evaluation_entry(e, (finals or {}).get(e.id, {})) for e in evaluations],
        }
    )


def specification(lot: Lot) -> dict:
    data = {}
    for field, key in (
        ("goal", "goal"),
        ("tasks", "tasks"),
        ("expected_results", "expectedResults"),
        ("target_group", "targetGroup"),
    ):
        data.update(_texts(lot, field, key, ("ru", "kk")))
    data["beneficiaries"] = lot.beneficiaries
    data["plannedIndicators"] = [
        {"title": text(ind), "measure": ind.unit.value, "target": {"value": number(ind.target)}}
        for ind in lot.indicators
    ]
    data["publicNeeds"] = [
        {"id": link.need.id, "title": text(link.need, "title")}
        for link in sorted(lot.need_links, key=lambda x: x.need_id)
    ]
    return _compact(data)


def release(
    lot: Lot,
    lot_evaluations: list[Evaluation],
    project_evaluations: dict[int, list[Evaluation]],
    finals: dict[int, dict[str, Report]] | None = None,
) -> dict:
    ocid = f"{OCID_PREFIX}-{lot.id}"
    projects = list(lot.projects)
    stamps = [lot.updated_at, *(p.updated_at for p in projects)]
    stamps += [e.published_at for e in lot_evaluations]
    stamps += [e.published_at for p in projects for e in project_evaluations.get(p.id, [])]
    released = max(as_utc(s) for s in stamps if s is not None).replace(microsecond=0)
    tags = ["planning" if lot.status == LotStatus.planned else "tender"]
    if projects:
        tags += ["award", "contract"]
    if any(p.status in IMPLEMENTED for p in projects):
        tags.append("implementation")

    parties = [party(lot.administrator, ["buyer", "procuringEntity"])]
    seen = {lot.administrator.bin}
    for project in projects:
        if project.ngo.bin not in seen:
            seen.add(project.ngo.bin)
            parties.append(party(project.ngo, ["supplier"]))
        else:
            for entry in parties:
                if entry["id"] == party_id(project.ngo) and "supplier" not in entry["roles"]:
                    entry["roles"].append("supplier")

    item = _compact(
        {
            "id": "1",
            "description": text(lot, "title"),
            "classification": None
            if lot.sphere is None
            else {"scheme": SPHERE_SCHEME, "id": lot.sphere.code, "description": text(lot.sphere)},
            "deliveryAddress": None
            if lot.region is None
            else {"region": text(lot.region), "countryName": "Kazakhstan"},
            "deliveryLocation": _compact(
                {
                    "gazetteer": {"scheme": KATO_SCHEME, "identifiers": [lot.kato or lot.region.kato]},
                    "description": text(lot.region),
                }
            )
            if lot.region is not None
            else None,
        }
    )
    tender = _compact(
        {
            "id": f"{lot.year}/{lot.number}",
            **_compact(_texts(lot, "title", "title")),
            **_compact(_texts(lot, "description", "description", ("ru", "kk"))),
            "status": TENDER_STATUS[lot.status],
            "statusDetails": lot.status.value,
            "value": amount(lot.budget),
            "procurementMethod": "open",
            "procurementMethodDetails": "state social order",
            "mainProcurementCategory": "services",
            "contractPeriod": period(lot.start_date, lot.end_date),
            "items": [item],
            "grantskz_lotNumber": lot.number,
            "grantskz_year": lot.year,
            "grantskz_specification": specification(lot),
        }
    )
    return _compact(
        {
            "ocid": ocid,
            "id": f"{ocid}-{released.strftime('%Y%m%dT%H%M%SZ')}",
            "date": released.isoformat(),
            "tag": tags,
            "initiationType": "tender",
            "language": language(),
            "parties": parties,
            "buyer": organisation_ref(lot.administrator),
            "tender": tender,
            "awards": [award(p) for p in projects],
            "contracts": [contract(p, project_evaluations.get(p.id, []), finals) for p in projects],
            "grantskz_url": url_for("lots.show", lot_id=lot.id, _external=True),
            EXTENSION_KEY: [evaluation_entry(e, (finals or {}).get(e.id, {})) for e in lot_evaluations],
        }
    )


def _setting(name: str, default: str) -> str:
    """The app's config (read from the environment in grants/config.py), else the default."""
    return current_app.config.get(name) or default


# Lots are read this many at a time, each batch with its projects and published evaluations, so the
# package is written release by release in bounded memory (docs/performance.md#exports).
BATCH = 200


def _head() -> dict:
    """The package without its releases, in the order the package prints its members."""
    return {
        "uri": request.url,
        "version": OCDS_VERSION,
        "publishedDate": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "publisher": {
            "name": _setting("OPEN_DATA_PUBLISHER", DEFAULT_PUBLISHER),
            "uri": request.url_root,
        },
        "license": _setting("OPEN_DATA_LICENSE", DEFAULT_LICENSE),
    }


def releases(filters: LotFilters) -> Iterator[dict]:
    """One release per selected lot, in registry order. Lots come BATCH at a time from one streamed
    query (their administrator, region and sphere joined, their indicators, needs and projects loaded
    per batch); each batch's published evaluations and final reports take one query each, so the
    queries grow with the batches, never with the rows."""
    token = _language.set(current_language())
    try:
        query = lot_query(filters).options(
            joinedload(Lot.region),
            joinedload(Lot.sphere),
            joinedload(Lot.administrator).joinedload(Organisation.region),
            selectinload(Lot.indicators),
            selectinload(Lot.need_links).selectinload(LotNeed.need),
            selectinload(Lot.projects).joinedload(Project.ngo).joinedload(Organisation.region),
            selectinload(Lot.projects).selectinload(Project.indicators),
        )
        found = db.session.scalars(query.execution_options(yield_per=BATCH))
        for lots in found.partitions():
            lot_ids = [lot.id for lot in lots]
            project_ids = [project.id for lot in lots for project in lot.projects]
            of_lots, of_projects = published_evaluations(lot_ids, project_ids)
            evaluation_ids = [e.id for of in (of_lots, of_projects) for es in of.values() for e in es]
            finals = final_reports(evaluation_ids) if evaluation_ids else {}
            for lot in lots:
                yield release(lot, of_lots.get(lot.id, []), of_projects, finals)
    finally:
        _language.reset(token)


def release_package(filters: LotFilters) -> dict:
    return {**_head(), "releases": list(releases(filters))}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def release_package_json(filters: LotFilters) -> Iterator[str]:
    """release_package as compact JSON text, written release by release (the same text as json.dumps
    of the whole package)."""
    yield _json(_head())[:-1] + ',"releases":['
    for i, item in enumerate(releases(filters)):
        yield ("," if i else "") + _json(item)
    yield "]}"
