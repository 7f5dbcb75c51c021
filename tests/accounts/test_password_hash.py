"""Password hashes: scrypt in production, one cheap PBKDF2 round in the suite (tests/helpers.py)."""

from grants.accounts.models import User
from grants.accounts.operations import authenticate
from grants.config import Config
from tests.helpers import DEMO_PASSWORD, FAST_PASSWORD_HASH, user


def test_production_hashes_new_passwords_with_scrypt(app, monkeypatch):
    assert Config.PASSWORD_HASH_METHOD == "scrypt"
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", Config.PASSWORD_HASH_METHOD)
    person = User(email="scrypt@example.kz", full_name="Scrypt")
    person.set_password("a-long-secret-2026")
    assert person.password_hash.startswith("scrypt:")
    assert person.check_password("a-long-secret-2026") and not person.check_password("a-long-secret-2027")


def test_the_suite_seeds_cheap_hashes_that_still_check_the_password(db):
    member = user("member1")
    assert member.password_hash.startswith(f"{FAST_PASSWORD_HASH}$")
    assert authenticate("member1@example.kz", DEMO_PASSWORD) == member
    assert authenticate("member1@example.kz", DEMO_PASSWORD + "x") is None
    assert authenticate("nobody@example.kz", DEMO_PASSWORD) is None
