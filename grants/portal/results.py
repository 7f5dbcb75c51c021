"""What the public may see of evaluations: published ones only (docs/domain.md#review-and-publication).

Every public page, the API and the NGO's own page read results through these helpers (or through
grants.reports.delivery.published_results), so drafts, evaluations in review or accepted but not yet
published, members' individual scorecards and review comments never leak.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from grants.core.db import as_utc
from grants.extensions import db
from grants.lots.models import Lot, LotNeed
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, SubjectKind
from grants.projects.models import Project
from grants.replies.models import Reply

PUBLISHED = EvaluationState.published

# What a lot's page and GET /api/v1/lots/<id> read of the lot, in two queries (its few indicators and
# needs joined to it; its contracts with their NGOs in a second).
LOT_DETAIL = (
    joinedload(Lot.administrator),
    joinedload(Lot.region),
    joinedload(Lot.sphere),
    joinedload(Lot.indicators),
    joinedload(Lot.need_links).joinedload(LotNeed.need),
    selectinload(Lot.projects).joinedload(Project.ngo),
)


def published() -> Select:
    """Published evaluations, newest publication first."""
    return select(Evaluation).where(Evaluation.state == PUBLISHED)


def _latest_by(column, ids: Iterable[int] | None, kind: SubjectKind) -> dict[int, Evaluation]:
    """The newest published evaluation of `kind` per value of `column`, for those ids (None: all)."""
    query = published().where(Evaluation.kind == kind, column.is_not(None))
    if ids is not None:
        ids = sorted({i for i in ids if i is not None})
        if not ids:
            return {}
        query = query.where(column.in_(ids))
    found: dict[int, Evaluation] = {}
    rows = db.session.scalars(
        query.options(joinedload(Evaluation.methodology)).order_by(
            Evaluation.published_at.desc(), Evaluation.id.desc()
        )
    )
    for evaluation in rows:
        found.setdefault(getattr(evaluation, column.key), evaluation)
    return found


def latest_for_lots(lot_ids: Iterable[int] | None = None) -> dict[int, Evaluation]:
    """The latest published relevance evaluation of each lot that has one, by lot id (lot_ids None: every lot)."""
    return _latest_by(Evaluation.lot_id, lot_ids, SubjectKind.lot)


def latest_for_projects(project_ids: Iterable[int] | None = None) -> dict[int, Evaluation]:
    """The latest published effectiveness evaluation of each project that has one, by project id (None: all)."""
    return _latest_by(Evaluation.project_id, project_ids, SubjectKind.project)


@dataclass
class CampaignResults:
    campaign: Campaign
    count: int
    projects: int
    lots: int
    last_published_at: object


def campaigns_with_results() -> list[CampaignResults]:
    """Campaigns with at least one published evaluation, the most recently published first."""
    rows = db.session.execute(
        select(
            Evaluation.campaign_id,
            func.count(Evaluation.id),
            func.count(Evaluation.id).filter(Evaluation.kind == SubjectKind.project),
            func.count(Evaluation.id).filter(Evaluation.kind == SubjectKind.lot),
            func.max(Evaluation.published_at),
        )
        .where(Evaluation.state == PUBLISHED)
        .group_by(Evaluation.campaign_id)
    ).all()
    campaigns = {  # with their organisers: the list names each one (one query, not one per organiser)
        c.id: c
        for c in db.session.scalars(
            select(Campaign)
            .where(Campaign.id.in_([r[0] for r in rows]))
            .options(selectinload(Campaign.organiser))
        )
    }
    found = [CampaignResults(campaigns[r[0]], r[1], r[2], r[3], r[4]) for r in rows if r[0] in campaigns]
    found.sort(key=lambda c: c.campaign.id, reverse=True)
    found.sort(
        key=lambda c: as_utc(c.last_published_at).timestamp() if c.last_published_at else 0, reverse=True
    )
    return found


def published_count(campaign_id: int) -> int:
    return db.session.scalar(
        select(func.count(Evaluation.id)).where(
            Evaluation.campaign_id == campaign_id, Evaluation.state == PUBLISHED
        )
    )


def ngo_projects(organisation_id: int | None) -> list[Project]:
    """Every project of the NGO, newest first, with lots and indicators loaded."""
    if organisation_id is None:
        return []
    return list(
        db.session.scalars(
            select(Project)
            .where(Project.ngo_id == organisation_id)
            .options(selectinload(Project.lot), selectinload(Project.indicators))
            .order_by(Project.start_date.desc(), Project.id.desc())
        )
    )


def published_for_projects(project_ids: Iterable[int]) -> dict[int, list[Evaluation]]:
    """Every published evaluation of each project, newest first, by project id."""
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    found: dict[int, list[Evaluation]] = {}
    rows = db.session.scalars(
        published()
        .where(Evaluation.project_id.in_(ids))
        .options(selectinload(Evaluation.methodology), selectinload(Evaluation.campaign))
        .order_by(Evaluation.published_at.desc(), Evaluation.id.desc())
    )
    for evaluation in rows:
        found.setdefault(evaluation.project_id, []).append(evaluation)
    return found


def published_state_key(campaign_id: int) -> tuple:
    """What a public summary of the campaign depends on: its published evaluations and ruled replies."""
    published_evaluations = published().where(Evaluation.campaign_id == campaign_id).subquery()
    count, last = db.session.execute(
        select(func.count(published_evaluations.c.id), func.max(published_evaluations.c.published_at))
    ).one()
    ruled = db.session.scalar(
        select(func.count(Reply.id)).where(
            Reply.evaluation_id.in_(select(published_evaluations.c.id)), Reply.ruling.is_not(None)
        )
    )
    return count, str(last), ruled
