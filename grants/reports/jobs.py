"""Rendering a campaign's reports into a ZIP as a background job (DESIGN §7).

With REDIS_URL set the job goes to the RQ queue "reports" and a worker (`rq worker reports`)
runs it in an app of its own; the job's state (status, files done of total, error) lives in
Redis, where every app process can read it. Without REDIS_URL the job runs inline in the
request, and its state is kept in a small JSON file next to the ZIP. The ZIP is a file under
REPORTS_DIR (default instance/reports), named by the job id; it is never stored in the database.
"""

import json
import logging
import os
import re
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from redis import Redis

from grants.extensions import db
from grants.monitoring.models import Campaign
from grants.reports.bulk import write_campaign_zip
from grants.reports.operations import report_languages

log = logging.getLogger(__name__)

QUEUE = "reports"
STATUSES = ("queued", "running", "finished", "failed")
JOB_ID = re.compile(r"[0-9a-f]{32}")
RETENTION = timedelta(days=7)  # job states and ZIPs older than this are removed
RQ_JOB_TIMEOUT = 3600


def reports_dir() -> Path:
    folder = current_app.config.get("REPORTS_DIR") or os.path.join(current_app.instance_path, "reports")
    return Path(folder)


def jobs_dir() -> Path:
    folder = reports_dir() / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def zip_path(job_id: str) -> Path:
    if not JOB_ID.fullmatch(job_id):
        raise ValueError("not a job id")
    return jobs_dir() / f"{job_id}.zip"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- where job states live ------------------------------------------------------------------


class FileJobStore:
    """Job states as JSON files (inline jobs: one process on one machine)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load(self, job_id: str) -> dict | None:
        try:
            return json.loads((self.folder / f"{job_id}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def save(self, state: dict) -> None:
        path = self.folder / f"{state['id']}.json"
        part = path.with_suffix(".json.part")
        part.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(part, path)  # readers never see a half-written state

    def close(self) -> None:
        pass


class RedisJobStore:
    """Job states in Redis, shared by the app processes and the workers."""

    KEY = "grants:render-job:{}"

    def __init__(self, url: str):
        self.redis = Redis.from_url(url)

    def load(self, job_id: str) -> dict | None:
        raw = self.redis.get(self.KEY.format(job_id))
        return json.loads(raw) if raw else None

    def save(self, state: dict) -> None:
        self.redis.set(self.KEY.format(state["id"]), json.dumps(state, ensure_ascii=False), ex=RETENTION)

    def close(self) -> None:
        self.redis.close()


@contextmanager
def open_store():
    url = current_app.config.get("REDIS_URL")
    store = RedisJobStore(url) if url else FileJobStore(jobs_dir())
    try:
        yield store
    finally:
        store.close()


# --- starting, running and reading a job ----------------------------------------------------


def start_render_job(campaign: Campaign, user, langs=None) -> str:
    """Queue (or, without Redis, run at once) the rendering of the campaign's ZIP; returns the job id."""
    prune_old_files()
    job_id = uuid.uuid4().hex
    state = {
        "id": job_id,
        "campaign_id": campaign.id,
        "user_id": getattr(user, "id", None),
        "langs": list(langs or report_languages()),
        "status": "queued",
        "done": 0,
        "total": 0,
        "files": 0,
        "error": None,
        "created_at": _now(),
        "finished_at": None,
    }
    with open_store() as store:
        store.save(state)
    url = current_app.config.get("REDIS_URL")
    if url:
        from rq import Queue

        with Redis.from_url(url) as connection:
            Queue(QUEUE, connection=connection).enqueue_call(
                "grants.reports.jobs.run_render_job",
                args=(job_id, current_app.config.get("JOB_APP_CONFIG")),
                job_id=job_id,
                timeout=RQ_JOB_TIMEOUT,
                result_ttl=int(RETENTION.total_seconds()),
                failure_ttl=int(RETENTION.total_seconds()),
                description=f"render reports of campaign {campaign.id}",
            )
    else:
        execute(job_id)
    return job_id


def execute(job_id: str) -> dict:
    """Run the job in the current app context, recording progress as it goes; returns its final state."""
    with open_store() as store:
        state = store.load(job_id)
        if state is None:
            raise LookupError(f"no render job {job_id}")
        state.update(status="running", started_at=_now())
        store.save(state)
        target = zip_path(job_id)
        part = target.with_suffix(".zip.part")
        last_saved = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last_saved
            state.update(done=done, total=total)
            if done == total or time.monotonic() - last_saved > 0.25:  # the page polls once a second
                store.save(state)
                last_saved = time.monotonic()

        try:
            campaign = db.session.get(Campaign, state["campaign_id"])
            if campaign is None:
                raise LookupError(f"campaign {state['campaign_id']} no longer exists")
            with part.open("wb") as fileobj:
                files = write_campaign_zip(campaign, state["langs"], fileobj, progress)
            os.replace(part, target)
        except Exception as exc:
            log.exception("render job %s failed", job_id)
            db.session.rollback()
            part.unlink(missing_ok=True)
            state.update(status="failed", error=f"{exc.__class__.__name__}: {exc}"[:500], finished_at=_now())
        else:
            state.update(status="finished", files=files, finished_at=_now())
        store.save(state)
        return state


def run_render_job(job_id: str, app_config: dict | None = None) -> dict:
    """The RQ entry point: a worker process builds its own app (its environment gives DATABASE_URL)."""
    from grants import create_app

    app = create_app(app_config)
    with app.app_context():
        try:
            state = execute(job_id)
        finally:
            db.session.remove()
            db.engine.dispose()
    if state["status"] == "failed":
        raise RuntimeError(state["error"])  # RQ records the failure as well
    return {"files": state["files"]}


def load_job(job_id: str) -> dict | None:
    """The job's state; a job whose RQ worker died is reported as failed."""
    if not JOB_ID.fullmatch(job_id or ""):
        return None
    with open_store() as store:
        state = store.load(job_id)
    if state is not None and state["status"] in ("queued", "running") and current_app.config.get("REDIS_URL"):
        state = _check_worker(state)
    return state


def _check_worker(state: dict) -> dict:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    with Redis.from_url(current_app.config["REDIS_URL"]) as connection:
        try:
            status = Job.fetch(state["id"], connection=connection).get_status()
        except NoSuchJobError:
            status = None
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, None):
        # The worker ended without recording an outcome (killed, timed out) or the job vanished.
        with open_store() as store:
            current = store.load(state["id"]) or state
            if current["status"] in ("queued", "running"):
                current.update(
                    status="failed", error="The worker stopped before finishing.", finished_at=_now()
                )
                store.save(current)
            return current
    return state


def public_state(state: dict) -> dict:
    """What the progress page polls: no user ids or paths."""
    total = state.get("total") or 0
    return {
        "id": state["id"],
        "status": state["status"],
        "done": state.get("done", 0),
        "total": total,
        "percent": 100
        if state["status"] == "finished"
        else (round(100 * state.get("done", 0) / total) if total else 0),
        "files": state.get("files", 0),
        "error": state.get("error"),
        "created_at": state.get("created_at"),
        "finished_at": state.get("finished_at"),
    }


def prune_old_files() -> None:
    """Remove ZIPs and state files of jobs older than RETENTION (Redis expires its keys itself)."""
    limit = time.time() - RETENTION.total_seconds()
    for path in jobs_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass
