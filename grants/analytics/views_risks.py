"""Risk flags (docs/analytics.md)."""

from flask import Blueprint, render_template

bp = Blueprint("risks", __name__, url_prefix="/risks")


@bp.get("/")
def index():
    return render_template("analytics/risks.html")
