"""Working groups of several councils: members, mandate, tasks with deadlines, output; experts and their conclusions."""

from flask import Blueprint

bp = Blueprint("working_groups", __name__)
