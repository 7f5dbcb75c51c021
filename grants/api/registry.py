"""Ministry staff keep the registry through the API as on the pages: lots, contracts, campaigns.

POST creates, PATCH changes the fields sent (the others stay). The same operations as the pages
decide and audit (grants/lots/operations.py check_lot/save_lot, grants/projects/operations.py
check_project/save_project, grants/monitoring/operations.py save_campaign), with the same access
rules (Lot/Project/Campaign.can_edit; creating takes a ministry account of an organisation): 403
for other callers, 422 naming the refused fields, 409 when other records conflict (a lot number
taken in its year, a budget below the contracts signed, ...). Routes check shape and type and
find the records a request names (region by KATO, sphere by code, NGO by BIN) (docs/api.md).
"""

import re
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields
from sqlalchemy import select

from grants.api.common import bp, errors, for_signed_in, refuse, signed_in
from grants.api.schemas import (
    LotDetailSchema,
    NamedRefSchema,
    OrganisationRefSchema,
    ProjectSchema,
    Text,
)
from grants.core.errors import RuleViolation
from grants.core.permissions import MAX_ID, authorize, load
from grants.core.schemas import (
    Answer,
    EnumValue,
    Schema,
    Shown,
    StrictInteger,
    between,
    computed,
    limited_text,
    matches,
    one_of,
)
from grants.councils.models import MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotStatus, Sphere, Unit
from grants.lots.operations import check_lot, save_lot
from grants.monitoring.models import Campaign, CampaignStatus, Methodology
from grants.monitoring.operations import REPLY_WINDOW_DAYS, save_campaign
from grants.organisations.models import Organisation, OrganisationKind
from grants.portal.results import latest_for_lots, latest_for_projects
from grants.projects.models import Project, ProjectStatus
from grants.projects.operations import check_project, save_project
from grants.regions.models import Region
from grants.reports.delivery import published_results

MAX_TITLE = 500
MAX_LONG_TEXT = 20000
MAX_INDICATORS = 30  # as many rows as the pages' forms take
MAX_GROUPS = 100
Nullable = {"allow_none": True}


# --- request fields ---------------------------------------------------------------------------------


class Money(fields.String):
    """An amount in tenge as a decimal string ("12500000" or "12500000.50"), loaded as a Decimal; at
    most integer_digits digits before the point, as the NUMERIC column holds."""

    def __init__(self, integer_digits: int = 16, positive: bool = False, **kwargs):
        self.pattern = re.compile(rf"[0-9]{{1,{integer_digits}}}(\.[0-9]{{1,2}})?")
        self.positive = positive
        kwargs.setdefault("metadata", {}).update(pattern=f"^{self.pattern.pattern}$")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not self.pattern.fullmatch(text):
            raise ValidationError(_("Enter an amount in tenge, for example 12500000.00."))
        amount = Decimal(text)
        if self.positive and amount <= 0:
            raise ValidationError(_("The amount must be greater than zero."))
        return amount


def at_most(limit: int):
    def check(items) -> None:
        if len(items) > limit:
            raise ValidationError(_("Send at most %(max)s items.", max=limit))

    return check


def title(required: bool):
    if required:
        return limited_text(MAX_TITLE, blank=False, required=True)
    return limited_text(MAX_TITLE, blank=False)


def long_text():
    return limited_text(MAX_LONG_TEXT, **Nullable)


KATO = (r"[0-9]{9}", _l("Must be a 9-digit KATO code."))


# --- lots -------------------------------------------------------------------------------------------


class LotIndicatorRequestSchema(Schema):
    name_ru = limited_text(MAX_TITLE, blank=False, required=True)
    name_kk = limited_text(MAX_TITLE, **Nullable)
    unit = fields.String(load_default=Unit.persons.value, validate=one_of(u.value for u in Unit))
    target = Money(integer_digits=12, required=True)


