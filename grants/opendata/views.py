"""Open data: CSV/JSON exports under /api/v1/export and XLSX downloads from the pages."""

from flask import Blueprint

bp = Blueprint("opendata", __name__)
