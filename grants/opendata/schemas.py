"""The OCDS 1.1 release package of results.json (built in grants/opendata/ocds.py), as schemas for
the OpenAPI document. OCDS leaves empty members out: fields marked O may be absent."""

from marshmallow import fields

from grants.cooperation.models import ActivityFormat, ActivityStatus, RecommendationStatus
from grants.core.schemas import Answer, QuerySchema, between, matches, one_of
from grants.core.schemas import lazy as _l
from grants.core.validation import INT_MAX
from grants.lots.models import LotStatus, Unit
from grants.lots.schemas import RegistryFilterArgs
from grants.opendata.cooperation import ACTIVITY_COLUMNS, RECOMMENDATION_COLUMNS
from grants.opendata.export import DEFAULT_DIALECT, DIALECTS, Kind
from grants.projects.models import ProjectStatus

O = {"metadata": {"optional": True}}  # noqa: E741 - may be absent
Text = fields.String
Number = fields.Float
LANGS = ["kk", "ru", "en"]
UNITS = [u.value for u in Unit]


def nullable(field_class, **kwargs):
    return field_class(allow_none=True, **kwargs)


def texts(key: str, languages=("ru", "kk", "en"), optional: bool = False) -> dict:
    extra = O if optional else {}
    declared = {f"{key}_{lang}": nullable(Text, **O) for lang in languages}
    return {key: nullable(Text, **extra), **declared}


def enum(values, **kwargs):
    metadata = {**kwargs.pop("metadata", {}), "enum": list(values)}
    return Text(metadata=metadata, **kwargs)


def nested(schema, **kwargs):
    return fields.Nested(schema, **kwargs)


class OcdsValueSchema(Answer):
    """An amount of money: a JSON number in tenge."""

    amount = Number()
    currency = enum(["KZT"])


class OcdsIdentifierSchema(Answer):
    scheme = enum(["KZ-BIN"])
    id = Text(metadata={"pattern": r"^\d{12}$"})
    legalName = Text(**O)


class OcdsOrganisationRefSchema(Answer):
    id = Text(metadata={"pattern": r"^KZ-BIN-\d{12}$"})
    name = Text()
    identifier = nested(OcdsIdentifierSchema)


class OcdsAddressSchema(Answer):
    region = Text()
    countryName = Text()


class OcdsContactPointSchema(Answer):
    url = Text()


class OcdsPartySchema(OcdsOrganisationRefSchema):
    address = nested(OcdsAddressSchema, **O)
    contactPoint = nested(OcdsContactPointSchema, **O)
    roles = fields.List(enum(["buyer", "procuringEntity", "supplier"]))


class OcdsPeriodSchema(Answer):
    startDate = fields.DateTime(**O)
    endDate = fields.DateTime(**O)


class OcdsIndicatorValueSchema(Answer):
    value = nullable(Number)


class OcdsIndicatorSchema(Answer):
    """An IATI-style result indicator of a contract for one period."""

    id = Text()
    title = Text()
    measure = enum(UNITS)
    measureTitle = Text()
    periodStart = nullable(fields.Date)
    periodEnd = nullable(fields.Date)
    baseline = nested(OcdsIndicatorValueSchema)
    target = nested(OcdsIndicatorValueSchema)
    actual = nested(OcdsIndicatorValueSchema)
    achievementPercent = nullable(Number, metadata={"description": "actual / target × 100, one decimal."})


class OcdsRefSchema(Answer):
    id = fields.Integer()
    name = Text()


class OcdsEvaluationMethodologySchema(Answer):
    code = Text()
    version = fields.Integer()
    name = Text()
    scaleMin = fields.Integer()
    scaleMax = fields.Integer()


class OcdsBandSchema(Answer):
    code = Text()
    title = Text()


class OcdsEvaluationCriterionSchema(Answer):
    code = Text()
    name = Text()
    weight = Number()
    mean = nullable(Number)
    officialSum = nullable(fields.Integer)
    conclusion = nullable(Text)


class OcdsEvaluationReportSchema(Answer):
    language = enum(LANGS)
    version = fields.Integer()
    url = Text()
    sha256 = Text(allow_none=True, metadata={"pattern": "^[0-9a-f]{64}$"})
    verifyUrl = Text()
    issuedDate = fields.DateTime()


class OcdsRemarksSchema(Answer):
    made = fields.Integer()
    accepted = fields.Integer()
    rejected = fields.Integer()


class OcdsEvaluationReplySchema(Answer):
    criterion = nullable(Text)
    finding = nullable(Text)
    text = Text()
    ruling = enum(["accepted", "rejected"])
    reason = nullable(Text)
    ruledDate = nullable(fields.DateTime)


