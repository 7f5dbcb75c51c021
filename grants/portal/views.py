"""The public results portal: campaign results pages and the NGO's own projects.

Only published evaluations appear here (grants.portal.results); the campaign breakdowns reuse the
summary report's aggregation and charts (grants.reports.summary) with the published state only.
"""

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants.core.i18n import language
from grants.core.permissions import MAX_ID, require_role
from grants.extensions import db
from grants.monitoring.models import Campaign
from grants.portal import results
from grants.reports.summary import PUBLIC_STATES, section_charts, summary_data

bp = Blueprint("portal", __name__)


@bp.get("/results")
def results_index():
    """Campaigns with at least one published evaluation."""
    return render_template("portal/results_index.html", campaigns=results.campaigns_with_results())


def chart_titles() -> dict[str, str]:
    return {
        "bands": _("Evaluations by rating"),
        "criteria": _("Mean score by criterion"),
        "region": _("Mean index by region"),
        "administrator": _("Mean index by administrator"),
        "sphere": _("Mean index by sphere"),
    }


@bp.get("/results/<int:campaign_id>")
def campaign_results(campaign_id: int):
    """A campaign's published results: the table of evaluations and breakdowns with charts."""
    if not 0 < campaign_id <= MAX_ID:
        abort(404)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not results.published_count(campaign.id):
        abort(404)
    evaluations = results.published_in(campaign)
    summary = summary_data(campaign, states=PUBLIC_STATES)
    lang = language()
    unnamed = _("Sphere not specified")
    titles = chart_titles()
    return render_template(
        "portal/campaign_results.html",
        campaign=campaign,
        evaluations=evaluations,
        finals=results.final_reports(e.id for e in evaluations),
        summary=summary,
        charts=[section_charts(section, lang, titles, unnamed) for section in summary.sections],
        unnamed=unnamed,
        lang=lang,
    )


@bp.get("/my/projects")
@login_required
def my_projects():
    """The NGO's own projects with their indicators and published evaluations."""
    require_role("ngo")
    projects = results.ngo_projects(current_user.organisation_id)
    return render_template(
        "portal/my_projects.html",
        organisation=current_user.organisation,
        projects=projects,
        evaluations=results.published_for_projects(p.id for p in projects),
        reply_deadline=_reply_deadline,
    )


def _reply_deadline(evaluation):
    """Last day of the reply window, or None (the replies package decides the window)."""
    try:
        from grants.replies.window import reply_deadline
    except ImportError:  # pragma: no cover - the replies package is optional here
        return None
    return reply_deadline(evaluation)
