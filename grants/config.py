"""Configuration read from the environment; production refusals in Config.finalise (docs/security.md)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


DEFAULT_DEMO_PASSWORD = "demo-pass-2026"
MIN_SECRET_KEY_BYTES = 32


def _flag(name: str) -> bool | None:
    value = os.environ.get(name)
    return None if value is None or value == "" else value.lower() in ("1", "true", "yes", "on")


def _int(name: str) -> int | None:
    value = os.environ.get(name)
    return None if value is None or value == "" else int(value)


class Config:
    GRANTS_ENV = os.environ.get("GRANTS_ENV", "development")  # "production" is set by wsgi.py
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite under instance/, outside production
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "grants@localhost")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes", "on")  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes", "on")  # SMTPS (port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    REMINDER_DAYS = int(os.environ.get("REMINDER_DAYS", "3"))  # send-reminders: deadlines this many days ahead
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's method for new hashes; only the test suite lowers it

    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto/-Host (werkzeug ProxyFix).
    # None: 1 in production (TLS ends at the proxy), 0 otherwise.
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS")
    FORCE_HTTPS = _flag("FORCE_HTTPS")  # None: on in production (redirect http -> https, HSTS)
    # Failed-login limits (accounts/throttle.py), in Flask-Limiter's notation; shared across
    # workers in Redis when REDIS_URL is set.
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "10 per 15 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "100 per hour")
    LOGIN_LIMIT_PER_DEVICE = os.environ.get("LOGIN_LIMIT_PER_DEVICE", "10 per 15 minutes")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI")  # None: REDIS_URL, else memory://
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "grants")  # several services on one Redis

    LANGUAGES = ("kk", "ru", "en")
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "grants" / "translations")

    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT = None
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # None: True in production
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = None  # None: True in production
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    API_TOKEN_TTL = timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "12")))
    PER_PAGE = 20
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")  # printed in reports' QR codes
    REPORT_LANGUAGES = ("kk", "ru", "en")
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR")  # default: instance/evidence
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))

    @classmethod
    def finalise(cls, app):
        """Fill the defaults that depend on the environment; refuse unsafe production settings."""
        config = app.config
        production = config.get("GRANTS_ENV") == "production"
        if production:
            problems = production_problems(config)
            if problems:
                raise RuntimeError("Refusing to start in production: " + " ".join(problems))
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{BASE_DIR / 'instance' / 'grants.sqlite3'}"
        for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "FORCE_HTTPS"):
            if config.get(name) is None:
                config[name] = production
        if config.get("PROXY_FIX_HOPS") is None:
            config["PROXY_FIX_HOPS"] = 1 if production else 0
        if not config.get("RATELIMIT_STORAGE_URI"):
            config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
        if config.get("SECRET_KEY"):
            return
        key_file = Path(app.instance_path) / "secret_key"
        key_file.parent.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        config["SECRET_KEY"] = key_file.read_text().strip()


def production_problems(config) -> list[str]:
    """What makes this configuration unsafe for production, one clear sentence each."""
    problems = []
    key = config.get("SECRET_KEY") or ""
    key_bytes = len(key.encode() if isinstance(key, str) else key)
    if key_bytes < MIN_SECRET_KEY_BYTES:
        problems.append(
            f"SECRET_KEY must be set to at least {MIN_SECRET_KEY_BYTES} random bytes "
            f"(it has {key_bytes}); generate one with `python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        problems.append("DATABASE_URL must be set (e.g. postgresql+psycopg://user@host/grants); "
                        "production never falls back to the SQLite file under instance/.")
    return problems
