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
INDEX_PLACES = Decimal("0.1")


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


def lot(item, latest=None) -> dict:
    """A lot as listed in the registry; latest: its latest published relevance evaluation, if any."""
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
        "latest_index": decimal_str(latest.index_value, INDEX_PLACES) if latest is not None else None,
        "latest_band": band(latest) if latest is not None else None,
    }


def band(evaluation) -> dict | None:
    """{code, title} of a published evaluation's rating band, or None."""
    if evaluation.band is None:
        return None
    return {"code": evaluation.band, "title": evaluation.methodology.band_title(evaluation.band)}


def published_result(item) -> dict:
    """A published evaluation as the public sees it (item: grants.reports.views.PublishedResult):
    per-criterion means and official sums of the group, never a member's own scores or review comments."""
    evaluation, result = item.evaluation, item.result
    subject = evaluation.project
    data = {
        "id": evaluation.id,
        "evaluation_id": evaluation.id,
        "kind": evaluation.kind.value,
        "kind_title": evaluation.kind.title,
        "campaign": {"id": evaluation.campaign.id, "name": evaluation.campaign.name},
        "project": None
        if subject is None
        else {
            "id": subject.id,
            "contract_number": subject.contract_number,
            "ngo": organisation(subject.ngo),
            "url": url_for("api.project_detail", project_id=subject.id),
        },
        "methodology": {
            "code": evaluation.methodology.code,
            "version": evaluation.methodology.version,
            "name": evaluation.methodology.name,
        },
        "index": decimal_str(evaluation.index_value, INDEX_PLACES),
        "band": band(evaluation),
        "criteria": [],
        "official_total": result.official_total,
        "findings": evaluation.findings,
        "recommendations": evaluation.recommendations,
        "published_at": iso(evaluation.published_at),
        "reports": {
            lang: {"url": url_for("reports.download", report_id=report.id), "sha256": report.sha256}
            for lang, report in item.finals.items()
        },
    }
    for criterion in evaluation.methodology.criteria:
        agg = result.aggregates.get(criterion.code)
        row = evaluation.conclusion(criterion.code)
        data["criteria"].append(
            {
                "code": criterion.code,
                "name": criterion.name,
                "weight": decimal_str(criterion.weight),
                "mean": decimal_str(agg.mean_display) if agg is not None else None,
                "sum": agg.total if agg is not None else 0,
                "conclusion": (row.conclusion or None) if row is not None else None,
            }
        )
    return data


def lot_detail(item, latest=None, results=(), project_latest=None) -> dict:
    """A lot with its technical specification, linked needs, contracts and published results."""
    project_latest = project_latest or {}
    data = lot(item, latest)
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
            "latest_index": decimal_str(project_latest[project.id].index_value, INDEX_PLACES)
            if project.id in project_latest
            else None,
            "latest_band": band(project_latest[project.id]) if project.id in project_latest else None,
        }
        for project in item.projects
    ]
    data["results"] = [published_result(result) for result in results]
    return data


def project(item, results=()) -> dict:
    """A contract with its lot, NGO, result indicators and published evaluations."""
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
        "public_needs": [{"id": need.id, "title": need.title} for need in parent.needs],
        "results": [published_result(result) for result in results],
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


# --- evaluations ------------------------------------------------------------------------------

def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.id, "name": obj.name}


def _person(person) -> dict | None:
    return None if person is None else {"id": person.id, "full_name": person.full_name}


def scorecard_status(card, affiliated: bool = False) -> str:
    """not_declared, draft, submitted, not_submitted (scoring closed without it) or recused."""
    if (card is None and affiliated) or (card is not None and card.recused):
        return "recused"
    if card is None or not card.declared:
        return "not_declared"
    if card.submitted_at is not None:
        return "submitted"
    return "not_submitted" if card.not_submitted else "draft"


def card_scores(card) -> dict:
    return {
        s.criterion_code: {"score": s.score, "comment": s.comment}
        for s in sorted(card.scores, key=lambda s: s.criterion_code)
    }


def scorecard(card) -> dict:
    """The caller's own scorecard, drafts included."""
    return {
        "member": _person(card.member),
        "status": scorecard_status(card),
        "conflict_of_interest": card.conflict_of_interest,
        "conflict_note": card.conflict_note,
        "declared_at": iso(card.declared_at),
        "recused": card.recused,
        "recusal_reason": card.recusal_reason.value if card.recusal_reason else None,
        "recusal_reason_title": card.recusal_reason.title if card.recusal_reason else None,
        "submitted_at": iso(card.submitted_at),
        "reopened_at": iso(card.reopened_at),
        "scores": card_scores(card),
    }


