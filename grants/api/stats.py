"""Statistics across campaigns: lots, budget, contracts and published results per region, administrator,
sphere or year (docs/api.md#statistics, docs/analytics.md#statistics). Public, no sign-in needed:
only published evaluations count. The figures come from grants/analytics/stats.py (GROUP BY in SQL).
"""

from flask import current_app
from flask_babel import gettext as _
from marshmallow import fields

from grants.analytics.filters import AnalyticsArgs, AnalyticsFilters
from grants.analytics.stats import GROUP_BY, STATS_TABLES, StatsRow, group_stats
from grants.api.common import bp
from grants.api.schemas import CURRENCY, NullableText, Text
from grants.core.cache import FigureCache
from grants.core.db import current_language
from grants.core.schemas import TENTH, Answer, DecimalString, computed, one_of
from grants.extensions import db

TAGS = ["stats"]
LANGUAGES = ("ru", "kk", "en")


class StatsArgs(AnalyticsArgs):
    """group_by (required) and the analytics filters: year, region (KATO), administrator (BIN),
    sphere (code), council (id)."""

    group_by = fields.String(
        required=True,
        validate=one_of(GROUP_BY),
        metadata={"description": "region (KATO), administrator (BIN), sphere (code) or year"},
    )


def _name(row: StatsRow, lang: str | None = None) -> str | None:
    """The group's name in lang (None: the request's language); a year is its own name."""
    if row.subject is not None:
        return row.subject.localized("name", lang) or None
    if row.key is None:
        return _("No sphere") if lang is None else None
    return str(row.key)


class StatsFiguresSchema(Answer):
    """The figures of a group or of the total. Additive figures of the groups add up to the total;
    means are over the evaluations themselves (never a mean of the groups' means)."""

    lots = fields.Integer(metadata={"description": "Lots"})
    budget = DecimalString(metadata={"description": "Announced budget of the lots"})
    contracted = DecimalString(
        metadata={"description": "Amount of the standing contracts (terminated ones left out)"}
    )
    projects = fields.Integer(metadata={"description": "Contracts (projects), terminated ones included"})
    published_evaluations = fields.Integer(
        metadata={"description": "Published evaluations of the lots and their projects"}
    )
    mean_index = DecimalString(
        TENTH,
        allow_none=True,
        metadata={"description": "Mean effectiveness index of published project evaluations"},
    )
    bands = fields.Dict(
        keys=Text(),
        values=fields.Integer(),
        metadata={"description": "Published project evaluations per rating band code"},
    )
    mean_relevance = DecimalString(
        TENTH, allow_none=True, metadata={"description": "Mean relevance index of published lot evaluations"}
    )


class StatsGroupSchema(StatsFiguresSchema):
    key = computed(
        NullableText(metadata={"description": "KATO, BIN, sphere code or year; null: lots with no sphere"}),
        lambda row: None if row.key is None else str(row.key),
    )
    name = computed(NullableText(), _name)
    name_ru = computed(NullableText(), lambda row: _name(row, "ru"))
    name_kk = computed(NullableText(), lambda row: _name(row, "kk"))
    name_en = computed(NullableText(), lambda row: _name(row, "en"))


class StatsSchema(Answer):
    group_by = Text(metadata={"enum": list(GROUP_BY)})
    filters = fields.Dict(keys=Text(), values=fields.Raw(), metadata={"description": "The filters applied"})
    currency = Text()
    groups = fields.List(fields.Nested(StatsGroupSchema))
    totals = fields.Nested(StatsFiguresSchema)


# The serialised answers, per filters, grouping and language, until the figures change
# (docs/performance.md#cached-totals): a repeated question costs one lookup, not a marshmallow dump.
ANSWERS = FigureCache("stats answers", STATS_TABLES, size=128)


@bp.get("/stats", tags=TAGS)
@bp.arguments(StatsArgs, location="query")
@bp.response(200, StatsSchema)
def stats(args):
    """Lots, announced budget, contracted amount, projects and published results per group, and the
    totals over every lot the filters keep (the same lots as GET /lots with the same filters)."""
    filters = AnalyticsFilters.from_args(args)
    answer = ANSWERS.get(
        db.session,
        (filters, args["group_by"], current_language()),
        lambda: _answer(filters, args["group_by"]),
    )
    # a Response passes through flask-smorest's response decorator as it is (already dumped by StatsSchema)
    return current_app.json.response(answer)


def _answer(filters: AnalyticsFilters, group_by: str) -> dict:
    """The answer dumped by StatsSchema: plain values, shared between requests (never change it)."""
    rows, total = group_stats(filters, group_by)
    answer = {
        "group_by": group_by,
        "filters": filters.as_args(),
        "currency": CURRENCY,
        "groups": rows,
        "totals": total,
    }
    return StatsSchema().dump(answer)
