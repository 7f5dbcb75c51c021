"""Configuration (README, Configuration): every key the service reads is declared in Config with its
default; a deployment sets the keys listed in ENVIRONMENT through their environment variables, read in
one place (from_environment) by create_app, for wsgi.py, the flask command and RQ workers alike.
Production refusals in Config.finalise (docs/security.md).
"""

import os
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


DEFAULT_DEMO_PASSWORD = "demo-pass-2026"
MIN_SECRET_KEY_BYTES = 32


class Config:
    """Every configuration key with its default. None means "decided in finalise" or "not used"."""

    GRANTS_ENV = "development"  # "production": refuses unsafe settings, production defaults (wsgi.py sets it)
    SECRET_KEY = None  # None: a random key kept in instance/secret_key, outside production
    SQLALCHEMY_DATABASE_URI = None  # DATABASE_URL; None: SQLite under instance/, outside production
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = None  # RQ jobs and shared login counters; None: jobs inline, counters in memory
    MAIL_SERVER = None  # None: mail stays in the outbox (/admin/outbox/)
    MAIL_PORT = 25
    MAIL_SENDER = "grants@localhost"
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USE_SSL = False  # SMTPS (port 465)
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_TIMEOUT = 10.0  # seconds
    REMINDER_DAYS = 3  # send-reminders: deadlines this many days ahead
    DEMO_PASSWORD = DEFAULT_DEMO_PASSWORD  # the demo accounts' password (seed-demo); refused in production
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's method for new hashes; only the test suite lowers it

    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto/-Host (werkzeug ProxyFix).
    # None: 1 in production (TLS ends at the proxy), 0 otherwise.
    PROXY_FIX_HOPS = None
    FORCE_HTTPS = None  # None: on in production (redirect http -> https, HSTS)
    # Failed-login limits (accounts/throttle.py), in Flask-Limiter's notation; shared across
    # workers in Redis when REDIS_URL is set.
    LOGIN_LIMIT_PER_ADDRESS = "10 per 15 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "100 per hour"
    LOGIN_LIMIT_PER_DEVICE = "10 per 15 minutes"
    RATELIMIT_STORAGE_URI = None  # None: REDIS_URL, else memory://
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "grants"  # several services on one Redis

    LANGUAGES = ("kk", "ru", "en")
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "grants" / "translations")

    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT = None  # a form stays valid as long as the session
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # None: True in production
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = None  # None: True in production
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    API_TOKEN_TTL = timedelta(hours=12)  # API_TOKEN_TTL_HOURS
    PER_PAGE = 20  # rows per page of the lists
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"  # the service's address in mails and reports' QR codes
    REPORT_LANGUAGES = ("kk", "ru", "en")  # each report is issued in these languages
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024  # largest request body (uploads)
    EVIDENCE_DIR = None  # None: instance/evidence
    EVIDENCE_MAX_BYTES = 10 * 1024 * 1024  # one evidence file
    IMPORT_DIR = None  # uploaded import files awaiting their confirm; None: instance/imports
    IMPORT_MAX_BYTES = 10 * 1024 * 1024  # one import file (lots, projects, assignments)
    REPORTS_DIR = None  # bulk report archives; None: instance/reports
    JOB_HEARTBEAT_INTERVAL = 5.0  # seconds between heartbeats of a running report job
    JOB_HEARTBEAT_TIMEOUT = 60.0  # a running report job silent this long is dead
    JOB_APP_CONFIG = None  # tests only: the configuration an RQ job builds its app with
    TICK_INTERVAL = 300  # seconds between ticks enqueued by RQ's cron scheduler (grants/cron.py)
    RENDER_ATTEMPTS = 3  # tries at an issued report's PDF before it is marked failed (docs/operations.md)
    RENDER_RETRY_INTERVALS = (30, 300)  # seconds before RQ's second and third attempt
    RENDER_STALE_MINUTES = 10  # the tick hands reports pending this long to the queue again
    PROPAGATE_TEST_ERRORS = True  # tests only: an unexpected error in a view fails the test (TESTING)
    AUDIT_FORMER_SECRET_KEYS = ""  # comma-separated SECRET_KEYs that signed older audit checkpoints
    OPEN_DATA_PUBLISHER = None  # the publisher named in OCDS exports; None: the service's name
    OPEN_DATA_LICENSE = None  # the licence URL of the exports; None: CC BY 4.0
    PG_BIN_DIR = None  # where pg_dump/pg_restore are (backup, restore); None: PATH
    GC_BETWEEN_REQUESTS = True  # the cyclic garbage collector runs between requests (docs/operations.md)

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
        problems.append(
            "DATABASE_URL must be set (e.g. postgresql+psycopg://user@host/grants); "
            "production never falls back to the SQLite file under instance/."
        )
    return problems


