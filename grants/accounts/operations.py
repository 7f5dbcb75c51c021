from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from grants.accounts.models import Affiliation, ApiToken, User
from grants.audit.operations import record
from grants.extensions import db


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-password")


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer, same time, for unknown email and wrong password)."""
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_login_at = datetime.now(UTC)
    return user


def issue_token(user: User) -> tuple[str, datetime]:
    secret = ApiToken.new_secret()
    expires = datetime.now(UTC) + current_app.config["API_TOKEN_TTL"]
    db.session.add(ApiToken(user_id=user.id, token_hash=ApiToken.hash(secret), expires_at=expires))
    db.session.flush()
    return secret, expires


def save_user(user: User, data: dict, bins: list[str], roles: list[str], password: str | None) -> User:
    """Create or update a user from validated form data; audited."""
    before = None if user.id is None else _describe(user)
    user.email = data["email"].strip().lower()
    user.full_name = data["full_name"]
    user.position = data.get("position") or None
    user.organisation_id = data.get("organisation_id")
    user.active = bool(data.get("active"))
    user.set_roles(roles)
    wanted = set(bins)
    user.affiliations = [a for a in user.affiliations if a.bin in wanted]
    for new_bin in wanted - user.affiliated_bins:
        user.affiliations.append(Affiliation(bin=new_bin))
    if password:
        user.set_password(password)
    if user.id is None:
        db.session.add(user)
    db.session.flush()
    record("user.create" if before is None else "user.update", user, before=before, after=_describe(user))
    return user


def _describe(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "organisation_id": user.organisation_id,
        "active": user.active,
        "roles": sorted(r.value for r in user.roles),
        "affiliations": sorted(user.affiliated_bins),
    }
