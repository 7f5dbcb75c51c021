import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from grants.core.db import TimestampMixin, utcnow
from grants.core.enums import TitledEnum, enum_column
from grants.extensions import db

# werkzeug's method for new password hashes; the suite sets a cheap one (tests/helpers.py), and a
# stored hash names its own method, so checking never depends on this setting.
DEFAULT_PASSWORD_HASH_METHOD = "scrypt"


def password_hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_PASSWORD_HASH_METHOD


class Role(TitledEnum):
    admin = "admin"
    ministry = "ministry"
    chair = "chair"
    member = "member"
    ngo = "ngo"
    secretary = "secretary"
    official = "official"

    @staticmethod
    def TITLES():
        return {
            "admin": _l("Administrator"),
            "ministry": _l("Ministry staff"),
            "chair": _l("Group chair"),
            "member": _l("Council member"),
            "ngo": _l("NGO representative"),
            "secretary": _l("Council secretary"),
            "official": _l("State body official"),
        }


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)


class Affiliation(db.Model):
    """An organisation (by BIN) a person is tied to: grounds for automatic recusal."""

    __tablename__ = "affiliations"
    __table_args__ = (UniqueConstraint("user_id", "bin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    bin: Mapped[str] = mapped_column(String(12), index=True)
    note: Mapped[str | None] = mapped_column(String(300))


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of every session and remember cookie (get_id); bumping it ends them all (docs/security.md).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organisation = relationship("Organisation")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    affiliations: Mapped[list[Affiliation]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and the remember cookie: "<id>:<generation>"."""
        return f"{self.id}:{self.session_generation or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    @property
    def roles(self) -> set[Role]:
        return {r.role for r in self.role_rows}

    def has_role(self, role: str | Role) -> bool:
        return Role(role) in self.roles

    def set_roles(self, roles) -> None:
        wanted = {Role(r) for r in roles}
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        for role in wanted - self.roles:
            self.role_rows.append(UserRole(role=role))

    @property
    def affiliated_bins(self) -> set[str]:
        return {a.bin for a in self.affiliations}

    def works_for(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and self.organisation_id == organisation_id

    def can_view(self, user) -> bool:
        return user.is_authenticated and (user.id == self.id or user.has_role("admin"))

    def can_edit(self, user) -> bool:
        return user.is_authenticated and user.has_role("admin")

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class AnonymousUser(AnonymousUserMixin):
    id = None
    organisation_id = None
    roles: set = set()
    affiliated_bins: set = set()

    def has_role(self, role) -> bool:
        return False

    def works_for(self, organisation_id) -> bool:
        return False


class ApiToken(db.Model):
    """A bearer token; only its sha256 is stored, so a leaked database does not leak tokens."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    user = relationship("User")

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)
