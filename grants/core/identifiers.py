"""Kazakh identifiers: BIN/IIN check digit and KATO codes (docs/domain.md#identifiers)."""

import re

_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def bin_check_digit(first11: str) -> int | None:
    """Check digit of a BIN/IIN from its first 11 digits, or None when no valid digit exists."""
    digits = [int(c) for c in first11]
    s = sum(d * i for i, d in enumerate(digits, start=1)) % 11
    if s == 10:
        s = sum(d * w for d, w in zip(digits, _WEIGHTS_2, strict=True)) % 11
        if s == 10:
            return None
    return s


def is_valid_bin(value: str | None) -> bool:
    """True when value is 12 digits whose last digit is the correct check digit."""
    if not value or not re.fullmatch(r"[0-9]{12}", value):
        return False
    return bin_check_digit(value[:11]) == int(value[11])


def make_bin(prefix11: str) -> str:
    """Complete an 11-digit prefix with its check digit (for seed data); raises if none exists."""
    digit = bin_check_digit(prefix11)
    if digit is None:
        raise ValueError(f"no valid check digit for {prefix11}")
    return f"{prefix11}{digit}"


def is_valid_kato(value: str | None) -> bool:
    return bool(value) and re.fullmatch(r"[0-9]{9}", value) is not None
