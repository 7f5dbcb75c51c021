"""A report job whose process dies is seen as failed, its temporary files go, and it can be retried.

The processes are really killed (SIGKILL to the whole process group, as an OOM kill or a lost
machine would): a real `rq worker` with Redis, and a real HTTP server running the job inline.
See docs/operations.md, "Report jobs".
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.monitoring.models import Campaign
from grants.reports import jobs
from tests.helpers import free_port, redis_test_url
from tests.live import build_app, redis_or_skip, web_session

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = redis_test_url(14)  # a database of its own: no other test's worker takes our jobs
LANGS = ("kk", "ru", "en")  # three summaries to render: a second or more per language, time to kill


@pytest.fixture(autouse=True)
def db():
    """Override the suite's transactional `db`: these apps commit into a cloned database of their own."""
    yield None


@pytest.fixture
def make_app():
    """build_app, with every app's connections closed after the test (before its database is dropped)."""
    built = []

    def make(url: str, **config):
        app = build_app(url, **config)
        built.append(app)
        return app

    yield make
    for app in built:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def published_campaign_id(app) -> int:
    with app.app_context():
        campaign_id = _db.session.scalar(select(Campaign.id).where(Campaign.name_en.like("%2025%")))
        _db.session.remove()
    assert campaign_id, "the demo's published 2025 campaign is missing"
    return campaign_id


def wait_for(condition, timeout: float, what: str, step: float = 0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def descendants(pid: int) -> list[int]:
    """Every process below pid (read from /proc), e.g. RQ's work horse, which runs in a group of its own."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL the process and everything it started, as an OOM kill or a lost container would."""
    for pid in [process.pid, *descendants(process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=10)


def part_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.part")) if folder.exists() else []


def check_zip(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert archive.testzip() is None
    assert {"manifest.csv", "summary-kk.pdf", "summary-ru.pdf", "summary-en.pdf"} <= names, names


# --- an RQ worker killed mid-render ---------------------------------------------------------


@pytest.fixture
def redis_db():
    redis = redis_or_skip(REDIS_TEST_URL)
    redis.flushdb()
    yield redis
    redis.flushdb()
    redis.close()


def start_worker(log_path: Path, *extra: str) -> subprocess.Popen:
    """A real `rq worker reports` (it forks a work horse for each job)."""
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "rq"),
                "worker",
                jobs.QUEUE,
                "--url",
                REDIS_TEST_URL,
                "--path",
                str(ROOT),
                *extra,
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def test_a_killed_rq_worker_leaves_a_failed_job_that_a_retry_completes(
    live_url, redis_db, tmp_path, make_app
):
    from rq.job import Job, JobStatus

    reports = tmp_path / "reports"
    worker_config = {
        "SQLALCHEMY_DATABASE_URI": live_url,
        "REDIS_URL": REDIS_TEST_URL,
        "SECRET_KEY": "live-test-secret-that-is-long-enough-32",
        "REPORTS_DIR": str(reports),
        "REPORT_LANGUAGES": LANGS,
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
        "JOB_HEARTBEAT_INTERVAL": 0.2,
    }
    app = make_app(
        live_url,
        REDIS_URL=REDIS_TEST_URL,
        REPORTS_DIR=str(reports),
        REPORT_LANGUAGES=LANGS,
        JOB_APP_CONFIG=worker_config,
        JOB_HEARTBEAT_TIMEOUT=2,
    )
    campaign_id = published_campaign_id(app)
    client = app.test_client()
    assert (
        client.post("/login", data={"email": "ministry@example.kz", "password": "demo-pass-2026"}).status_code
        == 302
    )

    job_url = client.post(f"/campaigns/{campaign_id}/render-jobs").headers["Location"]
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]
    part = reports / "jobs" / f"{job_id}.zip.part"
    worker = start_worker(tmp_path / "worker.log")
    try:
        # Kill the worker and its work horse once the job is rendering into its .zip.part.
        wait_for(lambda: part.exists(), 60, "the worker to start writing the ZIP")
        running = client.get(f"{job_url}/status.json").get_json()
        assert running["status"] == "running", running
    finally:
        kill_tree(worker)
    assert part.exists() and not (reports / "jobs" / f"{job_id}.zip").exists()
    assert Job.fetch(job_id, connection=redis_db).get_status() == JobStatus.STARTED  # RQ has not noticed yet

    # Within the heartbeat timeout the job still looks alive; after it, the pages show it failed.
    failed = wait_for(
        lambda: (s := client.get(f"{job_url}/status.json?lang=en").get_json())["status"] == "failed" and s,
        15,
        "failed",
    )
    assert "stopped before it finished" in failed["error"]
    assert part_files(reports / "jobs") == []  # the orphan .zip.part is gone
    page = client.get(job_url).get_data(as_text=True)
    assert 'data-status="failed"' in page and "data-job-retry" in page and f"{job_id}/retry" in page

    # The retry needs the CSRF token (a form post) and the campaign manager's rights.
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"{job_url}/retry").status_code == 400
    app.config["WTF_CSRF_ENABLED"] = False
    other = app.test_client()
    other.post("/login", data={"email": "chair@example.kz", "password": "demo-pass-2026"})
    assert other.post(f"{job_url}/retry").status_code == 403

    response = client.post(f"{job_url}/retry")
    assert response.status_code == 302
    retry_url = response.headers["Location"]
    retry_id = retry_url.rstrip("/").rsplit("/", 1)[1]
    assert retry_id != job_id
    assert client.post(f"{job_url}/retry").headers["Location"] == retry_url  # a second click: the same retry
    assert client.get(f"{job_url}/status.json").get_json()["retry_id"] == retry_id

    worker = start_worker(tmp_path / "worker.log", "--burst")
    try:
        assert worker.wait(timeout=120) == 0, (tmp_path / "worker.log").read_text()
    finally:
        if worker.poll() is None:
            kill_tree(worker)
    status = client.get(f"{retry_url}/status.json").get_json()
    assert status["status"] == "finished" and status["percent"] == 100, status
    with client.get(f"{retry_url}/download") as download:
        assert download.status_code == 200
    check_zip(reports / "jobs" / f"{retry_id}.zip")
    assert part_files(reports / "jobs") == []


