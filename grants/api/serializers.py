"""Plain-JSON views of the models for the HTTP API (shapes documented in grants/api/openapi.py).

Money and indicator values are decimal strings ("8250000.00"), never floats; dates are ISO 8601;
text fields come in the request language (`title`) and in each language (`title_ru`, `title_kk`, ...).
"""

from datetime import date, datetime
from decimal import Decimal

from flask import url_for

from grants.core.db import as_utc
from grants.core.i18n import money

CURRENCY = "KZT"
CENT = Decimal("0.01")


def decimal_str(value, places: Decimal = CENT) -> str | None:
    """Decimal('8250000') -> '8250000.00'; None stays None."""
    if value is None:
        return None
    return format(Decimal(value).quantize(places), "f")


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return value.isoformat()


def organisation(org) -> dict | None:
    if org is None:
        return None
    return {"bin": org.bin, "name": org.name}


def region(reg) -> dict | None:
    if reg is None:
        return None
    return {"kato": reg.kato, "name": reg.name}


def sphere(sph) -> dict | None:
    if sph is None:
        return None
    return {"code": sph.code, "name": sph.name}


def _localized(obj, field: str, languages=("ru", "kk")) -> dict:
    """{field: text in the reader's language (falling back), field_ru: ..., field_kk: ...}."""
    data = {field: obj.localized(field) or None}
    for lang in languages:
        data[f"{field}_{lang}"] = getattr(obj, f"{field}_{lang}", None)
    return data


def lot(item) -> dict:
    """A lot as listed in the registry."""
    return {
        "id": item.id,
        "number": item.number,
        "year": item.year,
        **_localized(item, "title", ("ru", "kk", "en")),
        "region": region(item.region),
        "administrator": organisation(item.administrator),
        "sphere": sphere(item.sphere),
        "budget": decimal_str(item.budget),
        "budget_formatted": money(item.budget),
        "currency": CURRENCY,
        "status": item.status.value,
        "status_title": item.status.title,
        "start_date": iso(item.start_date),
        "end_date": iso(item.end_date),
        "url": url_for("api.lot_detail", lot_id=item.id),
        "html_url": url_for("lots.show", lot_id=item.id),
    }


def lot_detail(item) -> dict:
    """A lot with its technical specification, linked needs and contracts."""
    data = lot(item)
    for field in ("description", "goal", "tasks", "expected_results", "target_group"):
        data.update(_localized(item, field))
    data["beneficiaries"] = item.beneficiaries
    data["indicators"] = [
        {
            "name": ind.name,
            "unit": ind.unit.value,
            "unit_title": ind.unit.title,
            "target": decimal_str(ind.target),
        }
        for ind in item.indicators
    ]
    data["public_needs"] = [{"id": need.id, "title": need.title} for need in item.needs]
    data["projects"] = [
        {
            "id": project.id,
            "contract_number": project.contract_number,
            "ngo": organisation(project.ngo),
            "amount": decimal_str(project.amount),
            "status": project.status.value,
            "url": url_for("api.project_detail", project_id=project.id),
        }
        for project in item.projects
    ]
    return data


def project(item) -> dict:
    """A contract with its lot, NGO and result indicators."""
    parent = item.lot
    return {
        "id": item.id,
        "contract_number": item.contract_number,
        "contract_date": iso(item.contract_date),
        "amount": decimal_str(item.amount),
        "amount_formatted": money(item.amount),
        "actual_amount": decimal_str(item.actual_amount),
        "currency": CURRENCY,
        "start_date": iso(item.start_date),
        "end_date": iso(item.end_date),
        "actual_end_date": iso(item.actual_end_date),
        "status": item.status.value,
        "status_title": item.status.title,
        "title": item.title,
        "lot": {
            "id": parent.id,
            "number": parent.number,
            "year": parent.year,
            "title": parent.title,
            "url": url_for("api.lot_detail", lot_id=parent.id),
        },
        "ngo": organisation(item.ngo),
        "beneficiaries_actual": item.beneficiaries_actual,
        "indicators": [
            {
                "name": ind.name,
                "unit": ind.unit.value,
                "unit_title": ind.unit.title,
                "period_start": iso(ind.period_start),
                "period_end": iso(ind.period_end),
                "baseline": decimal_str(ind.baseline),
                "target": decimal_str(ind.target),
                "actual": decimal_str(ind.actual),
                "achievement_percent": decimal_str(ind.achievement, Decimal("0.1")),
            }
            for ind in item.indicators
        ],
        "url": url_for("api.project_detail", project_id=item.id),
        "html_url": url_for("projects.show", project_id=item.id),
    }


def user(person) -> dict:
    org = person.organisation
    return {
        "id": person.id,
        "email": person.email,
        "full_name": person.full_name,
        "roles": sorted(r.value for r in person.roles),
        "organisation": None if org is None else {"id": org.id, "bin": org.bin, "name": org.name},
        "language": person.language,
    }
