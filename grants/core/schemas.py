"""Marshmallow schemas for JSON answers and requests, and their flask-smorest plumbing (docs/api.md).

The same declarations validate input, serialise output and generate /api/v1/openapi.json. What
this module adds to the libraries:
- messages in the reader's language (kk/ru/en): every field and validator message is lazy gettext;
- a refused request raises RuleViolation(422, fields={"path.to.field": message}), answered in the
  error shape {"error": {"code", "message", "fields"}} by the one RuleViolation handler;
- an Api whose error handlers stay out of the way: the HTML pages keep their HTML error pages;
- answers: every declared field is always present (required in the document), money and indices
  are decimal strings, timestamps are UTC ISO 8601.
"""

import re
from decimal import Decimal

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import fields, validate
from webargs.flaskparser import FlaskParser

from grants.core.db import as_utc
from grants.core.errors import RuleViolation
from grants.core.validation import INT_MAX, bad_text

MAX_ID = INT_MAX
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


class _Lazy(LazyString):
    """A lazy gettext string that schemas may deep-copy (flask-smorest copies its route docs)
    without translating it outside a request."""

    def __deepcopy__(self, memo):
        return self


def lazy(string: str, **variables) -> LazyString:
    """lazy_gettext for messages held by schemas: import it as `_l` (babel.cfg extracts `_l`)."""
    return _Lazy(_, string, **variables)


_l = lazy

# Every message marshmallow can give for the fields used here, translated at request time.
_MESSAGES = {
    "required": _l("This field is required."),
    "null": _l("This field is required."),
    "validator_failed": _l("The value is not valid."),
    "type": _l("Send a JSON object."),
    "invalid": _l("The value is not valid."),
    "invalid_utf8": _l("Contains characters that are not allowed."),
    "too_large": _l("The number is out of range."),
    "special": _l("The number is out of range."),
}
_FIELD_MESSAGES = {
    fields.String: {"invalid": _l("Must be a string.")},
    fields.Integer: {"invalid": _l("Must be a whole number.")},
    fields.Boolean: {"invalid": _l("Must be true or false.")},
    fields.List: {"invalid": _l("Send a list.")},
    fields.Dict: {"invalid": _l("Send a JSON object.")},
    fields.Nested: {"type": _l("Send a JSON object.")},
    fields.Date: {
        "invalid": _l("Must be a date (YYYY-MM-DD)."),
        "format": _l("Must be a date (YYYY-MM-DD)."),
    },
}


def _translate_default_messages() -> None:
    """Replace marshmallow's English defaults once, for every field class used in this project."""
    for cls in (fields.Field, *_FIELD_MESSAGES):
        messages = {key: value for key, value in _MESSAGES.items() if key in cls.default_error_messages}
        messages.update(_FIELD_MESSAGES.get(cls, {}))
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    ma.Schema.error_messages = {"unknown": _l("Unknown field."), "type": _l("Send a JSON object.")}


_translate_default_messages()


# --- validators: messages with numbers, formatted in the reader's language ----------------------


def max_length(limit: int):
    def check(value: str) -> None:
        if len(value) > limit:
            raise ma.ValidationError(_("Must be at most %(max)s characters.", max=limit))

    return _Described(check, maxLength=limit)


def one_of(values):
    values = tuple(values)

    def check(value) -> None:
        if value not in values:
            raise ma.ValidationError(_("Must be one of: %(values)s.", values=", ".join(map(str, values))))

    return _Described(check, enum=list(values))


def between(minimum: int, maximum: int | None = None, message=None):
    def check(value: int) -> None:
        if value < minimum or (maximum is not None and value > maximum):
            if message is not None:
                raise ma.ValidationError(str(message))
            if maximum is None:
                raise ma.ValidationError(_("Must be a whole number of at least %(min)s.", min=minimum))
            raise ma.ValidationError(_("Must be between %(min)s and %(max)s.", min=minimum, max=maximum))

    bounds = {"minimum": minimum} if maximum is None else {"minimum": minimum, "maximum": maximum}
    return _Described(check, **bounds)


def matches(pattern: str, message):
    compiled = re.compile(pattern)

    def check(value: str) -> None:
        if not compiled.fullmatch(value):
            raise ma.ValidationError(str(message))

    return _Described(check, pattern=f"^{pattern}$")


class _Described(validate.Validator):
    """A validator that also tells the OpenAPI document what it checks (maxLength, enum, ...)."""

    def __init__(self, check, **doc):
        self._check, self.doc = check, doc

    def __call__(self, value):
        self._check(value)
        return value


def _storable(value: str) -> None:
    if bad_text(value):
        raise ma.ValidationError(_("Contains characters that are not allowed."))


# --- fields ---------------------------------------------------------------------------------------


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError(_("This field is required."))


def limited_text(limit: int, *, blank: bool = True, **kwargs) -> fields.String:
    """A request text of at most limit characters that the database can store (blank=False: not
    only spaces either)."""
    checks = [max_length(limit), _storable] + ([] if blank else [_not_blank])
    return fields.String(validate=checks, **kwargs)


