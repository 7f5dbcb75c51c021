# placeholder: the campaigns helper replaces this file
from flask import Blueprint

bp = Blueprint("methodologies", __name__, url_prefix="/methodologies")
