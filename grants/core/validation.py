"""Bounds every request value must respect before any view reads it (docs/input-validation.md).

One rule each, used by grants/main/errors.py (a check before every request) and by views that
parse numbers themselves:
- integers fit the database's INTEGER column (PostgreSQL's int4; SQLite overflows past int8);
- text holds no control characters other than tab, newline and carriage return, and no lone
  surrogates (UTF-8 cannot encode them, the database cannot store them);
- JSON bodies are at most MAX_JSON_BYTES, nested at most MAX_JSON_DEPTH deep (checked on the raw
  bytes, before Python's recursive parser sees them), hold only finite numbers and integers
  within ±JSON_INT_LIMIT;
- free text is at most MAX_TEXT, MAX_REASON or MAX_LONG_TEXT characters: the operations check it
  (check_length, too_long) whichever door the text comes through; forms and API schemas show the
  same numbers.
"""

import json
import math
import re
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField

from grants.core.errors import RuleViolation

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # INTEGER columns; ids are 1..INT_MAX
JSON_INT_LIMIT = 2**53 - 1  # integers every JSON reader keeps exactly
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32

MAX_TEXT = 5000  # a comment, a note, a conclusion, a reply, a ruling's reason, a review's comment
MAX_REASON = 1000  # why a scorecard is reopened, why a public need is linked or unlinked
MAX_LONG_TEXT = 20000  # a consolidation's findings and recommendations

# Unicode control characters (category Cc) but tab, LF and CR; lone surrogates (category Cs).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def bad_text(value: str) -> bool:
    """True when value holds a character no field accepts (control characters, lone surrogates)."""
    return _FORBIDDEN.search(value) is not None


def bounded_int(value, minimum: int = INT_MIN, maximum: int = INT_MAX) -> int:
    """An integer parsed from text within [minimum, maximum]; ValueError otherwise.

    Usable as `request.args.get(name, type=bounded_int)` (None when absent or out of range).
    """
    text = str(value).strip()
    if not _INTEGER.fullmatch(text):
        raise ValueError("not an integer")
    number = int(text)
    if not minimum <= number <= maximum:
        raise ValueError("out of range")
    return number


def too_long(fields: dict[str, str], name: str, value, limit: int) -> None:
    """Name the field in fields when value is text longer than limit characters."""
    if isinstance(value, str) and len(value) > limit:
        fields[name] = _("Must be at most %(max)s characters.", max=limit)


def check_length(name: str, value, limit: int) -> None:
    """RuleViolation (422, naming the field) when value is text longer than limit characters."""
    fields: dict[str, str] = {}
    too_long(fields, name, value, limit)
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)


def positive_id(value) -> int:
    """A database id: 1..INT_MAX (for `type=`)."""
    return bounded_int(value, 1, INT_MAX)


class JSONProblem(ValueError):
    """A JSON body refused before the view reads it; field is the path of the offending value."""

    def __init__(self, field: str, message: str, status: int = 422):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def json_depth(raw: bytes, stop: int | None = None) -> int:
    """How deep arrays and objects nest in raw JSON, counted without parsing (strings skipped);
    counting ends once the depth passes stop."""
    brackets = _STRINGS.sub(b'""', raw).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in (0x5B, 0x7B) else -1
        if depth > deepest:
            deepest = depth
            if stop is not None and deepest > stop:
                break
    return deepest


def check_json(raw: bytes, messages) -> None:
    """Raise JSONProblem for a body that is too large, too deep or holds values no field accepts.

    messages: an object with the user-facing texts (too_large, too_deep, characters, number).
    A body that is simply malformed passes: the view answers it as it always did.
    """
    if len(raw) > MAX_JSON_BYTES:
        raise JSONProblem("body", messages.too_large(), status=413)
    if json_depth(raw, stop=MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise JSONProblem("body", messages.too_deep())
    try:
        document = json.loads(raw, parse_constant=lambda name: _NON_FINITE)
    except (ValueError, RecursionError):
        return
    _walk(document, "", messages)


_NON_FINITE = object()  # NaN, Infinity, -Infinity: stdlib extensions that JSON does not have


def _walk(value, path: str, messages) -> None:
    if isinstance(value, str):
        if bad_text(value):
            raise JSONProblem(path or "body", messages.characters())
    elif isinstance(value, bool) or value is None:
        return
    elif value is _NON_FINITE:
        raise JSONProblem(path or "body", messages.number())
    elif isinstance(value, int):
        if abs(value) > JSON_INT_LIMIT:
            raise JSONProblem(path or "body", messages.number())
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise JSONProblem(path or "body", messages.number())
    elif isinstance(value, dict):
        for key, item in value.items():
            if bad_text(key):
                raise JSONProblem(path or "body", messages.characters())
            _walk(item, f"{path}.{key}" if path else key, messages)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]" if path else f"[{index}]", messages)


class BoundedIntegerField(IntegerField):
    """wtforms' IntegerField limited to what an INTEGER column holds (docs/input-validation.md):
    a larger number is a field error, not an overflow in the database."""

    def __init__(self, *args, minimum: int = INT_MIN, maximum: int = INT_MAX, **kwargs):
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.minimum <= self.data <= self.maximum:
            self.data = None
            raise ValueError(_l("The number is out of range."))


def is_local_path(target: str | None) -> bool:
    """A redirect target on this site: a path, never another host (`//host`, `/\\host`, a scheme)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\\\r\n\t") or bad_text(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
