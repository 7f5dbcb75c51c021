"""Valid demo BINs built by the rules of docs/domain.md#identifiers (YYMM, entity kind, serial, check digit)."""

from grants.core.identifiers import make_bin

RESIDENT_HEAD_OFFICE = "40"  # digit 5 = 4 resident legal entity, digit 6 = 0 head office


def demo_bin(yymm: str, serial: int, kind: str = RESIDENT_HEAD_OFFICE) -> str:
    """The first valid BIN at or after `serial`: some serials admit no check digit."""
    for candidate in range(serial, serial + 50):
        try:
            return make_bin(f"{yymm}{kind}{candidate:05d}")
        except ValueError:
            continue
    raise ValueError(f"no valid BIN near {yymm}{kind}{serial:05d}")
