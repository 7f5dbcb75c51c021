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
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from grants.core.forms import (
    EndAfterStart,
    IntSelectField,
    MoneyField,
    NonNegative,
    Positive,
    enum_select_choices,
)
from grants.core.i18n import RowForm
from grants.lots.forms import TengeField
from grants.lots.models import Unit
from grants.projects.models import ProjectStatus


class ProjectIndicatorForm(RowForm):
    name_ru = StringField(_l("Indicator (ru)"), validators=[Optional(), Length(max=500)])
    name_kk = StringField(_l("Indicator (kk)"), validators=[Optional(), Length(max=500)])
    unit = SelectField(_l("Unit"), choices=enum_select_choices(Unit), default=Unit.persons.value)
    baseline = MoneyField(_l("Baseline"), integer_digits=12, validators=[Optional(), NonNegative()])
    # not Optional(): it would stop the chain before validate_target, which requires it for a named indicator
    target = MoneyField(_l("Target"), integer_digits=12, validators=[NonNegative()])
    actual = MoneyField(_l("Actual"), integer_digits=12, validators=[Optional(), NonNegative()])

    def validate_target(self, field):
        if self.name_ru.data and field.data is None:
            raise ValidationError(_l("Enter a target value."))


class ProjectForm(FlaskForm):
    ngo_id = IntSelectField(_l("NGO"), validators=[DataRequired(message=_l("Choose the NGO."))])
    contract_number = StringField(_l("Contract number"), validators=[DataRequired(), Length(max=60)])
    contract_date = DateField(_l("Contract date"), validators=[DataRequired()])
    amount = TengeField(
        _l("Contract amount, ₸"), validators=[InputRequired(message=_l("Enter the amount.")), Positive()]
    )
    actual_amount = TengeField(_l("Actual amount spent, ₸"), validators=[Optional(), NonNegative()])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired(), EndAfterStart()])
    status = SelectField(_l("Status"), choices=enum_select_choices(ProjectStatus))
    title_ru = StringField(_l("Project title (ru)"), validators=[Optional(), Length(max=500)])
    title_kk = StringField(_l("Project title (kk)"), validators=[Optional(), Length(max=500)])
    summary_ru = TextAreaField(_l("Summary (ru)"), validators=[Optional()])
    summary_kk = TextAreaField(_l("Summary (kk)"), validators=[Optional()])
    indicators = FieldList(FormField(ProjectIndicatorForm), min_entries=1, max_entries=30)
    submit = SubmitField(_l("Save"))

    def indicator_rows(self) -> list[dict]:
        return [
            {
                "name_ru": r["name_ru"],
                "name_kk": r["name_kk"] or None,
                "unit": Unit(r["unit"]),
                "baseline": r["baseline"],
                "target": r["target"],
                "actual": r["actual"],
            }
            for r in self.indicators.data
            if r["name_ru"]
        ]
