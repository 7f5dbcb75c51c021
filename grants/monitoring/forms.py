"""Forms of the monitoring pages: methodology versions, campaigns and assignments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from grants.core.forms import EndAfterStart, IntSelectField, MultiCheckboxField, enum_select_choices
from grants.core.i18n import RowForm
from grants.core.validation import BoundedIntegerField
from grants.lots.models import LotStatus
from grants.monitoring.methodologies import LANGS, LEVELS
from grants.monitoring.models import SubjectKind
from grants.monitoring.operations import REPLY_WINDOW_DAYS

# --- methodology ------------------------------------------------------------------------------


class ScoreListField(StringField):
    """Whole scores typed as "0, 1, 5"; data is a list of ints."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        parts = [p.strip() for p in self.raw.replace(";", ",").split(",") if p.strip()]
        try:
            self.data = [int(p) for p in parts]
        except ValueError:
            self.data = []
            raise ValueError(_l("List whole scores separated by commas, for example 0,1,5.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return ",".join(str(s) for s in self.data or [])


class BandRowForm(RowForm):
    """One rating band; a row left blank is ignored."""

    min = BoundedIntegerField(_l("From (index)"), validators=[Optional()])
    code = StringField(_l("Code"), validators=[Optional(), Length(max=40)])
    ru = StringField(_l("Name (ru)"), validators=[Optional(), Length(max=300)])
    kk = StringField(_l("Name (kk)"), validators=[Optional(), Length(max=300)])
    en = StringField(_l("Name (en)"), validators=[Optional(), Length(max=300)])

    def is_blank(self) -> bool:
        return (
            self.min.data is None and not (self.code.data or "").strip() and not (self.ru.data or "").strip()
        )


class CriterionRowForm(RowForm):
    """One criterion; a row with no code, name and weight is ignored (that is how a criterion is removed)."""

    code = StringField(_l("Code"), validators=[Optional(), Length(max=60)])
    name_ru = StringField(_l("Name (ru)"), validators=[Optional()])
    name_kk = StringField(_l("Name (kk)"), validators=[Optional()])
    name_en = StringField(_l("Name (en)"), validators=[Optional()])
    short_ru = StringField(_l("Short label (ru)"), validators=[Optional(), Length(max=120)])
    short_kk = StringField(_l("Short label (kk)"), validators=[Optional(), Length(max=120)])
    short_en = StringField(_l("Short label (en)"), validators=[Optional(), Length(max=120)])
    weight = DecimalField(_l("Weight"), places=None, validators=[Optional()])
    d1_ru = TextAreaField(_l("Score 1 (ru)"), validators=[Optional()])
    d1_kk = TextAreaField(_l("Score 1 (kk)"), validators=[Optional()])
    d1_en = TextAreaField(_l("Score 1 (en)"), validators=[Optional()])
    d3_ru = TextAreaField(_l("Score 3 (ru)"), validators=[Optional()])
    d3_kk = TextAreaField(_l("Score 3 (kk)"), validators=[Optional()])
    d3_en = TextAreaField(_l("Score 3 (en)"), validators=[Optional()])
    d5_ru = TextAreaField(_l("Score 5 (ru)"), validators=[Optional()])
    d5_kk = TextAreaField(_l("Score 5 (kk)"), validators=[Optional()])
    d5_en = TextAreaField(_l("Score 5 (en)"), validators=[Optional()])

    def is_blank(self) -> bool:
        return (
            not (self.code.data or "").strip()
            and not (self.name_ru.data or "").strip()
            and self.weight.data is None
        )


class MethodologyForm(FlaskForm):
    name_ru = StringField(_l("Name (ru)"), validators=[Optional(), Length(max=300)])
    name_kk = StringField(_l("Name (kk)"), validators=[Optional(), Length(max=300)])
    name_en = StringField(_l("Name (en)"), validators=[Optional(), Length(max=300)])
    scale_min = BoundedIntegerField(
        _l("Lowest score"), validators=[InputRequired(message=_l("Enter a whole number."))]
    )
    scale_max = BoundedIntegerField(
        _l("Highest score"), validators=[InputRequired(message=_l("Enter a whole number."))]
    )
    quorum = BoundedIntegerField(
        _l("Quorum (submitted scorecards)"), validators=[InputRequired(message=_l("Enter a whole number."))]
    )
    disagreement_threshold = BoundedIntegerField(
        _l("Disagreement threshold (max − min, points)"),
        validators=[InputRequired(message=_l("Enter a whole number."))],
    )
    comment_required_scores = ScoreListField(
        _l("Scores that need a comment"), description=_l("Separated by commas, for example 0,1,5.")
    )
    bands = FieldList(FormField(BandRowForm), min_entries=1, max_entries=12)
    criteria = FieldList(FormField(CriterionRowForm), min_entries=1, max_entries=32)
    submit = SubmitField(_l("Save"))

    @staticmethod
    def initial_data(methodology) -> dict:
        """The form's values for an existing version."""

        def descriptor(c, level, lang):
            return ((c.descriptors or {}).get(level) or {}).get(lang) or ""

        return {
            **{f"name_{lang}": getattr(methodology, f"name_{lang}") for lang in LANGS},
            "scale_min": methodology.scale_min,
            "scale_max": methodology.scale_max,
            "quorum": methodology.quorum,
            "disagreement_threshold": methodology.disagreement_threshold,
            "comment_required_scores": list(methodology.comment_required_scores or []),
            "bands": [dict(b) for b in methodology.bands or []],
            "criteria": [
                {
                    "code": c.code,
                    **{f"name_{lang}": getattr(c, f"name_{lang}") for lang in LANGS},
                    **{f"short_{lang}": getattr(c, f"short_{lang}") or "" for lang in LANGS},
                    "weight": c.weight.normalize() if c.weight is not None else None,
                    **{f"d{level}_{lang}": descriptor(c, level, lang) for level in LEVELS for lang in LANGS},
                }
                for c in methodology.criteria
            ],
        }

    def edit_data(self) -> tuple[dict, dict[str, list[int]]]:
        """(data for revise_methodology, row map): the map gives each data row's index in the form."""
        rows = {"bands": [], "criteria": []}
        bands = []
        for index, entry in enumerate(self.bands):
            if entry.form.is_blank():
                continue
            rows["bands"].append(index)
            bands.append({key: entry.form[key].data for key in ("min", "code", *LANGS)})
        criteria = []
        for index, entry in enumerate(self.criteria):
            row = entry.form
            if row.is_blank():
                continue
            rows["criteria"].append(index)
            criteria.append(
                {
                    "code": row.code.data,
                    **{f"name_{lang}": row[f"name_{lang}"].data for lang in LANGS},
                    **{f"short_{lang}": row[f"short_{lang}"].data for lang in LANGS},
                    "weight": row.weight.data,
                    "descriptors": {
                        level: {lang: row[f"d{level}_{lang}"].data or "" for lang in LANGS}
                        for level in LEVELS
                    },
                }
            )
        data = {
            **{f"name_{lang}": self[f"name_{lang}"].data for lang in LANGS},
            **{key: self[key].data for key in ("scale_min", "scale_max", "quorum", "disagreement_threshold")},
            "comment_required_scores": self.comment_required_scores.data or [],
            "bands": bands,
            "criteria": criteria,
        }
        return data, rows


# --- campaign ---------------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name_ru", "name_kk", "name_en", "period_start", "period_end", "scoring_deadline", "review_deadline",
    "reply_window_days", "project_methodology_id", "lot_methodology_id",
)  # fmt: skip


class CampaignForm(FlaskForm):
    name_ru = StringField(_l("Name (ru)"), validators=[DataRequired(), Length(max=300)])
    name_kk = StringField(_l("Name (kk)"), validators=[DataRequired(), Length(max=300)])
    name_en = StringField(_l("Name (en)"), validators=[Optional(), Length(max=300)])
    period_start = DateField(_l("Period start"), validators=[DataRequired(message=_l("Enter a date."))])
    period_end = DateField(
        _l("Period end"),
        validators=[DataRequired(message=_l("Enter a date.")), EndAfterStart("period_start")],
    )
    scoring_deadline = DateField(
        _l("Scoring deadline"), validators=[DataRequired(message=_l("Enter a date."))]
    )
    review_deadline = DateField(_l("Review deadline"), validators=[Optional()])
    reply_window_days = BoundedIntegerField(
        _l("Reply window, working days"),
        default=10,
        validators=[
            InputRequired(message=_l("Enter a number of days.")),
            NumberRange(min=REPLY_WINDOW_DAYS[0], max=REPLY_WINDOW_DAYS[1]),
        ],
    )
    project_methodology_id = IntSelectField(_l("Methodology for projects"), validators=[Optional()])
    lot_methodology_id = IntSelectField(_l("Methodology for lots"), validators=[Optional()])
    group_ids = MultiCheckboxField(_l("Monitoring groups"), coerce=int)
    submit = SubmitField(_l("Save"))

    # Groups that already have evaluations in the campaign (set by the view).
    locked_groups: dict[int, str] = {}

    def validate_scoring_deadline(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("The scoring deadline cannot be before the period starts."))

    def validate_review_deadline(self, field):
        if field.data and self.scoring_deadline.data and field.data < self.scoring_deadline.data:
            raise ValidationError(_l("The review deadline cannot be before the scoring deadline."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Not an inline validator: Optional() on both selects stops the chain before it would run.
        if self.project_methodology_id.data is None and self.lot_methodology_id.data is None:
            self.lot_methodology_id.errors = [
                *self.lot_methodology_id.errors,
                _l("Choose a methodology for projects, for lots, or both."),
            ]
            return False
        return valid

    def validate_group_ids(self, field):
        chosen = set(field.data or [])
        if not chosen:
            raise ValidationError(_l("Choose at least one monitoring group."))
        dropped = [name for group_id, name in self.locked_groups.items() if group_id not in chosen]
        if dropped:
            raise ValidationError(
                _l(
                    "These groups already have evaluations in this campaign and must stay: %(names)s",
                    names="; ".join(dropped),
                )
            )

    def campaign_data(self) -> dict:
        return {name: self[name].data for name in CAMPAIGN_FIELDS}


# --- assignments ------------------------------------------------------------------------------


class AssignOneForm(FlaskForm):
    """One project or lot; the subject select holds "project:<id>" and "lot:<id>" values, grouped by kind."""

    group_id = IntSelectField(_l("Group"), validators=[DataRequired(message=_l("Choose a group."))])
    subject = SelectField(
        _l("Project or lot"), validators=[DataRequired(message=_l("Choose a project or a lot."))]
    )
    submit = SubmitField(_l("Assign"))

    def subject_key(self) -> tuple[SubjectKind, int]:
        kind, _, ident = (self.subject.data or "").partition(":")
        return SubjectKind(kind), int(ident)


class AssignByFilterForm(FlaskForm):
    group_id = IntSelectField(_l("Group"), validators=[DataRequired(message=_l("Choose a group."))])
    kind = SelectField(_l("Assign"), choices=[], default=SubjectKind.project.value)
    year = IntSelectField(_l("Year"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])
    sphere = SelectField(_l("Sphere"), validators=[Optional()])
    status = SelectField(_l("Lot status"), validators=[Optional()])
    submit = SubmitField(_l("Assign all that match"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [
            (SubjectKind.project.value, _l("Projects of the matching lots")),
            (SubjectKind.lot.value, _l("The matching lots")),
        ]
        self.status.choices = [("", _l("All"))] + enum_select_choices(LotStatus)


class AssignFileForm(FlaskForm):
    """A file of assignments (grants/imports/assignments.py), checked and shown before it is confirmed."""

    file = FileField(_l("File (XLSX or CSV)"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Check the file"))
