"""The public results portal: campaign results pages and the NGO's own projects."""

from flask import Blueprint

bp = Blueprint("portal", __name__)