def _lot_fields(create: bool) -> dict:
    """The request fields of a lot; on create the registry's required ones must be sent."""
    return {
        "number": limited_text(50, blank=False, required=create),
        "year": StrictInteger(required=create, validate=between(2005, 2100)),
        "title_ru": title(create),
        "title_kk": title(create),
        "title_en": limited_text(MAX_TITLE, **Nullable),
        "region": fields.String(
            required=create,
            validate=matches(*KATO),
            metadata={"description": "KATO code of the region (GET /lots lists them by region.kato)"},
        ),
        "kato": fields.String(
            validate=matches(*KATO), **Nullable, metadata={"description": "KATO code of the place"}
        ),
        "sphere": fields.String(
            validate=matches(r"[A-Za-z0-9_.-]{1,40}", _l("Must be a sphere code.")), **Nullable
        ),
        "budget": Money(positive=True, required=create),
        "start_date": fields.Date(**Nullable),
        "end_date": fields.Date(**Nullable),
        "status": fields.String(validate=one_of(s.value for s in LotStatus)),
        "beneficiaries": StrictInteger(validate=between(0, MAX_ID), **Nullable),
        **{
            f"{name}_{lang}": long_text()
            for name in ("description", "target_group", "goal", "tasks", "expected_results")
            for lang in ("ru", "kk")
        },
        "indicators": fields.List(
            fields.Nested(LotIndicatorRequestSchema),
            validate=at_most(MAX_INDICATORS),
            metadata={"maxItems": MAX_INDICATORS, "description": "replaces every planned indicator"},
        ),
    }


class LotCreateSchema(Schema):
    """A new lot of the caller's organisation."""

    locals().update(_lot_fields(create=True))


class LotUpdateSchema(Schema):
    """The fields to change; the others stay."""

    locals().update(_lot_fields(create=False))


def _lot_data(body: dict) -> tuple[dict, list[dict] | None]:
    """(data for check_lot/save_lot, indicator rows or None): references found, refused ones named."""
    data = {key: value for key, value in body.items() if key not in ("region", "sphere", "indicators")}
    problems = {}
    if "region" in body:
        region = db.session.scalar(select(Region).where(Region.kato == body["region"]))
        if region is None:
            problems["region"] = _("No region with this KATO code.")
        else:
            data["region_id"] = region.id
    if "sphere" in body:
        sphere = None
        if body["sphere"] is not None:
            sphere = db.session.scalar(select(Sphere).where(Sphere.code == body["sphere"]))
            if sphere is None:
                problems["sphere"] = _("No sphere with this code.")
        data["sphere_id"] = sphere.id if sphere else None
    if problems:
        refuse_fields(problems)
    indicators = None
    if "indicators" in body:
        indicators = [
            {
                "name_ru": row["name_ru"],
                "name_kk": row.get("name_kk"),
                "unit": Unit(row["unit"]),
                "target": row["target"],
            }
            for row in body["indicators"]
        ]
    return data, indicators


def refuse_fields(problems: dict[str, str]):
    """422 naming each refused field, as the schemas' own refusals."""
    raise RuleViolation(_("Some fields are not valid."), status=422, fields=problems, code="validation_error")


def lot_answer(lot: Lot) -> Shown:
    """A lot as GET /lots/{id} answers it."""
    project_latest = latest_for_projects(p.id for p in lot.projects)
    return Shown(
        lot,
        latest=latest_for_lots([lot.id]).get(lot.id),
        results=published_results(lot),
        projects=[Shown(p, latest=project_latest.get(p.id)) for p in lot.projects],
    )


@bp.post("/lots", tags=["lots"])
@bp.arguments(LotCreateSchema)
@bp.response(201, LotDetailSchema)
@for_signed_in
@errors(403, 409)
def create_lot(body):
    """Ministry staff add a lot of their own organisation to the registry."""
    user = signed_in()
    if not user.has_role("ministry") or user.organisation_id is None:
        refuse(403, _("Only ministry staff of an organisation can add lots."))
    lot = Lot(administrator_id=user.organisation_id)
    data, indicators = _lot_data(body)
    data.setdefault("status", LotStatus.planned.value)
    check_lot(lot, data)
    save_lot(lot, data, indicators if indicators is not None else [])
    db.session.commit()
    return lot_answer(lot)


@bp.patch(f"/lots/<int(max={MAX_ID}):lot_id>", tags=["lots"])
@bp.arguments(LotUpdateSchema)
@bp.response(200, LotDetailSchema)
@for_signed_in
@errors(403, 404, 409)
def update_lot(body, lot_id: int):
    """Staff of the lot's administrator change the fields they send."""
    signed_in()
    lot = load(Lot, lot_id, "edit")
    data, indicators = _lot_data(body)
    check_lot(lot, data)
    save_lot(lot, data, indicators)
    db.session.commit()
    return lot_answer(lot)


