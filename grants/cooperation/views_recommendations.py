"""Recommendations: the register, drafting and sending, the addressee's response, the council's assessment."""

from flask import Blueprint

bp = Blueprint("recommendations", __name__)
