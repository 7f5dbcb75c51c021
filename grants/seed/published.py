"""The demo's finished campaign: Astana's 2025 projects, evaluated by group 1, reviewed and published, so
the public portal has results and the demo NGO (ngo@example.kz) can use its right of reply."""

from datetime import date

from sqlalchemy import select

from grants.core.errors import today_local
from grants.extensions import db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Campaign, CampaignStatus
from grants.projects.models import Project
from grants.reports.operations import publish, review
from grants.scoring import operations as scoring
from grants.seed.campaign import _methodology

CAMPAIGN = {
    "name_ru": "Мониторинг социального заказа г. Астаны, 2025 год",
    "name_kk": "Астана қаласының әлеуметтік тапсырысын мониторингтеу, 2025 жыл",
    "name_en": "Monitoring of Astana's social order, 2025",
}
# member → scores per criterion, in the methodology's order (project: 5 criteria, lot: as many as it has)
PROJECT_SCORES = {"member1": (4, 4, 3, 4, 3), "member2": (4, 5, 3, 4, 4), "member3": (3, 4, 4, 4, 3)}
LOT_SCORES = {"member1": (5, 4, 4, 4, 4), "member2": (4, 4, 5, 4, 4), "member3": (4, 5, 4, 4, 4)}
COMMENTS = {
    3: "Частично подтверждено документами; данные о результатах неполные.",
    4: "Подтверждено отчётом НПО и выездом на место.",
    5: "Полностью подтверждено: отчёты, фото и отзывы участников.",
}
PROJECT_FINDINGS = (
    "1. Мероприятия плана выполнены, охват молодёжи соответствует договору.\n"
    "2. Показатель «доля участников, изменивших отношение к ПАВ» подтверждён только анкетами самой НПО.\n"
    "3. Устойчивость результатов после завершения финансирования не обеспечена."
)
PROJECT_RECOMMENDATIONS = (
    "1. Привлекать независимую оценку результатов (опрос третьей стороной).\n"
    "2. Закрепить волонтёрские клубы при школах для продолжения работы после проекта."
)
LOT_FINDINGS = "Тема лота отвечает задокументированной потребности: рост правонарушений среди подростков."
LOT_RECOMMENDATIONS = "Сохранить тему в плане закупа на 2026 год с увеличением охвата районов."


def _score(evaluation, users: dict, table: dict) -> None:
    codes = evaluation.methodology.codes
    for who, scores in table.items():
        member = users[f"{who}@example.kz"]
        scoring.declare(evaluation, member, False)
        values = (list(scores) + [4] * len(codes))[: len(codes)]
        scoring.save_draft(
            evaluation,
            member,
            {c: {"score": s, "comment": COMMENTS[s]} for c, s in zip(codes, values, strict=True)},
        )
        scoring.submit(evaluation, member)


def seed_published_campaign(users: dict, groups: list) -> Campaign | None:
    """Create, score, review and publish the 2025 campaign once; later runs change nothing."""
    existing = db.session.scalar(select(Campaign).where(Campaign.name_ru == CAMPAIGN["name_ru"]))
    if existing is not None:
        return existing
    ministry, chair, ngo = users["ministry@example.kz"], users["chair@example.kz"], users["ngo@example.kz"]
    project_method, lot_method = _methodology("project_effectiveness"), _methodology("lot_relevance")
    project = db.session.scalar(
        select(Project)
        .where(Project.ngo_id == ngo.organisation_id, Project.contract_number.like("%-2025-%"))
        .order_by(Project.contract_number)
    )
    if project is None or project_method is None or lot_method is None:
        return None
    campaign = Campaign(
        **CAMPAIGN,
        organiser_id=ministry.organisation_id,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        scoring_deadline=today_local(),
        reply_window_days=10,
        project_methodology=project_method,
        lot_methodology=lot_method,
        status=CampaignStatus.draft,
        created_by_id=ministry.id,
    )
    campaign.groups = [groups[0]]
    db.session.add(campaign)
    db.session.flush()
    evaluations = [
        (
            workflow.assign(campaign, groups[0], project, ministry),
            PROJECT_SCORES,
            PROJECT_FINDINGS,
            PROJECT_RECOMMENDATIONS,
        ),
        (
            workflow.assign(campaign, groups[0], project.lot, ministry),
            LOT_SCORES,
            LOT_FINDINGS,
            LOT_RECOMMENDATIONS,
        ),
    ]
    workflow.start_campaign(campaign, ministry)
    for evaluation, table, findings, recommendations in evaluations:
        _score(evaluation, users, table)
        codes = evaluation.methodology.codes
        workflow.finalize(
            evaluation,
            chair,
            {
                "findings": findings,
                "recommendations": recommendations,
                "conclusions": {c: "Оценка группы подтверждена документами и выездом." for c in codes},
                "consensus_notes": {},
            },
        )
        review(evaluation, ministry, "accept", "Замечаний нет.")
        publish(evaluation, ministry)
    campaign.status = CampaignStatus.closed
    db.session.flush()
    return campaign
