"""Session login (Flask-Login) and bearer tokens for the API."""

from datetime import UTC, datetime

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

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
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    @login_manager.request_loader
    def load_user_from_token(req):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        return user_for_token(header[7:].strip())


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or as_utc(row.expires_at) <= datetime.now(UTC):
        return None
    return row.user if row.user.is_active else None
