from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import URL, DataRequired, Length, Optional

from grants.core.forms import IntSelectField, ValidBIN, enum_select_choices
from grants.organisations.models import OrganisationKind


class OrganisationForm(FlaskForm):
    bin = StringField(_l("BIN"), validators=[DataRequired(), ValidBIN()])
    name_ru = StringField(_l("Name (ru)"), validators=[DataRequired(), Length(max=500)])
    name_kk = StringField(_l("Name (kk)"), validators=[DataRequired(), Length(max=500)])
    name_en = StringField(_l("Name (en)"), validators=[Optional(), Length(max=500)])
    kind = SelectField(_l("Kind"), choices=enum_select_choices(OrganisationKind))
    region_id = IntSelectField(_l("Region"), validators=[Optional()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=500)])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    submit = SubmitField(_l("Save"))
