"""What lot and project imports share: the plan of a validated file and applying it."""

from dataclasses import dataclass, field

from flask_babel import gettext as _

from grants.audit.operations import record, record_many, snapshot
from grants.extensions import db
from grants.imports.parse import Column, FileProblem, Invalid, RowError, Table, map_columns, read_table

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class PlannedRow:
    """One valid row: what it will do to which object (existing or new) with which values."""

    row: int
    action: str
    key: str  # e.g. "Л-001/2025" or the contract number, for previews
    values: dict
    obj: object = None  # the existing object, None when created
    summary: dict = field(default_factory=dict)  # extra columns for the preview


@dataclass
class ImportResult:
    kind: str  # "lots" or "projects"
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict:
        return {
            "created": self.count(CREATE),
            "updated": self.count(UPDATE),
            "unchanged": self.count(UNCHANGED),
        }

    def summary(self) -> str:
        counts = self.counts
        total = len(self.rows)
        if self.kind == "lots":
            return _(
                "%(n)s lots: %(created)s created, %(updated)s updated, %(unchanged)s unchanged",
                n=total,
                **counts,
            )
        return _(
            "%(n)s projects: %(created)s created, %(updated)s updated, %(unchanged)s unchanged",
            n=total,
            **counts,
        )


class RowReader:
    """Reads the cells of one row into typed values, collecting an error per bad cell."""

    def __init__(self, table: Table, number: int, cells: list, errors: list[RowError]):
        self.table, self.number, self.cells, self.errors = table, number, cells, errors
        self.failed = False

    def error(self, key: str, message: str) -> None:
        column = self.table.header(key) if self.table.has(key) else None
        self.errors.append(RowError(self.number, column, str(message)))
        self.failed = True

    def get(self, key: str, convert, required: bool = False, **kwargs):
        try:
            value = convert(self.table.value(self.cells, key), **kwargs)
        except Invalid as exc:
            self.error(key, str(exc))
            return None
        if value is None and required:
            self.error(key, _("This value is required."))
        return value


def load_table(content: bytes, columns: list[Column]) -> tuple[Table | None, list[RowError]]:
    """The table with its columns mapped, or the file's errors."""
    try:
        table = read_table(content, columns)
    except FileProblem as exc:
        return None, exc.errors
    errors = map_columns(table, columns)
    if not errors and not table.rows:
        errors.append(RowError(None, None, _("The file has no data rows.")))
    return table, errors


def require_either(table: Table, columns: list[Column], first: str, second: str) -> list[RowError]:
    """The file must have at least one of two columns (the BIN or the name, the KATO code or the region)."""
    if table.has(first) or table.has(second):
        return []
    titles = {column.key: column.title(table.language) for column in columns}
    return [
        RowError(
            1,
            None,
            _(
                "A required column is missing: «%(first)s» or «%(second)s».",
                first=titles[first],
                second=titles[second],
            ),
        )
    ]


def changed_fields(obj, values: dict) -> dict:
    """The values that differ from the object's current ones."""
    return {name: value for name, value in values.items() if getattr(obj, name) != value}


def apply_row(planned: PlannedRow, model, action: str, actor) -> object:
    """Create or update one object from its planned values and audit it; unchanged rows are not touched."""
    if planned.action == CREATE:
        obj = model(**planned.values)
        db.session.add(obj)
        db.session.flush()
        record(action, obj, before=None, actor=actor)
        planned.obj = obj
        return obj
    obj = planned.obj
    if planned.action == UPDATE:
        before = snapshot(obj)
        for name, value in changed_fields(obj, planned.values).items():
            setattr(obj, name, value)
        db.session.flush()
        record(action, obj, before=before, actor=actor)
    return obj


def apply_rows(rows: list[PlannedRow], model, action: str, actor) -> None:
    """apply_row for every planned row, in bulk: the new objects inserted together, the changed ones
    flushed together, then one audit event per created or updated row in the file's order, appended
    to the chain at once (grants.audit.operations.record_many; docs/performance.md#the-lot-import)."""
    changes = []
    for planned in rows:
        if planned.action == CREATE:
            planned.obj = model(**planned.values)
            changes.append((planned, None))
        elif planned.action == UPDATE:
            before = snapshot(planned.obj)
            for name, value in changed_fields(planned.obj, planned.values).items():
                setattr(planned.obj, name, value)
            changes.append((planned, before))
    db.session.add_all([planned.obj for planned, before in changes if planned.action == CREATE])
    db.session.flush()
    record_many(action, [(planned.obj, before) for planned, before in changes], actor=actor)


def sort_errors(errors: list[RowError], table: Table | None) -> list[RowError]:
    order = {header: i for i, header in enumerate(table.headers)} if table else {}
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, len(order)), e.message))
