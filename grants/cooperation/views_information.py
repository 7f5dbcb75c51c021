"""Information and explanatory work, and the public feed of the councils' work."""

from flask import Blueprint

bp = Blueprint("information", __name__)
