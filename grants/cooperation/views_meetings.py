"""Meetings: agenda, speakers and materials, attendance and quorum, minutes, decisions, publication, minutes PDF."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)
