"""Helpers shared by the methodology and campaign page tests.

Objects come from the demo database where it has them; what a test needs beyond that is
created inside the test's transaction (rolled back afterwards).
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from grants.councils.models import MonitoringGroup
from grants.extensions import db
from grants.monitoring.defaults import LOT_RELEVANCE, PROJECT_EFFECTIVENESS
from grants.monitoring.models import Campaign, Criterion, Methodology, SubjectKind
from grants.monitoring.operations import save_campaign
from tests.factories import ministry

DEFAULTS = {SubjectKind.project: PROJECT_EFFECTIVENESS, SubjectKind.lot: LOT_RELEVANCE}


def make_methodology(kind: SubjectKind = SubjectKind.project, code: str | None = None) -> Methodology:
    """A new version-1 methodology built from the shipped default of its kind (unused by anything)."""
    source = DEFAULTS[kind]
    code = code or f"test_{kind.value}_rubric"
    methodology = Methodology(
        code=code,
        version=1,
        kind=kind,
        active=True,
        **{key: source[key] for key in (
            "name_ru", "name_kk", "name_en", "scale_min", "scale_max", "quorum", "disagreement_threshold",
            "comment_required_scores", "bands",
        )},
    )  # fmt: skip
    methodology.criteria = [
        Criterion(
            position=position,
            weight=Decimal(c["weight"]),
            **{
                key: c[key]
                for key in (
                    "code",
                    "name_ru",
                    "name_kk",
                    "name_en",
                    "short_ru",
                    "short_kk",
                    "short_en",
                    "descriptors",
                )
            },
        )  # fmt: skip
        for position, c in enumerate(source["criteria"])
    ]
    db.session.add(methodology)
    db.session.flush()
    return methodology


def methodology_of(kind: SubjectKind) -> Methodology:
    """The active shipped methodology of the kind (the data migration's), or a new one if the DB has none."""
    found = db.session.scalar(
        select(Methodology)
        .where(Methodology.kind == kind, Methodology.active.is_(True))
        .order_by(Methodology.id)
        .limit(1)
    )
    return found or make_methodology(kind)


def own_group() -> MonitoringGroup:
    """The demo group organised by the ministry user's body (chair, member1..member3)."""
    group = db.session.scalar(
        select(MonitoringGroup)
        .where(MonitoringGroup.organiser_id == ministry().organisation_id)
        .order_by(MonitoringGroup.id)
        .limit(1)
    )
    assert group is not None, "the demo needs a group organised by the ministry user's body"
    return group


def campaign_data(**overrides) -> dict:
    data = {
        "name_ru": "Астана 2026, I полугодие (тест)",
        "name_kk": "Астана 2026, I жартыжылдық (тест)",
        "name_en": "Astana 2026, H1 (test)",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "scoring_deadline": date(2026, 6, 15),
        "review_deadline": None,
        "reply_window_days": 10,
        "project_methodology_id": methodology_of(SubjectKind.project).id,
        "lot_methodology_id": methodology_of(SubjectKind.lot).id,
    }
    data.update(overrides)
    return data


def make_campaign(groups: list[MonitoringGroup] | None = None, **overrides) -> Campaign:
    """A draft campaign of the ministry user's body, made through the operation."""
    groups = groups if groups is not None else [own_group()]
    campaign = save_campaign(Campaign(), campaign_data(**overrides), [g.id for g in groups], ministry())
    db.session.flush()
    return campaign
