"""The lot registry's filters and changes, shared by pages, API, exports and imports."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import BigInteger, Select, String, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from grants.audit.operations import record, snapshot
from grants.core.db import current_language
from grants.core.errors import RuleViolation
from grants.core.i18n import money
from grants.extensions import db
from grants.lots.models import Lot, LotIndicator, LotStatus, Sphere
from grants.lots.search import lot_search
from grants.organisations.models import Organisation
from grants.regions.models import Region

# The registry's orders: a key sorts ascending, "-key" descending. "index" is the latest published
# relevance index of the lot (lots without one come last either way); grants.monitoring.registry
# turns a sort into ORDER BY clauses, since that index is a monitoring result.
SORT_KEYS = ("number", "year", "budget", "title", "index")
SORTS = tuple(f"{sign}{key}" for key in SORT_KEYS for sign in ("", "-"))
DEFAULT_SORT = "-year"


@dataclass
class LotFilters:
    year: int | None = None
    region: str | None = None  # KATO of the region
    administrator: str | None = None  # BIN
    sphere: str | None = None  # sphere code
    status: str | None = None
    q: str | None = None
    sort: str = DEFAULT_SORT  # one of SORTS; anything else sorts as DEFAULT_SORT


def valid_sort(value: str | None) -> str | None:
    """The sort if it is one of SORTS, else None."""
    return value if value in SORTS else None


def title_column():
    """The title in the reader's language, falling back as Lot.title does (a column to sort by; never
    NULL). Written out as migration 0014 indexes it, constants included, so the index serves the order."""
    order = {"kk": ("kk", "ru", "en"), "ru": ("ru", "kk", "en"), "en": ("en", "ru", "kk")}[current_language()]
    empty = literal_column("''", String)
    return func.coalesce(*(func.nullif(getattr(Lot, f"title_{lang}"), empty) for lang in order), empty)


class leading_number(FunctionElement):  # noqa: N801 - an SQL function, named as one
    """The number a text starts with ('12-ГСЗ/2025' -> 12), NULL if it starts with no digit."""

    type = BigInteger()
    inherit_cache = True


@compiles(leading_number)
def _leading_number_sqlite(element, compiler, **kw):
    text = compiler.process(element.clauses, **kw)
    # CAST reads the leading digits of a text; 18 of them at most fit a 64-bit integer
    return f"(CASE WHEN {text} GLOB '[0-9]*' THEN CAST(substr({text}, 1, 18) AS INTEGER) END)"


@compiles(leading_number, "postgresql")
def _leading_number_postgresql(element, compiler, **kw):
    text = compiler.process(element.clauses, **kw)
    return f"CAST(substring({text} from '^[0-9]{{1,18}}') AS BIGINT)"


def number_order(column=Lot.number, descending: bool = False) -> list:
    """ORDER BY clauses sorting lot numbers as people count (docs/formatting.md#numbers-in-order):
    by the number they start with (1, 2, 10, not 1, 10, 2), then shorter before longer (so 'OD-2'
    before 'OD-10'), then as text; numbers that start with no digit after those that do."""
    lead = leading_number(column)
    keys = [lead, func.length(column), column]
    return [lead.is_(None), *(key.desc() if descending else key.asc() for key in keys)]


def lots_matching(f: LotFilters) -> Select:
    """Lots matching the filters, unordered: grants.monitoring.registry.lot_query adds the order,
    since one of the registry's orders is a monitoring result (docs/architecture.md)."""
    query = select(Lot)
    if f.year:
        query = query.where(Lot.year == f.year)
    if f.region:
        query = query.join(Region, Lot.region_id == Region.id).where(Region.kato == f.region)
    if f.administrator:
        query = query.join(Organisation, Lot.administrator_id == Organisation.id).where(
            Organisation.bin == f.administrator
        )
    if f.sphere:
        query = query.join(Sphere, Lot.sphere_id == Sphere.id).where(Sphere.code == f.sphere)
    if f.status:
        query = query.where(Lot.status == LotStatus(f.status))
    if f.q:
        query = query.where(lot_search(f.q))
    return query


def filter_options() -> dict:
    """Choices for the registry filters."""
    return {
        "years": db.session.scalars(select(Lot.year).distinct().order_by(Lot.year.desc())).all(),
        "regions": db.session.scalars(select(Region).order_by(Region.name_ru)).all(),
        "administrators": db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(select(Lot.administrator_id)))
            .order_by(Organisation.name_ru)
        ).all(),
        "spheres": db.session.scalars(select(Sphere).order_by(Sphere.name_ru)).all(),
        "statuses": list(LotStatus),
    }


