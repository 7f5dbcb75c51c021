from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional

from grants.replies.operations import MAX_FINDING, MAX_TEXT

FINDING = "__finding__"


class ReplyForm(FlaskForm):
    target = SelectField(_l("The reply concerns"), validators=[DataRequired()])
    finding = TextAreaField(
        _l("Which finding (quote it or give its number)"), validators=[Optional(), Length(max=MAX_FINDING)]
    )
    text = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    files = MultipleFileField(_l("Attachments (PDF, image, Word or Excel, up to 10 MB each)"))
    link = StringField(_l("Or a link to a document"), validators=[Optional(), URL(), Length(max=1000)])
    send = SubmitField(_l("Send the reply"))


def make_reply_form(evaluation, **kwargs) -> ReplyForm:
    form = ReplyForm(**kwargs)
    form.target.choices = [(c.code, c.name) for c in evaluation.methodology.criteria] + [
        (FINDING, str(_l("A finding of the group")))
    ]
    return form


class RulingForm(FlaskForm):
    decision = RadioField(
        _l("Ruling"),
        choices=[("accepted", _l("Accept the reply")), ("rejected", _l("Reject the reply"))],
        validators=[DataRequired()],
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=MAX_TEXT)])
    changes_score = BooleanField(_l("The reply changes a score: reopen consolidation and review"))
    rule = SubmitField(_l("Record the ruling"))
