"""The JSON API under /api/v1 (README.md, "HTTP API"); its OpenAPI document is built in grants/api/openapi.py.

Callers authenticate with `Authorization: Bearer <token>` (POST /auth/token) or with the browser
session; a mutating request that relies on the session must carry a CSRF token. Errors use the
shape of grants.main.errors.error_response; bad input answers 4xx, never 500.
"""

import math
import re

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from grants.accounts.auth import bearer_token, user_for_token
from grants.accounts.models import ApiToken
from grants.accounts.operations import authenticate, issue_token
from grants.accounts.throttle import login_throttle
from grants.api import serializers
from grants.api.openapi import build_document
from grants.core.permissions import MAX_ID, authorize, load
from grants.core.validation import INT_MAX, bounded_int
from grants.extensions import csrf, db
from grants.lots.models import Lot, LotNeed, LotStatus
from grants.lots.operations import DEFAULT_SORT, SORTS, LotFilters, valid_sort
from grants.main.errors import error_response
from grants.monitoring.registry import lot_query
from grants.portal.results import latest_for_lots, latest_for_projects
from grants.projects.models import Project

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_Q_LENGTH = 200
MAX_EMAIL_LENGTH = 254
MAX_PASSWORD_LENGTH = 1024




@bp.before_request
def _csrf_for_session_callers():
    """Writes need a CSRF token unless a valid bearer token authenticates them (docs/security.md).

    An invalid, expired or revoked token does not exempt the request: with the browser's cookies it
    would otherwise be a cross-site write. The token endpoint itself takes no cookie and is exempt.
    """
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return None
    if request.endpoint == "api.create_token":
        return None
    token = _bearer_header()
    if token is not None and user_for_token(token) is not None:
        return None
    csrf.protect()  # raises CSRFError -> JSON 400 from grants.main.errors
    return None


def _bearer_header() -> str | None:
    return bearer_token()


# --- authentication -------------------------------------------------------------------------


@bp.post("/auth/token")
def create_token():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(422, fields={"body": _("Send a JSON object with email and password.")})
    fields = {}
    email = _text_field(body, "email", MAX_EMAIL_LENGTH, fields)
    password = _text_field(body, "password", MAX_PASSWORD_LENGTH, fields, strip=False)
    if fields:
        return error_response(422, fields=fields)

    wait = login_throttle.retry_after(email)
    if wait is not None:
        response, status = error_response(429, _("Too many failed attempts. Try again later."))
        response.headers["Retry-After"] = str(wait)
        return response, status

    user = authenticate(email, password)
    if user is None:
        login_throttle.failed(email)
        return error_response(401, _("Wrong email or password."))
    token, expires = issue_token(user)
    db.session.commit()
    response = jsonify(token=token, expires_at=serializers.iso(expires))
    login_throttle.succeeded(email, response)
    return response


@bp.delete("/auth/token")
def revoke_token():
    """Revoke the bearer token of this request, or (session callers) every token of the user."""
    if not current_user.is_authenticated:
        return error_response(401)
    token = _bearer_header()
    query = delete(ApiToken).where(ApiToken.user_id == current_user.id)
    if token is not None:
        query = query.where(ApiToken.token_hash == ApiToken.hash(token))
    db.session.execute(query)
    db.session.commit()
    return "", 204


@bp.get("/me")
def me():
    if not current_user.is_authenticated:
        return error_response(401)
    return jsonify(serializers.user(current_user))


def _text_field(body: dict, name: str, max_length: int, fields: dict, strip: bool = True) -> str | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        fields[name] = _("This field is required.")
        return None
    if not isinstance(value, str):
        fields[name] = _("Must be a string.")
        return None
    if len(value) > max_length:
        fields[name] = _("Must be at most %(max)s characters.", max=max_length)
        return None
    if not _storable(value):
        fields[name] = _("Contains characters that are not allowed.")
        return None
    return value.strip() if strip else value


