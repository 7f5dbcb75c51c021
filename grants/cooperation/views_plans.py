"""The joint activity plan: list, calendar, activities, approval, publication, amendments, PDF and XLSX."""

from flask import Blueprint

bp = Blueprint("plans", __name__)
