from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select, text

from grants.core.validation import is_local_path
from grants.extensions import db, talisman
from grants.lots.models import Lot
from grants.main import home as home_data

bp = Blueprint("main", __name__)

# The RQ queues the workers serve (grants/reports/jobs.py, grants/notifications/mail.py).
JOB_QUEUES = ("reports", "mail")


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/home_public.html", **home_data.public_overview())
    return render_template("main/home.html", panels=home_data.panels_for(current_user))


@bp.route("/lang/<code>", methods=["GET", "POST"])
def set_language(code: str):
    """Remember the reader's language in the session and a cookie; a POST (the account page) also
    stores it in the profile, which mail uses. A GET never writes to the database (docs/security.md)."""
    target = request.args.get("next") or request.referrer or url_for("main.home")
    if not is_local_path(target):
        target = url_for("main.home")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        response.set_cookie(
            "lang",
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
        if request.method == "POST" and current_user.is_authenticated and current_user.language != code:
            current_user.language = code
            db.session.commit()
    return response


@bp.get("/healthz")
@talisman(force_https=False)  # probed over plain HTTP by the proxy and by monitoring
def healthz():
    """The database, and with REDIS_URL Redis and the job queues; 503 when a configured one fails."""
    body = {"status": "ok"}
    try:
        db.session.execute(text("SELECT 1"))

        body["database"] = "ok"
        body["lots"] = db.session.scalar(select(func.count()).select_from(Lot))
    except Exception as exc:  # the probe must answer, not crash
        db.session.rollback()
        body.update(status="error", database=exc.__class__.__name__)
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            body["queues"] = _queue_figures(url)
            body["redis"] = "ok"
        except Exception as exc:
            body.update(status="error", redis=exc.__class__.__name__)
    return jsonify(body), 200 if body["status"] == "ok" else 503


def _queue_figures(url: str) -> dict:
    from redis import Redis
    from rq import Queue

    with Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2) as connection:
        connection.ping()
        figures = {}
        for name in JOB_QUEUES:
            queue = Queue(name, connection=connection)
            figures[name] = {
                "queued": queue.count,
                "started": queue.started_job_registry.count,
                "failed": queue.failed_job_registry.count,
            }
        return figures
