from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from grants.core.forms import EndAfterStart, IntSelectField, MultiCheckboxField, enum_select_choices
from grants.councils.models import CouncilLevel


class CouncilForm(FlaskForm):
    name_ru = StringField(_l("Name (ru)"), validators=[DataRequired(), Length(max=500)])
    name_kk = StringField(_l("Name (kk)"), validators=[DataRequired(), Length(max=500)])
    name_en = StringField(_l("Name (en)"), validators=[Optional(), Length(max=500)])
    level = SelectField(_l("Level"), choices=enum_select_choices(CouncilLevel))
    body_id = IntSelectField(_l("Body the council sits at"), validators=[Optional()])
    region_id = IntSelectField(_l("Region"), validators=[Optional()])
    description_ru = TextAreaField(_l("Description (ru)"), validators=[Optional()])
    description_kk = TextAreaField(_l("Description (kk)"), validators=[Optional()])
    members = MultiCheckboxField(_l("Members"), coerce=int)
    submit = SubmitField(_l("Save"))


class GroupForm(FlaskForm):
    name_ru = StringField(_l("Name (ru)"), validators=[DataRequired(), Length(max=500)])
    name_kk = StringField(_l("Name (kk)"), validators=[DataRequired(), Length(max=500)])
    name_en = StringField(_l("Name (en)"), validators=[Optional(), Length(max=500)])
    councils = MultiCheckboxField(_l("Councils the group is drawn from"), coerce=int)
    members = MultiCheckboxField(_l("Members"), coerce=int)
    chair_id = IntSelectField(_l("Chair"), validators=[DataRequired(message=_l("Choose the chair."))])
    organiser_id = IntSelectField(_l("Organising body"), validators=[Optional()])
    period_start = DateField(_l("Period start"), validators=[Optional()])
    period_end = DateField(_l("Period end"), validators=[Optional(), EndAfterStart("period_start")])
    submit = SubmitField(_l("Save"))

    def validate_councils(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one council."))

    def validate_chair_id(self, field):
        if field.data and field.data not in (self.members.data or []):
            raise ValidationError(_l("The chair must be one of the group's members."))
