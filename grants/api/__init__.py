"""The JSON API under /api/v1 (docs/api.md), declared with flask-smorest: request bodies, query
parameters and answers are marshmallow schemas that validate, serialise and generate
/api/v1/openapi.json.

Callers authenticate with `Authorization: Bearer <token>` (POST /auth/token) or with the browser
session; a mutating request that relies on the session must carry a CSRF token. Errors use the
shape {"error": {"code", "message", "fields"}}; bad input answers 4xx, never 500.
"""

from flask import Flask

from grants.api import (  # noqa: F401  (routes on bp)
    auth,
    cooperation,
    evaluations,
    lots,
    meta,
    projects,
    recommendations,
    registry,
    replies,
    reports,
    stats,
)
from grants.api.common import ANYONE, bp
from grants.core.schemas import Api
from grants.extensions import csrf
from grants.opendata.views import bp as opendata_bp

SETTINGS = {
    "API_TITLE": "Grants monitoring API",
    "API_VERSION": "1.0.0",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}
DESCRIPTION = (
    "Lots and projects of Kazakhstan's state social order and their joint public-council evaluation. "
    'Errors are `{"error": {"code", "message", "fields"}}`; money is a decimal string in tenge; '
    "texts follow `?lang=kk|ru|en` or Accept-Language."
)


def init_app(app: Flask) -> Api:
    """Register the API and the open-data exports, and build their OpenAPI document."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"info": {"description": DESCRIPTION}, "security": ANYONE})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "sessionCookie", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    api.register_blueprint(bp)
    api.register_blueprint(opendata_bp)
    meta.document(api, app)
    csrf.exempt(bp)  # bearer tokens; session writes are checked in grants/api/common.py
    csrf.exempt(opendata_bp)  # read-only exports
    return api
