"""Upload pages for lot and project imports (ministry staff)."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")
