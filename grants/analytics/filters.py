"""The filters every analytics view shares (dashboard, needs coverage, statistics API, risk flags):
year, region (KATO), administrator (BIN), sphere (code) and council (id), as validated query parameters."""

from dataclasses import dataclass

from marshmallow import fields
from sqlalchemy import Select, select

from grants.core.schemas import QuerySchema, matches
from grants.core.schemas import lazy as _l
from grants.councils.models import group_councils
from grants.lots.models import Lot
from grants.lots.operations import LotFilters, lots_matching
from grants.monitoring.models import Evaluation


class AnalyticsArgs(QuerySchema):
    """year, region (KATO), administrator (BIN), sphere (code) and council (id), all optional."""

    year = fields.String(validate=matches(r"[1-9][0-9]{3}", _l("Must be a four-digit year.")))
    region = fields.String(validate=matches(r"[0-9]{9}", _l("Must be a 9-digit KATO code.")))
    administrator = fields.String(validate=matches(r"[0-9]{12}", _l("Must be a 12-digit BIN.")))
    sphere = fields.String(validate=matches(r"[A-Za-z0-9_.-]{1,40}", _l("Must be a sphere code.")))
    council = fields.String(validate=matches(r"[1-9][0-9]{0,8}", _l("Must be a council number.")))


@dataclass(frozen=True)
class AnalyticsFilters:
    year: int | None = None
    region: str | None = None  # KATO of the region
    administrator: str | None = None  # BIN
    sphere: str | None = None  # sphere code
    council: int | None = None  # a council whose groups evaluated the lot or its projects

    @classmethod
    def from_args(cls, args: dict) -> "AnalyticsFilters":
        return cls(
            year=int(args["year"]) if args.get("year") else None,
            region=args.get("region") or None,
            administrator=args.get("administrator") or None,
            sphere=args.get("sphere") or None,
            council=int(args["council"]) if args.get("council") else None,
        )

    def as_args(self) -> dict:
        """The filters as query parameters (for links and downloads), empty ones left out."""
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def lot_ids(self) -> Select:
        """SELECT of the ids of the lots these filters keep: a subquery for every aggregation."""
        lots = lots_matching(
            LotFilters(
                year=self.year, region=self.region, administrator=self.administrator, sphere=self.sphere
            )
        )
        query = lots.with_only_columns(Lot.id)
        if self.council is not None:
            query = query.where(Lot.id.in_(self.council_lot_ids()))
        return query

    def council_lot_ids(self) -> Select:
        """Lots evaluated (as lots or through their projects) by a group drawn from the council."""
        groups = select(group_councils.c.group_id).where(group_councils.c.council_id == self.council)
        return select(Evaluation.lot_id).where(Evaluation.group_id.in_(groups))
