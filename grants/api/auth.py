"""Tokens and the caller: POST/DELETE /auth/token, GET /me (docs/security.md)."""

from flask import make_response
from flask_babel import gettext as _
from sqlalchemy import delete

from grants.accounts.auth import bearer_token
from grants.accounts.models import ApiToken
from grants.accounts.operations import authenticate, issue_token
from grants.accounts.throttle import login_throttle
from grants.api.common import bp, errors, for_signed_in, refuse, signed_in
from grants.api.schemas import MeSchema, TokenRequestSchema, TokenResponseSchema
from grants.extensions import db
from grants.main.errors import error_response

TAGS = ["auth"]


@bp.post("/auth/token", tags=TAGS)
@bp.arguments(TokenRequestSchema)
@bp.response(200, TokenResponseSchema)
@errors(401, 429)
@bp.doc(security=[{}])
def create_token(body):
    """A bearer token for the user with this email and password."""
    email = body["email"].strip()
    wait = login_throttle.retry_after(email)
    if wait is not None:
        response = make_response(error_response(429, _("Too many failed attempts. Try again later.")))
        response.headers["Retry-After"] = str(wait)
        return response
    user = authenticate(email, body["password"])
    if user is None:
        login_throttle.failed(email)
        refuse(401, _("Wrong email or password."))
    token, expires = issue_token(user)
    db.session.commit()
    response = make_response(TokenResponseSchema().dump({"token": token, "expires_at": expires}))
    login_throttle.succeeded(email, response)
    return response


@bp.delete("/auth/token", tags=TAGS)
@bp.response(204)
@for_signed_in
def revoke_token():
    """Revoke the bearer token of this request, or (session callers) every token of the user."""
    user = signed_in()
    token = bearer_token()
    query = delete(ApiToken).where(ApiToken.user_id == user.id)
    if token is not None:
        query = query.where(ApiToken.token_hash == ApiToken.hash(token))
    db.session.execute(query)
    db.session.commit()
    return ""


@bp.get("/me", tags=TAGS)
@bp.response(200, MeSchema)
@for_signed_in
def me():
    """The signed-in caller: roles, organisation, language."""
    return signed_in()