def _storable(value: str) -> bool:
    """False for NUL characters and lone surrogates, which the database cannot take."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- lots and projects ----------------------------------------------------------------------

_PATTERNS = {
    "year": (re.compile(r"[1-9][0-9]{3}"), lambda: _("Must be a four-digit year.")),
    "region": (re.compile(r"[0-9]{9}"), lambda: _("Must be a 9-digit KATO code.")),
    "administrator": (re.compile(r"[0-9]{12}"), lambda: _("Must be a 12-digit BIN.")),
    "sphere": (re.compile(r"[A-Za-z0-9_.-]{1,40}"), lambda: _("Must be a sphere code.")),
}


def lot_filters(args) -> tuple[LotFilters, int, int, dict]:
    """Strictly validated registry filters and paging: (filters, page, per_page, errors by parameter)."""
    errors: dict[str, str] = {}
    values: dict[str, str | None] = {}
    for name, (pattern, message) in _PATTERNS.items():
        value = (args.get(name) or "").strip() or None
        if value is not None and not pattern.fullmatch(value):
            errors[name] = message()
            value = None
        values[name] = value

    status = (args.get("status") or "").strip() or None
    if status is not None and status not in {s.value for s in LotStatus}:
        errors["status"] = _("Must be one of: %(values)s.", values=", ".join(s.value for s in LotStatus))
        status = None

    q = (args.get("q") or "").strip() or None
    if q is not None and len(q) > MAX_Q_LENGTH:
        errors["q"] = _("Must be at most %(max)s characters.", max=MAX_Q_LENGTH)
        q = None
    elif q is not None and not _storable(q):
        errors["q"] = _("Contains characters that are not allowed.")
        q = None

    sort = (args.get("sort") or "").strip() or DEFAULT_SORT
    if valid_sort(sort) is None:
        errors["sort"] = _("Must be one of: %(values)s.", values=", ".join(SORTS))
        sort = DEFAULT_SORT

    page = _positive_int(args, "page", 1, None, errors)
    per_page = _positive_int(args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE, errors)

    filters = LotFilters(
        year=int(values["year"]) if values["year"] else None,
        region=values["region"],
        administrator=values["administrator"],
        sphere=values["sphere"],
        status=status,
        q=q,
        sort=sort,
    )
    return filters, page, per_page, errors


def _positive_int(args, name: str, default: int, maximum: int | None, errors: dict) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = bounded_int(raw, 1, INT_MAX)  # docs/input-validation.md
    except ValueError:
        errors[name] = _("Must be a whole number of at least 1.")
        return default
    if maximum is not None and value > maximum:
        errors[name] = _("Must be between 1 and %(max)s.", max=maximum)
        return default
    return value


@bp.get("/lots")
def lots():
    filters, page, per_page, errors = lot_filters(request.args)
    if errors:
        return error_response(422, fields=errors)
    query = lot_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = math.ceil(total / per_page) if total else 0
    items = []
    if page <= pages:
        query = query.options(
            selectinload(Lot.region), selectinload(Lot.administrator), selectinload(Lot.sphere)
        )
        items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    latest = latest_for_lots(item.id for item in items)
    return jsonify(
        items=[serializers.lot(item, latest.get(item.id)) for item in items],
        page=page,
        pages=pages,
        per_page=per_page,
        total=total,
    )


@bp.get(f"/lots/<int(max={MAX_ID}):lot_id>")
def lot_detail(lot_id: int):
    item = db.session.scalar(
        select(Lot)
        .where(Lot.id == lot_id)
        .options(
            selectinload(Lot.region),
            selectinload(Lot.administrator),
            selectinload(Lot.sphere),
            selectinload(Lot.indicators),
            selectinload(Lot.need_links).selectinload(LotNeed.need),
            selectinload(Lot.projects).selectinload(Project.ngo),
        )
    )
    if item is None:
        return error_response(404)
    authorize(item)
    return jsonify(
        serializers.lot_detail(
            item,
            latest=latest_for_lots([item.id]).get(item.id),
            results=published_results(item),
            project_latest=latest_for_projects(p.id for p in item.projects),
        )
    )


@bp.get(f"/projects/<int(max={MAX_ID}):project_id>")
def project_detail(project_id: int):
    item = load(Project, project_id)
    return jsonify(serializers.project(item, results=published_results(item)))


def published_results(subject):
    """The published evaluations of a lot (its own and its projects') or of a project."""
    from grants.reports.views import published_results as found

    return found(subject)


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_document())


from grants.api import evaluations, replies, reports  # noqa: E402,F401
