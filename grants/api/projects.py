"""The contracts registry and an NGO's replies: GET /projects and GET /replies (docs/api.md).

GET /projects takes the lot registry's filters (as the open-data exports do) and `mine=1`, the
caller's own contracts: an NGO's as contractor, ministry staff's on the lots their organisation
administers. GET /replies lists the replies the caller may read (Reply.can_view); `mine=1` keeps
those written by the caller's organisation, which for an NGO are its own replies.
"""

from marshmallow import fields
from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from grants.api.common import bp, errors, for_signed_in, paginate, signed_in
from grants.api.schemas import ProjectLotSchema, ProjectRefSchema, Text
from grants.api.schemas_evaluations import ReplySchema
from grants.core.schemas import MAX_ID, Page, PageArgs, Shown, between
from grants.lots.models import Lot
from grants.lots.schemas import RegistryFilterArgs, lot_filters
from grants.portal.results import latest_for_projects
from grants.projects.models import Project
from grants.projects.operations import project_query
from grants.replies.models import Reply

MINE = {
    "load_default": False,
    "truthy": {"1", "true"},
    "falsy": {"0", "false"},
}


# --- schemas ----------------------------------------------------------------------------------------


class ProjectListArgs(RegistryFilterArgs, PageArgs):
    mine = fields.Boolean(
        **MINE,
        metadata={"description": "1: the caller's own contracts (an NGO's; a ministry's lots')"},
    )


class ProjectSummarySchema(ProjectRefSchema):
    """A contract as listed in the registry, with its latest published evaluation."""

    title = Text()
    contract_date = fields.Date()
    start_date = fields.Date()
    end_date = fields.Date()
    lot = fields.Nested(ProjectLotSchema)


class ProjectPageSchema(Page):
    items = fields.List(fields.Nested(ProjectSummarySchema))


class ReplyListArgs(PageArgs):
    mine = fields.Boolean(
        **MINE,
        metadata={"description": "1: the replies written by the caller's organisation (an NGO's own)"},
    )
    pending = fields.Boolean(
        truthy={"1", "true"},
        falsy={"0", "false"},
        metadata={"description": "1: only replies awaiting a ruling; 0: only ruled ones"},
    )
    evaluation = fields.Integer(validate=between(1, MAX_ID))


class ReplyPageSchema(Page):
    items = fields.List(fields.Nested(ReplySchema))


# --- routes -----------------------------------------------------------------------------------------


@bp.get("/projects", tags=["projects"])
@bp.arguments(ProjectListArgs, location="query")
@bp.response(200, ProjectPageSchema)
@errors(401)
def projects(args):
    """The contracts whose lot matches the registry filters, newest lots first (public)."""
    query = project_query(lot_filters(args))
    if args["mine"]:
        query = query.where(_own_projects(signed_in()))
    query = query.options(
        selectinload(Project.lot).selectinload(Lot.administrator), selectinload(Project.ngo)
    )
    page = paginate(query, args["page"], args["per_page"])
    latest = latest_for_projects(item.id for item in page["items"])
    page["items"] = [Shown(item, latest=latest.get(item.id)) for item in page["items"]]
    return page


def _own_projects(user):
    """The caller's contracts as a condition: an NGO is the contractor, ministry staff administer the lot."""
    if user.organisation_id is None:
        return false()
    administered = select(Lot.id).where(Lot.administrator_id == user.organisation_id)
    conditions = []
    if user.has_role("ngo"):
        conditions.append(Project.ngo_id == user.organisation_id)
    if user.has_role("ministry"):
        conditions.append(Project.lot_id.in_(administered))
    return or_(*conditions) if conditions else false()


@bp.get("/replies", tags=["replies"])
@bp.arguments(ReplyListArgs, location="query")
@bp.response(200, ReplyPageSchema)
@for_signed_in
def replies(args):
    """The replies the caller may read, newest first; an NGO's own with mine=1."""
    user = signed_in()
    query = select(Reply).where(Reply.visible_to(user))
    if args["mine"]:
        query = query.where(
            Reply.organisation_id == user.organisation_id if user.organisation_id is not None else false()
        )
    if "pending" in args:
        query = query.where(Reply.ruling.is_(None) if args["pending"] else Reply.ruling.is_not(None))
    if "evaluation" in args:
        query = query.where(Reply.evaluation_id == args["evaluation"])
    query = query.options(selectinload(Reply.organisation), selectinload(Reply.attachments)).order_by(
        Reply.submitted_at.desc(), Reply.id.desc()
    )
    return paginate(query, args["page"], args["per_page"])
