from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from grants.accounts.models import Role
from grants.core.forms import IntSelectField, MultiCheckboxField
from grants.core.identifiers import is_valid_bin


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me"))
    submit = SubmitField(_l("Log in"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    organisation_id = IntSelectField(_l("Organisation"), validators=[Optional()])
    roles = MultiCheckboxField(_l("Roles"))
    affiliations = TextAreaField(
        _l("Affiliations (BINs of organisations this person is tied to, one per line)"),
        validators=[Optional()],
    )
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("New password"), validators=[Optional(), Length(min=10, max=200)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = [(r.value, r.title) for r in Role]

    def validate_affiliations(self, field):
        bad = [b for b in self.affiliation_bins() if not is_valid_bin(b)]
        if bad:
            raise ValidationError(_l("Not a valid BIN: %(bins)s", bins=", ".join(bad)))

    def affiliation_bins(self) -> list[str]:
        return [line.strip() for line in (self.affiliations.data or "").splitlines() if line.strip()]