# --- the environment ----------------------------------------------------------------------------


class ConfigurationError(RuntimeError):
    """An environment variable holds a value its key cannot take."""


def flag(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected 1/true/yes/on or 0/false/no/off")


def hours(text: str) -> timedelta:
    return timedelta(hours=int(text))


# The keys a deployment sets: key -> (environment variable, parser). The variables keep the names the
# README documents; a variable that is unset or empty leaves the key's default.
ENVIRONMENT: dict[str, tuple[str, Callable[[str], object]]] = {
    "GRANTS_ENV": ("GRANTS_ENV", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "SQLALCHEMY_DATABASE_URI": ("DATABASE_URL", str),
    "REDIS_URL": ("REDIS_URL", str),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_SENDER": ("MAIL_SENDER", str),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", flag),
    "MAIL_USE_SSL": ("MAIL_USE_SSL", flag),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_TIMEOUT": ("MAIL_TIMEOUT", float),
    "REMINDER_DAYS": ("REMINDER_DAYS", int),
    "DEMO_PASSWORD": ("DEMO_PASSWORD", str),
    "PROXY_FIX_HOPS": ("PROXY_FIX_HOPS", int),
    "FORCE_HTTPS": ("FORCE_HTTPS", flag),
    "LOGIN_LIMIT_PER_ADDRESS": ("LOGIN_LIMIT_PER_ADDRESS", str),
    "LOGIN_LIMIT_PER_ACCOUNT": ("LOGIN_LIMIT_PER_ACCOUNT", str),
    "LOGIN_LIMIT_PER_DEVICE": ("LOGIN_LIMIT_PER_DEVICE", str),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "RATELIMIT_KEY_PREFIX": ("RATELIMIT_KEY_PREFIX", str),
    "API_TOKEN_TTL": ("API_TOKEN_TTL_HOURS", hours),
    "PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", str),
    "EVIDENCE_DIR": ("EVIDENCE_DIR", str),
    "EVIDENCE_MAX_BYTES": ("EVIDENCE_MAX_BYTES", int),
    "IMPORT_DIR": ("IMPORT_DIR", str),
    "IMPORT_MAX_BYTES": ("IMPORT_MAX_BYTES", int),
    "REPORTS_DIR": ("REPORTS_DIR", str),
    "AUDIT_FORMER_SECRET_KEYS": ("AUDIT_FORMER_SECRET_KEYS", str),
    "OPEN_DATA_PUBLISHER": ("OPEN_DATA_PUBLISHER", str),
    "OPEN_DATA_LICENSE": ("OPEN_DATA_LICENSE", str),
    "PG_BIN_DIR": ("PG_BIN_DIR", str),
    "TICK_INTERVAL": ("GRANTS_TICK_INTERVAL", int),
}


def from_environment(environ: Mapping[str, str] | None = None) -> dict:
    """The values of the declared keys whose variables are set; ConfigurationError naming the variable
    for a value its key cannot take. Nothing else in the environment becomes configuration."""
    environ = os.environ if environ is None else environ
    found = {}
    for key, (variable, parse) in ENVIRONMENT.items():
        text = environ.get(variable)
        if text is None or text == "":
            continue
        try:
            found[key] = parse(text)
        except ValueError as exc:
            raise ConfigurationError(f"{variable}={text!r} is not valid: {exc}") from None
    return found
