"""Risk flags: seven rules that point at lots, projects and NGOs worth a closer look
(docs/analytics.md#risk-flags).

A flag is worked out from the data each time it is asked for; only thresholds (RiskThreshold) and
reviews (FlagReview) are stored. Each rule is one SQL query (GROUP BY, window functions or
subqueries) whatever the size of the archive, plus one query for the names of what it flagged; Python
only words the explanation of each flagged item. Flags are advice: nothing here touches a score.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, and_, case, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from grants.accounts.models import Affiliation, User
from grants.analytics.filters import AnalyticsFilters
from grants.analytics.models import FlagReview, RiskThreshold
from grants.audit.operations import record
from grants.core.concurrency import conflict, is_unique_violation
from grants.core.errors import RuleViolation
from grants.core.i18n import fixed, money, number, percent
from grants.councils.models import GroupMember, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Evaluation, SubjectKind
from grants.organisations.models import Organisation
from grants.projects.models import Indicator, Project

LOT, PROJECT, ORGANISATION = "lot", "project", "organisation"

MIN_PEERS = 3  # a median of fewer lots says little: cost per beneficiary needs 3 lots of the sphere and year
MAX_LISTED = 10  # similar lots named in a near-duplicate flag (all are counted)
TITLE_PREFIX = 12  # near-duplicate titles are compared within groups sharing this normalized prefix
# Characters dropped from titles before comparing them (SQL replace() is portable; regexes are not).
# A dozen nested replace() calls at most: SQLite's parser refuses deeper nesting.
TITLE_PUNCTUATION = ' .,;:"«»()-–—'


@dataclass
class Flag:
    """A raised flag: the rule, what it points at, why (in the reader's language) and the figures."""

    rule: str
    subject_kind: str
    subject_id: int
    subject: object  # the Lot, Project or Organisation
    explanation: str
    data: dict
    threshold: Decimal
    review: FlagReview | None = None

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.rule, self.subject_kind, self.subject_id)

    @property
    def facts(self) -> list[tuple[str, object]]:
        """The data behind the flag for the reader: (label, text) pairs, a list of such rows for a list
        of items (ids left out: the explanation and the links name the things)."""
        return _facts(self.data)


def _fact_value(key: str, value) -> str:
    if value is None:
        return "—"
    if key in MONEY_FACTS:
        return money(Decimal(str(value)))
    if key == "similarity":
        return percent(Decimal(str(value)) * 100)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and key != "year":
        return number(Decimal(str(value)))
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        return number(Decimal(value))
    return str(value)


def _facts(data: dict) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = []
    for key, value in data.items():
        if key.endswith("_id"):
            continue
        label = str(FACT_LABELS.get(key, key))
        if isinstance(value, list):
            rows.append((label, [_facts(item) for item in value if isinstance(item, dict)]))
        else:
            rows.append((label, _fact_value(key, value)))
    return rows


FACT_LABELS = {
    "wins": _l("Lots won"),
    "administrator": _l("Administrator"),
    "year": _l("Year"),
    "lots": _l("Lots"),
    "applicants": _l("Applicants"),
    "cost_per_beneficiary": _l("Budget per planned beneficiary"),
    "median": _l("Median of the sphere and year"),
    "ratio": _l("Times the median"),
    "lots_compared": _l("Lots compared"),
    "indicators_reported": _l("Indicators reported"),
    "indicators_at_target": _l("Indicators exactly at target"),
    "similar_lots": _l("Similar lots"),
    "similar_count": _l("Number of similar lots"),
    "number": _l("Lot number"),
    "title": _l("Title"),
    "similarity": _l("Similarity"),
    "members": _l("Affiliated members"),
    "member": _l("Member"),
    "group": _l("Monitoring group"),
    "previous_index": _l("Previous index"),
    "index": _l("Index"),
    "drop": _l("Fall, points"),
}
MONEY_FACTS = {"cost_per_beneficiary", "median"}


@dataclass(frozen=True)
class Rule:
    code: str
    subject_kind: str
    default: Decimal
    minimum: Decimal
    maximum: Decimal
    integer: bool
    title: object  # lazy string
    help: object  # lazy string: what the threshold means
    find: Callable = field(repr=False)