# --- projects (contracts) ---------------------------------------------------------------------------


class ProjectIndicatorRequestSchema(LotIndicatorRequestSchema):
    baseline = Money(integer_digits=12, **Nullable)
    actual = Money(integer_digits=12, **Nullable)


def _project_fields(create: bool) -> dict:
    return {
        "ngo": fields.String(
            required=create,
            validate=matches(r"[0-9]{12}", _l("Must be a 12-digit BIN.")),
            metadata={"description": "BIN of the contracted NGO"},
        ),
        "contract_number": limited_text(60, blank=False, required=create),
        "contract_date": fields.Date(required=create),
        "amount": Money(positive=True, required=create),
        "actual_amount": Money(**Nullable),
        "start_date": fields.Date(required=create),
        "end_date": fields.Date(required=create),
        "status": fields.String(validate=one_of(s.value for s in ProjectStatus)),
        "title_ru": limited_text(MAX_TITLE, **Nullable),
        "title_kk": limited_text(MAX_TITLE, **Nullable),
        "summary_ru": long_text(),
        "summary_kk": long_text(),
        "indicators": fields.List(
            fields.Nested(ProjectIndicatorRequestSchema),
            validate=at_most(MAX_INDICATORS),
            metadata={"maxItems": MAX_INDICATORS, "description": "replaces every result indicator"},
        ),
    }


class ProjectCreateSchema(Schema):
    """A new contract on a lot of the caller's organisation."""

    lot_id = StrictInteger(required=True, validate=between(1, MAX_ID))
    locals().update(_project_fields(create=True))


class ProjectUpdateSchema(Schema):
    """The fields to change; the others stay."""

    locals().update(_project_fields(create=False))


def _project_data(body: dict) -> tuple[dict, list[dict] | None]:
    data = {key: value for key, value in body.items() if key not in ("lot_id", "ngo", "indicators")}
    if "ngo" in body:
        ngo = db.session.scalar(
            select(Organisation).where(
                Organisation.bin == body["ngo"], Organisation.kind == OrganisationKind.ngo
            )
        )
        if ngo is None:
            refuse_fields({"ngo": _("No NGO with this BIN.")})
        data["ngo_id"] = ngo.id
    indicators = None
    if "indicators" in body:
        indicators = [
            {
                "name_ru": row["name_ru"],
                "name_kk": row.get("name_kk"),
                "unit": Unit(row["unit"]),
                "baseline": row.get("baseline"),
                "target": row["target"],
                "actual": row.get("actual"),
            }
            for row in body["indicators"]
        ]
    return data, indicators


@bp.post("/projects", tags=["projects"])
@bp.arguments(ProjectCreateSchema)
@bp.response(201, ProjectSchema)
@for_signed_in
@errors(403, 409)
def create_project(body):
    """Staff of a lot's administrator record a contract signed with an NGO for it."""
    signed_in()
    lot = db.session.get(Lot, body["lot_id"])
    if lot is None:
        refuse_fields({"lot_id": _("No lot with this id.")})
    authorize(lot, "edit")
    project = Project(lot_id=lot.id)
    data, indicators = _project_data(body)
    data.setdefault("status", ProjectStatus.contracted.value)
    check_project(project, lot, data)
    save_project(project, data, indicators if indicators is not None else [])
    db.session.commit()
    return Shown(project, results=published_results(project))


@bp.patch(f"/projects/<int(max={MAX_ID}):project_id>", tags=["projects"])
@bp.arguments(ProjectUpdateSchema)
@bp.response(200, ProjectSchema)
@for_signed_in
@errors(403, 404, 409)
def update_project(body, project_id: int):
    """Staff of the lot's administrator change the fields they send."""
    signed_in()
    project = load(Project, project_id, "edit")
    data, indicators = _project_data(body)
    check_project(project, project.lot, data)
    save_project(project, data, indicators)
    db.session.commit()
    return Shown(project, results=published_results(project))


# --- campaigns --------------------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name_ru", "name_kk", "name_en", "period_start", "period_end", "scoring_deadline", "review_deadline",
    "reply_window_days", "project_methodology_id", "lot_methodology_id",
)  # fmt: skip


