"""Needs coverage (docs/analytics.md)."""

from flask import Blueprint, render_template

bp = Blueprint("coverage", __name__, url_prefix="/needs/coverage")


@bp.get("")
def index():
    return render_template("analytics/coverage.html")