# --- the rules ---------------------------------------------------------------------------------


def _plain(value) -> str | int | None:
    """A figure as JSON keeps it: integers as such, decimals as strings."""
    if value is None:
        return None
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else str(value.normalize())


def _bound(threshold: Decimal) -> int | float:
    """A threshold as a query parameter (SQLite binds no Decimal)."""
    return int(threshold) if threshold == threshold.to_integral_value() else float(threshold)


def _only(column, subject_id: int | None) -> tuple:
    """The condition keeping one subject (a review looks at one flag), none for every subject."""
    return () if subject_id is None else (column == subject_id,)


def _objects(model, ids, *options) -> dict:
    if not ids:
        return {}
    query = select(model).where(model.id.in_(sorted(ids)))
    if options:
        query = query.options(*options)
    return {obj.id: obj for obj in db.session.scalars(query)}


def ngo_many_lots(threshold: Decimal, filters: AnalyticsFilters, subject_id: int | None = None) -> list[Flag]:
    """An NGO holding at least `threshold` lots of one administrator in one year (standing contracts)."""
    lots = func.count(func.distinct(Lot.id))
    rows = db.session.execute(
        select(Project.ngo_id, Lot.administrator_id, Lot.year, lots.label("lots"))
        .join(Lot, Project.lot_id == Lot.id)
        .where(Project.binds_budget, Lot.id.in_(filters.lot_ids()), *_only(Project.ngo_id, subject_id))
        .group_by(Project.ngo_id, Lot.administrator_id, Lot.year)
        .having(lots >= _bound(threshold))
        .order_by(Project.ngo_id, Lot.year, Lot.administrator_id)
    ).all()
    orgs = _objects(Organisation, {r.ngo_id for r in rows} | {r.administrator_id for r in rows})
    by_ngo: dict[int, list] = {}
    for row in rows:
        by_ngo.setdefault(row.ngo_id, []).append(row)
    flags = []
    for ngo_id, found in by_ngo.items():
        parts = [
            _(
                "%(lots)s lots of %(administrator)s in %(year)s",
                lots=number(r.lots),
                administrator=orgs[r.administrator_id].name,
                year=r.year,
            )
            for r in found
        ]
        explanation = _(
            "This NGO won %(wins)s; the threshold is %(threshold)s lots of one administrator in a year.",
            wins="; ".join(parts),
            threshold=number(threshold),
        )
        data = {
            "wins": [
                {
                    "administrator": orgs[r.administrator_id].name,
                    "administrator_id": r.administrator_id,
                    "year": r.year,
                    "lots": r.lots,
                }
                for r in found
            ]
        }
        flags.append(Flag("ngo_many_lots", ORGANISATION, ngo_id, orgs[ngo_id], explanation, data, threshold))
    return flags


def single_applicant(
    threshold: Decimal, filters: AnalyticsFilters, subject_id: int | None = None
) -> list[Flag]:
    """A lot that received at most `threshold` bids, as imported data says (no figure, no flag)."""
    lots = db.session.scalars(
        select(Lot)
        .where(
            Lot.applicants.is_not(None),
            Lot.applicants >= 1,
            Lot.applicants <= _bound(threshold),
            Lot.id.in_(filters.lot_ids()),
            *_only(Lot.id, subject_id),
        )
        .order_by(Lot.year.desc(), Lot.id)
    ).all()
    return [
        Flag(
            "single_applicant",
            LOT,
            lot.id,
            lot,
            _(
                "The lot received %(applicants)s bid(s) according to the imported procurement data; "
                "the threshold is at most %(threshold)s.",
                applicants=number(lot.applicants),
                threshold=number(threshold),
            ),
            {"applicants": lot.applicants},
            threshold,
        )
        for lot in lots
    ]


