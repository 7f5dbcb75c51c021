"""Money in tenge: parsing user input and formatting for the reader's locale."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_amount(text: str | None) -> Decimal | None:
    """'12 500 000,00', '12500000' or '12500000.5' -> Decimal with 2 places; None if not a number."""
    if text is None:
        return None
    cleaned = _SPACES.sub("", str(text)).replace("₸", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", cleaned):
        return None
    try:
        return Decimal(cleaned).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
