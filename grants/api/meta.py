"""Two JSON answers served outside /api/v1 are documented in openapi.json as well: the health probe
(grants/main/views.py) and report verification (grants/reports/views.py). Their routes live with
those pages; the blueprints here only carry their schemas into the document and are never
registered as routes themselves."""

from marshmallow import fields

from grants.api.schemas import OrganisationRefSchema, Text
from grants.core.schemas import Answer, Blueprint, UtcDateTime
from grants.monitoring.models import SubjectKind
from grants.reports.delivery import REPORT_LANGS
from grants.reports.models import ReportKind

optional = {"metadata": {"optional": True}}


class QueueFiguresSchema(Answer):
    queued = fields.Integer(**optional)
    started = fields.Integer(**optional)
    failed = fields.Integer(**optional)


class HealthSchema(Answer):
    status = Text(metadata={"enum": ["ok", "error"]})
    database = Text()
    lots = fields.Integer(**optional)
    redis = Text(**optional)
    queues = fields.Dict(keys=Text(), values=fields.Nested(QueueFiguresSchema), **optional)


class VerifiedLotSchema(Answer):
    number = Text()
    year = fields.Integer()


class VerificationSchema(Answer):
    """Whether a report with this sha256 or printed code was issued here; the rest only when found."""

    found = fields.Boolean()
    message = Text(**optional)
    matched = Text(metadata={"enum": ["sha256", "fingerprint"], "optional": True})
    kind = Text(metadata={"enum": [k.value for k in ReportKind], "optional": True})
    version = fields.Integer(**optional)
    lang = Text(metadata={"enum": list(REPORT_LANGS), "optional": True})
    evaluation_kind = Text(metadata={"enum": [k.value for k in SubjectKind], "optional": True})
    subject = Text(**optional)
    lot = fields.Nested(VerifiedLotSchema, **optional)
    ngo = fields.Nested(OrganisationRefSchema, allow_none=True, **optional)
    campaign = Text(**optional)
    group = Text(**optional)
    issued_at = UtcDateTime(**optional)
    issued_by = Text(allow_none=True, **optional)
    sha256 = Text(allow_none=True, metadata={"pattern": "^[0-9a-f]{64}$", "optional": True})
    fingerprint = Text(metadata={"pattern": "^[0-9a-f]{64}$", "optional": True})
    newer_version_exists = fields.Boolean(**optional)
    published = fields.Boolean(**optional)
    newest_final_url = Text(allow_none=True, **optional)
    index = Text(allow_none=True, metadata={"pattern": r"^\d+\.\d$", "optional": True})
    band = Text(allow_none=True, **optional)


main_docs = Blueprint("main", __name__)
reports_docs = Blueprint("reports", __name__)


@main_docs.route("/healthz", endpoint="healthz", tags=["meta"])
@main_docs.response(200, HealthSchema)
@main_docs.alt_response(503, schema=HealthSchema, description="A configured service fails")
@main_docs.doc(security=[{}])
def healthz():
    """The database, and with REDIS_URL Redis and the job queues."""


@reports_docs.route("/verify/<value>", endpoint="verify", tags=["reports"])
@reports_docs.response(200, VerificationSchema)
@reports_docs.alt_response(404, schema=VerificationSchema, description="No report with this code")
@reports_docs.alt_response(404, schema={"type": "string"}, content_type="text/html", description="The page")
@reports_docs.doc(security=[{}])
def verify(value):
    """Was a report with this sha256 or printed code issued here, and is it the newest version?
    (Send Accept: application/json; browsers get the page.)"""


def document(api, app) -> None:
    """Add the two routes above to the API's document (their rules come from the app's URL map)."""
    for blueprint in (main_docs, reports_docs):
        blueprint.register_views_in_doc(api, app, api.spec, name=blueprint.name, parameters=None)
