"""Configuration (grants/config.py): every key declared in Config, the deployment's keys read from the
environment in one place, for create_app and wsgi.py alike, and nothing else turned into configuration."""

import ast
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from grants import create_app
from grants.config import ENVIRONMENT, Config, ConfigurationError, from_environment

ROOT = Path(__file__).resolve().parent.parent
SECRET = "a-secret-key-long-enough-for-production-0123456789"


@pytest.fixture
def environ(monkeypatch):
    """The process environment without any configuration variable; set(name, value) adds one."""
    for variable, _parse in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)

    class Environ:
        @staticmethod
        def set(**values):
            for name, value in values.items():
                monkeypatch.setenv(name, value)

    return Environ


def samples(tmp_path) -> dict[str, tuple[str, object]]:
    """For every variable: the text set in the environment and the value its key must get."""
    database = f"sqlite:///{tmp_path / 'grants.sqlite3'}"
    return {
        "GRANTS_ENV": ("production", "production"),
        "SECRET_KEY": (SECRET, SECRET),
        "DATABASE_URL": (database, database),
        "REDIS_URL": ("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/15"),
        "MAIL_SERVER": ("smtp.example.kz", "smtp.example.kz"),
        "MAIL_PORT": ("587", 587),
        "MAIL_SENDER": ("Мониторинг <noreply@example.kz>", "Мониторинг <noreply@example.kz>"),
        "MAIL_USE_TLS": ("yes", True),
        "MAIL_USE_SSL": ("on", True),
        "MAIL_USERNAME": ("grants", "grants"),
        "MAIL_PASSWORD": ("mail-secret", "mail-secret"),
        "MAIL_TIMEOUT": ("2.5", 2.5),
        "REMINDER_DAYS": ("5", 5),
        "DEMO_PASSWORD": ("another-demo-pass", "another-demo-pass"),
        "PROXY_FIX_HOPS": ("2", 2),
        "FORCE_HTTPS": ("0", False),  # the environment beats production's default (on)
        "LOGIN_LIMIT_PER_ADDRESS": ("7 per minute", "7 per minute"),
        "LOGIN_LIMIT_PER_ACCOUNT": ("70 per hour", "70 per hour"),
        "LOGIN_LIMIT_PER_DEVICE": ("8 per minute", "8 per minute"),
        "RATELIMIT_STORAGE_URI": ("memory://", "memory://"),
        "RATELIMIT_KEY_PREFIX": ("grants-test", "grants-test"),
        "API_TOKEN_TTL_HOURS": ("5", timedelta(hours=5)),
        "PUBLIC_BASE_URL": ("https://grants.example.kz", "https://grants.example.kz"),
        "EVIDENCE_DIR": (str(tmp_path / "evidence"), str(tmp_path / "evidence")),
        "EVIDENCE_MAX_BYTES": ("2048", 2048),
        "IMPORT_DIR": (str(tmp_path / "imports"), str(tmp_path / "imports")),
        "IMPORT_MAX_BYTES": ("4096", 4096),
        "REPORTS_DIR": (str(tmp_path / "reports"), str(tmp_path / "reports")),
        "AUDIT_FORMER_SECRET_KEYS": ("old-one,old-two", "old-one,old-two"),
        "OPEN_DATA_PUBLISHER": ("Министерство", "Министерство"),
        "OPEN_DATA_LICENSE": ("https://example.kz/licence", "https://example.kz/licence"),
        "PG_BIN_DIR": ("/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/16/bin"),
        "GRANTS_TICK_INTERVAL": ("60", 60),
    }


def test_every_variable_sets_its_declared_key(environ, tmp_path):
    cases = samples(tmp_path)
    assert set(cases) == {variable for variable, _parse in ENVIRONMENT.values()}, (
        "a sample for every variable"
    )
    environ.set(**{variable: text for variable, (text, _value) in cases.items()})
    app = create_app()
    for key, (variable, _parse) in ENVIRONMENT.items():
        assert hasattr(Config, key), f"{key} is read from {variable} but not declared in Config"
        assert app.config[key] == cases[variable][1], f"{variable} did not set {key}"


def test_unset_or_empty_variables_leave_the_defaults(environ):
    environ.set(MAIL_SERVER="", MAIL_PORT="", REMINDER_DAYS="")
    assert from_environment() == {}
    app = create_app({"SECRET_KEY": SECRET})
    assert (app.config["MAIL_SERVER"], app.config["MAIL_PORT"], app.config["REMINDER_DAYS"]) == (None, 25, 3)
    assert app.config["API_TOKEN_TTL"] == Config.API_TOKEN_TTL


def test_no_other_variable_becomes_configuration(environ):
    environ.set(
        MAIL_SERVR="typo.example.kz", IMPORT_MAX_BYTE="5", GRANTS_PER_PAGE="5", PER_PAGE="5", TESTING="1"
    )
    app = create_app({"SECRET_KEY": SECRET})
    for invented in ("MAIL_SERVR", "IMPORT_MAX_BYTE", "GRANTS_PER_PAGE"):
        assert invented not in app.config
    assert app.config["PER_PAGE"] == Config.PER_PAGE and app.config["TESTING"] is False


def test_explicit_configuration_beats_the_environment(environ):
    environ.set(MAIL_SERVER="smtp.from-environment.kz", REMINDER_DAYS="9")
    app = create_app({"MAIL_SERVER": "smtp.explicit.kz", "SECRET_KEY": SECRET})
    assert (app.config["MAIL_SERVER"], app.config["REMINDER_DAYS"]) == ("smtp.explicit.kz", 9)


@pytest.mark.parametrize(
    "variable, text", [("MAIL_PORT", "twenty-five"), ("FORCE_HTTPS", "maybe"), ("API_TOKEN_TTL_HOURS", "1.5")]
)
def test_a_value_its_key_cannot_take_is_refused_by_name(environ, variable, text):
    environ.set(**{variable: text})
    with pytest.raises(ConfigurationError, match=variable):
        create_app()


def _config_keys_read_by_the_code() -> set[str]:
    """Every literal key in `….config.get("X")`, `….config["X"]`, `….config.setdefault("X", …)` under grants/."""
    keys = set()
    for path in (ROOT / "grants").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = None
            if isinstance(node, ast.Subscript):
                target, key = node.value, node.slice
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                if node.func.attr in ("get", "setdefault", "pop"):
                    target, key = node.func.value, node.args[0]
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "config"
                and isinstance(key, ast.Constant)
                and isinstance(key.value, str)
            ):
                keys.add(key.value)
    return keys


def test_every_key_the_code_reads_is_declared(environ):
    """No key is invented where it is read (a default hidden in a .get): Config, Flask or an extension declares it."""
    known = set(create_app({"SECRET_KEY": SECRET}).config)
    used = _config_keys_read_by_the_code()
    assert {"SECRET_KEY", "IMPORT_MAX_BYTES", "PER_PAGE"} <= used  # the scan finds the reads
    assert used - known == set()


def test_wsgi_runs_in_production_with_the_environment(environ, tmp_path):
    environ.set(
        GRANTS_ENV="development",  # wsgi.py is production whatever the environment says
        SECRET_KEY=SECRET,
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",  # no users table: no demo account opens
        MAIL_SERVER="smtp.example.kz",
        REMINDER_DAYS="6",
    )
    code = "import wsgi; c = wsgi.app.config; print(c['GRANTS_ENV'], c['MAIL_SERVER'], c['REMINDER_DAYS'])"
    started = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["production", "smtp.example.kz", "6"]
