"""The demo's running monitoring campaign: group 1 (chair, member1–member3) has a project and a lot
to evaluate end to end, a second project on which member2 is recused by affiliation, and group 2
(member4) has a project of its own."""

from datetime import timedelta

from sqlalchemy import select

from grants.core.errors import today_local
from grants.extensions import db
from grants.lots.models import Lot, LotStatus
from grants.monitoring.models import Campaign, CampaignStatus, Methodology
from grants.monitoring.operations import assign, start_campaign
from grants.projects.models import Project

CAMPAIGN = {
    "name_ru": "Мониторинг социального заказа г. Астаны, 2026 год",
    "name_kk": "Астана қаласының әлеуметтік тапсырысын мониторингтеу, 2026 жыл",
    "name_en": "Monitoring of Astana's social order, 2026",
}


def _methodology(code: str) -> Methodology | None:
    return db.session.scalar(
        select(Methodology)
        .where(Methodology.code == code, Methodology.active.is_(True))
        .order_by(Methodology.version.desc())
    )


def seed_campaign(users: dict, groups: list) -> Campaign | None:
    """Create the campaign once (dates relative to the day it is first loaded); later runs change nothing."""
    ministry = users["ministry@example.kz"]
    existing = db.session.scalar(select(Campaign).where(Campaign.name_ru == CAMPAIGN["name_ru"]))
    if existing is not None:
        return existing
    project_method, lot_method = _methodology("project_effectiveness"), _methodology("lot_relevance")
    if project_method is None or lot_method is None:
        return None  # the default methodologies come with the migrations
    today = today_local()
    campaign = Campaign(
        **CAMPAIGN,
        organiser_id=ministry.organisation_id,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        scoring_deadline=today + timedelta(days=30),
        review_deadline=today + timedelta(days=45),
        reply_window_days=10,
        project_methodology=project_method,
        lot_methodology=lot_method,
        status=CampaignStatus.draft,
        created_by_id=ministry.id,
    )
    group1, group2 = groups[0], groups[1]
    campaign.groups = [group1, group2]
    db.session.add(campaign)
    db.session.flush()

    affiliated = users["member2@example.kz"].affiliated_bins
    projects = db.session.scalars(
        select(Project)
        .join(Lot)
        .where(Lot.administrator_id == ministry.organisation_id)
        .order_by(Project.contract_number)
    ).all()
    free = [p for p in projects if p.ngo.bin not in affiliated]
    tied = [p for p in projects if p.ngo.bin in affiliated]
    lot = db.session.scalar(
        select(Lot)
        .where(
            Lot.administrator_id == ministry.organisation_id,
            Lot.status.in_([LotStatus.in_implementation, LotStatus.awarded]),
        )
        .order_by(Lot.year.desc(), Lot.number)
    )
    for group, subject in (
        (group1, free[0]),
        (group1, lot),
        (group1, tied[0] if tied else None),
        (group2, free[1]),
    ):
        if subject is not None:
            assign(campaign, group, subject, ministry)
    start_campaign(campaign, ministry)
    return campaign