class GrantsKzEvaluationSchema(Answer):
    """A published evaluation (extension `grantskz_evaluations`); unpublished ones never appear."""

    id = fields.Integer()
    kind = enum(["project", "lot"])
    campaign = nested(OcdsRefSchema)
    group = nested(OcdsRefSchema)
    methodology = nested(OcdsEvaluationMethodologySchema)
    index = nullable(Number, metadata={"minimum": 0, "maximum": 100})
    band = nested(OcdsBandSchema, allow_none=True)
    officialTotal = fields.Integer()
    scorecards = fields.Integer(metadata={"description": "Submitted scorecards that count."})
    criteria = fields.List(nested(OcdsEvaluationCriterionSchema))
    findings = nullable(Text)
    recommendations = nullable(Text)
    publishedDate = nullable(fields.DateTime)
    reports = fields.List(nested(OcdsEvaluationReportSchema))
    remarks = nested(OcdsRemarksSchema)
    replies = fields.List(nested(OcdsEvaluationReplySchema))


class OcdsAwardSchema(Answer):
    id = Text()
    title = Text(**O)
    status = enum(["active"])
    date = fields.DateTime(**O)
    value = nested(OcdsValueSchema)
    suppliers = fields.List(nested(OcdsOrganisationRefSchema))
    contractPeriod = nested(OcdsPeriodSchema, **O)


class OcdsImplementationSchema(Answer):
    grantskz_actualValue = nested(OcdsValueSchema, **O)
    grantskz_actualEndDate = fields.DateTime(**O)
    grantskz_beneficiaries = fields.Integer(**O)


class OcdsContractSchema(Answer):
    id = Text()
    awardID = Text()
    locals().update(texts("title", optional=True))
    description = Text(**O)
    status = enum(["active", "terminated"])
    statusDetails = enum([s.value for s in ProjectStatus], **O)
    value = nested(OcdsValueSchema)
    dateSigned = fields.DateTime()
    period = nested(OcdsPeriodSchema, **O)
    implementation = nested(OcdsImplementationSchema, **O)
    indicators = fields.List(nested(OcdsIndicatorSchema), **O)
    grantskz_url = Text(**O)
    grantskz_evaluations = fields.List(nested(GrantsKzEvaluationSchema), **O)


class OcdsClassificationSchema(Answer):
    scheme = Text(**O)
    id = Text(**O)
    description = Text(**O)


class OcdsGazetteerSchema(Answer):
    scheme = enum(["KATO"])
    identifiers = fields.List(Text())


class OcdsDeliveryLocationSchema(Answer):
    gazetteer = nested(OcdsGazetteerSchema, **O)
    description = Text(**O)


class OcdsTenderItemSchema(Answer):
    id = Text()
    description = Text(**O)
    classification = nested(OcdsClassificationSchema, **O)
    deliveryAddress = nested(OcdsAddressSchema, **O)
    deliveryLocation = nested(OcdsDeliveryLocationSchema, **O)


class OcdsPlannedIndicatorSchema(Answer):
    title = Text()
    measure = enum(UNITS)
    target = nested(OcdsIndicatorValueSchema)


class OcdsPublicNeedSchema(Answer):
    id = fields.Integer()
    title = Text()


class OcdsSpecificationSchema(Answer):
    for _key in ("goal", "tasks", "expectedResults", "targetGroup"):
        locals().update(texts(_key, ("ru", "kk"), optional=True))
    beneficiaries = fields.Integer(**O)
    plannedIndicators = fields.List(nested(OcdsPlannedIndicatorSchema), **O)
    publicNeeds = fields.List(nested(OcdsPublicNeedSchema), **O)


class OcdsTenderSchema(Answer):
    id = Text()
    locals().update(texts("title"))
    locals().update(texts("description", ("ru", "kk"), optional=True))
    status = enum(["planned", "active", "complete", "cancelled"])
    statusDetails = enum([s.value for s in LotStatus], **O)
    value = nested(OcdsValueSchema)
    procurementMethod = Text(**O)
    procurementMethodDetails = Text(**O)
    mainProcurementCategory = Text(**O)
    contractPeriod = nested(OcdsPeriodSchema, **O)
    items = fields.List(nested(OcdsTenderItemSchema))
    grantskz_lotNumber = Text(**O)
    grantskz_year = fields.Integer(**O)
    grantskz_specification = nested(OcdsSpecificationSchema, **O)


