"""Acceptance 6: with 2 gunicorn workers and Redis, failed logins are limited across workers; the
real user still signs in from another address while the attacker is throttled.

A real gunicorn (2 sync workers) serves a fresh clone of the demo database; the limiter's storage
is Redis, under a key prefix of this run's own, removed afterwards. Addresses come from
X-Forwarded-For, trusted for one proxy hop (PROXY_FIX_HOPS=1), as behind the production proxy.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.helpers import DEMO_PASSWORD, free_port, redis_test_url
from tests.live import redis_or_skip, release_together

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = redis_test_url(12)
PREFIX = f"grants-test-{uuid.uuid4().hex[:12]}"  # keys of this run only: runs at once never share counts
ATTACKER = {"X-Forwarded-For": "203.0.113.66"}
REAL_USER = {"X-Forwarded-For": "198.51.100.77"}
ACCESS = re.compile(r"^<(\d+)> (\S+) (\d{3})$")  # gunicorn's %(p)s is "<pid>"


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the server has a database of its own."""
    yield None


def forget_our_keys(connection) -> None:
    for key in connection.scan_iter(f"*{PREFIX}*"):
        connection.delete(key)


@pytest.fixture
def flushed_redis():
    connection = redis_or_skip(REDIS_URL)
    forget_our_keys(connection)
    yield connection
    forget_our_keys(connection)
    connection.close()


@pytest.fixture
def gunicorn(live_url, flushed_redis, tmp_path):
    """Base URL of gunicorn -w 2 serving the clone; yields (url, access_log_path)."""
    port = free_port()
    log_path = tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if k not in ("GRANTS_ENV",)}
    env.update(
        DATABASE_URL=live_url,
        SECRET_KEY="gunicorn-test-secret-that-is-long-enough",
        REDIS_URL=REDIS_URL,
        PROXY_FIX_HOPS="1",
        RATELIMIT_KEY_PREFIX=PREFIX,
        DEMO_PASSWORD=DEMO_PASSWORD,
    )
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "-w", "2", "-b", f"127.0.0.1:{port}",
        "--no-control-socket", "--access-logfile", str(log_path), "--access-logformat", "%(p)s %(U)s %(s)s",
        "grants:create_app()",
    ]  # fmt: skip
    error_log = tmp_path / "gunicorn.err"
    with error_log.open("wb") as errors:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_both_workers(base, log_path, server, error_log)
        yield base, log_path
    finally:
        server.terminate()  # the master stops its own workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def access_log(path: Path) -> list[tuple[str, str, int]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        match = ACCESS.match(line.strip())
        if match:
            rows.append((match.group(1), match.group(2), int(match.group(3))))
    return rows


def wait_for_both_workers(base: str, log_path: Path, server: subprocess.Popen, error_log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {error_log.read_text()[-2000:]}")
        try:
            release_together(4, lambda i: requests.get(f"{base}/healthz", timeout=10))
        except requests.RequestException:
            pass
        if (
            len({pid for pid, path, status in access_log(log_path) if path == "/healthz" and status == 200})
            >= 2
        ):
            return
        time.sleep(0.3)
    raise RuntimeError("gunicorn's two workers did not both answer in time")


def token_request(base, email, password, headers):
    return requests.post(
        f"{base}/api/v1/auth/token", json={"email": email, "password": password}, headers=headers, timeout=60
    )


def form_login(base, email, password, headers) -> requests.Response:
    session = requests.Session()
    session.headers.update(headers)
    page = session.get(f"{base}/login?lang=en", timeout=60)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{base}/login?lang=en",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )


def pids_answering(log_path: Path, path: str, status: int) -> set[str]:
    time.sleep(0.5)  # gunicorn writes the access line after the answer
    return {pid for pid, p, s in access_log(log_path) if p == path and s == status}


def test_failed_logins_are_limited_across_two_workers_without_locking_out_the_real_user(gunicorn):
    base, log_path = gunicorn

    # Ten wrong passwords at once: both workers take some; every one is a plain 401.
    failures = release_together(10, lambda i: token_request(base, "chair@example.kz", f"guess-{i}", ATTACKER))
    assert [r.status_code for r in failures] == [401] * 10, failures
    assert len(pids_answering(log_path, "/api/v1/auth/token", 401)) == 2, "both workers counted failures"

    # Now the attacker's address is refused by either worker: API and form, even with the right password.
    blocked = release_together(8, lambda i: token_request(base, "chair@example.kz", DEMO_PASSWORD, ATTACKER))
    assert [r.status_code for r in blocked] == [429] * 8
    assert all(0 < int(r.headers["Retry-After"]) <= 15 * 60 for r in blocked)
    assert all(r.json()["error"]["code"] == "too_many_requests" for r in blocked)
    assert len(pids_answering(log_path, "/api/v1/auth/token", 429)) == 2, "both workers refused"
    page = form_login(base, "chair@example.kz", DEMO_PASSWORD, ATTACKER)
    assert page.status_code == 429 and "Too many failed attempts" in page.text
    assert int(page.headers["Retry-After"]) > 0

    # The real user, from another address, signs in through the API and the form.
    assert token_request(base, "chair@example.kz", DEMO_PASSWORD, REAL_USER).status_code == 200
    assert form_login(base, "chair@example.kz", DEMO_PASSWORD, REAL_USER).status_code == 302
