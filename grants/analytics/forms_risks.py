"""Forms of the risk flags: the administrators' thresholds and a flag's review
(docs/analytics.md#risk-flags)."""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from grants.analytics.risks import RULES
from grants.core.i18n import number
from grants.core.validation import MAX_TEXT


class ThresholdField(StringField):
    """A threshold typed as people write numbers: '3', '2,5' or '0.9' (at most 4 decimals)."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip().replace("\u00a0", "").replace(" ", "") if valuelist else ""
        self.data = None
        if not self.raw:
            return
        text = self.raw.replace(",", ".") if self.raw.count(",") == 1 and "." not in self.raw else self.raw
        if not re.fullmatch(r"[0-9]{1,10}(\.[0-9]{1,4})?", text):
            raise ValueError(_l("Enter a number, for example 3 or 0,9."))
        try:
            self.data = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise ValueError(_l("Enter a number, for example 3 or 0,9.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return number(self.data.normalize())
        return self.data or ""


class WithinRule:
    """The threshold lies in the rule's range, and is a whole number where the rule counts things."""

    def __init__(self, code: str):
        self.rule = RULES[code]

    def __call__(self, form, field):
        if field.process_errors:
            return  # the field already says what is wrong with what was typed
        if field.data is None:
            raise ValidationError(_l("Enter the threshold."))
        if self.rule.integer and field.data != field.data.to_integral_value():
            raise ValidationError(_l("Enter a whole number."))
        if not self.rule.minimum <= field.data <= self.rule.maximum:
            raise ValidationError(
                _l(
                    "Enter a value from %(low)s to %(high)s.",
                    low=number(self.rule.minimum),
                    high=number(self.rule.maximum),
                )
            )


class ThresholdsForm(FlaskForm):
    """One field per rule (named by the rule's code) and the versions of the rows the page was read at."""

    versions = HiddenField()
    submit = SubmitField(_l("Save the thresholds"))

    def rule_fields(self):
        return [(RULES[code], self[code]) for code in RULES]


for _code, _rule in RULES.items():
    setattr(
        ThresholdsForm,
        _code,
        ThresholdField(_rule.title, description=_rule.help, validators=[WithinRule(_code)]),
    )


class ReviewForm(FlaskForm):
    note = TextAreaField(
        _l("What you found"),
        validators=[DataRequired(message=_l("Write a note on what you found.")), Length(max=MAX_TEXT)],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Mark as reviewed"))