def cost_per_beneficiary(
    threshold: Decimal, filters: AnalyticsFilters, subject_id: int | None = None
) -> list[Flag]:
    """A lot whose budget per planned beneficiary exceeds `threshold` times the median of the lots of
    the same sphere and year. The median is the middle row (or the mean of the two middle rows) of a
    ROW_NUMBER window, so it is computed the same way on SQLite and PostgreSQL."""
    cost = (cast(Lot.budget, Float) / Lot.beneficiaries).label("cost")  # REAL: SQLite divides integers
    partition = (Lot.sphere_id, Lot.year)
    ranked = (
        select(
            Lot.id,
            Lot.sphere_id,
            Lot.year,
            cost,
            func.row_number().over(partition_by=partition, order_by=cost).label("rn"),
            func.count().over(partition_by=partition).label("cnt"),
        )
        .where(Lot.beneficiaries > 0, Lot.sphere_id.is_not(None))
        .subquery()
    )
    medians = (
        select(
            ranked.c.sphere_id,
            ranked.c.year,
            func.avg(ranked.c.cost).label("median"),
            func.max(ranked.c.cnt).label("peers"),
        )
        .where(
            ranked.c.rn * 2 >= ranked.c.cnt, ranked.c.rn * 2 <= ranked.c.cnt + 2, ranked.c.cnt >= MIN_PEERS
        )
        .group_by(ranked.c.sphere_id, ranked.c.year)
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.cost, medians.c.median, medians.c.peers)
        .join(medians, and_(medians.c.sphere_id == ranked.c.sphere_id, medians.c.year == ranked.c.year))
        .where(
            ranked.c.cost > medians.c.median * _bound(threshold),
            ranked.c.id.in_(filters.lot_ids()),
            *_only(ranked.c.id, subject_id),
        )
        .order_by(ranked.c.year.desc(), ranked.c.id)
    ).all()
    lots = _objects(Lot, {r.id for r in rows})
    flags = []
    for row in rows:
        cost_value = Decimal(str(row.cost)).quantize(Decimal("0.01"))
        median = Decimal(str(row.median)).quantize(Decimal("0.01"))
        ratio = (cost_value / median).quantize(Decimal("0.1")) if median else None
        flags.append(
            Flag(
                "cost_per_beneficiary",
                LOT,
                row.id,
                lots[row.id],
                _(
                    "The budget per planned beneficiary is %(cost)s, %(ratio)s times the median %(median)s "
                    "of %(peers)s lots of the same sphere and year; the threshold is %(threshold)s times.",
                    cost=money(cost_value),
                    ratio=fixed(ratio),
                    median=money(median),
                    peers=number(row.peers),
                    threshold=fixed(threshold),
                ),
                {
                    "cost_per_beneficiary": str(cost_value),
                    "median": str(median),
                    "ratio": _plain(ratio),
                    "lots_compared": row.peers,
                },
                threshold,
            )
        )
    return flags


def indicators_all_exact(
    threshold: Decimal, filters: AnalyticsFilters, subject_id: int | None = None
) -> list[Flag]:
    """A project with at least `threshold` reported indicators, every one of them exactly at its target."""
    reported = func.count(Indicator.id)
    exact = func.sum(case((Indicator.actual == Indicator.target, 1), else_=0))
    rows = db.session.execute(
        select(Indicator.project_id, reported.label("reported"))
        .join(Project, Indicator.project_id == Project.id)
        .where(
            Indicator.actual.is_not(None),
            Indicator.target > 0,
            Project.lot_id.in_(filters.lot_ids()),
            *_only(Indicator.project_id, subject_id),
        )
        .group_by(Indicator.project_id)
        .having(reported >= _bound(threshold), exact == reported)
        .order_by(Indicator.project_id)
    ).all()
    projects = _objects(Project, {r.project_id for r in rows}, joinedload(Project.lot))
    return [
        Flag(
            "indicators_all_exact",
            PROJECT,
            row.project_id,
            projects[row.project_id],
            _(
                "All %(count)s reported indicators of this project are exactly 100 %% of their targets; "
                "the rule looks at projects with at least %(threshold)s reported indicators.",
                count=number(row.reported),
                threshold=number(threshold),
            ),
            {"indicators_reported": row.reported, "indicators_at_target": row.reported},
            threshold,
        )
        for row in rows
    ]


def _normalized_sql(column):
    """lower(title) without the characters of TITLE_PUNCTUATION: nested replace() works everywhere."""
    expr = func.lower(column)
    for char in TITLE_PUNCTUATION:
        expr = func.replace(expr, char, "")
    return expr


