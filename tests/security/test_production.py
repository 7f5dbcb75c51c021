"""Production mode: security headers on pages and API answers, Secure cookies, HTTPS behind the
proxy, and the refusals of unsafe configurations (SECRET_KEY, DATABASE_URL, demo passwords)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from grants import create_app
from grants.extensions import db as _db
from tests.live import DEMO_PASSWORD, build_app

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 32
HTTPS = "https://grants.example.kz"


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: these apps have databases of their own."""
    yield None


@pytest.fixture
def production(live_url):
    app = build_app(live_url, GRANTS_ENV="production")
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'", "no inline script, no other origin"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("path", ["/", "/lots/", "/login", "/api/v1/lots", "/api/v1/me", "/healthz"])
def test_security_headers_on_pages_and_api_answers(production, path):
    response = production.test_client().get(path, base_url=HTTPS)
    assert response.status_code in (200, 401), path
    assert_security_headers(response)


def test_behind_the_proxy_x_forwarded_proto_counts_and_plain_http_is_redirected(production):
    client = production.test_client()
    forwarded = client.get(
        "/lots/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}
    )
    assert forwarded.status_code == 200
    assert_security_headers(forwarded)
    plain = client.get("/lots/", base_url="http://grants.example.kz")
    assert plain.status_code == 302
    assert plain.headers["Location"].startswith("https://grants.example.kz/lots/")
    assert "Strict-Transport-Security" not in plain.headers, "HSTS only on answers over TLS"
    assert client.get("/healthz", base_url="http://grants.example.kz").status_code == 200, (
        "probes use plain HTTP"
    )


def set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_every_cookie_is_secure_httponly_and_samesite_in_production(production):
    client = production.test_client()
    response = client.post(
        "/login",
        data={"email": "member1@example.kz", "password": DEMO_PASSWORD, "remember": "y"},
        base_url=HTTPS,
    )
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert {"session", "remember_token", "grants_device"} <= set(cookies)
    lang = set_cookies(client.get("/lang/en", base_url=HTTPS))
    cookies["lang"] = lang["lang"]
    for name, header in cookies.items():
        attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
        assert {"secure", "httponly", "samesite"} <= attributes, f"{name}: {header}"
        assert "samesite=lax" in header.lower(), header


def test_development_cookies_work_over_plain_http(live_url):
    app = build_app(live_url)
    response = app.test_client().post(
        "/login", data={"email": "member1@example.kz", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "secure" not in set_cookies(response)["session"].lower()
    with app.app_context():
        _db.engine.dispose()


def test_no_template_holds_inline_script():
    """Page scripts come from files under grants/static/js/: the CSP blocks inline script and handlers."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if "pdf" in template.parts:  # rendered by WeasyPrint, never by a browser
            continue
        source = template.read_text()
        if "<script>" in source or "<script " in source.replace("<script src=", ""):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", source):
            offenders.append(f"{template}: inline event handler")
    assert offenders == []


# --- refusals ---------------------------------------------------------------------------------------


def production_config(**overrides):
    config = {"GRANTS_ENV": "production", "SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    config.update(overrides)
    return config


@pytest.mark.parametrize("key", [None, "", "a", "x" * 31])
def test_production_refuses_a_short_or_missing_secret_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set to at least 32"):
        create_app(production_config(SECRET_KEY=key))


def test_production_refuses_to_fall_back_to_sqlite_without_database_url():
    with pytest.raises(RuntimeError, match="DATABASE_URL must be set"):
        create_app(production_config(SQLALCHEMY_DATABASE_URI=None))


def test_production_names_every_problem_at_once():
    with pytest.raises(RuntimeError) as raised:
        create_app(production_config(SECRET_KEY="short", SQLALCHEMY_DATABASE_URI=None))
    assert "SECRET_KEY" in str(raised.value) and "DATABASE_URL" in str(raised.value)


def test_a_sound_production_configuration_starts():
    app = create_app(production_config())
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["FORCE_HTTPS"] and app.config["PROXY_FIX_HOPS"] == 1


def test_development_keeps_its_conveniences(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": None, "SECRET_KEY": "dev"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert not app.config["SESSION_COOKIE_SECURE"] and not app.config["FORCE_HTTPS"]
    assert app.config["PROXY_FIX_HOPS"] == 0


def run(args, env_extra, timeout=120):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GRANTS_ENV", "DATABASE_URL", "SECRET_KEY", "REDIS_URL")
    }
    env.update(env_extra)
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_wsgi_refuses_to_serve_while_demo_accounts_open_with_the_demo_password(live_url):
    env = {"SECRET_KEY": GOOD_KEY, "DATABASE_URL": live_url}
    refused = run([sys.executable, "-c", "import wsgi"], env)
    assert refused.returncode != 0
    assert "demo accounts" in refused.stderr and "admin@example.kz" in refused.stderr, refused.stderr

    engine = create_engine(live_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE users SET password_hash = :h"), {"h": generate_password_hash("a-real-secret-1")}
        )
    engine.dispose()
    started = run([sys.executable, "-c", "import wsgi; print(wsgi.app.config['GRANTS_ENV'])"], env)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "production"


def test_wsgi_refuses_a_short_secret_key_with_a_clear_message(live_url):
    refused = run([sys.executable, "-c", "import wsgi"], {"SECRET_KEY": "a", "DATABASE_URL": live_url})
    assert refused.returncode != 0
    assert "Refusing to start in production: SECRET_KEY must be set to at least 32" in refused.stderr


def test_seed_demo_refuses_to_run_in_production(live_url):
    flask = str(Path(sys.executable).with_name("flask"))
    refused = run(
        [flask, "--app", "grants", "seed-demo"],
        {"GRANTS_ENV": "production", "SECRET_KEY": GOOD_KEY, "DATABASE_URL": live_url},
    )
    assert refused.returncode != 0
    assert "seed-demo refuses to run in production" in refused.stderr
