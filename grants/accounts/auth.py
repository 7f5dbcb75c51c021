"""Session login (Flask-Login) and bearer tokens for the API.

A session or remember cookie names "<user id>:<session generation>" (User.get_id); it stops
working as soon as the user's generation moves on (logout, password change: docs/security.md).
A request carrying `Authorization: Bearer …` is authenticated by that token alone: its cookies
are ignored, so an invalid token means an anonymous request (401), never the cookie's user.
"""

from datetime import UTC, datetime

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.accounts.models import AnonymousUser, ApiToken, User
from grants.core.db import as_utc
from grants.extensions import db


def init_login(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "warning"
    login_manager.anonymous_user = AnonymousUser

    @login_manager.user_loader
    def load_user(session_id: str):
        token = bearer_token()
        if token is not None:  # the token decides, whatever the cookies say
            return user_for_token(token)
        return user_for_session_id(session_id)

    @login_manager.request_loader
    def load_user_from_token(req):
        token = bearer_token()
        return None if token is None else user_for_token(token)


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and header[7:].strip():
        return header[7:].strip()
    return None


def user_for_session_id(session_id: str) -> User | None:
    """The user named by a session id "<id>:<generation>" while that generation is current."""
    user_id, _, generation = (session_id or "").partition(":")
    if not (user_id.isdigit() and generation.isdigit()) or len(user_id) > 18 or len(generation) > 18:
        return None  # also ids from before generations existed: one more login
    # roles and affiliations joined: one query for every signed-in request, not three (both are small)
    user = db.session.get(
        User, int(user_id), options=[joinedload(User.role_rows), joinedload(User.affiliations)]
    )
    if user is None or user.session_generation != int(generation):
        return None
    return user


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or as_utc(row.expires_at) <= datetime.now(UTC):
        return None
    return row.user if row.user.is_active else None
