"""Hostile input for the route fuzz: parameter names harvested from the code, values chosen to break it.

Names come from the templates (`name="..."`), the views (`args.get("...")`, `form.get("...")`),
the WTForms classes and the API's OpenAPI document, so a new field is fuzzed without editing
this file. Values are the boundaries that have broken the service before (docs/input-validation.md):
integers past every column type, lone surrogates, control characters, deep JSON, wrong types.
"""

import re
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]

HUGE = "99999999999999999999"
INT_VALUES = (
    "0", "-1", "1", "2", "3", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
    "9223372036854775808", "-9223372036854775809", HUGE, "-" + HUGE, "1" * 400, "1e309", "NaN", "inf",
    "0x10", "١٢", "²", "2025.5", " 2025 ",
)  # fmt: skip
TEXT_VALUES = (
    "", " ", "\x01", "a\x1bb", "\x7f", "\x0b\x0c", "\u2028", "\ufeff", "\U0001f600", "%00", "'; drop table lots;--",
    "<script>alert(1)</script>", "../../etc/passwd", "x" * 5000, "ё" * 300, "None", "null", "true", "[]", "{}",
)  # fmt: skip
# Path segments for <int:...> converters; werkzeug accepts any digits, the view must not.
PATH_INTS = (0, 1, 2, 3, 7, 2147483647, 2147483648, 9223372036854775807, 9223372036854775808, int(HUGE))
PATH_STRINGS = ("x", "0", HUGE, "%E2%80%A8", "..", "a" * 300, "ru", "en", "kk")

# Raw JSON documents the stdlib parser accepts or chokes on.
RAW_JSON = (
    b"[" * 200_000 + b"]" * 200_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b'"\\ud800"',
    b'{"\\ud800": 1}',
    b'{"scores": {"\\ud800": {"score": 1}}}',
    b'{"email": "a\\u0001b@example.kz", "password": "x"}',
    b"NaN",
    b'{"score": Infinity}',
    b"1e400",
    b"9" * 5000,
    b'{"email": "\\udfff", "password": "\\ud800"}',
    b"\xff\xfe{",
    b"{",
    b"",
)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,60}")


def _harvest() -> tuple[list[str], list[str]]:
    """(query/form names, JSON keys) found in the code and templates."""
    form_names, json_keys = set(), set()
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        form_names.update(re.findall(r'name="([A-Za-z_][\w\-]*)"', text))
    for path in (ROOT / "grants").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        form_names.update(re.findall(r'(?:args|form)\.get(?:list)?\(\s*"([\w\-]+)"', text))
        form_names.update(re.findall(r"^\s+(\w+)\s*=\s*\w*(?:Field|field)\(", text, re.M))
        json_keys.update(re.findall(r'body(?:\.get\(|\[)\s*"(\w+)"', text))
        json_keys.update(re.findall(r'"(\w+)":\s*\{"type"', text))
    form_names.update({"page", "per_page", "year", "lang", "next", "sort", "q", "token", "csrf_token"})
    json_keys.update({"email", "password", "scores", "score", "comment", "reason", "decision", "need_id"})
    return sorted(n for n in form_names if _NAME.fullmatch(n)), sorted(json_keys)


FORM_NAMES, JSON_KEYS = _harvest()


def criterion_names(codes) -> list[str]:
    """The scorecard and consolidation fields built from the methodology's criteria."""
    return [f"{prefix}_{code}" for code in codes for prefix in ("score", "comment", "conclusion", "note")]


hostile_text = st.one_of(
    st.sampled_from(INT_VALUES + TEXT_VALUES),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3F), max_size=10),
)


def params(names: list[str]):
    return st.dictionaries(st.sampled_from(names), hostile_text, max_size=6)


_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**30, 0, -1, 1]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),  # includes lone surrogates
    st.sampled_from(["\ud800", "\udfff", "a\x01", "\x7f", "x" * 3000]),
)


def json_bodies(keys: list[str]):
    key = st.one_of(st.sampled_from(keys), st.sampled_from(["\ud800", "\x01", ""]), st.text(max_size=8))
    values = st.recursive(
        _scalar,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(key, children, max_size=4)
        ),
        max_leaves=12,
    )
    return st.one_of(st.dictionaries(key, values, max_size=6), values)