def normalized_title(text: str | None) -> str:
    """The title as it is compared: lowercase, punctuation and spaces collapsed into single spaces."""
    return " ".join(re.sub(r"[\W_]+", " ", (text or "").lower()).split())


def duplicate_titles(
    threshold: Decimal, filters: AnalyticsFilters, subject_id: int | None = None
) -> list[Flag]:
    """Lots of the same region and year whose normalized titles are equal or at least `threshold`
    similar (difflib ratio). SQL returns only the candidates: lots sharing region, year and the first
    TITLE_PREFIX characters of the normalized title with another lot (a window COUNT); Python compares
    those few with difflib. Titles that differ within their first characters are not compared."""
    keyed = select(
        Lot.id,
        Lot.region_id,
        Lot.year,
        Lot.title_ru,
        func.substr(_normalized_sql(Lot.title_ru), 1, TITLE_PREFIX).label("key"),
    )
    if subject_id is not None:  # only the lots of the subject's region and year can be like it
        subject = select(Lot.region_id, Lot.year).where(Lot.id == subject_id).subquery()
        keyed = keyed.join(
            subject, and_(Lot.year == subject.c.year, Lot.region_id.is_not_distinct_from(subject.c.region_id))
        )
    keyed = keyed.subquery()
    candidates = select(
        keyed,
        func.count().over(partition_by=(keyed.c.region_id, keyed.c.year, keyed.c.key)).label("peers"),
        keyed.c.id.in_(filters.lot_ids()).label("kept"),
    ).subquery()
    rows = db.session.execute(
        select(candidates).where(candidates.c.peers >= 2).order_by(candidates.c.key, candidates.c.id)
    ).all()
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault((row.region_id, row.year, row.key), []).append(row)
    similar: dict[int, list[tuple]] = {}  # lot id -> (other lot's row, ratio), at most MAX_LISTED
    found: dict[int, int] = {}  # lot id -> how many similar lots
    for members in groups.values():
        # Lots with the same normalized title are compared once, as one title.
        by_title: dict[str, list] = {}
        for row in members:
            by_title.setdefault(normalized_title(row.title_ru), []).append(row)
        titles = list(by_title)
        for i, a_title in enumerate(titles):
            for b_title in titles[i:]:
                same = a_title == b_title
                ratio = 1.0 if same else difflib.SequenceMatcher(None, a_title, b_title).ratio()
                if ratio < threshold:
                    continue
                for a in by_title[a_title]:
                    for b in by_title[b_title]:
                        if not same or a.id < b.id:
                            for one, other in ((a, b), (b, a)):
                                found[one.id] = found.get(one.id, 0) + 1
                                if len(similar.setdefault(one.id, [])) < MAX_LISTED:
                                    similar[one.id].append((other, ratio))
    kept = {row.id for row in rows if row.kept and row.id in similar and subject_id in (None, row.id)}
    lots = _objects(Lot, kept | {other.id for lot_id in kept for other, _r in similar[lot_id]})
    flags = []
    for lot_id in sorted(kept, key=lambda i: (-lots[i].year, i)):
        others = similar[lot_id]
        names = "; ".join(
            _("«%(title)s» (%(number)s, %(similarity)s)", title=lots[o.id].title, number=lots[o.id].number,
              similarity=percent(Decimal(ratio * 100).quantize(Decimal("0.1"))))
            for o, ratio in others
        )  # fmt: skip
        flags.append(
            Flag(
                "duplicate_titles",
                LOT,
                lot_id,
                lots[lot_id],
                _(
                    "Another lot of the same region and year has a near-identical title: %(others)s; "
                    "the threshold is a similarity of %(threshold)s.",
                    others=names,
                    threshold=percent(threshold * 100),
                ),
                {
                    "similar_count": found[lot_id],
                    "similar_lots": [
                        {
                            "lot_id": o.id,
                            "number": lots[o.id].number,
                            "title": o.title_ru,
                            "similarity": round(ratio, 3),
                        }
                        for o, ratio in others
                    ],
                },
                threshold,
            )
        )
    return flags


