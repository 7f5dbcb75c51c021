"""Analytics (docs/analytics.md)."""

from flask import Blueprint, render_template

bp = Blueprint("analytics", __name__, url_prefix="/analytics")


@bp.get("/")
def index():
    return render_template("analytics/dashboard.html")