def test_a_job_rq_has_failed_as_abandoned_is_failed_on_the_page(live_url, redis_db, tmp_path, make_app):
    """RQ's own registry: once the StartedJobRegistry moves the job to the FailedJobRegistry, the
    job is failed even if its heartbeat in our state is still fresh."""
    from rq import Queue
    from rq.job import Job, JobStatus
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    reports = tmp_path / "reports"
    app = make_app(live_url, REDIS_URL=REDIS_TEST_URL, REPORTS_DIR=str(reports), JOB_HEARTBEAT_TIMEOUT=3600)
    campaign_id = published_campaign_id(app)
    client = app.test_client()
    client.post("/login", data={"email": "ministry@example.kz", "password": "demo-pass-2026"})
    job_url = client.post(f"/campaigns/{campaign_id}/render-jobs").headers["Location"]
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]

    # A worker takes the job and dies at once: the job is STARTED in RQ with an expired entry.
    queue = Queue(jobs.QUEUE, connection=redis_db)
    job = Job.fetch(job_id, connection=redis_db)
    started = StartedJobRegistry(jobs.QUEUE, connection=redis_db)
    with redis_db.pipeline() as pipe:
        queue.remove(job, pipeline=pipe)
        job.set_status(JobStatus.STARTED, pipeline=pipe)
        pipe.zadd(started.key, {f"{job_id}:dead-execution": time.time() - 1})
        pipe.execute()
    with app.app_context():
        with jobs.open_store() as store:
            state = store.load(job_id)
            state.update(status="running", heartbeat_at=time.time())
            store.save(state)
        _db.session.remove()
    (reports / "jobs" / f"{job_id}.zip.part").write_bytes(b"PK")

    status = client.get(f"{job_url}/status.json").get_json()
    assert status["status"] == "failed", status
    assert job_id in FailedJobRegistry(jobs.QUEUE, connection=redis_db).get_job_ids()
    assert part_files(reports / "jobs") == []


# --- the inline runner: a server killed while it renders in the request -----------------------

SERVER = """
import json, sys
from werkzeug.serving import run_simple
from tests.live import build_app
url, port, config = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
run_simple("127.0.0.1", port, build_app(url, **config), threaded=True)
"""


