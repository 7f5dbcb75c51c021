from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from grants.core.forms import IntSelectField, enum_select_choices
from grants.core.validation import BoundedIntegerField
from grants.needs.models import NeedSource, Priority


class NeedForm(FlaskForm):
    title_ru = StringField(_l("Title (ru)"), validators=[DataRequired(), Length(max=500)])
    title_kk = StringField(_l("Title (kk)"), validators=[DataRequired(), Length(max=500)])
    title_en = StringField(_l("Title (en)"), validators=[Optional(), Length(max=500)])
    description_ru = TextAreaField(_l("Description (ru)"), validators=[Optional()])
    description_kk = TextAreaField(_l("Description (kk)"), validators=[Optional()])
    region_id = IntSelectField(_l("Region"), validators=[Optional()])
    source = SelectField(_l("Source"), choices=enum_select_choices(NeedSource))
    evidence = TextAreaField(_l("Evidence (links or references, one per line)"), validators=[Optional()])
    priority = SelectField(
        _l("Priority"), choices=enum_select_choices(Priority), default=Priority.medium.value
    )
    year_raised = BoundedIntegerField(
        _l("Year raised"), validators=[DataRequired(), NumberRange(min=2000, max=2100)]
    )
    submit = SubmitField(_l("Save"))
