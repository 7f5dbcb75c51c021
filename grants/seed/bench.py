"""The benchmark data set (`flask --app grants seed-bench`): lots and projects across regions and years,
and optionally monitoring campaigns with evaluations, scorecards and scores (`--scores N`), the NGOs'
replies to published evaluations and the councils' recommendations; deterministic and idempotent, built from the demo's regions, topics and spheres. Everything is inserted
in bulk (Core `insert()` with lists of rows), never as ORM objects per row (docs/analytics.md#performance,
docs/performance.md#the-benchmark-data-set).
"""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import insert, select, text

from grants.accounts.models import Role, User, UserRole
from grants.cooperation.models import Recommendation, RecommendationStatus
from grants.councils.models import Council, CouncilLevel, GroupMember, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotStatus, Sphere
from grants.monitoring.models import (
    Campaign,
    CampaignStatus,
    Evaluation,
    EvaluationState,
    Methodology,
    SubjectKind,
    campaign_groups,
)
from grants.monitoring.results import WITHIN_PLACES
from grants.monitoring.rules import agreement_sums, band, round_half_up, weighted_index
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project, ProjectStatus
from grants.replies.models import Reply, Ruling
from grants.scoring.models import Score, Scorecard
from grants.seed.data.bins import demo_bin
from grants.seed.data.lot_plan import TOPICS
from grants.seed.data.spheres import SPHERES
from grants.seed.demo import load_regions

