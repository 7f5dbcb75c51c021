"""Money in tenge: parsing user input. Kept for its importers; the functions live in
grants/core/formatting.py with the rest of how numbers are read and written."""

from grants.core.formatting import CENT, money, parse_amount

__all__ = ["CENT", "money", "parse_amount"]