def affiliated_evaluator(
    threshold: Decimal, filters: AnalyticsFilters, subject_id: int | None = None
) -> list[Flag]:
    """A project evaluated by a group with at least `threshold` members affiliated with its NGO (by BIN).
    Scoring already recuses such members (Evaluation.is_recused); the flag is for the visit."""
    ngo = aliased(Organisation)
    base = (
        select(
            Evaluation.project_id,
            Evaluation.id.label("evaluation_id"),
            MonitoringGroup.id.label("group_id"),
            User.id.label("user_id"),
            User.full_name,
        )
        .join(Project, Evaluation.project_id == Project.id)
        .join(ngo, Project.ngo_id == ngo.id)
        .join(Affiliation, Affiliation.bin == ngo.bin)
        .join(
            GroupMember,
            and_(GroupMember.group_id == Evaluation.group_id, GroupMember.user_id == Affiliation.user_id),
        )
        .join(User, User.id == GroupMember.user_id)
        .join(MonitoringGroup, MonitoringGroup.id == Evaluation.group_id)
        .where(
            Evaluation.kind == SubjectKind.project,
            Project.lot_id.in_(filters.lot_ids()),
            *_only(Evaluation.project_id, subject_id),
        )
    )
    counted = base.subquery()
    flagged = (
        select(counted.c.project_id)
        .group_by(counted.c.project_id)
        .having(func.count(func.distinct(counted.c.user_id)) >= _bound(threshold))
    )
    rows = db.session.execute(
        base.where(Evaluation.project_id.in_(flagged))
        .distinct()
        .order_by(Evaluation.project_id, Evaluation.id, User.full_name)
    ).all()
    projects = _objects(Project, {r.project_id for r in rows}, joinedload(Project.lot))
    groups = _objects(MonitoringGroup, {r.group_id for r in rows})
    by_project: dict[int, list] = {}
    for row in rows:
        by_project.setdefault(row.project_id, []).append(row)
    flags = []
    for project_id, found in by_project.items():
        members = "; ".join(
            _("%(member)s in %(group)s", member=r.full_name, group=groups[r.group_id].name) for r in found
        )
        flags.append(
            Flag(
                "affiliated_evaluator",
                PROJECT,
                project_id,
                projects[project_id],
                _(
                    "Members of the group evaluating this project are affiliated with its NGO: %(members)s "
                    "(they are recused from scoring); the threshold is %(threshold)s member(s).",
                    members=members,
                    threshold=number(threshold),
                ),
                {
                    "members": [
                        {
                            "member": r.full_name,
                            "user_id": r.user_id,
                            "group": groups[r.group_id].name,
                            "group_id": r.group_id,
                            "evaluation_id": r.evaluation_id,
                        }
                        for r in found
                    ]
                },
                threshold,
            )
        )
    return flags


def index_drop(threshold: Decimal, filters: AnalyticsFilters, subject_id: int | None = None) -> list[Flag]:
    """A project whose published index fell by at least `threshold` points from its previous published
    one (LAG over the project's published evaluations in order of publication); the largest fall counts."""
    order = (Evaluation.published_at, Evaluation.id)
    series = (
        select(
            Evaluation.project_id,
            Evaluation.id,
            Evaluation.index_value,
            func.lag(Evaluation.index_value)
            .over(partition_by=Evaluation.project_id, order_by=order)
            .label("prev"),
            func.lag(Evaluation.id).over(partition_by=Evaluation.project_id, order_by=order).label("prev_id"),
        )
        .where(
            Evaluation.kind == SubjectKind.project,
            Evaluation.is_published,
            Evaluation.published_at.is_not(None),
            Evaluation.index_value.is_not(None),
            Evaluation.project_id.in_(select(Project.id).where(Project.lot_id.in_(filters.lot_ids()))),
            *_only(Evaluation.project_id, subject_id),
        )
        .subquery()
    )
    drop = (series.c.prev - series.c.index_value).label("drop")
    ranked = (
        select(
            series,
            drop,
            func.row_number().over(partition_by=series.c.project_id, order_by=((series.c.prev - series.c.index_value).desc(), series.c.id.desc()))
            .label("pick"),
        )
        .where(series.c.prev.is_not(None), series.c.prev - series.c.index_value >= _bound(threshold))
        .subquery()
    )  # fmt: skip
    rows = db.session.execute(select(ranked).where(ranked.c.pick == 1).order_by(ranked.c.project_id)).all()
    projects = _objects(Project, {r.project_id for r in rows}, joinedload(Project.lot))
    flags = []
    for row in rows:
        prev, now = Decimal(str(row.prev)), Decimal(str(row.index_value))
        flags.append(
            Flag(
                "index_drop",
                PROJECT,
                row.project_id,
                projects[row.project_id],
                _(
                    "The published effectiveness index fell from %(previous)s to %(current)s "
                    "(by %(drop)s points); the threshold is a fall of %(threshold)s points.",
                    previous=fixed(prev),
                    current=fixed(now),
                    drop=fixed(prev - now),
                    threshold=fixed(threshold),
                ),
                {
                    "previous_index": _plain(prev),
                    "index": _plain(now),
                    "drop": _plain(prev - now),
                    "previous_evaluation_id": row.prev_id,
                    "evaluation_id": row.id,
                },
                threshold,
            )
        )
    return flags


