from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Regexp

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,64}$"


class UploadForm(FlaskForm):
    file = FileField(_l("File (XLSX or CSV)"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Check the file"))


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(TOKEN_PATTERN)])
    submit = SubmitField(_l("Confirm import"))
