# placeholder: the campaigns helper replaces this file
from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


@bp.get("/")
def index():  # placeholder until the real page lands
    return ""
