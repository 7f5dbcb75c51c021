from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from grants.core.formatting import amount_input
from grants.core.forms import (
    EndAfterStart,
    IntSelectField,
    MoneyField,
    NonNegative,
    Positive,
    enum_select_choices,
)
from grants.core.i18n import RowForm
from grants.core.validation import BoundedIntegerField
from grants.lots.models import LotStatus, Unit


class TengeField(MoneyField):
    """An amount of tenge shown as the reader writes it ('12 500 000,50' in ru/kk, grants/core/formatting.py),
    which is also what the field accepts back; what the user typed is shown back as typed."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return amount_input(self.data)


class IndicatorRowForm(RowForm):
    """One planned indicator row; a row with no name is ignored."""

    name_ru = StringField(_l("Indicator (ru)"), validators=[Optional(), Length(max=500)])
    name_kk = StringField(_l("Indicator (kk)"), validators=[Optional(), Length(max=500)])
    unit = SelectField(_l("Unit"), choices=enum_select_choices(Unit), default=Unit.persons.value)
    target = MoneyField(_l("Target"), integer_digits=12, validators=[Optional(), NonNegative()])

    def validate_target(self, field):
        if self.name_ru.data and field.data is None:
            raise ValidationError(_l("Enter a target value."))


class LotForm(FlaskForm):
    number = StringField(_l("Lot number"), validators=[DataRequired(), Length(max=50)])
    year = BoundedIntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2005, max=2100)])
    title_ru = StringField(_l("Title (ru)"), validators=[DataRequired(), Length(max=500)])
    title_kk = StringField(_l("Title (kk)"), validators=[DataRequired(), Length(max=500)])
    title_en = StringField(_l("Title (en)"), validators=[Optional(), Length(max=500)])
    description_ru = TextAreaField(_l("Description (ru)"), validators=[Optional()])
    description_kk = TextAreaField(_l("Description (kk)"), validators=[Optional()])
    region_id = IntSelectField(_l("Region"), validators=[DataRequired(message=_l("Choose a region."))])
    kato = StringField(
        _l("KATO code of the place"),
        validators=[Optional(), Regexp(r"^[0-9]{9}$", message=_l("KATO code is 9 digits."))],
    )
    sphere_id = IntSelectField(_l("Sphere"), validators=[Optional()])
    budget = TengeField(
        _l("Budget, ₸"), validators=[InputRequired(message=_l("Enter the budget.")), Positive()]
    )
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional(), EndAfterStart()])
    status = SelectField(
        _l("Status"), choices=enum_select_choices(LotStatus), default=LotStatus.planned.value
    )
    target_group_ru = TextAreaField(_l("Target group (ru)"), validators=[Optional()])
    target_group_kk = TextAreaField(_l("Target group (kk)"), validators=[Optional()])
    beneficiaries = BoundedIntegerField(
        _l("Number of beneficiaries"), validators=[Optional(), NumberRange(min=0)]
    )
    goal_ru = TextAreaField(_l("Goal (ru)"), validators=[Optional()])
    goal_kk = TextAreaField(_l("Goal (kk)"), validators=[Optional()])
    tasks_ru = TextAreaField(_l("Tasks (ru)"), validators=[Optional()])
    tasks_kk = TextAreaField(_l("Tasks (kk)"), validators=[Optional()])
    expected_results_ru = TextAreaField(_l("Expected results (ru)"), validators=[Optional()])
    expected_results_kk = TextAreaField(_l("Expected results (kk)"), validators=[Optional()])
    indicators = FieldList(FormField(IndicatorRowForm), min_entries=1, max_entries=30)
    submit = SubmitField(_l("Save"))

    def validate_kato(self, field):
        region = getattr(self, "_regions", {}).get(self.region_id.data)
        if field.data and region and field.data[:2] != region.kato[:2]:
            raise ValidationError(_l("The KATO code does not belong to the chosen region."))

    def indicator_rows(self) -> list[dict]:
        return [
            {
                "name_ru": row["name_ru"],
                "name_kk": row["name_kk"] or None,
                "unit": Unit(row["unit"]),
                "target": row["target"],
            }
            for row in self.indicators.data
            if row["name_ru"]
        ]
