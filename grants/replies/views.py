"""The NGO's replies to a published evaluation and the chair's rulings (pages)."""

from flask import Blueprint

bp = Blueprint("replies", __name__)
