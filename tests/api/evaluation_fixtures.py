"""A running campaign built with the workflow operations, for the evaluation API tests.

The campaign is organised by the demo ministry user's organisation and runs demo group 1
(chair@example.kz with member1..3) and group 2 (member4 and others). Group 1 evaluates:
- `project`: a project of the NGO of ngo@example.kz, to which no group member is affiliated;
- `affiliated`: a project of the NGO member2 sits on the board of (the recusal case);
- `lot`: a lot of the organiser with no public need linked yet.
Everything happens inside the test's transaction and is rolled back afterwards.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from grants.core.errors import today_local
from grants.councils.models import GroupMember, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotNeed
from grants.monitoring.defaults import LOT_RELEVANCE, PROJECT_EFFECTIVENESS
from grants.monitoring.models import Campaign, CampaignStatus, Criterion, Evaluation, Methodology, SubjectKind
from grants.monitoring.operations import assign, save_campaign, start_campaign
from grants.needs.models import PublicNeed
from grants.projects.models import Project
from tests.helpers import user

PROJECT_CODES = ("relevance", "plan_execution", "result", "sustainability", "social_effect")
SCORERS = ("member1", "member2", "member3")


def methodology(data: dict) -> Methodology:
    """The shipped default methodology (migration 0004), or the same rubric created here if it is missing."""
    found = db.session.scalar(
        select(Methodology)
        .where(Methodology.code == data["code"])
        .order_by(Methodology.version.desc())
        .limit(1)
    )
    if found is not None:
        return found
    item = Methodology(
        **{
            key: data[key]
            for key in (
                "code",
                "version",
                "name_ru",
                "name_kk",
                "name_en",
                "scale_min",
                "scale_max",
                "quorum",
                "disagreement_threshold",
                "comment_required_scores",
                "bands",
            )
        },
        kind=SubjectKind(data["kind"]),
        criteria=[
            Criterion(
                position=position,
                weight=Decimal(c["weight"]),
                **{
                    k: c.get(k)
                    for k in ("code", "name_ru", "name_kk", "name_en", "short_ru", "short_kk", "short_en")
                },
                descriptors=c["descriptors"],
            )
            for position, c in enumerate(data["criteria"])
        ],
    )
    db.session.add(item)
    db.session.flush()
    return item


def group_chaired_by(who: str) -> MonitoringGroup:
    group = db.session.scalar(select(MonitoringGroup).where(MonitoringGroup.chair_id == user(who).id))
    assert group is not None, f"the demo has no group chaired by {who}"
    return group


def group_of(who: str) -> MonitoringGroup:
    group = db.session.scalar(
        select(MonitoringGroup)
        .join(GroupMember, GroupMember.group_id == MonitoringGroup.id)
        .where(GroupMember.user_id == user(who).id)
        .order_by(MonitoringGroup.id)
        .limit(1)
    )
    assert group is not None, f"{who} sits in no demo group"
    return group


def organiser_projects(organisation_id: int):
    return db.session.scalars(
        select(Project)
        .join(Lot, Project.lot_id == Lot.id)
        .where(Lot.administrator_id == organisation_id)
        .order_by(Project.id.desc())
    ).all()


@dataclass
class EvaluationSetup:
    campaign: Campaign
    group: MonitoringGroup
    project: Evaluation  # no member affiliated with its NGO
    affiliated: Evaluation  # member2 is affiliated with its NGO
    lot: Evaluation
    free_need: PublicNeed  # not linked to the lot yet


def build_campaign() -> EvaluationSetup:
    ministry = user("ministry")
    group1, group2 = group_chaired_by("chair"), group_of("member4")
    assert group1 != group2
    members = {m.user.email for m in group1.memberships}
    assert {f"{who}@example.kz" for who in (*SCORERS, "chair")} <= members, "demo group 1 changed"

    today = today_local()
    campaign = save_campaign(
        Campaign(status=CampaignStatus.draft),
        {
            "name_ru": "Тестовая кампания API",
            "name_kk": "API сынақ науқаны",
            "name_en": "API test campaign",
            "period_start": today - timedelta(days=30),
            "period_end": today + timedelta(days=60),
            "scoring_deadline": today + timedelta(days=14),
            "review_deadline": today + timedelta(days=30),
            "reply_window_days": 10,
            "project_methodology_id": methodology(PROJECT_EFFECTIVENESS).id,
            "lot_methodology_id": methodology(LOT_RELEVANCE).id,
        },
        [group1.id, group2.id],
        ministry,
    )

    projects = organiser_projects(ministry.organisation_id)
    affiliated_bins = user("member2").affiliated_bins
    assert affiliated_bins, "member2 has no affiliation in the demo data"
    ngo_org = user("ngo").organisation_id
    plain = next(p for p in projects if p.ngo_id == ngo_org and p.ngo.bin not in affiliated_bins)
    tied = next(p for p in projects if p.ngo.bin in affiliated_bins)
    lot = db.session.scalar(
        select(Lot)
        .where(Lot.administrator_id == ministry.organisation_id, ~Lot.id.in_(select(LotNeed.lot_id)))
        .order_by(Lot.id.desc())
        .limit(1)
    )
    assert lot is not None, "every lot of the organiser already has a need"
    free_need = db.session.scalar(select(PublicNeed).order_by(PublicNeed.id).limit(1))
    assert free_need is not None

    evaluations = [assign(campaign, group1, subject, ministry) for subject in (plain, tied, lot)]
    start_campaign(campaign, ministry)
    db.session.commit()
    return EvaluationSetup(campaign, group1, *evaluations, free_need=free_need)