def contracted(lot: Lot | None, exclude_project_id: int | None = None) -> Decimal:
    """What the lot's standing contracts add up to, leaving out one of them.

    The contracts are read through Lot.projects: projects lie above lots, so this package names no
    class of theirs (docs/architecture.md); Project.binds_budget says which contracts count, and
    grants.projects.operations.contracted_total is the same sum in SQL for many lots at once.
    """
    if lot is None or lot.id is None:
        return Decimal(0)
    return sum((p.amount for p in lot.projects if p.binds_budget and p.id != exclude_project_id), Decimal(0))


def budget_problem(lot_id: int | None, budget: Decimal) -> str | None:
    """Why a lot cannot have this budget (it must cover the contracts already signed), or None."""
    total = contracted(db.session.get(Lot, lot_id) if lot_id is not None else None)
    if budget < total:
        return _(
            "The budget cannot be less than the contracts signed for this lot (%(amount)s).",
            amount=money(total),
        )
    return None


def contract_problem(lot: Lot, project_id: int | None, amount: Decimal, status: str) -> str | None:
    """Why a contract of this amount does not fit the lot's budget, or None (terminated ones always fit)."""
    if status != "terminated" and amount + contracted(lot, exclude_project_id=project_id) > lot.budget:
        return _("The contract amount exceeds the lot budget.")
    return None


def number_taken(number: str, year: int, exclude_id: int | None = None) -> bool:
    query = select(Lot.id).where(Lot.number == number, Lot.year == year)
    if exclude_id:
        query = query.where(Lot.id != exclude_id)
    return db.session.scalar(query) is not None


LOT_FIELDS = (
    "number", "year", "title_ru", "title_kk", "title_en", "description_ru", "description_kk", "region_id",
    "kato", "sphere_id", "budget", "start_date", "end_date", "target_group_ru", "target_group_kk",
    "beneficiaries", "goal_ru", "goal_kk", "tasks_ru", "tasks_kk", "expected_results_ru",
    "expected_results_kk", "status",
)  # fmt: skip


def save_lot(lot: Lot, data: dict, indicators: list[dict] | None = None) -> Lot:
    """Create or update a lot from validated data (flushes, audited)."""
    before = snapshot(lot) if lot.id else None
    for name in LOT_FIELDS:
        if name in data:
            value = data[name]
            if name == "status" and value is not None:
                value = LotStatus(value)
            setattr(lot, name, value if value != "" else None)
    if indicators is not None:
        lot.indicators = [LotIndicator(position=i, **row) for i, row in enumerate(indicators)]
    if lot.id is None:
        db.session.add(lot)
    db.session.flush()
    record("lot.create" if before is None else "lot.update", lot, before=before)
    return lot


def check_lot(lot: Lot, data: dict) -> None:
    """The rules a lot's data meets whichever door it comes through (page or API), before save_lot.

    data holds the changed fields (a partial update leaves the others as they are). The dates are in
    order and the KATO code lies in the lot's region (422); the number is unique in its year and the
    budget covers the contracts already signed (409, they depend on other records). Raises
    RuleViolation naming the field.
    """

    def value(name):
        return data[name] if name in data else getattr(lot, name)

    fields = {}
    start, end = value("start_date"), value("end_date")
    if start and end and end < start:
        fields["end_date"] = _("The end date cannot be before the start date.")
    region = db.session.get(Region, value("region_id")) if value("region_id") else None
    kato = value("kato")
    if kato and region is not None and kato[:2] != region.kato[:2]:
        fields["kato"] = _("The KATO code does not belong to the chosen region.")
    if fields:
        raise RuleViolation(
            _("Some fields are not valid."), status=422, fields=fields, code="validation_error"
        )
    if number_taken(value("number"), value("year"), exclude_id=lot.id):
        message = _("A lot with this number already exists in this year.")
        raise RuleViolation(message, status=409, fields={"number": message}, code="lot_number_taken")
    if "budget" in data and (problem := budget_problem(lot.id, data["budget"])):
        raise RuleViolation(problem, status=409, fields={"budget": problem}, code="budget_below_contracts")
