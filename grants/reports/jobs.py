"""Rendering a campaign's reports into a ZIP as a background job (docs/operations.md and
docs/architecture.md, "Jobs after commit").

With REDIS_URL set the job goes to the RQ queue "reports" and a worker (`rq worker reports`)
runs it in an app of its own (grants/tasks.py); the job's state (status, files done of total, error) lives in
Redis, where every app process can read it. Without REDIS_URL the job runs inline in the
request, and its state is kept in a small JSON file next to the ZIP. The ZIP is a file under
REPORTS_DIR (default instance/reports), named by the job id; it is never stored in the database.

A job whose process died (a killed worker or server) is seen: while it renders, the job writes a
heartbeat into its state every JOB_HEARTBEAT_INTERVAL seconds; a running job whose heartbeat is
older than JOB_HEARTBEAT_TIMEOUT, or whose RQ job RQ itself has failed (its StartedJobRegistry
moves abandoned jobs to the FailedJobRegistry), is marked failed when it is next read, its
temporary files are removed, and a manager may retry it (docs/operations.md, "Report jobs").
"""

import json
import logging
import os
import re
import threading
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
HEARTBEAT_INTERVAL = 5.0  # seconds between heartbeats of a rendering job (JOB_HEARTBEAT_INTERVAL)
HEARTBEAT_TIMEOUT = 60.0  # a running job silent this long is dead (JOB_HEARTBEAT_TIMEOUT)
PART_SUFFIXES = (".zip.part", ".json.part")  # files a job writes before renaming them into place
DEAD = "The worker stopped before finishing."  # the stored error of a job whose process died


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


def _heartbeat_interval() -> float:
    return float(current_app.config.get("JOB_HEARTBEAT_INTERVAL", HEARTBEAT_INTERVAL))


def _heartbeat_timeout() -> float:
    return float(current_app.config.get("JOB_HEARTBEAT_TIMEOUT", HEARTBEAT_TIMEOUT))


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

    def claim_retry(self, job_id: str, new_id: str) -> str:
        """Record new_id as the job's retry unless another request did first; returns the retry that holds."""
        marker = self.folder / f"{job_id}.retry"
        draft = self.folder / f"{job_id}.{new_id}.retry-draft"  # not *.part: the dead-part sweep leaves it
        draft.write_text(new_id, encoding="ascii")
        try:
            os.link(
                draft, marker
            )  # atomic, and the marker is complete the moment it exists: one creator wins
        except FileExistsError:
            return marker.read_text(encoding="ascii").strip()
        finally:
            draft.unlink(missing_ok=True)
        return new_id

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

    def claim_retry(self, job_id: str, new_id: str) -> str:
        """Record new_id as the job's retry unless another request did first (SET NX); returns the winner."""
        key = self.KEY.format(job_id) + ":retry"
        if self.redis.set(key, new_id, nx=True, ex=RETENTION):
            return new_id
        return (self.redis.get(key) or new_id.encode()).decode()

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


def start_render_job(
    campaign: Campaign, user, langs=None, retry_of: str | None = None, job_id: str | None = None
) -> str:
    """Queue (or, without Redis, run at once) the rendering of the campaign's ZIP; returns the job id."""
    prune_old_files()  # also removes the temporary files of jobs that died
    job_id = job_id or uuid.uuid4().hex
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
        "queued_at": time.time(),
        "finished_at": None,
        "retry_of": retry_of,
        "retry_id": None,
    }
    with open_store() as store:
        store.save(state)
    url = current_app.config.get("REDIS_URL")
    if url:
        from rq import Queue

        with Redis.from_url(url) as connection:
            Queue(QUEUE, connection=connection).enqueue_call(
                "grants.tasks.render_campaign_zip",
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


def retry_render_job(state: dict, user) -> str:
    """Start the failed job again (same campaign and languages) as a new job; returns the new job's id.

    A job already retried answers with its retry, so a double click starts one job, not two.
    """
    if state["status"] != "failed":
        raise ValueError("only a failed job can be retried")
    if state.get("retry_id"):
        return state["retry_id"]
    _remove_parts(state["id"])
    campaign = db.session.get(Campaign, state["campaign_id"])
    if campaign is None:
        raise LookupError(f"campaign {state['campaign_id']} no longer exists")
    # Mark the old job first: a poll of it during an inline retry already links to the new job.
    new_id = uuid.uuid4().hex
    with open_store() as store:
        winner = store.claim_retry(state["id"], new_id)  # taken once: concurrent retries start one job
        if winner != new_id:
            return winner
        current = store.load(state["id"]) or state
        current["retry_id"] = new_id
        store.save(current)
    return start_render_job(campaign, user, state["langs"], retry_of=state["id"], job_id=new_id)


class _Heartbeat:
    """Saves the job's state with a fresh `heartbeat_at` now and then from a thread of its own,
    so a job busy on one long PDF still shows it is alive; every save goes through one lock."""

    def __init__(self, store, state: dict, interval: float):
        self.store, self.state, self.interval = store, state, interval
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"render-job-{state['id']}", daemon=True)

    def save(self) -> None:
        with self.lock:
            self.state["heartbeat_at"] = time.time()
            self.store.save(self.state)

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.save()
            except Exception:  # a lost heartbeat must not stop the rendering
                log.exception("render job %s: heartbeat not saved", self.state["id"])

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()


