from datetime import UTC, datetime
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from grants.accounts.models import Affiliation, ApiToken, User, password_hash_method
from grants.audit.operations import record
from grants.extensions import db


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the email is unknown, so both failures take the same time."""
    return generate_password_hash("not-a-password", method=method)


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer, same time, for unknown email and wrong password)."""
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(password_hash_method()), password)
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


def end_sessions(user: User, *, revoke_tokens: bool = True) -> None:
    """End every session of the user: session and remember cookies and (by default) API tokens stop working.

    The generation is bumped in SQL (generation + 1), so concurrent bumps are never lost (docs/security.md).
    """
    user.session_generation = User.session_generation + 1
    if revoke_tokens:
        db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.flush()
    db.session.refresh(user, ["session_generation"])


def change_password(user: User, password: str) -> None:
    """Set a new password and end every session and token of the user; audited (without the password)."""
    user.set_password(password)
    end_sessions(user)
    record("user.password_change", user, after={"email": user.email})


def save_user(user: User, data: dict, bins: list[str], roles: list[str], password: str | None) -> User:
    """Create or update a user from validated form data; audited. A new password ends the user's sessions."""
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
    if password and user.id is None:
        user.set_password(password)
    if user.id is None:
        db.session.add(user)
    db.session.flush()
    record("user.create" if before is None else "user.update", user, before=before, after=_describe(user))
    if password and before is not None:
        change_password(user, password)
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


def open_accounts(emails, passwords) -> list[str]:
    """Those of these accounts that are active and open with one of these (published) passwords."""
    found = []
    for user in db.session.scalars(
        select(User).where(func.lower(User.email).in_([e.lower() for e in emails]))
    ):
        if user.is_active and any(user.check_password(p) for p in passwords if p):
            found.append(user.email)
    return sorted(found)
