"""How JSON answers write values: decimals as exact strings, times in ISO 8601 (UTC), an organisation
as its BIN and name. Shared by the API and the other JSON answers (a report's verification), so
both write them alike."""

from datetime import date, datetime
from decimal import Decimal

from grants.core.db import as_utc

CENT = Decimal("0.01")


def decimal_str(value, places: Decimal = CENT) -> str | None:
    """Decimal('8250000') -> '8250000.00'; None stays None."""
    if value is None:
        return None
    return format(Decimal(value).quantize(places), "f")


def iso(value: date | datetime | None) -> str | None:
    """A date as YYYY-MM-DD, a time as ISO 8601 in UTC; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return value.isoformat()


def organisation(org) -> dict | None:
    """An organisation as JSON answers refer to it."""
    if org is None:
        return None
    return {"bin": org.bin, "name": org.name}
