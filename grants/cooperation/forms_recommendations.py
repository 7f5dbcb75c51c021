"""Forms of recommendations: drafting, the addressee's response, the council's assessment, and splitting an
evaluation's recommendations into items."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    RadioField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from grants.cooperation.models import ASSESSED
from grants.core.forms import IntSelectField
from grants.core.i18n import RowForm
from grants.core.validation import MAX_TEXT


class RecommendationForm(FlaskForm):
    council_id = IntSelectField(_l("Council"), validators=[DataRequired(message=_l("Choose the council."))])
    addressee_id = IntSelectField(
        _l("Addressee (a state body or an NGO)"),
        validators=[DataRequired(message=_l("Choose the addressee."))],
    )
    text = TextAreaField(
        _l("Recommendation"),
        validators=[DataRequired(message=_l("Write the recommendation.")), Length(max=MAX_TEXT)],
        render_kw={"rows": 5},
    )
    due_date = DateField(_l("Due date"), validators=[Optional()])
    needs = SelectMultipleField(_l("Topics (public needs)"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Save the draft"))


class SendForm(FlaskForm):
    publish = BooleanField(_l("Publish it at once"))
    submit = SubmitField(_l("Send to the addressee"))


class PublishForm(FlaskForm):
    submit = SubmitField(_l("Publish"))


class ResponseForm(FlaskForm):
    text = TextAreaField(
        _l("Response"),
        validators=[DataRequired(message=_l("Write the response.")), Length(max=MAX_TEXT)],
        render_kw={"rows": 6},
    )
    files = MultipleFileField(_l("Attachments (PDF, image, Word or Excel, up to 10 MB each)"))
    links = TextAreaField(
        _l("Links to documents (one per line)"),
        validators=[Optional(), Length(max=10000)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Send the response"))

    def link_list(self) -> list[str]:
        return [line.strip() for line in (self.links.data or "").splitlines() if line.strip()]


class AssessForm(FlaskForm):
    status = RadioField(
        _l("Assessment"),
        choices=[(s.value, s.lazy_title) for s in ASSESSED],
        validators=[DataRequired(message=_l("Choose the assessment."))],
    )
    assessment = TextAreaField(
        _l("The council's assessment of the response"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    reason = TextAreaField(
        _l("Reason (required when not implemented or rejected)"),
        validators=[Optional(), Length(max=MAX_TEXT)],
    )
    submit = SubmitField(_l("Record the assessment"))

    def validate_reason(self, field):
        if self.status.data in ("not_implemented", "rejected") and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason."))


class SplitItemForm(RowForm):
    keep = BooleanField(_l("Keep"), default=True)
    text = TextAreaField(
        _l("Recommendation"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2}
    )
    addressee_id = IntSelectField(_l("Addressee"), validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[Optional()])

    def validate_addressee_id(self, field):
        if self.keep.data and (self.text.data or "").strip() and not field.data:
            raise ValidationError(_l("Choose the addressee."))


class SplitForm(FlaskForm):
    council_id = IntSelectField(_l("Council"), validators=[DataRequired(message=_l("Choose the council."))])
    items = FieldList(FormField(SplitItemForm), min_entries=1, max_entries=50)
    submit = SubmitField(_l("Create the drafts"))