D = Decimal
RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "ngo_many_lots", ORGANISATION, D(3), D(2), D(100), True,
            _l("One NGO wins many lots of one administrator"),
            _l("Flag an NGO that holds at least this many lots of one administrator in one year."),
            ngo_many_lots,
        ),
        Rule(
            "single_applicant", LOT, D(1), D(1), D(10), True,
            _l("A lot with a single applicant"),
            _l("Flag a lot that received at most this many bids (only when imported data gives the number)."),
            single_applicant,
        ),
        Rule(
            "cost_per_beneficiary", LOT, D(3), D("1.1"), D(100), False,
            _l("Cost per beneficiary far above the median"),
            _l("Flag a lot whose budget per planned beneficiary exceeds the median of the lots of the same "
               "sphere and year this many times."),
            cost_per_beneficiary,
        ),
        Rule(
            "indicators_all_exact", PROJECT, D(3), D(1), D(100), True,
            _l("Indicators reported at exactly 100 %"),
            _l("Flag a project whose reported indicators all equal their targets, when it has at least this "
               "many reported indicators."),
            indicators_all_exact,
        ),
        Rule(
            "duplicate_titles", LOT, D("0.9"), D("0.5"), D(1), False,
            _l("Near-duplicate lot titles"),
            _l("Flag lots of the same region and year whose titles are at least this similar "
               "(from 0.5 to 1; 1 means identical after dropping case and punctuation)."),
            duplicate_titles,
        ),
        Rule(
            "affiliated_evaluator", PROJECT, D(1), D(1), D(20), True,
            _l("An NGO affiliated with a member of its evaluating group"),
            _l("Flag a project when at least this many members of the group evaluating it are affiliated "
               "with its NGO."),
            affiliated_evaluator,
        ),
        Rule(
            "index_drop", PROJECT, D(15), D(1), D(100), False,
            _l("A sharp fall of the published index"),
            _l("Flag a project whose published effectiveness index fell by at least this many points from "
               "its previous published evaluation."),
            index_drop,
        ),
    )
}  # fmt: skip


# --- thresholds, flags and reviews -------------------------------------------------------------


def thresholds() -> dict[str, Decimal]:
    """The threshold of every rule: the administrators' value, else the default."""
    stored = {row.rule: row.value for row in db.session.scalars(select(RiskThreshold))}
    return {code: Decimal(stored[code]) if code in stored else rule.default for code, rule in RULES.items()}


def flags(
    filters: AnalyticsFilters | None = None, rules=None, status: str = "all", subject_id: int | None = None
) -> list[Flag]:
    """Every flag raised under the filters, with its review if any; status "open", "reviewed" or "all".
    With subject_id, only the flags on that subject (of the rules' kind): each rule's queries then read
    one subject's rows."""
    filters = filters or AnalyticsFilters()
    limits = thresholds()
    raised: list[Flag] = []
    for code in rules or RULES:
        raised.extend(RULES[code].find(limits[code], filters, subject_id))
    if not raised:
        return []
    reviews = {
        (r.rule, r.subject_kind, r.subject_id): r
        for r in db.session.scalars(
            select(FlagReview)
            .where(
                FlagReview.rule.in_(sorted({f.rule for f in raised})),
                *_only(FlagReview.subject_id, subject_id),
            )
            .options(joinedload(FlagReview.reviewed_by))
        )
    }
    for flag in raised:
        flag.review = reviews.get(flag.key)
    if status == "open":
        return [f for f in raised if f.review is None]
    if status == "reviewed":
        return [f for f in raised if f.review is not None]
    return raised


