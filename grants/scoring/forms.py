"""The scorecard form is built from the methodology (as Indico builds review forms from questions)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional

from grants.core.validation import MAX_REASON, MAX_TEXT


class DeclarationForm(FlaskForm):
    conflict = RadioField(
        _l("Do you have a conflict of interest with this project, its NGO or this lot?"),
        choices=[
            ("no", _l("No, I have no conflict of interest")),
            ("yes", _l("Yes, I have a conflict of interest")),
        ],
        validators=[DataRequired(message=_l("Choose one answer."))],
    )
    conflict_note = TextAreaField(_l("If yes, describe it"), validators=[Optional(), Length(max=MAX_TEXT)])
    confirm = BooleanField(
        _l("I confirm this declaration is true (Law on Public Control, conflict of interest)"),
        validators=[DataRequired(message=_l("Confirm the declaration."))],
    )
    submit = SubmitField(_l("Declare"))


def make_scorecard_form(methodology, formdata=None, card=None):
    """A form with a score and a comment per criterion of this methodology version."""

    class ScorecardForm(FlaskForm):
        save = SubmitField(_l("Save draft"))
        submit_card = SubmitField(_l("Submit scorecard"))

    scale = [(str(v), str(v)) for v in range(methodology.scale_min, methodology.scale_max + 1)]
    for criterion in methodology.criteria:
        setattr(
            ScorecardForm,
            f"score_{criterion.code}",
            RadioField(criterion.name, choices=scale, validators=[Optional()]),
        )
        setattr(
            ScorecardForm,
            f"comment_{criterion.code}",
            TextAreaField(_l("Comment"), validators=[Optional(), Length(max=MAX_TEXT)]),
        )
    form = ScorecardForm(formdata=formdata)
    if formdata is None and card is not None:
        for row in card.scores:
            if hasattr(form, f"score_{row.criterion_code}"):
                form[f"score_{row.criterion_code}"].data = None if row.score is None else str(row.score)
                form[f"comment_{row.criterion_code}"].data = row.comment
    return form


def scores_from_form(form, methodology) -> dict:
    """{"code": {"score": int | None, "comment": str | None}} from the submitted form."""
    result = {}
    for criterion in methodology.criteria:
        raw = form[f"score_{criterion.code}"].data
        result[criterion.code] = {
            "score": int(raw) if raw not in (None, "", "None") else None,
            "comment": form[f"comment_{criterion.code}"].data or None,
        }
    return result


class EvidenceForm(FlaskForm):
    criterion_code = SelectField(_l("Criterion"), validators=[Optional()])
    file = FileField(_l("File (PDF, image, Word or Excel, up to 10 MB)"))
    url = StringField(_l("Or a link"), validators=[Optional(), URL(), Length(max=1000)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=1000)])
    add = SubmitField(_l("Add evidence"))


class SiteVisitForm(FlaskForm):
    visit_date = DateField(_l("Date of the visit"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=500)])
    observations = TextAreaField(_l("Observations"), validators=[DataRequired(), Length(max=10000)])
    photo = FileField(_l("Photo (optional)"))
    add_visit = SubmitField(_l("Record the visit"))


class ReopenForm(FlaskForm):
    reason = StringField(_l("Reason for reopening"), validators=[DataRequired(), Length(max=MAX_REASON)])
    reopen = SubmitField(_l("Reopen"))


class NeedLinkForm(FlaskForm):
    need_id = SelectField(_l("Public need"), coerce=int)
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_REASON)])
    link = SubmitField(_l("Link"))