class OcdsReleaseSchema(Answer):
    """One lot with its contracts, as a compiled OCDS release."""

    ocid = Text(metadata={"pattern": r"^ocds-grantskz-\d+$"})
    id = Text()
    date = fields.DateTime()
    tag = fields.List(enum(["planning", "tender", "award", "contract", "implementation"]))
    initiationType = enum(["tender"])
    language = enum(LANGS)
    parties = fields.List(nested(OcdsPartySchema))
    buyer = nested(OcdsOrganisationRefSchema)
    tender = nested(OcdsTenderSchema)
    awards = fields.List(nested(OcdsAwardSchema), **O)
    contracts = fields.List(nested(OcdsContractSchema), **O)
    grantskz_url = Text(**O)
    grantskz_evaluations = fields.List(nested(GrantsKzEvaluationSchema), **O)


class OcdsPublisherSchema(Answer):
    name = Text()
    uri = Text()


class OcdsReleasePackageSchema(Answer):
    """results.json: an OCDS 1.1 release package of public data."""

    uri = Text()
    version = enum(["1.1"])
    publishedDate = fields.DateTime()
    publisher = nested(OcdsPublisherSchema)
    license = Text()
    releases = fields.List(nested(OcdsReleaseSchema))


def dialect_field() -> fields.String:
    return fields.String(
        load_default=DEFAULT_DIALECT,
        validate=one_of(DIALECTS),
        metadata={
            "default": DEFAULT_DIALECT,
            "description": "`standard`: `,` and a decimal dot; `excel-ru`: `;` and a decimal comma (Excel in ru/kk).",
        },
    )


class CsvArgs(RegistryFilterArgs):
    """The registry's filters and the CSV dialect (docs/formatting.md#csv-dialects)."""

    dialect = dialect_field()


# --- the joint work of councils: plan activities and recommendations ------------------------------


def _record_id(description: str):
    return fields.Integer(validate=between(1, INT_MAX), metadata={"description": description})


class CooperationArgs(QuerySchema):
    """Filters of the plan and recommendation exports, all optional."""

    year = fields.String(
        validate=matches(r"[1-9][0-9]{3}", _l("Must be a four-digit year.")),
        metadata={"description": "activities: the plan's year; recommendations: the year they were sent"},
    )
    council = _record_id("id of a council (responsible for the activity, or author of the recommendation)")
    topic = _record_id("id of a public need (topic)")


class ActivityExportArgs(CooperationArgs):
    format = fields.String(validate=one_of(f.value for f in ActivityFormat))
    status = fields.String(validate=one_of(s.value for s in ActivityStatus))


class RecommendationExportArgs(CooperationArgs):
    status = fields.String(validate=one_of(s.value for s in RecommendationStatus if s.value != "draft"))
    addressee = fields.String(
        validate=matches(r"[0-9]{12}", _l("Must be a 12-digit BIN.")),
        metadata={"description": "BIN of the addressed state body or NGO"},
    )


class ActivityCsvArgs(ActivityExportArgs):
    dialect = dialect_field()


class RecommendationCsvArgs(RecommendationExportArgs):
    dialect = dialect_field()


_KIND_FIELDS = {
    Kind.integer: fields.Integer,
    Kind.date: fields.Date,
    Kind.boolean: fields.Boolean,
}
_ENUMS = {
    ("activities", "format"): [f.value for f in ActivityFormat],
    ("activities", "status"): [s.value for s in ActivityStatus],
    ("recommendations", "status"): [s.value for s in RecommendationStatus if s.value != "draft"],
}


def _record_schema(name: str, table: str, columns) -> type:
    """An Answer schema with one field per export column (the same keys as the CSV's columns)."""
    declared = {}
    for column in columns:
        field_class = _KIND_FIELDS.get(column.kind, Text)
        metadata = {"description": getattr(column.header, "_args", (column.key,))[0]}
        if (table, column.key) in _ENUMS:
            metadata["enum"] = _ENUMS[(table, column.key)]
        allow_none = column.kind != Kind.boolean and "enum" not in metadata
        declared[column.key] = field_class(allow_none=allow_none, metadata=metadata)
    return Answer.from_dict(declared, name=name)


ActivityRecordSchema = _record_schema("ActivityRecord", "activities", ACTIVITY_COLUMNS)
RecommendationRecordSchema = _record_schema("RecommendationRecord", "recommendations", RECOMMENDATION_COLUMNS)


class ActivityExportSchema(Answer):
    """The activities of published plans, one object per row of activities.csv."""

    total = fields.Integer()
    items = fields.List(fields.Nested(ActivityRecordSchema))


class RecommendationExportSchema(Answer):
    """The published recommendations with responses, one object per row of recommendations.csv."""

    total = fields.Integer()
    items = fields.List(fields.Nested(RecommendationRecordSchema))
