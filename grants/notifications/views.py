"""The outbox page for administrators."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/admin/outbox")
