"""Form fields and validators shared by every domain's forms."""

from decimal import Decimal

from flask import abort
from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import ValidationError

from grants.core.identifiers import is_valid_bin
from grants.core.money import parse_amount
from grants.extensions import db


class MoneyField(StringField):
    """An amount typed as people write it: '12 500 000,00' or '12500000'.

    integer_digits bounds the value to what the NUMERIC column holds (18,2 for money).
    """

    def __init__(self, *args, integer_digits: int = 16, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = Decimal(10) ** integer_digits

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = parse_amount(self.raw) if self.raw else None
        if self.raw and self.data is None:
            raise ValueError(_l("Enter an amount in tenge, for example 12 500 000,00."))
        if self.data is not None and abs(self.data) >= self.limit:
            self.data = None
            raise ValueError(_l("The number is too large."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return f"{self.data:.2f}"
        return self.data or ""


class NonNegative:
    def __call__(self, form, field: Field):
        if field.data is not None and field.data < 0:
            raise ValidationError(_l("The amount cannot be negative."))


class Positive:
    def __call__(self, form, field: Field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("The amount must be greater than zero."))


class ValidBIN:
    def __call__(self, form, field: Field):
        value = (field.data or "").strip()
        field.data = value
        if not is_valid_bin(value):
            raise ValidationError(_l("BIN must be 12 digits with a correct check digit."))


class EndAfterStart:
    """Put on the end-date field; start_field names the start-date field."""

    def __init__(self, start_field: str = "start_date"):
        self.start_field = start_field

    def __call__(self, form, field: Field):
        start = form[self.start_field].data
        if start and field.data and field.data < start:
            raise ValidationError(_l("The end date cannot be before the start date."))


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class IntSelectField(SelectField):
    """A select of database ids; an empty value means None."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", _int_or_none)
        super().__init__(*args, **kwargs)
        self.type = "SelectField"  # so Bootstrap-Flask styles it as a select


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def enum_select_choices(enum_cls):
    return enum_cls.choices()


def error_messages(errors) -> list[str]:
    """Every message in a field's errors as plain text, however WTForms nested it (lists of a
    FieldList, dicts of a FormField): what a reader sees, never a Python list or a field name."""
    if errors is None:
        return []
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in error_messages(value)]
    if isinstance(errors, (list, tuple)):
        return [m for value in errors for m in error_messages(value)]
    return [str(errors)]


def attach_violation(form, fields: dict, aliases: dict | None = None) -> list[str]:
    """Put a RuleViolation's field messages beside the form's fields (aliases maps the rule's field
    names to the form's), so the page shows them with the form's error summary instead of a flash.
    Returns the messages that name no field of the form, for the page to show in the summary."""
    aliases = aliases or {}
    unplaced = []
    for name, message in fields.items():
        target = getattr(form, aliases.get(name, name), None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*error_messages(target.errors), *error_messages(message)]
        else:
            unplaced.extend(error_messages(message))
    return unplaced


def refused(form, exc, aliases: dict | None = None) -> list[str]:
    """A page's answer to a RuleViolation raised while saving form: roll the transaction back, abort 403 for a
    person who may not do it, else put the rule's messages beside the form's fields and return those for the
    error summary (the rule's own message too, when no field of the form holds it)."""
    db.session.rollback()
    if exc.status == 403:
        abort(403)
    extra = attach_violation(form, exc.fields, aliases)
    if not exc.fields or extra:
        extra = [*extra, exc.message] if exc.message not in extra else extra
    return extra
