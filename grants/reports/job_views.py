"""Campaign-wide report downloads for the campaign's managers: the summary PDF and the ZIP of all reports."""

import io

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants.core.i18n import language
from grants.core.permissions import load
from grants.monitoring.models import Campaign
from grants.reports import jobs
from grants.reports.summary import render_summary_pdf

bp = Blueprint("report_jobs", __name__, url_prefix="/campaigns")

LANGS = ("kk", "ru", "en")


def _campaign(campaign_id: int) -> Campaign:
    """404 for an unknown campaign, 403 for anyone but its managers (ministry staff of the organiser)."""
    return load(Campaign, campaign_id, "edit")


def _job(campaign: Campaign, job_id: str) -> dict:
    state = jobs.load_job(job_id)
    if state is None or state["campaign_id"] != campaign.id:
        abort(404)
    return state


@bp.get("/<int:campaign_id>/summary.pdf")
@login_required
def summary_pdf(campaign_id: int):
    campaign = _campaign(campaign_id)
    lang = request.args.get("lang") or language()
    if lang not in LANGS:
        abort(404)
    content = render_summary_pdf(campaign, lang)
    response = send_file(
        io.BytesIO(content),
        mimetype="application/pdf",
        download_name=f"campaign-{campaign.id}-summary-{lang}.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"  # the numbers change as evaluations progress
    return response


@bp.post("/<int:campaign_id>/render-jobs")
@login_required
def start(campaign_id: int):
    campaign = _campaign(campaign_id)
    job_id = jobs.start_render_job(campaign, current_user)
    return redirect(url_for("report_jobs.show", campaign_id=campaign.id, job_id=job_id))


@bp.get("/<int:campaign_id>/render-jobs/<job_id>")
@login_required
def show(campaign_id: int, job_id: str):
    campaign = _campaign(campaign_id)
    state = _job(campaign, job_id)
    return render_template("reports/job.html", campaign=campaign, job=jobs.public_state(state))


@bp.post("/<int:campaign_id>/render-jobs/<job_id>/retry")
@login_required
def retry(campaign_id: int, job_id: str):
    """Render a failed job's ZIP again as a new job (a dead worker's job is failed, docs/operations.md)."""
    campaign = _campaign(campaign_id)
    state = _job(campaign, job_id)
    if state["status"] != "failed":
        flash(_("Only a failed job can be retried; this one has not failed."), "warning")
        return redirect(url_for("report_jobs.show", campaign_id=campaign.id, job_id=job_id))
    new_id = jobs.retry_render_job(state, current_user)
    return redirect(url_for("report_jobs.show", campaign_id=campaign.id, job_id=new_id))


@bp.get("/<int:campaign_id>/render-jobs/<job_id>/status.json")
@login_required
def status(campaign_id: int, job_id: str):
    campaign = _campaign(campaign_id)
    state = jobs.public_state(_job(campaign, job_id))
    if state["status"] == "finished":
        state["download_url"] = url_for("report_jobs.download", campaign_id=campaign.id, job_id=job_id)
    response = jsonify(state)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:campaign_id>/render-jobs/<job_id>/download")
@login_required
def download(campaign_id: int, job_id: str):
    campaign = _campaign(campaign_id)
    state = _job(campaign, job_id)
    path = jobs.zip_path(job_id)
    if state["status"] != "finished" or not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"campaign-{campaign.id}-reports.zip",
    )
