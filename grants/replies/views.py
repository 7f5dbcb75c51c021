"""The NGO's replies to a published evaluation and the chair's rulings (pages)."""

from flask import Blueprint, abort

bp = Blueprint("replies", __name__)


@bp.route("/evaluations/<int:evaluation_id>/replies", methods=["GET", "POST"])
def evaluation_replies(evaluation_id: int):
    abort(404)  # being built
