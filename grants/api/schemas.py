"""Answers and requests of the registry and the caller: tokens, lots, projects, published results.

Money and indicator values are decimal strings ("8250000.00"), never floats; dates are ISO 8601;
text fields come in the request language (`title`) and in each language (`title_ru`, `title_kk`, ...).
"""

from flask import url_for
from marshmallow import fields

from grants.accounts.models import Role
from grants.core.i18n import money
from grants.core.schemas import (
    TENTH,
    Answer,
    DecimalString,
    EnumValue,
    Page,
    Schema,
    UtcDateTime,
    computed,
    limited_text,
    matches,
)
from grants.lots.models import LotStatus, Unit
from grants.monitoring.models import SubjectKind
from grants.projects.models import ProjectStatus

CURRENCY = "KZT"
Text = fields.String
NullableText = lambda **kw: fields.String(allow_none=True, **kw)  # noqa: E731
NullableDate = lambda **kw: fields.Date(allow_none=True, **kw)  # noqa: E731


def localized(name: str, languages=("ru", "kk")) -> dict:
    """{name: text in the reader's language (falling back), name_ru: ..., name_kk: ...} as fields."""
    declared = {name: computed(NullableText(), lambda obj: obj.localized(name) or None)}
    for lang in languages:
        declared[f"{name}_{lang}"] = NullableText(attribute=f"{name}_{lang}")
    return declared


# --- the caller -------------------------------------------------------------------------------------


class TokenRequestSchema(Schema):
    email = limited_text(254, blank=False, required=True, metadata={"format": "email"})
    password = limited_text(1024, blank=False, required=True, metadata={"format": "password"})


class TokenResponseSchema(Answer):
    token = Text()
    expires_at = UtcDateTime()


class OrganisationRefSchema(Answer):
    bin = Text(validate=matches(r"\d{12}", ""))
    name = Text()


class UserOrganisationSchema(OrganisationRefSchema):
    id = fields.Integer()


class MeSchema(Answer):
    id = fields.Integer()
    email = Text(metadata={"format": "email"})
    full_name = Text()
    roles = computed(
        fields.List(Text(metadata={"enum": [r.value for r in Role]})),
        lambda person: sorted(r.value for r in person.roles),
    )
    organisation = fields.Nested(UserOrganisationSchema, allow_none=True)
    language = NullableText(metadata={"enum": ["kk", "ru", "en", None]})


# --- lots -------------------------------------------------------------------------------------------


class RegionRefSchema(Answer):
    kato = Text(validate=matches(r"\d{9}", ""))
    name = Text()


class SphereRefSchema(Answer):
    code = Text()
    name = Text()


class BandSchema(Answer):
    code = Text()
    title = Text()


def band_of(evaluation) -> dict | None:
    """{code, title} of a published evaluation's rating band, or None."""
    if evaluation is None or evaluation.band is None:
        return None
    return {"code": evaluation.band, "title": evaluation.methodology.band_title(evaluation.band)}


def _latest_index(latest_of):
    return computed(
        DecimalString(TENTH, allow_none=True),
        lambda item: None if latest_of(item) is None else latest_of(item).index_value,
    )


def _latest_band(latest_of):
    return computed(fields.Nested(BandSchema, allow_none=True), lambda item: band_of(latest_of(item)))


class LotSchema(Answer):
    """A lot as listed in the registry, with its latest published relevance evaluation (`latest`)."""

    id = fields.Integer()
    number = Text()
    year = fields.Integer()
    locals().update(localized("title", ("ru", "kk", "en")))
    region = fields.Nested(RegionRefSchema)
    administrator = fields.Nested(OrganisationRefSchema)
    sphere = fields.Nested(SphereRefSchema, allow_none=True)
    budget = DecimalString()
    budget_formatted = computed(Text(), lambda lot: money(lot.budget))
    currency = computed(Text(), lambda lot: CURRENCY)
    status = EnumValue(LotStatus)
    status_title = computed(Text(), lambda lot: lot.status.title)
    start_date = NullableDate()
    end_date = NullableDate()
    url = computed(Text(), lambda lot: url_for("api.lot_detail", lot_id=lot.id))
    html_url = computed(Text(), lambda lot: url_for("lots.show", lot_id=lot.id))
    latest_index = _latest_index(lambda lot: lot.latest)
    latest_band = _latest_band(lambda lot: lot.latest)


class LotPageSchema(Page):
    items = fields.List(fields.Nested(LotSchema))
    next = fields.String(
        allow_none=True,
        metadata={"description": "Cursor of the next page (send it as `after`); null on the last page."},
    )


class LotIndicatorSchema(Answer):
    name = Text()
    unit = EnumValue(Unit)
    unit_title = computed(Text(), lambda ind: ind.unit.title)
    target = DecimalString(allow_none=True)


class PublicNeedRefSchema(Answer):
    id = fields.Integer()
    title = Text()


class ProjectRefSchema(Answer):
    id = fields.Integer()
    contract_number = Text()
    ngo = fields.Nested(OrganisationRefSchema)
    amount = DecimalString()
    status = EnumValue(ProjectStatus)
    url = computed(Text(), lambda project: url_for("api.project_detail", project_id=project.id))
    latest_index = _latest_index(lambda project: project.latest)
    latest_band = _latest_band(lambda project: project.latest)


# --- published results ------------------------------------------------------------------------------


class NamedRefSchema(Answer):
    id = fields.Integer()
    name = Text()


