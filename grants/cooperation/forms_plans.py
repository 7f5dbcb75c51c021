"""Forms of the joint activity plan. The rules (two councils, dates within the year, reasons) are checked by
grants/cooperation/plans.py, whose messages the pages put beside these fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from grants.cooperation.models import ActivityFormat, ActivityStatus
from grants.core.forms import EndAfterStart, IntSelectField, MultiCheckboxField, enum_select_choices
from grants.core.validation import MAX_REASON, MAX_TEXT

REASON_HELP = _l(
    "Required once the plan is approved: every change is then an amendment, shown in its history."
)


class PlanForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[Optional()])
    title_kk = StringField(_l("Title (kk)"), validators=[Optional(), Length(max=500)])
    title_ru = StringField(_l("Title (ru)"), validators=[Optional(), Length(max=500)])
    title_en = StringField(_l("Title (en)"), validators=[Optional(), Length(max=500)])
    councils = MultiCheckboxField(
        _l("Councils of the plan"), coerce=int, description=_l("A joint plan has two or more councils.")
    )
    reason = TextAreaField(
        _l("Reason for the amendment"),
        validators=[Optional(), Length(max=MAX_REASON)],
        description=REASON_HELP,
    )
    submit = SubmitField(_l("Save"))


class ActivityForm(FlaskForm):
    title_kk = StringField(_l("Title (kk)"), validators=[Optional(), Length(max=1000)])
    title_ru = StringField(_l("Title (ru)"), validators=[Optional(), Length(max=1000)])
    title_en = StringField(_l("Title (en)"), validators=[Optional(), Length(max=1000)])
    format = SelectField(_l("Format"), choices=enum_select_choices(ActivityFormat))
    needs = MultiCheckboxField(_l("Topics: public needs"), coerce=int)
    spheres = MultiCheckboxField(_l("Topics: spheres"), coerce=int)
    councils = MultiCheckboxField(_l("Responsible councils"), coerce=int)
    responsible = TextAreaField(
        _l("Responsible persons"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2}
    )
    responsible_user_id = IntSelectField(_l("Responsible user"), validators=[Optional()])
    start_date = DateField(_l("Planned start"), validators=[Optional()])
    end_date = DateField(_l("Planned end"), validators=[Optional(), EndAfterStart("start_date")])
    campaign_id = IntSelectField(
        _l("Monitoring campaign"), validators=[Optional()], description=_l("For a monitoring activity only.")
    )
    working_group_id = IntSelectField(_l("Working group"), validators=[Optional()])
    outcome = TextAreaField(
        _l("Outcome"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 3}
    )
    reason = TextAreaField(
        _l("Reason for the amendment"),
        validators=[Optional(), Length(max=MAX_REASON)],
        description=REASON_HELP,
    )
    submit = SubmitField(_l("Save"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=enum_select_choices(ActivityStatus))
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=MAX_REASON)],
        description=_l(
            "Required for a postponed or cancelled activity, and for any change once the plan is approved."
        ),
    )
    outcome = TextAreaField(
        _l("Outcome"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 3}
    )
    submit = SubmitField(_l("Change the status"))


class ApproveForm(FlaskForm):
    meeting_id = IntSelectField(
        _l("Joint meeting that approved the plan"),
        validators=[Optional()],
        description=_l("A meeting that has been held, of all the plan's councils."),
    )
    submit = SubmitField(_l("Record the approval"))


class PublishForm(FlaskForm):
    submit = SubmitField(_l("Publish the plan"))
