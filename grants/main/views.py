from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select, text

from grants.extensions import db
from grants.main import home as home_data

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/home_public.html", **home_data.public_overview())
    return render_template("main/home.html", panels=home_data.panels_for(current_user))


@bp.get("/lang/<code>")
def set_language(code: str):
    """Remember the reader's language in the session, a cookie and (when logged in) the profile."""
    target = request.args.get("next") or request.referrer or url_for("main.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        if current_user.is_authenticated and current_user.language != code:
            current_user.language = code
            db.session.commit()
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        from grants.lots.models import Lot

        lots = db.session.scalar(select(func.count()).select_from(Lot))
    except Exception as exc:  # the probe must answer, not crash
        return jsonify(status="error", database=str(exc.__class__.__name__)), 503
    return jsonify(status="ok", database="ok", lots=lots)
