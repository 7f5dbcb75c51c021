"""Pages of a long list that stay cheap however deep they go (docs/performance.md#search-and-pagination).

A list is ordered by sort keys, the last of which is unique (the id). Besides `page=N` (an OFFSET), a
page can be asked for as the one after a cursor: the sort keys of the last row already seen, so the
database seeks to that row in the index of the order and reads the next rows, instead of reading and
dropping every row before them. Each page carries the cursor of the next one. A deep `page=N` reads
only the ids of the rows it skips (from the same index), then loads the rows it shows.

A cursor is opaque to clients: base64url of JSON {"p": page number it leads to, "k": key values}. It
is public data (the keys of a row anyone may see), so it is not signed; a cursor that does not decode,
or does not fit the order, is refused (API: 422) or ignored (pages: the first page).
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Boolean, ColumnElement, Integer, Numeric, and_, func, literal, or_, select
from sqlalchemy.orm import lazyload

MAX_CURSOR_LENGTH = 1000
MAX_NUMBER = Decimal(10) ** 20  # beyond any stored amount or index


@dataclass(frozen=True)
class SortKey:
    """One key of an order: the expression, its direction, and what stands for NULL when comparing
    (None: the expression is never NULL). A key that may be NULL must follow a key that orders the
    NULLs apart (such as `expression IS NULL`), so that comparing the stand-in keeps the order."""

    expression: ColumnElement
    descending: bool = False
    null_as: object = None

    def order_by(self):
        return self.expression.desc() if self.descending else self.expression.asc()

    def compared(self):
        if self.null_as is None:
            return self.expression
        return func.coalesce(self.expression, self.null_as)


def unique_keys(keys: Sequence[SortKey]) -> list[SortKey]:
    """The keys without repeats of an expression already ordered by (a repeat can change nothing)."""
    seen, kept = set(), []
    for key in keys:
        text = str(key.expression)
        if text not in seen:
            seen.add(text)
            kept.append(key)
    return kept


def after(keys: Sequence[SortKey], values: Sequence) -> ColumnElement:
    """Rows that come after the row whose keys are `values` in the order of `keys`."""
    values = [
        v if isinstance(v, ColumnElement) else literal(v, key.expression.type)
        for key, v in zip(keys, values, strict=True)
    ]
    branches = []
    for i, key in enumerate(keys):
        equal = [keys[j].compared() == values[j] for j in range(i)]
        later = key.compared() < values[i] if key.descending else key.compared() > values[i]
        branches.append(and_(*equal, later))
    first = keys[0].compared()
    # Redundant with the branches, but a range the database can seek to in the index of the order.
    bound = first <= values[0] if keys[0].descending else first >= values[0]
    return and_(bound, or_(*branches))


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    raise TypeError(f"a sort key of type {type(value).__name__} cannot go into a cursor")


def encode_cursor(page: int, values: Sequence) -> str:
    text = json.dumps(
        {"p": page, "k": [_plain(v) for v in values]}, ensure_ascii=False, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _typed(key: SortKey, value):
    """A cursor value as the key's type binds it; ValueError if it cannot be one."""
    if value is None:
        if key.null_as is None:
            raise ValueError("a key that is never NULL")
        return key.null_as
    kind = key.expression.type
    if isinstance(kind, Boolean):
        if not isinstance(value, bool | int):
            raise ValueError("not a flag")
        return bool(value)
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
            raise ValueError("not a whole number")
        return value
    if isinstance(kind, Numeric):
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValueError("not a number") from exc
        if not number.is_finite() or abs(number) >= MAX_NUMBER:
            raise ValueError("not a number")
        return number
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError("not a text")
    try:
        value.encode()
    except UnicodeEncodeError as exc:  # a lone surrogate from a \ud800 escape
        raise ValueError("not a text") from exc
    return value