class StrictBoolean(fields.Boolean):
    """JSON true or false only (not "yes", 1 or "on")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StrictInteger(fields.Integer):
    """A JSON integer only (not "5", 5.0 or true)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class DecimalString(fields.String):
    """Decimal('8250000') -> "8250000.00": money and indices are never floats."""

    def __init__(self, places: Decimal = CENT, **kwargs):
        self.places = places
        decimals = len(str(places).split(".")[1]) if "." in str(places) else 0
        kwargs["metadata"] = {"pattern": rf"^-?\d+\.\d{{{decimals}}}$", **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return format(Decimal(value).quantize(self.places), "f")


class UtcDateTime(fields.DateTime):
    """Stored naive UTC timestamps answered as ISO 8601 with the offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else as_utc(value).isoformat()


class EnumValue(fields.String):
    """An Enum member answered by its value; the document lists the values."""

    def __init__(self, enum, **kwargs):
        kwargs["metadata"] = {"enum": [member.value for member in enum], **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.value


class Shown:
    """obj with a few extra attributes for its schema (the latest result of a lot, a caller's card)."""

    def __init__(self, obj, **extra):
        self.__dict__.update(extra, _obj=obj)

    def __getattr__(self, name):
        return getattr(self.__dict__["_obj"], name)


def computed(field: fields.Field, function) -> fields.Field:
    """field, its value computed from the object being dumped: function(obj)."""
    field.get_value = lambda obj, attr, accessor=None, default=None: function(obj)
    return field


# --- schemas --------------------------------------------------------------------------------------


class Schema(ma.Schema):
    """A request body: unknown keys are refused by name."""

    class Meta:
        unknown = ma.RAISE


class QuerySchema(ma.Schema):
    """Query parameters: surrounding spaces are dropped and an empty value means "not given"."""

    class Meta:
        unknown = ma.EXCLUDE

    @ma.pre_load
    def _blank_is_absent(self, data, **kwargs):
        cleaned = {}
        for name in data:
            value = data.get(name)
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
            cleaned[name] = value
        return cleaned


class Answer(ma.Schema):
    """A JSON answer: every declared field is present (null when empty), so all are required, except
    those declared with metadata={"optional": True} that some answers leave out."""

    def on_bind_field(self, field_name, field_obj):
        field_obj.required = not field_obj.metadata.get("optional")


class ErrorBodySchema(Answer):
    code = fields.String()
    message = fields.String()
    fields_ = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields")


class ErrorSchema(Answer):
    """{"error": {"code", "message", "fields"}}: fields names each refused value by its path."""

    error = fields.Nested(ErrorBodySchema)


class Page(Answer):
    """The paging of a list: page numbers start at 1; pages is 0 for an empty list."""

    page = fields.Integer(validate=between(1))
    pages = fields.Integer(validate=between(0))
    per_page = fields.Integer(validate=between(1, 100))
    total = fields.Integer(validate=between(0))


class PageArgs(QuerySchema):
    page = fields.Integer(
        load_default=1, validate=between(1, INT_MAX, _l("Must be a whole number of at least 1."))
    )
    per_page = fields.Integer(load_default=20, validate=between(1, 100))


# --- parsing and the API object -------------------------------------------------------------------


def flatten(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested {name: [message]} as {"name.sub": message}; the whole body is "body"."""
    found: dict[str, str] = {}
    if isinstance(messages, dict) and prefix and messages and set(messages) <= {"key", "value"}:
        # a Dict field's entry: {"key": [...], "value": {...}} is reported at the entry itself
        for value in messages.values():
            found.update(flatten(value, prefix))
    elif isinstance(messages, dict):
        for key, value in messages.items():
            name = "body" if key == "_schema" else str(key)
            found.update(
                flatten(value, f"{prefix}.{name}" if prefix and name != "body" else (prefix or name))
            )
    elif isinstance(messages, list) and messages and not all(isinstance(m, dict | list) for m in messages):
        found[prefix or "body"] = str(messages[0])
    elif isinstance(messages, list):
        for item in messages:
            found.update(flatten(item, prefix))
    else:
        found[prefix or "body"] = str(messages)
    return found


class Parser(FlaskParser):
    """webargs' parser raising RuleViolation(422) with every refused field named."""

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        by_location = error.messages if isinstance(error.messages, dict) else {"json": error.messages}
        found: dict[str, str] = {}
        for messages in by_location.values():
            found.update(flatten(messages))
        raise RuleViolation(
            _("Some fields are not valid."), status=422, fields=found, code="validation_error"
        )

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        _refuse_body()

    def _raw_load_json(self, req):
        """A body that is not JSON is refused, not read as an empty object."""
        if not req.is_json and req.get_data(cache=True):
            _refuse_body()
        try:
            return super()._raw_load_json(req)
        except (ValueError, RecursionError):  # malformed, or an integer too long for Python to read
            _refuse_body()


def _refuse_body():
    message = _("Send a JSON object.")
    raise RuleViolation(message, status=422, fields={"body": message}, code="validation_error")


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = Parser()


class Api(SmorestApi):
    """flask-smorest's Api without its app-wide JSON handler for every HTTPException: pages keep their
    HTML error pages, and grants/main/errors.py answers the API's errors in the error shape."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        return None

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.ma_plugin.converter.add_attribute_function(_validator_doc)


def _validator_doc(self, field, ret):
    """OpenAPI keywords of the validators above (maxLength, enum, minimum, pattern)."""
    for validator in field.validators:
        for key, value in getattr(validator, "doc", {}).items():
            ret.setdefault(key, value)
    if field.allow_none and "enum" in ret and None not in ret["enum"]:
        ret["enum"] = [*ret["enum"], None]
    return ret