def find_flag(rule: str, subject_kind: str, subject_id: int) -> Flag | None:
    """The flag of this rule on this subject if it is raised now (one rule's queries, for this subject)."""
    if rule not in RULES or RULES[rule].subject_kind != subject_kind:
        return None
    for flag in flags(rules=[rule], subject_id=subject_id):
        if flag.subject_id == subject_id:
            return flag
    return None


def versions() -> dict[str, int]:
    """The version of every rule's stored threshold (0: none stored, the default applies)."""
    stored = dict(db.session.execute(select(RiskThreshold.rule, RiskThreshold.version_id)).all())
    return {code: stored.get(code, 0) for code in RULES}


def save_thresholds(values: dict[str, Decimal], seen: dict[str, int], user) -> list[str]:
    """Store the thresholds that changed, each audited; the codes of those changed.

    `seen` holds the versions the administrator's page was read at: a threshold changed since then by
    someone else is a conflict (409), never silently overwritten. Two saves at the same moment meet
    at the row's version counter (StaleDataError) or its primary key (IntegrityError), both 409.
    """
    rows = {row.rule: row for row in db.session.scalars(select(RiskThreshold))}
    for code in RULES:
        if seen.get(code, 0) != (rows[code].version_id if code in rows else 0):
            raise conflict()
    changed = []
    for code, value in values.items():
        rule = RULES[code]
        row = rows.get(code)
        old = Decimal(row.value) if row is not None else rule.default
        if value == old:
            continue
        if row is None:
            row = RiskThreshold(rule=code, value=value, updated_by_id=user.id)
            db.session.add(row)
        else:
            row.value = value
            row.updated_by_id = user.id
        db.session.flush()
        record(
            "risk.threshold",
            row,
            before={"rule": code, "value": str(old)},
            after={"rule": code, "value": str(value)},
            actor=user,
        )
        changed.append(code)
    return changed


def already_reviewed() -> RuleViolation:
    return RuleViolation(
        _("This flag has already been reviewed by someone else. Reload the page to read their note."),
        status=409,
        code="conflict",
    )


def review(rule: str, subject_kind: str, subject_id: int, note: str, user) -> FlagReview:
    """Mark a raised flag as reviewed with a note, once (audited). The flag must still be raised; a
    second review of the same flag, even one sent at the same moment, is a conflict (409)."""
    flag = find_flag(rule, subject_kind, subject_id)
    if flag is None:
        raise RuleViolation(
            _("This flag is no longer raised: the data or the threshold changed. Nothing was saved."),
            status=409,
            code="conflict",
        )
    if db.session.scalar(
        select(FlagReview.id).where(
            FlagReview.rule == rule,
            FlagReview.subject_kind == subject_kind,
            FlagReview.subject_id == subject_id,
        )
    ):
        raise already_reviewed()
    note = (note or "").strip()
    if not note:
        message = _("Write a note on what you found.")
        raise RuleViolation(message, status=422, fields={"note": message})
    entry = FlagReview(
        rule=rule,
        subject_kind=subject_kind,
        subject_id=subject_id,
        note=note,
        data=flag.data,
        reviewed_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError as exc:  # a review of the same flag committed at the same moment
        if is_unique_violation(exc):
            raise already_reviewed() from exc
        raise
    record("risk.review", entry, actor=user)
    return entry


def review_of(rule: str, subject_kind: str, subject_id: int) -> FlagReview | None:
    return db.session.scalar(
        select(FlagReview).where(
            FlagReview.rule == rule,
            FlagReview.subject_kind == subject_kind,
            FlagReview.subject_id == subject_id,
        )
    )