def _campaign_fields(create: bool) -> dict:
    reference = {"validate": between(1, MAX_ID), **Nullable}
    return {
        "name_ru": limited_text(300, blank=False, required=create),
        "name_kk": limited_text(300, blank=False, required=create),
        "name_en": limited_text(300, **Nullable),
        "period_start": fields.Date(required=create),
        "period_end": fields.Date(required=create),
        "scoring_deadline": fields.Date(required=create),
        "review_deadline": fields.Date(**Nullable),
        "reply_window_days": StrictInteger(
            validate=between(*REPLY_WINDOW_DAYS), metadata={"description": "working days"}
        ),
        "project_methodology_id": StrictInteger(**reference),
        "lot_methodology_id": StrictInteger(**reference),
        "groups": fields.List(
            StrictInteger(validate=between(1, MAX_ID)),
            required=create,
            validate=at_most(MAX_GROUPS),
            metadata={"maxItems": MAX_GROUPS, "description": "ids of the monitoring groups taking part"},
        ),
    }


class CampaignCreateSchema(Schema):
    """A new campaign organised by the caller's organisation."""

    locals().update(_campaign_fields(create=True))


class CampaignUpdateSchema(Schema):
    """The fields to change; the others stay. A group that already has evaluations stays."""

    locals().update(_campaign_fields(create=False))


class MethodologyVersionSchema(Answer):
    id = fields.Integer()
    code = Text()
    version = fields.Integer()
    name = Text()
    active = fields.Boolean()


class CampaignSchema(Answer):
    id = fields.Integer()
    name = Text()
    name_ru = Text()
    name_kk = Text()
    name_en = Text(**Nullable)
    organiser = fields.Nested(OrganisationRefSchema)
    status = EnumValue(CampaignStatus)
    status_title = computed(Text(), lambda campaign: campaign.status.title)
    period_start = fields.Date()
    period_end = fields.Date()
    scoring_deadline = fields.Date()
    review_deadline = fields.Date(**Nullable)
    reply_window_days = fields.Integer()
    project_methodology = fields.Nested(MethodologyVersionSchema, **Nullable)
    lot_methodology = fields.Nested(MethodologyVersionSchema, **Nullable)
    groups = fields.List(fields.Nested(NamedRefSchema))
    evaluations = computed(fields.Integer(), lambda campaign: len(campaign.evaluations))


def _campaign_data(campaign: Campaign, body: dict) -> tuple[dict, list[int]]:
    """The whole campaign as save_campaign takes it: current values overlaid with the body's."""
    data = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
    data.update({key: value for key, value in body.items() if key != "groups"})
    if data["reply_window_days"] is None:
        data["reply_window_days"] = 10
    problems = {}
    for key in ("project_methodology_id", "lot_methodology_id"):
        if data.get(key) and db.session.get(Methodology, data[key]) is None:
            problems[key] = _("No methodology with this id.")
    group_ids = list(dict.fromkeys(body["groups"])) if "groups" in body else [g.id for g in campaign.groups]
    found = set(db.session.scalars(select(MonitoringGroup.id).where(MonitoringGroup.id.in_(group_ids))))
    if set(group_ids) - found:
        problems["groups"] = _(
            "No monitoring group with this id: %(ids)s.",
            ids=", ".join(str(i) for i in group_ids if i not in found),
        )
    if problems:
        refuse_fields(problems)
    return data, group_ids


@bp.post("/campaigns", tags=["campaigns"])
@bp.arguments(CampaignCreateSchema)
@bp.response(201, CampaignSchema)
@for_signed_in
@errors(403)
def create_campaign(body):
    """Ministry staff set up a monitoring campaign of their organisation (started on its page)."""
    user = signed_in()
    if not user.has_role("ministry") or user.organisation_id is None:
        refuse(403, _("Only ministry staff of an organisation can set up campaigns."))
    campaign = Campaign()
    data, group_ids = _campaign_data(campaign, body)
    save_campaign(campaign, data, group_ids, user)
    db.session.commit()
    return campaign


@bp.patch(f"/campaigns/<int(max={MAX_ID}):campaign_id>", tags=["campaigns"])
@bp.arguments(CampaignUpdateSchema)
@bp.response(200, CampaignSchema)
@for_signed_in
@errors(403, 404, 409)
def update_campaign(body, campaign_id: int):
    """The organiser's staff change the fields they send."""
    user = signed_in()
    campaign = load(Campaign, campaign_id, "edit")
    data, group_ids = _campaign_data(campaign, body)
    save_campaign(campaign, data, group_ids, user)
    db.session.commit()
    return campaign
