"""The public results portal: campaign results pages and the NGO's own projects.

Only published evaluations appear here (grants.portal.results); the campaign breakdowns reuse the
summary report's aggregation and charts (grants.reports.summary) with the published state only.
"""

from collections import OrderedDict

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants.core.i18n import language
from grants.core.permissions import MAX_ID, require_role
from grants.extensions import db
from grants.monitoring.models import Campaign
from grants.portal import results
from grants.replies.window import reply_deadline
from grants.reports.delivery import final_reports
from grants.reports.summary import PUBLIC_STATES, render_summary_pdf, section_charts, summary_data

LANGUAGES = ("kk", "ru", "en")

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
    summary = summary_data(campaign, states=PUBLIC_STATES)
    evaluations = summary.evaluations  # the published ones, projects first, by index
    lang = language()
    unnamed = _("Sphere not specified")
    titles = chart_titles()
    return render_template(
        "portal/campaign_results.html",
        campaign=campaign,
        evaluations=evaluations,
        finals=final_reports(e.id for e in evaluations),
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
        reply_deadline=reply_deadline,
    )


# Rendered public summaries, keyed by what they show: a new publication or ruling changes the key.
_summaries: OrderedDict[tuple, bytes] = OrderedDict()
_SUMMARIES_KEPT = 32


@bp.get("/results/<int:campaign_id>/summary.pdf")
def campaign_summary_pdf(campaign_id: int):
    """The campaign summary report of published evaluations only, in ?lang=kk|ru|en (default: the page's)."""
    if not 0 < campaign_id <= MAX_ID:
        abort(404)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not results.published_count(campaign.id):
        abort(404)
    lang = request.args.get("lang") or language()
    if lang not in LANGUAGES:
        abort(404)
    key = (campaign.id, lang, *results.published_state_key(campaign.id))
    content = _summaries.get(key)
    if content is None:
        content = render_summary_pdf(campaign, lang, PUBLIC_STATES)
        _summaries[key] = content
        while len(_summaries) > _SUMMARIES_KEPT:
            _summaries.popitem(last=False)
    response = current_app.response_class(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="campaign-{campaign.id}-summary-{lang}.pdf"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
