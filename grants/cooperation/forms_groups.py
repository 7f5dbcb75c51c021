"""Forms of working groups, experts and information work. The operations check every rule again (and the
API's would too); the forms keep what was typed and show the messages beside the fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from grants.cooperation.models import InformationKind
from grants.core.forms import IntSelectField, MultiCheckboxField
from grants.core.validation import MAX_TEXT, BoundedIntegerField

FILES_LABEL = _l("Documents (PDF, image, Word or Excel, up to 10 MB each)")
LINKS_LABEL = _l("Links to documents (one per line)")


def links_of(field) -> list[str]:
    return [line.strip() for line in (field.data or "").splitlines() if line.strip()]


class WorkingGroupForm(FlaskForm):
    name_ru = StringField(_l("Name (ru)"), validators=[DataRequired(), Length(max=500)])
    name_kk = StringField(_l("Name (kk)"), validators=[DataRequired(), Length(max=500)])
    name_en = StringField(_l("Name (en)"), validators=[Optional(), Length(max=500)])
    councils = MultiCheckboxField(_l("Councils the group is drawn from"), coerce=int)
    lead_id = IntSelectField(_l("Lead"), validators=[Optional()])
    mandate = TextAreaField(_l("Mandate"), validators=[Optional(), Length(max=MAX_TEXT)])
    needs = SelectMultipleField(_l("Topics (public needs)"), coerce=int, validators=[Optional()])
    formed_on = DateField(_l("Formed on"), validators=[Optional()])
    active = BooleanField(_l("The group is active"), default=True)
    submit = SubmitField(_l("Save"))


class MemberForm(FlaskForm):
    user_id = IntSelectField(_l("Member"), validators=[DataRequired(message=_l("Choose the member."))])
    council_id = IntSelectField(_l("Represents the council"), validators=[Optional()])
    add = SubmitField(_l("Add to the group"))


class TaskForm(FlaskForm):
    title = TextAreaField(_l("Task"), validators=[DataRequired(), Length(max=1000)])
    due_date = DateField(_l("Deadline"), validators=[DataRequired(message=_l("Set the deadline."))])
    responsible_id = IntSelectField(_l("Responsible"), validators=[Optional()])
    activity_id = IntSelectField(_l("Activity of the plan"), validators=[Optional()])
    submit = SubmitField(_l("Add the task"))


class CompleteTaskForm(FlaskForm):
    output = TextAreaField(
        _l("Output (conclusion)"),
        validators=[DataRequired(message=_l("Describe the output of the task.")), Length(max=MAX_TEXT)],
    )
    done_on = DateField(_l("Done on"), validators=[Optional()])
    files = MultipleFileField(FILES_LABEL)
    links = TextAreaField(LINKS_LABEL, validators=[Optional(), Length(max=11000)])
    submit = SubmitField(_l("Mark the task done"))


class ExpertForm(FlaskForm):
    user_id = IntSelectField(_l("A member as the expert"), validators=[Optional()])
    name = StringField(_l("Or an invited expert: name"), validators=[Optional(), Length(max=300)])
    qualification = StringField(_l("Qualification"), validators=[Optional(), Length(max=500)])
    conclusion = TextAreaField(_l("Written conclusion"), validators=[Optional(), Length(max=MAX_TEXT)])
    concluded_on = DateField(_l("Date of the conclusion"), validators=[Optional()])
    files = MultipleFileField(FILES_LABEL)
    links = TextAreaField(LINKS_LABEL, validators=[Optional(), Length(max=11000)])
    submit = SubmitField(_l("Attach the expert"))


class InformationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=InformationKind.choices(), validators=[DataRequired()])
    title_ru = StringField(_l("Title (ru)"), validators=[DataRequired(), Length(max=1000)])
    title_kk = StringField(_l("Title (kk)"), validators=[DataRequired(), Length(max=1000)])
    title_en = StringField(_l("Title (en)"), validators=[Optional(), Length(max=1000)])
    held_on = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter the date."))])
    audience = StringField(_l("Audience"), validators=[Optional(), Length(max=500)])
    reach = BoundedIntegerField(
        _l("Reach (people reached)"),
        minimum=0,
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Enter the number of people reached: 0 or more.")),
        ],
    )
    url = StringField(_l("Link (http:// or https://)"), validators=[Optional(), Length(max=1000)])
    council_id = IntSelectField(_l("Council"), validators=[DataRequired(message=_l("Choose the council."))])
    activity_id = IntSelectField(_l("Activity of the plan"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class ConclusionForm(FlaskForm):
    conclusion = TextAreaField(
        _l("Written conclusion"),
        validators=[DataRequired(message=_l("Write the conclusion.")), Length(max=MAX_TEXT)],
    )
    concluded_on = DateField(_l("Date of the conclusion"), validators=[Optional()])
    files = MultipleFileField(FILES_LABEL)
    links = TextAreaField(LINKS_LABEL, validators=[Optional(), Length(max=11000)])
    submit = SubmitField(_l("Save the conclusion"))