def test_a_killed_server_leaves_a_failed_inline_job_that_a_retry_completes(live_url, tmp_path, make_app):
    import requests

    reports = tmp_path / "reports"
    config = {"REPORTS_DIR": str(reports), "REPORT_LANGUAGES": list(LANGS), "JOB_HEARTBEAT_INTERVAL": 0.2}
    port = free_port()
    with (tmp_path / "server.log").open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, live_url, str(port), json.dumps(config)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    app = make_app(live_url, REPORTS_DIR=str(reports), REPORT_LANGUAGES=LANGS, JOB_HEARTBEAT_TIMEOUT=1)
    campaign_id = published_campaign_id(app)
    try:
        wait_for(lambda: _up(base), 60, "the server to start", step=0.1)
        session = web_session(base, "ministry@example.kz")
        posting = threading.Thread(
            target=lambda: _swallow(
                requests.exceptions.ConnectionError,
                session.post,
                f"{base}/campaigns/{campaign_id}/render-jobs",
                timeout=120,
            ),
            daemon=True,
        )
        posting.start()
        part = wait_for(
            lambda: next((reports / "jobs").glob("*.zip.part"), None) if reports.exists() else None,
            60,
            "the inline job to start writing the ZIP",
        )
    finally:
        kill_tree(server)
    posting.join(timeout=10)
    job_id = part.name.split(".", 1)[0]
    assert part.exists()
    with app.app_context():
        assert (
            jobs.FileJobStore(jobs.jobs_dir()).load(job_id)["status"] == "running"
        )  # as the dead server left it

    client = app.test_client()
    client.post("/login", data={"email": "ministry@example.kz", "password": "demo-pass-2026"})
    job_url = f"/campaigns/{campaign_id}/render-jobs/{job_id}"
    time.sleep(1.2)  # the heartbeat timeout of this app
    status = client.get(f"{job_url}/status.json?lang=en").get_json()
    assert status["status"] == "failed" and "stopped before it finished" in status["error"], status
    assert part_files(reports / "jobs") == []

    response = client.post(f"{job_url}/retry")
    assert response.status_code == 302
    retry_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    status = client.get(f"/campaigns/{campaign_id}/render-jobs/{retry_id}/status.json").get_json()
    assert status["status"] == "finished", status
    check_zip(reports / "jobs" / f"{retry_id}.zip")
    assert part_files(reports / "jobs") == []
    # Retrying a job that has not failed changes nothing.
    again = client.post(
        f"/campaigns/{campaign_id}/render-jobs/{retry_id}/retry?lang=en", follow_redirects=True
    )
    assert again.status_code == 200 and "Only a failed job can be retried" in again.get_data(as_text=True)


def _up(base: str) -> bool:
    import requests

    try:
        return requests.get(f"{base}/healthz", timeout=1).status_code < 500
    except requests.exceptions.ConnectionError:
        return False


def _swallow(exc_type, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except exc_type:
        return None


# --- orphan temporary files: the next start and the retention cleanup remove them --------------


def test_orphan_parts_of_dead_jobs_are_removed_by_the_next_start_and_by_the_cleanup(
    live_url, tmp_path, make_app
):
    reports = tmp_path / "reports"
    app = make_app(live_url, REPORTS_DIR=str(reports), REPORT_LANGUAGES=("ru",), JOB_HEARTBEAT_TIMEOUT=30)
    campaign_id = published_campaign_id(app)
    folder = reports / "jobs"
    folder.mkdir(parents=True)
    stale, alive = "a" * 32, "b" * 32
    now = time.time()
    for job_id, beat in ((stale, now - 120), (alive, now)):
        (folder / f"{job_id}.json").write_text(
            json.dumps(
                {
                    "id": job_id,
                    "campaign_id": campaign_id,
                    "user_id": None,
                    "langs": ["ru"],
                    "status": "running",
                    "done": 1,
                    "total": 3,
                    "files": 0,
                    "error": None,
                    "created_at": "2026-11-30T00:00:00+00:00",
                    "queued_at": beat,
                    "heartbeat_at": beat,
                    "finished_at": None,
                }
            )
        )
        (folder / f"{job_id}.zip.part").write_bytes(b"PK")
    (folder / f"{stale}.json.part").write_text("{")
    orphan = folder / f"{'c' * 32}.zip.part"  # no state at all, written long ago
    orphan.write_bytes(b"PK")
    os.utime(orphan, (now - 3600, now - 3600))

    client = app.test_client()
    client.post("/login", data={"email": "ministry@example.kz", "password": "demo-pass-2026"})
    response = client.post(f"/campaigns/{campaign_id}/render-jobs")
    assert response.status_code == 302
    assert part_files(folder) == [f"{alive}.zip.part"]  # the live job keeps its file
    with app.app_context():
        assert jobs.FileJobStore(folder).load(stale)["status"] == "failed"
        assert jobs.FileJobStore(folder).load(alive)["status"] == "running"
        # The retention cleanup removes the rest once that job, too, has stopped beating.
        app.config["JOB_HEARTBEAT_TIMEOUT"] = 0
        jobs.prune_old_files()
        assert part_files(folder) == []
        assert jobs.FileJobStore(folder).load(alive)["status"] == "failed"