def decode_cursor(cursor: str, keys: Sequence[SortKey]) -> tuple[int, list]:
    """(page, key values) of a cursor for this order; ValueError if it is not one."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise ValueError("no cursor")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("not a cursor") from exc
    if not isinstance(data, dict) or not isinstance(data.get("k"), list) or len(data["k"]) != len(keys):
        raise ValueError("not a cursor of this order")
    page = data.get("p")
    if isinstance(page, bool) or not isinstance(page, int) or not 1 < page < 2**31:
        raise ValueError("not a page")
    return page, [_typed(key, value) for key, value in zip(keys, data["k"], strict=True)]


class KeysetPagination(Pagination):
    """A page of a select() of one entity, by page number or after a cursor, with the next cursor.

    Arguments (besides page and per_page): select (filtered and unordered: the order is `keys`),
    keys (SortKey list ending with the entity's id), session, load (ids -> {id: row}, with what the
    page shows eagerly loaded; used for deep page numbers), options (loader options for one-query
    pages), after (decoded key values, or None) and the answer's `total` when the caller knows it.
    """

    def __init__(self, *, after_values=None, **kwargs):
        self._after = after_values
        self.next_cursor = None
        super().__init__(**kwargs)

    def _query_items(self) -> list:
        args = self._query_args
        keys: list[SortKey] = args["keys"]
        session = args["session"]
        order = [key.order_by() for key in keys]
        key_columns = [key.expression for key in keys]
        base = args["select"]
        if self._after is not None:
            base = base.where(after(keys, self._after))
        if self._after is not None or self._query_offset:
            # A page deep in the list: first the keys of its rows alone, read from the index of the order
            # (the skipped rows, or those compared with the cursor, never touch the table), then its rows.
            keys_only = base.with_only_columns(*key_columns, maintain_column_froms=True).order_by(*order)
            if self._after is None:
                keys_only = keys_only.offset(self._query_offset)
            rows = session.execute(keys_only.limit(self.per_page)).all()
            loaded = args["load"]([row[-1] for row in rows])
            items = [loaded[row[-1]] for row in rows if row[-1] in loaded]
        else:
            rows = session.execute(
                base.add_columns(*key_columns)
                .options(*args.get("options", ()))
                .order_by(*order)
                .limit(self.per_page)
            ).all()
            items = [row[0] for row in rows]
            rows = [row[1:] for row in rows]
        self._last_keys = list(rows[-1]) if rows else None
        return items

    def _query_count(self) -> int:
        if self._after is None and self.page == 1 and len(self.items) < self.per_page:
            return len(self.items)  # the whole list is on this page
        if self._query_args.get("total_of") is not None:
            return self._query_args["total_of"]()
        base = self._query_args["select"].options(lazyload("*")).order_by(None)
        return self._query_args["session"].execute(select(func.count()).select_from(base.subquery())).scalar()

    def finish(self) -> "KeysetPagination":
        """Set next_cursor once total is known (a next page exists)."""
        if self._last_keys is not None and len(self.items) == self.per_page and self.has_next:
            self.next_cursor = encode_cursor(self.page + 1, self._last_keys)
        return self


def keyset_page(
    select_,
    keys: Sequence[SortKey],
    session,
    load: Callable[[list], dict],
    *,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
    options: Sequence = (),
    strict: bool = True,
    count: Callable[[], int] | None = None,
) -> KeysetPagination:
    """One page of select_ in the order of keys: after `cursor` if given, else page number `page`.

    A cursor that does not fit raises ValueError when strict (the API answers 422), else is ignored.
    `count`, when given, answers the number of rows of select_ (e.g. from a cache) instead of a COUNT."""
    after_values = None
    if cursor:
        try:
            page, after_values = decode_cursor(cursor, keys)
        except ValueError:
            if strict:
                raise
            page, after_values = 1, None
    result = KeysetPagination(
        page=page,
        per_page=per_page,
        max_per_page=100,
        error_out=False,
        after_values=after_values,
        select=select_,
        keys=list(keys),
        session=session,
        load=load,
        options=options,
        # not `count`: Flask-SQLAlchemy's Pagination takes that keyword itself (whether to count at
        # all) and never passes it on, so a callable given as `count` was silently never called
        total_of=count,
    )
    return result.finish()
