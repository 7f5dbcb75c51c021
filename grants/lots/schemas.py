"""The registry's filters as query parameters, shared by the API's lists and the open-data exports."""

from marshmallow import fields

from grants.core.pagination import MAX_CURSOR_LENGTH
from grants.core.schemas import QuerySchema, limited_text, matches, max_length, one_of
from grants.core.schemas import lazy as _l
from grants.lots.models import LotStatus
from grants.lots.operations import DEFAULT_SORT, SORTS, LotFilters

MAX_Q_LENGTH = 200


class RegistryFilterArgs(QuerySchema):
    """year, region (KATO), administrator (BIN), sphere, status and free text, all optional."""

    year = fields.String(validate=matches(r"[1-9][0-9]{3}", _l("Must be a four-digit year.")))
    region = fields.String(validate=matches(r"[0-9]{9}", _l("Must be a 9-digit KATO code.")))
    administrator = fields.String(validate=matches(r"[0-9]{12}", _l("Must be a 12-digit BIN.")))
    sphere = fields.String(validate=matches(r"[A-Za-z0-9_.-]{1,40}", _l("Must be a sphere code.")))
    status = fields.String(validate=one_of(s.value for s in LotStatus))
    q = limited_text(MAX_Q_LENGTH)


class SortArgs(QuerySchema):
    sort = fields.String(
        load_default=DEFAULT_SORT, validate=one_of(SORTS), metadata={"default": DEFAULT_SORT}
    )


class CursorArgs(QuerySchema):
    after = fields.String(
        validate=max_length(MAX_CURSOR_LENGTH),
        metadata={
            "description": "The `next` cursor of the previous page: the page after it, as cheap as the first."
        },
    )


def lot_filters(args: dict) -> LotFilters:
    """The filters of lot_query from validated query parameters."""
    return LotFilters(
        year=int(args["year"]) if args.get("year") else None,
        region=args.get("region"),
        administrator=args.get("administrator"),
        sphere=args.get("sphere"),
        status=args.get("status"),
        q=args.get("q"),
        sort=args.get("sort", DEFAULT_SORT),
    )
