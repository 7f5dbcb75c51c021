"""The registry: lots and projects with their published results (public, no sign-in needed)."""

from flask_babel import gettext as _

from grants.api.common import bp, errors, page_answer
from grants.api.schemas import LotDetailSchema, LotPageSchema, ProjectSchema
from grants.core.errors import RuleViolation
from grants.core.permissions import MAX_ID, load
from grants.core.schemas import PageArgs, Shown
from grants.lots.models import Lot
from grants.lots.schemas import CursorArgs, RegistryFilterArgs, SortArgs, lot_filters
from grants.monitoring.registry import registry_page
from grants.portal.results import LOT_DETAIL, latest_for_lots, latest_for_projects
from grants.projects.models import Project
from grants.reports.delivery import published_results

TAGS = ["lots"]


class LotListArgs(RegistryFilterArgs, SortArgs, PageArgs, CursorArgs):
    pass


@bp.get("/lots", tags=TAGS)
@bp.arguments(LotListArgs, location="query")
@bp.response(200, LotPageSchema)
def lots(args):
    """The lot registry, filtered and paged like the registry page.

    `next` is a cursor for the next page (null on the last one): `after=<next>` reads it at the cost of
    the first page, however deep (docs/api.md#lot-registry-paging); `page=N` works too."""
    try:
        result = registry_page(lot_filters(args), args["page"], args["per_page"], cursor=args.get("after"))
    except ValueError:
        raise RuleViolation(
            _("Some fields are not valid."),
            status=422,
            fields={"after": _("Not a cursor of this list: use the next field of a page.")},
            code="validation_error",
        ) from None
    page = page_answer(result)
    latest = latest_for_lots(item.id for item in page["items"])
    page["items"] = [Shown(item, latest=latest.get(item.id)) for item in page["items"]]
    return page


@bp.get(f"/lots/<int(max={MAX_ID}):lot_id>", tags=TAGS)
@bp.response(200, LotDetailSchema)
@errors(404)
def lot_detail(lot_id: int):
    """A lot with its specification, linked public needs, contracts and published results."""
    item = load(Lot, lot_id, options=LOT_DETAIL)
    project_latest = latest_for_projects(p.id for p in item.projects)
    return Shown(
        item,
        latest=latest_for_lots([item.id]).get(item.id),
        results=published_results(item),
        projects=[Shown(p, latest=project_latest.get(p.id)) for p in item.projects],
    )


@bp.get(f"/projects/<int(max={MAX_ID}):project_id>", tags=["projects"])
@bp.response(200, ProjectSchema)
@errors(404)
def project_detail(project_id: int):
    """A contract with its lot, NGO, result indicators and published evaluations."""
    item = load(Project, project_id)
    return Shown(item, results=published_results(item))