BENCH_YEARS = (2021, 2022, 2023, 2024, 2025, 2026)
BENCH_PREFIX = "BENCH"
ADMIN_YYMM, NGO_YYMM = "9703", "9704"  # BIN prefixes no demo organisation uses
NGOS_PER_REGION = 20
MEMBERS_PER_GROUP = 5
MAX_LOTS = 20000
MAX_PROJECTS_PER_LOT = 4  # contracts awarded under one lot (a lot split between several NGOs)
AWARDED_SHARE = 0.8  # lots with at least one contract when there are more projects than lots
REPLY_SHARE = 0.15  # published project evaluations the NGO answers (one or two replies)
RECOMMENDATION_SHARE = 0.3  # published evaluations the region's council turns into a recommendation
CHUNK = 2000  # evaluations per batch of inserts (with their scorecards and scores)
UNUSABLE_PASSWORD = "!bench"  # no password hash matches it: bench members cannot sign in


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
    contracts = _contracts_per_lot(rng, n_lots, n_projects)
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
        awarded = contracts.get(i, 0) > 0
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
        for k in range(contracts.get(i, 0)):
            ngo = ngos[region_index * NGOS_PER_REGION + rng.randrange(NGOS_PER_REGION)]
            share = budget / contracts[i]
            amount = (share * Decimal(rng.randint(90, 100)) / 100).quantize(Decimal("0.01"))
            projects.append(
                {
                    "key": (number, year),
                    # the first contract of a lot keeps the number it had when a lot had one at most
                    "contract_number": f"{BENCH_PREFIX}-{year}-{i + 1:04d}" + (f"-{k + 1}" if k else ""),
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


def _contracts_per_lot(rng: random.Random, n_lots: int, n_projects: int) -> dict[int, int]:
    """How many contracts each lot (by index) has. Up to one per lot: n_projects lots drawn at random,
    one contract each (as the data set always had). More projects than lots: AWARDED_SHARE of the lots
    (more if needed) have one contract each, and the rest are spread over them at random, at most
    MAX_PROJECTS_PER_LOT per lot."""
    if n_projects > n_lots * MAX_PROJECTS_PER_LOT:
        raise ValueError(
            f"at most {MAX_PROJECTS_PER_LOT} projects per lot: {n_projects} projects, {n_lots} lots"
        )
    if n_projects <= n_lots:
        return dict.fromkeys(rng.sample(range(n_lots), n_projects), 1)
    awarded = max(round(n_lots * AWARDED_SHARE), -(-n_projects // MAX_PROJECTS_PER_LOT))
    counts = dict.fromkeys(rng.sample(range(n_lots), awarded), 1)
    open_lots = sorted(counts)
    for _extra in range(n_projects - awarded):
        k = rng.randrange(len(open_lots))
        lot = open_lots[k]
        counts[lot] += 1
        if counts[lot] == MAX_PROJECTS_PER_LOT:
            open_lots[k] = open_lots[-1]
            open_lots.pop()
    return counts


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


# --- campaigns, evaluations, scorecards and scores ------------------------------------------------


def load_bench_scores(n_scores: int) -> dict[str, int]:
    """Campaigns (one per region, year and round) whose groups evaluate the bench projects and lots,
    until about n_scores criterion scores exist (the last evaluation completes its scorecards).

    Most evaluations are published with their index, band and alpha; one in ten is accepted and not
    yet published. The index, band and agreement sums follow from the scores (grants/monitoring/rules.py);
    alpha is a deterministic stand-in. Subjects are taken in a fixed order, projects and lots interleaved; when
    every subject has been evaluated once a further round of campaigns evaluates them again.
    Idempotent: existing evaluations (campaign and subject) are kept with their scores.
    """
    none = {
        "campaigns": 0,
        "evaluations": 0,
        "scorecards": 0,
        "scores": 0,
        "replies": 0,
        "recommendations": 0,
    }
    if n_scores <= 0:
        return none
    project_method = _methodology("project_effectiveness")
    lot_method = _methodology("lot_relevance")
    regions = sorted(load_regions().values(), key=lambda r: r.kato)
    admins = dict(
        db.session.execute(
            select(Organisation.region_id, Organisation.id).where(Organisation.bin.like(f"{ADMIN_YYMM}%"))
        ).all()
    )
    members = _ensure_members(regions)
    groups = _ensure_groups(regions, members, admins)
    councils = _ensure_councils(regions, admins)
    ngo_users = _ensure_ngo_users()

    subjects = _subjects()
    if not subjects:
        return none
    per_evaluation = {
        SubjectKind.project: MEMBERS_PER_GROUP * len(project_method.criteria),
        SubjectKind.lot: MEMBERS_PER_GROUP * len(lot_method.criteria),
    }
    plan, planned = [], 0  # (round, subject)
    while planned < n_scores:
        for subject in subjects:
            if planned >= n_scores:
                break
            plan.append((len(plan) // len(subjects), subject))
            planned += per_evaluation[subject[0]]
    rounds = plan[-1][0] + 1
    campaigns, added_campaigns = _ensure_campaigns(
        regions, rounds, admins, groups, project_method, lot_method
    )

    counts = none | {"campaigns": added_campaigns}
    people = {"members": members, "councils": councils, "ngo_users": ngo_users}
    for start in range(0, len(plan), CHUNK):
        _insert_evaluations(
            plan[start : start + CHUNK], start, campaigns, groups, people, project_method, lot_method, counts
        )
    db.session.flush()
    return counts


def _methodology(code: str) -> Methodology:
    found = db.session.scalar(
        select(Methodology).where(Methodology.code == code).order_by(Methodology.version.desc()).limit(1)
    )
    if found is None:
        raise ValueError(f"methodology {code} is missing: run `flask db upgrade` first")
    return found


def _ensure_members(regions) -> dict[int, list[int]]:
    """Five bench members (no usable password) per region: {region id: [user ids]}."""
    rows = [
        {
            "email": f"bench-member-{r.kato}-{k + 1}@bench.invalid",
            "password_hash": UNUSABLE_PASSWORD,
            "full_name": f"Бенчмарк {r.kato} {k + 1}",
            "language": "ru",
        }
        for r in regions
        for k in range(MEMBERS_PER_GROUP)
    ]
    _insert_missing(User, rows, "email")
    ids = dict(db.session.execute(select(User.email, User.id).where(User.email.like("bench-member-%"))).all())
    have_role = set(
        db.session.scalars(
            select(UserRole.user_id).where(UserRole.user_id.in_(ids.values()), UserRole.role == Role.member)
        )
    )
    roles = [{"user_id": i, "role": Role.member} for i in sorted(ids.values()) if i not in have_role]
    if roles:
        db.session.execute(insert(UserRole), roles)
    return {
        r.id: [ids[f"bench-member-{r.kato}-{k + 1}@bench.invalid"] for k in range(MEMBERS_PER_GROUP)]
        for r in regions
    }


def _ensure_groups(regions, members: dict[int, list[int]], admins: dict[int, int]) -> dict[int, int]:
    """One monitoring group per region chaired by its first bench member: {region id: group id}."""
    names = {r.id: f"Бенчмарк-группа {r.kato}" for r in regions}
    found = dict(
        db.session.execute(
            select(MonitoringGroup.name_ru, MonitoringGroup.id).where(
                MonitoringGroup.name_ru.in_(names.values())
            )
        ).all()
    )
    missing = [
        {
            "name_ru": names[r.id],
            "name_kk": f"Бенчмарк тобы {r.kato}",
            "name_en": f"Bench group {r.kato}",
            "chair_id": members[r.id][0],
            "organiser_id": admins.get(r.id),
        }
        for r in regions
        if names[r.id] not in found
    ]
    if missing:
        db.session.execute(insert(MonitoringGroup), missing)
        found = dict(
            db.session.execute(
                select(MonitoringGroup.name_ru, MonitoringGroup.id).where(
                    MonitoringGroup.name_ru.in_(names.values())
                )
            ).all()
        )
        db.session.execute(
            insert(GroupMember),
            [
                {"group_id": found[row["name_ru"]], "user_id": user_id}
                for row in missing
                for user_id in members[next(r.id for r in regions if names[r.id] == row["name_ru"])]
            ],
        )
    return {r.id: found[names[r.id]] for r in regions}


def _subjects() -> list[tuple[SubjectKind, int, int, int, int, int]]:
    """(kind, subject id, lot id, region id, year, organisation answering for it: the NGO of a project,
    the administrator of a lot) of every bench project and lot, interleaved."""
    projects = db.session.execute(
        select(Project.id, Lot.id, Lot.region_id, Lot.year, Project.ngo_id)
        .join(Lot, Lot.id == Project.lot_id)
        .where(Project.contract_number.like(f"{BENCH_PREFIX}-%"))
        .order_by(Project.id)
    ).all()
    lots = db.session.execute(
        select(Lot.id, Lot.id, Lot.region_id, Lot.year, Lot.administrator_id)
        .where(Lot.number.like(f"{BENCH_PREFIX}-%"))
        .order_by(Lot.id)
    ).all()
    out = []
    for i in range(max(len(projects), len(lots))):
        if i < len(projects):
            out.append((SubjectKind.project, *projects[i]))
        if i < len(lots):
            out.append((SubjectKind.lot, *lots[i]))
    return out


def _ensure_campaigns(regions, rounds, admins, groups, project_method, lot_method):
    """A campaign per region, bench year and round: {(region id, year, round): campaign id}."""
    wanted = {}
    for r in regions:
        for year in BENCH_YEARS:
            for k in range(rounds):
                wanted[(r.id, year, k)] = {
                    "name_ru": f"Бенчмарк-кампания {r.kato} {year} #{k + 1}",
                    "name_kk": f"Бенчмарк науқаны {r.kato} {year} #{k + 1}",
                    "name_en": f"Bench campaign {r.kato} {year} #{k + 1}",
                    "organiser_id": admins[r.id],
                    "period_start": date(year, 1, 1),
                    "period_end": date(year + 1, 3, 31),
                    "scoring_deadline": date(year + 1, 2, 1),
                    "review_deadline": date(year + 1, 3, 1),
                    "reply_window_days": 10,
                    "project_methodology_id": project_method.id,
                    "lot_methodology_id": lot_method.id,
                    "status": CampaignStatus.running if year == BENCH_YEARS[-1] else CampaignStatus.closed,
                }
    names = [row["name_ru"] for row in wanted.values()]
    added = _insert_missing(Campaign, list(wanted.values()), "name_ru")
    ids = dict(
        db.session.execute(select(Campaign.name_ru, Campaign.id).where(Campaign.name_ru.in_(names))).all()
    )
    linked = set(
        db.session.execute(
            select(campaign_groups.c.campaign_id, campaign_groups.c.group_id).where(
                campaign_groups.c.campaign_id.in_(ids.values())
            )
        ).all()
    )
    links = [
        {"campaign_id": ids[row["name_ru"]], "group_id": groups[region_id]}
        for (region_id, _year, _k), row in wanted.items()
        if (ids[row["name_ru"]], groups[region_id]) not in linked
    ]
    if links:
        db.session.execute(insert(campaign_groups), links)
    return {key: ids[row["name_ru"]] for key, row in wanted.items()}, added


def _insert_evaluations(batch, offset, campaigns, groups, people, project_method, lot_method, counts):
    """One batch of the plan: evaluations, then their scorecards, their scores, the NGOs' replies and
    the councils' recommendations."""
    members = people["members"]
    methods = {SubjectKind.project: project_method, SubjectKind.lot: lot_method}
    criteria = {kind: [(c.code, c.weight) for c in m.criteria] for kind, m in methods.items()}
    rows, cards, extras = [], {}, {}
    for n, (k, (kind, subject_id, lot_id, region_id, year, org_id)) in enumerate(batch, start=offset):
        rng = random.Random(n * 7919 + 17)  # one stream per planned evaluation: the same on every run
        method = methods[kind]
        level = rng.choice((2, 3, 3, 4, 4, 4, 5))  # how good the subject is, around which members score
        scores = [
            {code: min(method.scale_max, max(method.scale_min, level + rng.choice((-1, 0, 0, 1))))
             for code, _weight in criteria[kind]}
            for _member in range(MEMBERS_PER_GROUP)
        ]  # fmt: skip
        means = {
            code: Fraction(sum(card[code] for card in scores), len(scores)) for code, _w in criteria[kind]
        }
        index = weighted_index(means, dict(criteria[kind]), method.scale_max)
        # the agreement sums finalize stores with the index (grants.monitoring.results.store_result)
        sums = agreement_sums([[card[code] for card in scores] for code, _w in criteria[kind]])
        published = rng.random() >= 0.1
        closed = datetime(year + 1, 2, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=n % 1440)
        key = f"{kind.value}:{subject_id}"
        rows.append(
            {
                "subject_key": key,
                "campaign_id": campaigns[(region_id, year, k)],
                "group_id": groups[region_id],
                "kind": kind,
                "project_id": subject_id if kind == SubjectKind.project else None,
                "lot_id": lot_id,
                "methodology_id": method.id,
                "state": EvaluationState.published if published else EvaluationState.accepted,
                "deadline": date(year + 1, 2, 1),
                "index_value": round_half_up(index, 1),
                "band": band(index, method.band_pairs()),
                "alpha": Decimal(rng.randint(4500, 9600)) / 10000,
                "agreement_values": sums.values,
                "agreement_total": sums.total,
                "agreement_squares": sums.squares,
                "agreement_within": round_half_up(sums.within, WITHIN_PLACES),
                "scoring_closed_at": closed,
                "scores_revealed_at": closed,
                "finalized_at": closed + timedelta(days=3),
                "accepted_at": closed + timedelta(days=10),
                "published_at": closed + timedelta(days=12) if published else None,
            }
        )
        cards[(campaigns[(region_id, year, k)], key)] = (region_id, scores, closed)
        if published:  # drawn after the scores, so that these stay what they were
            published_at = rows[-1]["published_at"]
            answers = [
                _reply(rng, criteria[kind], published_at)
                for _ in range(
                    rng.choice((1, 1, 2)) if kind == SubjectKind.project and rng.random() < REPLY_SHARE else 0
                )
            ]
            recommendation = (
                _recommendation(rng, published_at) if rng.random() < RECOMMENDATION_SHARE else None
            )
            extras[(campaigns[(region_id, year, k)], key)] = (region_id, org_id, answers, recommendation)
    present = set(
        db.session.execute(
            select(Evaluation.campaign_id, Evaluation.subject_key).where(
                Evaluation.campaign_id.in_({row["campaign_id"] for row in rows}),
                Evaluation.subject_key.in_({row["subject_key"] for row in rows}),
            )
        ).all()
    )
    rows = [row for row in rows if (row["campaign_id"], row["subject_key"]) not in present]
    if not rows:
        return
    db.session.execute(insert(Evaluation), rows)
    new_ids = {
        (c, key): i
        for i, c, key in db.session.execute(
            select(Evaluation.id, Evaluation.campaign_id, Evaluation.subject_key).where(
                Evaluation.campaign_id.in_({row["campaign_id"] for row in rows}),
                Evaluation.subject_key.in_({row["subject_key"] for row in rows}),
            )
        )
        if (c, key) in cards and (c, key) not in present
    }
    scorecards, card_scores = [], {}
    for pair, evaluation_id in new_ids.items():
        region_id, scores, closed = cards[pair]
        for member_id, card in zip(members[region_id], scores, strict=True):
            scorecards.append(
                {
                    "evaluation_id": evaluation_id,
                    "member_id": member_id,
                    "conflict_of_interest": False,
                    "declared_at": closed - timedelta(days=20),
                    "submitted_at": closed - timedelta(days=1),
                }
            )
            card_scores[(evaluation_id, member_id)] = card
    db.session.execute(insert(Scorecard), scorecards)
    score_rows = [
        {"scorecard_id": card_id, "criterion_code": code, "score": value}
        for card_id, evaluation_id, member_id in db.session.execute(
            select(Scorecard.id, Scorecard.evaluation_id, Scorecard.member_id).where(
                Scorecard.evaluation_id.in_(new_ids.values())
            )
        )
        for code, value in card_scores[(evaluation_id, member_id)].items()
    ]
    db.session.execute(insert(Score), score_rows)
    replies, recommendations = [], []
    for pair, evaluation_id in new_ids.items():
        if pair not in extras:
            continue
        region_id, org_id, answers, recommendation = extras[pair]
        for answer in answers:
            ruled = answer.pop("ruled")
            replies.append(
                answer
                | {
                    "evaluation_id": evaluation_id,
                    "organisation_id": org_id,
                    "author_id": people["ngo_users"][org_id],
                    "ruled_by_id": members[region_id][0] if ruled else None,
                }
            )
        if recommendation is not None:
            answered_by = people["ngo_users"].get(org_id) if recommendation["responded_at"] else None
            recommendations.append(
                recommendation
                | {
                    "council_id": people["councils"][region_id],
                    "addressee_id": org_id,
                    "evaluation_id": evaluation_id,
                    "responded_by_id": answered_by,
                }
            )
    if replies:
        db.session.execute(insert(Reply), replies)
    if recommendations:
        db.session.execute(insert(Recommendation), recommendations)
    counts["replies"] += len(replies)
    counts["recommendations"] += len(recommendations)
    counts["evaluations"] += len(rows)
    counts["scorecards"] += len(scorecards)
    counts["scores"] += len(score_rows)


REPLY_TEXTS = (
    "НПО не согласно с оценкой: отчёты о проведённых мероприятиях были представлены в срок.",
    "Группа не учла письма партнёров, подтверждающие охват участников в сельских округах.",
    "Просим пересмотреть балл: индикатор достигнут, акты выполненных работ приложены.",
)
RULING_REASONS = (
    "Представленные документы подтверждают довод НПО.",
    "Документы не относятся к оцениваемому периоду.",
    "Довод рассмотрен на заседании группы; оценка оставлена без изменения.",
)
RECOMMENDATION_TEXTS = (
    "Вести единый реестр участников и публиковать промежуточные итоги проекта.",
    "Согласовать график мероприятий с местными исполнительными органами до начала реализации.",
    "Предусмотреть в следующем лоте индикаторы долгосрочного эффекта и порядок их измерения.",
    "Обеспечить доступность мероприятий для лиц с инвалидностью.",
)
# (status, share in per cent) of the councils' recommendations some years after they were sent
RECOMMENDATION_STATUSES = (
    (RecommendationStatus.sent, 25),
    (RecommendationStatus.answered, 20),
    (RecommendationStatus.implemented, 30),
    (RecommendationStatus.partially_implemented, 12),
    (RecommendationStatus.not_implemented, 8),
    (RecommendationStatus.rejected, 5),
)


def _reply(rng: random.Random, criteria, published_at: datetime) -> dict:
    """An NGO's reply within the reply window, on a criterion (or, one in five, on the findings); most
    are ruled on, more often rejected than accepted."""
    submitted = published_at + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 8))
    on_finding = rng.random() < 0.2
    ruling = rng.choice((None, Ruling.accepted, Ruling.rejected, Ruling.rejected, Ruling.rejected))
    return {
        "criterion_code": None if on_finding else rng.choice(criteria)[0],
        "finding": "Выводы группы о результатах проекта" if on_finding else None,
        "text": rng.choice(REPLY_TEXTS),
        "submitted_at": submitted,
        "ruling": ruling,
        "reason": rng.choice(RULING_REASONS) if ruling else None,
        "changes_score": False,
        "ruled_at": submitted + timedelta(days=rng.randint(2, 10)) if ruling else None,
        "ruled": ruling is not None,
    }


def _recommendation(rng: random.Random, published_at: datetime) -> dict:
    """A council's recommendation sent when the evaluation was published; its status as some years on."""
    roll, status = rng.randrange(100), RecommendationStatus.sent
    for candidate, share in RECOMMENDATION_STATUSES:
        if roll < share:
            status = candidate
            break
        roll -= share
    responded = (
        published_at + timedelta(days=rng.randint(10, 60)) if status != RecommendationStatus.sent else None
    )
    assessed = status.is_assessment
    return {
        "text": rng.choice(RECOMMENDATION_TEXTS),
        "due_date": (published_at + timedelta(days=90)).date(),
        "status": status,
        "status_reason": "Нет финансирования в текущем году." if status.needs_reason else None,
        "sent_at": published_at,
        "published_at": published_at,
        "response": "Рекомендация принята к исполнению." if responded else None,
        "responded_at": responded,
        "assessment": "Исполнение проверено на заседании совета." if assessed else None,
        "assessed_at": responded + timedelta(days=30) if assessed else None,
    }


def _ensure_councils(regions, admins: dict[int, int]) -> dict[int, int]:
    """One local public council per region, at its administrator: {region id: council id}."""
    rows = [
        {
            "name_ru": f"Бенчмарк-совет {r.kato}",
            "name_kk": f"Бенчмарк кеңесі {r.kato}",
            "name_en": f"Bench council {r.kato}",
            "level": CouncilLevel.local,
            "body_id": admins.get(r.id),
            "region_id": r.id,
        }
        for r in regions
    ]
    _insert_missing(Council, rows, "name_ru")
    ids = dict(
        db.session.execute(
            select(Council.name_ru, Council.id).where(Council.name_ru.in_([row["name_ru"] for row in rows]))
        ).all()
    )
    return {r.id: ids[f"Бенчмарк-совет {r.kato}"] for r in regions}


def _ensure_ngo_users() -> dict[int, int]:
    """One account (no usable password) per bench NGO and administrator, that writes its replies and
    answers its recommendations: {organisation id: user id}."""
    orgs = db.session.execute(
        select(Organisation.id, Organisation.bin, Organisation.kind).where(
            Organisation.bin.like(f"{NGO_YYMM}%") | Organisation.bin.like(f"{ADMIN_YYMM}%")
        )
    ).all()
    rows = [
        {
            "email": f"bench-{bin_}@bench.invalid",
            "password_hash": UNUSABLE_PASSWORD,
            "full_name": f"Бенчмарк {bin_}",
            "organisation_id": org_id,
            "language": "ru",
        }
        for org_id, bin_, _kind in orgs
    ]
    _insert_missing(User, rows, "email")
    ids = dict(
        db.session.execute(
            select(User.organisation_id, User.id).where(User.email.in_([row["email"] for row in rows]))
        ).all()
    )
    have_role = set(db.session.scalars(select(UserRole.user_id).where(UserRole.user_id.in_(ids.values()))))
    roles = [
        {"user_id": ids[org_id], "role": Role.ngo if kind == OrganisationKind.ngo else Role.official}
        for org_id, _bin, kind in orgs
        if ids[org_id] not in have_role
    ]
    if roles:
        db.session.execute(insert(UserRole), roles)
    return ids


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL plans from them; autovacuum would
    catch up only later, and until then a year's 3,000 lots are estimated as 50).

    On PostgreSQL a VACUUM as well, as autovacuum does to a table after many inserts: it marks the new
    pages all-visible, so that an index-only scan (the keys a deep registry page skips,
    docs/performance.md#search-and-pagination) reads no table row. Without it the planner chose a
    sequential scan and a sort of every lot (page 800 of 20,090 lots: 81 ms against 4 ms). It commits
    what the session holds first: VACUUM runs outside a transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))  # sqlite_stat1 for SQLite's query planner
