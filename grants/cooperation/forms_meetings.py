"""Forms of the meetings pages (docs/cooperation.md#meetings-and-minutes). Plain HTML posts with stable
field names; the rules themselves are checked by grants/cooperation/meetings.py."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from grants.core.forms import IntSelectField, MultiCheckboxField
from grants.core.validation import MAX_TEXT

RECOMMENDATION_ROWS = 3


class MeetingForm(FlaskForm):
    title_kk = StringField(_l("Title (Kazakh)"), validators=[Optional(), Length(max=1000)])
    title_ru = StringField(_l("Title (Russian)"), validators=[Optional(), Length(max=1000)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=1000)])
    starts_at = DateTimeLocalField(
        _l("Date and time"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], validators=[DataRequired()]
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=500)])
    off_site = BooleanField(_l("Off-site meeting"))
    number = StringField(_l("Minutes number"), validators=[Optional(), Length(max=40)])
    chaired_by = StringField(_l("Chaired by"), validators=[Optional(), Length(max=300)])
    # At least one: checked by meetings.schedule (a `required` on each box would demand every box).
    councils = MultiCheckboxField(_l("Councils (several for a joint meeting)"), coerce=int)
    plan_id = IntSelectField(_l("Joint activity plan"), validators=[Optional()])
    activity_id = IntSelectField(_l("Activity of the plan"), validators=[Optional()])
    save = SubmitField(_l("Save the meeting"))


class AgendaItemForm(FlaskForm):
    title_kk = StringField(_l("Title (Kazakh)"), validators=[Optional(), Length(max=1000)])
    title_ru = StringField(_l("Title (Russian)"), validators=[Optional(), Length(max=1000)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=1000)])
    speaker_id = IntSelectField(_l("Speaker: a member of the councils"), validators=[Optional()])
    speaker_name = StringField(_l("Or an invited speaker: name"), validators=[Optional(), Length(max=300)])
    speaker_position = StringField(_l("Speaker's position"), validators=[Optional(), Length(max=500)])
    speaker_organisation_id = IntSelectField(_l("Speaker's organisation"), validators=[Optional()])
    files = MultipleFileField(_l("Materials (PDF, image, Word or Excel, up to 10 MB each)"))
    links = TextAreaField(_l("Links to materials, one per line"), validators=[Optional(), Length(max=10000)])
    save = SubmitField(_l("Save the agenda item"))


class InviteForm(FlaskForm):
    name = StringField(_l("Name of the invited person"), validators=[DataRequired(), Length(max=300)])
    position = StringField(_l("Position and organisation"), validators=[Optional(), Length(max=500)])
    invite = SubmitField(_l("Add the invited person"))


class MinutesForm(FlaskForm):
    heard = TextAreaField(_l("Heard"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    discussed = TextAreaField(_l("Discussed"), validators=[Optional(), Length(max=MAX_TEXT)])
    decided = TextAreaField(_l("Decided"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    save = SubmitField(_l("Save the minutes"))


class RecommendationRow(Form):
    """One recommendation of a decision; a row left entirely empty is ignored."""

    council_id = IntSelectField(_l("Council"), validators=[Optional()])
    addressee_id = IntSelectField(_l("Addressee"), validators=[Optional()])
    text = TextAreaField(_l("Recommendation"), validators=[Optional(), Length(max=MAX_TEXT)])
    due_date = DateField(_l("Due date"), validators=[Optional()])

    @property
    def is_blank(self) -> bool:
        return not (self.addressee_id.data or (self.text.data or "").strip() or self.due_date.data)


class DecisionForm(FlaskForm):
    text = TextAreaField(_l("Decision"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    agenda_item_id = IntSelectField(_l("On agenda item"), validators=[Optional()])
    recommendations = FieldList(FormField(RecommendationRow), min_entries=RECOMMENDATION_ROWS)
    save = SubmitField(_l("Save the decision"))


class ConfirmForm(FlaskForm):
    """A button (mark held, cancel, publish): only the CSRF token."""
