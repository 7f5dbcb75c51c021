from flask import Blueprint

bp = Blueprint("evaluations", __name__, url_prefix="/evaluations")
