"""Brute-force guard for logins (web form and API tokens), on Flask-Limiter's storage (docs/security.md).

Failed logins are counted in the limiter's storage, shared by every worker (Redis with
REDIS_URL, process memory otherwise), under three keys:

- the client's address: LOGIN_LIMIT_PER_ADDRESS failures (any account) and that address waits;
- the account: LOGIN_LIMIT_PER_ACCOUNT failures from clients the account does not know, a much
  higher figure that only a spread-out attack reaches; it slows guessing from many addresses;
- a device the account knows (a signed cookie set by a successful login in that browser): such a
  client is counted on its own key instead of the account's, so strangers failing the password
  elsewhere never lock the real user out of the browsers they already use.

A success resets nothing (an attacker with an account of their own could otherwise reset their
address's count). Every check happens before the password is verified, so a throttled client
learns nothing, not even with the right password.
"""

import hashlib
import logging
import math
import secrets
import time
import weakref
from dataclasses import dataclass

from flask import current_app, has_app_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from limits import RateLimitItem, parse

log = logging.getLogger(__name__)

DEVICE_COOKIE = "grants_device"
EXTENSION = "grants.login_limiter"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600


# Every app's limiter, so that clear() outside an app context (test fixtures) reaches them all.
_limiters: "weakref.WeakSet[Limiter]" = weakref.WeakSet()


def init_app(app) -> None:
    """Give the app a Flask-Limiter of its own (storage RATELIMIT_STORAGE_URI: Redis or memory).

    One per app rather than one for the process: a Limiter keeps the storage of the last app it
    was bound to, and two apps in one process (tests, scripts) must not share counts."""
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    _limiters.add(limiter)


def _strategy():
    return current_app.extensions[EXTENSION].limiter


@dataclass(frozen=True)
class _Key:
    limit: RateLimitItem
    identifiers: tuple[str, ...]


class LoginThrottle:
    """The three failure counters of a login attempt; see the module docstring."""

    @property
    def limit(self) -> int:
        """Failures one address may make in its window."""
        return parse(current_app.config["LOGIN_LIMIT_PER_ADDRESS"]).amount

    def retry_after(self, email: str) -> int | None:
        """Seconds until this client may try this account again, or None when it may try now."""
        waits = []
        for key in self._keys(email):
            try:
                if _strategy().test(key.limit, *key.identifiers):
                    continue
                reset, _remaining = _strategy().get_window_stats(key.limit, *key.identifiers)
            except Exception:  # storage down: log in without the guard rather than not at all
                log.warning("login throttle storage unavailable", exc_info=True)
                return None
            waits.append(max(1, math.ceil(reset - time.time())))
        return max(waits) if waits else None

    def failed(self, email: str) -> None:
        for key in self._keys(email):
            try:
                _strategy().hit(key.limit, *key.identifiers)
            except Exception:
                log.warning("login throttle storage unavailable", exc_info=True)
                return

    def succeeded(self, email: str, response) -> None:
        """Let this browser be a known device of the account (a signed cookie)."""
        value = _serializer().dumps({"a": _account(email), "d": secrets.token_urlsafe(12)})
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            samesite="Lax",
        )

    def clear(self) -> None:
        """Forget every count: the current app's, or outside an app context every app's (tests)."""
        limiters = [current_app.extensions[EXTENSION]] if has_app_context() else list(_limiters)
        for limiter in limiters:
            limiter.reset()

    def _keys(self, email: str) -> list[_Key]:
        config = current_app.config
        prefix = config.get("RATELIMIT_KEY_PREFIX") or "grants"
        account = _account(email)
        keys = [
            _Key(
                parse(config["LOGIN_LIMIT_PER_ADDRESS"]),
                (prefix, "login-address", request.remote_addr or "-"),
            )
        ]
        device = _known_device(account)
        if device is None:
            keys.append(_Key(parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), (prefix, "login-account", account)))
        else:
            keys.append(
                _Key(parse(config["LOGIN_LIMIT_PER_DEVICE"]), (prefix, "login-device", account, device))
            )
        return keys


def _account(email: str) -> str:
    """The account's counter name: a digest of the normalised email (no address in the storage)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _known_device(account: str) -> str | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 512:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != account or not isinstance(data.get("d"), str):
        return None
    return data["d"]


login_throttle = LoginThrottle()