class ResultProjectSchema(Answer):
    id = fields.Integer()
    contract_number = Text()
    ngo = fields.Nested(OrganisationRefSchema)
    url = computed(Text(), lambda project: url_for("api.project_detail", project_id=project.id))


class MethodologyRefSchema(Answer):
    code = Text()
    version = fields.Integer()
    name = Text()


class PublishedCriterionSchema(Answer):
    code = Text()
    name = Text()
    weight = DecimalString()
    mean = DecimalString(allow_none=True)
    sum = fields.Integer()
    conclusion = NullableText()


class ReportLinkSchema(Answer):
    url = computed(Text(), lambda report: url_for("reports.download", report_id=report.id))
    sha256 = Text()


def _published_criteria(item) -> list[dict]:
    evaluation, result = item.evaluation, item.result
    rows = []
    for criterion in evaluation.methodology.criteria:
        agg = result.aggregates.get(criterion.code)
        row = evaluation.conclusion(criterion.code)
        rows.append(
            {
                "code": criterion.code,
                "name": criterion.name,
                "weight": criterion.weight,
                "mean": agg.mean_display if agg is not None else None,
                "sum": agg.total if agg is not None else 0,
                "conclusion": (row.conclusion or None) if row is not None else None,
            }
        )
    return rows


class PublishedResultSchema(Answer):
    """A published evaluation as the public sees it: per-criterion means and official sums of the
    group, never a member's own scores or review comments."""

    id = computed(fields.Integer(), lambda item: item.evaluation.id)
    evaluation_id = computed(fields.Integer(), lambda item: item.evaluation.id)
    kind = computed(EnumValue(SubjectKind), lambda item: item.evaluation.kind)
    kind_title = computed(Text(), lambda item: item.evaluation.kind.title)
    campaign = computed(fields.Nested(NamedRefSchema), lambda item: item.evaluation.campaign)
    project = computed(
        fields.Nested(ResultProjectSchema, allow_none=True), lambda item: item.evaluation.project
    )
    methodology = computed(fields.Nested(MethodologyRefSchema), lambda item: item.evaluation.methodology)
    index = computed(DecimalString(TENTH, allow_none=True), lambda item: item.evaluation.index_value)
    band = computed(fields.Nested(BandSchema, allow_none=True), lambda item: band_of(item.evaluation))
    criteria = computed(fields.List(fields.Nested(PublishedCriterionSchema)), _published_criteria)
    official_total = computed(fields.Integer(), lambda item: item.result.official_total)
    findings = computed(NullableText(), lambda item: item.evaluation.findings)
    recommendations = computed(NullableText(), lambda item: item.evaluation.recommendations)
    published_at = computed(UtcDateTime(allow_none=True), lambda item: item.evaluation.published_at)
    reports = computed(
        fields.Dict(keys=Text(metadata={"enum": ["kk", "ru", "en"]}), values=fields.Nested(ReportLinkSchema)),
        lambda item: item.finals,
    )


class LotDetailSchema(LotSchema):
    """A lot with its technical specification, linked needs, contracts and published results."""

    for _name in ("description", "goal", "tasks", "expected_results", "target_group"):
        locals().update(localized(_name))
    beneficiaries = fields.Integer(allow_none=True)
    indicators = fields.List(fields.Nested(LotIndicatorSchema))
    public_needs = computed(fields.List(fields.Nested(PublicNeedRefSchema)), lambda lot: lot.needs)
    projects = fields.List(fields.Nested(ProjectRefSchema))
    results = fields.List(fields.Nested(PublishedResultSchema))


# --- projects ---------------------------------------------------------------------------------------


class ProjectIndicatorSchema(Answer):
    name = Text()
    unit = EnumValue(Unit)
    unit_title = computed(Text(), lambda ind: ind.unit.title)
    period_start = NullableDate()
    period_end = NullableDate()
    baseline = DecimalString(allow_none=True)
    target = DecimalString()
    actual = DecimalString(allow_none=True)
    achievement_percent = computed(DecimalString(TENTH, allow_none=True), lambda ind: ind.achievement)


class ProjectLotSchema(Answer):
    id = fields.Integer()
    number = Text()
    year = fields.Integer()
    title = Text()
    url = computed(Text(), lambda lot: url_for("api.lot_detail", lot_id=lot.id))


class ProjectSchema(Answer):
    """A contract with its lot, NGO, result indicators and published evaluations."""

    id = fields.Integer()
    contract_number = Text()
    contract_date = fields.Date()
    amount = DecimalString()
    amount_formatted = computed(Text(), lambda project: money(project.amount))
    actual_amount = DecimalString(allow_none=True)
    currency = computed(Text(), lambda project: CURRENCY)
    start_date = fields.Date()
    end_date = fields.Date()
    actual_end_date = NullableDate()
    status = EnumValue(ProjectStatus)
    status_title = computed(Text(), lambda project: project.status.title)
    title = Text()
    lot = fields.Nested(ProjectLotSchema)
    ngo = fields.Nested(OrganisationRefSchema)
    beneficiaries_actual = fields.Integer(allow_none=True)
    indicators = fields.List(fields.Nested(ProjectIndicatorSchema))
    public_needs = computed(
        fields.List(fields.Nested(PublicNeedRefSchema)), lambda project: project.lot.needs
    )
    results = fields.List(fields.Nested(PublishedResultSchema))
    url = computed(Text(), lambda project: url_for("api.project_detail", project_id=project.id))
    html_url = computed(Text(), lambda project: url_for("projects.show", project_id=project.id))