def others_scorecard(card) -> dict:
    """Another member's card as the group sees it: scores only once submitted, never a draft."""
    shown = card.counts
    return {
        "member": _person(card.member),
        "status": scorecard_status(card),
        "submitted": card.submitted_at is not None,
        "submitted_at": iso(card.submitted_at),
        "recused": card.recused,
        "scores": card_scores(card) if shown else {},
    }


def methodology(item) -> dict:
    return {
        "id": item.id,
        "code": item.code,
        "version": item.version,
        "kind": item.kind.value,
        "name": item.name,
        "scale_min": item.scale_min,
        "scale_max": item.scale_max,
        "quorum": item.quorum,
        "disagreement_threshold": item.disagreement_threshold,
        "comment_required_scores": sorted(item.comment_required_scores or []),
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "short": c.short,
                "weight": decimal_str(c.weight),
                "descriptors": {level: c.descriptor(level) for level in sorted(c.descriptors or {}, key=int)},
            }
            for c in item.criteria
        ],
        "bands": [
            {"min": decimal_str(minimum), "code": code, "title": item.band_title(code)}
            for minimum, code in item.band_pairs()
        ],
    }


def _lot_ref(item) -> dict:
    return {"id": item.id, "number": item.number, "year": item.year, "title": item.title}


def evaluation_subject(evaluation) -> dict:
    if evaluation.project is not None:
        item = evaluation.project
        return {
            "id": item.id,
            "contract_number": item.contract_number,
            "title": item.title,
            "ngo": organisation(item.ngo),
            "lot": _lot_ref(item.lot),
            "url": url_for("api.project_detail", project_id=item.id),
        }
    item = evaluation.lot
    return {
        **_lot_ref(item),
        "public_needs": [
            {"id": link.need.id, "title": link.need.title, "reason": link.reason}
            for link in sorted(item.need_links, key=lambda link: link.need_id)
        ],
        "url": url_for("api.lot_detail", lot_id=item.id),
    }


def evaluation_summary(evaluation, card=None, member: bool = False, affiliated: bool = False) -> dict:
    """An evaluation as listed; scorecard_status is the caller's (null when not a member of the group)."""
    return {
        "id": evaluation.id,
        "kind": evaluation.kind.value,
        "state": evaluation.state.value,
        "state_title": evaluation.state.title,
        "deadline": iso(evaluation.deadline),
        "title": evaluation.title,
        "campaign": _ref(evaluation.campaign),
        "group": _ref(evaluation.group),
        "scorecard_status": scorecard_status(card, affiliated) if member else None,
        "url": url_for("api.evaluation_detail", evaluation_id=evaluation.id),
    }


def aggregates(result) -> dict:
    return {
        code: {
            "mean": decimal_str(agg.mean_display),
            "total": agg.total,
            "min": agg.minimum,
            "max": agg.maximum,
            "n": agg.n,
            "flagged": agg.flagged,
        }
        for code, agg in result.aggregates.items()
    }


def evaluation_detail(evaluation, user, card, result, permissions: dict, show_scores: bool) -> dict:
    """An evaluation for one caller: scores of others only when show_scores (decided by the view)."""
    group = evaluation.group
    data = {
        **evaluation_summary(evaluation),
        "campaign": _ref(evaluation.campaign),
        "group": {
            "id": group.id,
            "name": group.name,
            "chair": _person(group.chair),
            "members": [_person(m.user) for m in sorted(group.memberships, key=lambda m: m.user_id)],
        },
        "subject": evaluation_subject(evaluation),
        "methodology": methodology(evaluation.methodology),
        "scoring_closed_at": iso(evaluation.scoring_closed_at),
        "finalized_at": iso(evaluation.finalized_at),
        "my_scorecard": None if card is None else scorecard(card),
        "permissions": permissions,
    }
    del data["scorecard_status"]
    if not show_scores:
        return data
    final = evaluation.index_value is not None
    index = evaluation.index_value if final else result.index
    band_code = evaluation.band if final else result.band
    data.update(
        aggregates=aggregates(result),
        index=decimal_str(index, INDEX_PLACES),
        band=band_code,
        band_title=evaluation.methodology.band_title(band_code) or None,
        official_total=result.official_total,
        quorum=result.quorum,
        quorum_met=result.quorum_met,
        submitted=result.submitted,
        recused=result.recused,
        scorecards=[others_scorecard(c) for c in evaluation.scorecards if c.member_id != user.id],
    )
    if evaluation.state.value not in ("draft", "scoring"):
        data.update(
            conclusions={c.criterion_code: c.conclusion for c in evaluation.conclusions if c.conclusion},
            consensus_notes={
                c.criterion_code: c.consensus_note for c in evaluation.conclusions if c.consensus_note
            },
            findings=evaluation.findings,
            recommendations=evaluation.recommendations,
        )
    return data