def execute(job_id: str) -> dict:
    """Run the job in the current app context, recording progress as it goes; returns its final state."""
    with open_store() as store:
        state = store.load(job_id)
        if state is None:
            raise LookupError(f"no render job {job_id}")
        state.update(status="running", started_at=_now())
        heartbeat = _Heartbeat(store, state, _heartbeat_interval())
        heartbeat.save()
        target = zip_path(job_id)
        part = target.with_suffix(".zip.part")
        last_saved = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last_saved
            state.update(done=done, total=total)
            if done == total or time.monotonic() - last_saved > 0.25:  # the page polls once a second
                heartbeat.save()
                last_saved = time.monotonic()

        try:
            with heartbeat:
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
        heartbeat.save()
        return state


def load_job(job_id: str) -> dict | None:
    """The job's state; a job whose worker or server died is reported (and stored) as failed."""
    if not JOB_ID.fullmatch(job_id or ""):
        return None
    with open_store() as store:
        state = store.load(job_id)
    if state is not None and state["status"] in ("queued", "running") and _is_dead(state):
        state = _mark_dead(job_id)
    return state


def _is_dead(state: dict) -> bool:
    """Whether a queued or running job will never finish: its heartbeat stopped, or RQ failed it."""
    now, timeout = time.time(), _heartbeat_timeout()
    if state["status"] == "running" and now - float(state.get("heartbeat_at") or 0) > timeout:
        return True
    url = current_app.config.get("REDIS_URL")
    if not url:
        # Inline jobs run in the request that queued them: one still queued after the timeout
        # belongs to a request that died before it started rendering.
        return state["status"] == "queued" and now - float(state.get("queued_at") or 0) > timeout
    return _rq_failed(state, url, now - float(state.get("queued_at") or 0) > timeout)


def _rq_failed(state: dict, url: str, old: bool) -> bool:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus
    from rq.registry import StartedJobRegistry

    with Redis.from_url(url) as connection:
        # RQ moves jobs whose worker stopped sending heartbeats to the FailedJobRegistry here
        # (a live worker's maintenance does the same every few minutes).
        StartedJobRegistry(QUEUE, connection=connection).cleanup()
        try:
            status = Job.fetch(state["id"], connection=connection).get_status()
        except NoSuchJobError:
            status = None
    if status is None:
        return old  # just saved and not yet enqueued, or expired from Redis long ago
    return status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)


def _mark_dead(job_id: str) -> dict | None:
    with open_store() as store:
        current = store.load(job_id)
        if current is not None and current["status"] in ("queued", "running"):
            log.warning("render job %s: its process died; marked failed", job_id)
            current.update(status="failed", error=DEAD, dead=True, finished_at=_now())
            store.save(current)
    _remove_parts(job_id)
    return current


def _remove_parts(job_id: str) -> None:
    for suffix in PART_SUFFIXES:
        (jobs_dir() / f"{job_id}{suffix}").unlink(missing_ok=True)


def public_state(state: dict) -> dict:
    """What the progress page polls: no user ids or paths."""
    from flask_babel import gettext as _

    total = state.get("total") or 0
    error = state.get("error")
    if state.get("dead"):
        error = _(
            "The rendering stopped before it finished: the worker or server process running it ended. "
            "Retry to render the ZIP again."
        )
    return {
        "id": state["id"],
        "status": state["status"],
        "done": state.get("done", 0),
        "total": total,
        "percent": 100
        if state["status"] == "finished"
        else (round(100 * state.get("done", 0) / total) if total else 0),
        "files": state.get("files", 0),
        "error": error,
        "created_at": state.get("created_at"),
        "finished_at": state.get("finished_at"),
        "retry_id": state.get("retry_id"),
    }


def remove_dead_parts() -> int:
    """Remove the temporary files of jobs that are no longer rendering; returns how many were removed.

    A part file belongs to the job named by its stem. It is kept while that job is alive (queued or
    running with a fresh heartbeat); otherwise it is an orphan: the job finished, failed, died, or
    its state is gone (then only once the file is older than the heartbeat timeout).
    """
    removed = 0
    for path in list(jobs_dir().glob("*.part")):
        job_id = path.name.split(".", 1)[0]
        try:
            if JOB_ID.fullmatch(job_id):
                state = load_job(job_id)  # marks a dead job failed and removes its parts
                if state is None:
                    alive = time.time() - path.stat().st_mtime <= _heartbeat_timeout()
                else:
                    alive = state["status"] in ("queued", "running")
                if alive:
                    continue
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def prune_old_files() -> None:
    """Remove ZIPs and state files of jobs older than RETENTION (Redis expires its keys itself),
    and the temporary files of jobs that died."""
    remove_dead_parts()
    limit = time.time() - RETENTION.total_seconds()
    for path in jobs_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass
