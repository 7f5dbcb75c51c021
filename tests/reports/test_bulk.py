"""All reports of a campaign in one ZIP: the CLI, the inline web job and the job on an RQ worker."""

import contextlib
import csv
import hashlib
import io
import zipfile

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, SubjectKind
from grants.reports.models import Report
from grants.reports.operations import review
from grants.reports.rendering import render_committed
from grants.scoring import operations as scoring
from tests import live
from tests.conftest import DEMO_PASSWORD, login
from tests.helpers import FAST_PASSWORD_HASH, redis_test_url, user

REDIS_TEST_URL = redis_test_url(15)


def group1_evaluation(kind: SubjectKind) -> Evaluation:
    """The demo campaign's evaluation of the chair's group that nobody is recused from."""
    chair, bins = user("chair"), user("member2").affiliated_bins
    for e in _db.session.scalars(select(Evaluation).where(Evaluation.kind == kind).order_by(Evaluation.id)):
        if e.group.chair_id == chair.id and e.ngo_bin not in bins and e.state == EvaluationState.scoring:
            return e
    raise AssertionError(f"the demo campaign has no open {kind.value} evaluation for group 1")


def finalize(evaluation: Evaluation) -> Evaluation:
    """Three members score (3–5, no disagreement) with comments; the chair finalizes: draft reports are issued."""
    codes = evaluation.methodology.codes
    for m, who in enumerate(("member1", "member2", "member3")):
        member = user(who)
        scoring.declare(evaluation, member, False)
        scores = {
            code: {"score": 3 + (m + k) % 3, "comment": "Проверено на месте"} for k, code in enumerate(codes)
        }
        scoring.save_draft(evaluation, member, scores)
        scoring.submit(evaluation, member)
    workflow.finalize(
        evaluation,
        user("chair"),
        {
            "findings": "Мероприятия проведены по плану.",
            "recommendations": "Усилить работу с родителями.",
            "conclusions": dict.fromkeys(codes, "Положительно"),
            "consensus_notes": {},
        },
    )
    _db.session.commit()
    render_committed()  # inline, or queued on the worker's queue ahead of any ZIP job
    return evaluation


def read_zip(content: bytes) -> tuple[dict[str, bytes], list[dict]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = list(csv.DictReader(io.StringIO(files["manifest.csv"].decode("utf-8"))))
    return files, manifest


def check_manifest(files: dict[str, bytes], manifest: list[dict]) -> None:
    """Every file is listed with the sha256 of its bytes; evaluation files are the latest stored Report."""
    assert {row["file"] for row in manifest} == set(files) - {"manifest.csv"}
    for row in manifest:
        assert hashlib.sha256(files[row["file"]]).hexdigest() == row["sha256"], row["file"]
        assert files[row["file"]].startswith(b"%PDF")
        if row["kind"] == "summary":
            assert row["file"] == f"summary-{row['lang']}.pdf" and row["evaluation_id"] == ""
            continue
        stored = _db.session.scalar(
            select(Report)
            .where(Report.evaluation_id == int(row["evaluation_id"]), Report.lang == row["lang"])
            .order_by(Report.version.desc())
            .limit(1)
        )
        assert row["file"] == f"evaluation-{stored.evaluation_id}-{stored.lang}.pdf"
        assert (row["sha256"], row["kind"], int(row["version"])) == (
            stored.sha256,
            stored.kind.value,
            stored.version,
        )


@pytest.fixture
def two_languages(app):
    app.config["REPORT_LANGUAGES"] = ("kk", "ru")
    yield ("kk", "ru")
    app.config["REPORT_LANGUAGES"] = ("ru",)


# --- the CLI --------------------------------------------------------------------------------


def test_render_reports_writes_the_latest_report_per_evaluation_and_language(
    app, db, tmp_path, two_languages
):
    app.config["REPORT_LANGUAGES"] = ("ru",)
    project = finalize(group1_evaluation(SubjectKind.project))  # issued in Russian only: kk is missing
    app.config["REPORT_LANGUAGES"] = two_languages
    lot = finalize(group1_evaluation(SubjectKind.lot))
    review(lot, user("ministry"), "accept", None)  # final reports, version 2
    db.session.commit()
    render_committed()

    out = tmp_path / "campaign.zip"
    result = app.test_cli_runner().invoke(
        args=[
            "render-reports",
            "--campaign",
            str(project.campaign_id),
            "--lang",
            "ru",
            "--lang",
            "kk",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert f"Issued the missing reports of 1 evaluation(s): {project.id}." in result.output
    assert "6 PDFs written to" in result.output

    files, manifest = read_zip(out.read_bytes())
    assert set(files) == {
        "manifest.csv", "summary-ru.pdf", "summary-kk.pdf",
        f"evaluation-{project.id}-ru.pdf", f"evaluation-{project.id}-kk.pdf",
        f"evaluation-{lot.id}-ru.pdf", f"evaluation-{lot.id}-kk.pdf",
    }  # fmt: skip
    check_manifest(files, manifest)
    rows = {row["file"]: row for row in manifest}
    assert (rows[f"evaluation-{lot.id}-kk.pdf"]["kind"], rows[f"evaluation-{lot.id}-kk.pdf"]["version"]) == (
        "final",
        "2",
    )
    assert (
        rows[f"evaluation-{project.id}-kk.pdf"]["kind"],
        rows[f"evaluation-{project.id}-kk.pdf"]["version"],
    ) == ("draft", "2")
    # The evaluations still being scored have no report and are not in the ZIP.
    scoring_ids = {
        e.id
        for e in db.session.get(Campaign, project.campaign_id).evaluations
        if e.state == EvaluationState.scoring
    }
    assert scoring_ids and not any(
        row["evaluation_id"] and int(row["evaluation_id"]) in scoring_ids for row in manifest
    )


def test_render_reports_refuses_an_unknown_campaign(app):
    result = app.test_cli_runner().invoke(args=["render-reports", "--campaign", "999999"])
    assert result.exit_code != 0
    assert "no campaign with id 999999" in result.output


def test_render_reports_refuses_a_language_reports_are_not_issued_in(app):
    campaign_id = _db.session.scalar(select(Campaign.id).limit(1))
    result = app.test_cli_runner().invoke(
        args=["render-reports", "--campaign", str(campaign_id), "--lang", "en"]
    )
    assert result.exit_code != 0 and "REPORT_LANGUAGES" in result.output


# --- the web job, inline (no REDIS_URL) -------------------------------------------------------


@pytest.fixture
def reports_dir(app, tmp_path):
    app.config["REPORTS_DIR"] = str(tmp_path / "reports")
    yield tmp_path / "reports"
    app.config.pop("REPORTS_DIR")


def test_inline_job_finishes_in_the_request_and_serves_the_zip(app, db, client, reports_dir):
    evaluation = finalize(group1_evaluation(SubjectKind.project))
    login(client, "ministry@example.kz")
    response = client.post(f"/campaigns/{evaluation.campaign_id}/render-jobs")
    assert response.status_code == 302
    job_url = response.headers["Location"]
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]

    page = client.get(job_url)
    assert page.status_code == 200
    assert 'data-status="finished"' in page.get_data(as_text=True)
    status = client.get(f"{job_url}/status.json").get_json()
    assert (
        status["status"] == "finished" and status["done"] == status["total"] == 2 and status["percent"] == 100
    )
    assert status["download_url"].endswith("/download")

    with client.get(f"{job_url}/download") as download:  # closing it closes the file it streams
        assert download.status_code == 200 and download.mimetype == "application/zip"
        files, manifest = read_zip(download.data)
    assert set(files) == {"manifest.csv", "summary-ru.pdf", f"evaluation-{evaluation.id}-ru.pdf"}
    check_manifest(files, manifest)
    assert (reports_dir / "jobs" / f"{job_id}.zip").is_file()


def test_only_managers_start_follow_and_download_jobs(app, db, client, reports_dir):
    campaign_id = group1_evaluation(SubjectKind.project).campaign_id
    login(client, "ministry@example.kz")
    job_url = client.post(f"/campaigns/{campaign_id}/render-jobs").headers["Location"]
    client.post("/logout")
    for who in ("chair", "member1", "admin", "ngo"):
        login(client, f"{who}@example.kz")
        assert client.post(f"/campaigns/{campaign_id}/render-jobs").status_code == 403, who
        for suffix in ("", "/status.json", "/download"):
            assert client.get(job_url + suffix).status_code == 403, (who, suffix)
        client.post("/logout")
    assert client.get(job_url).status_code == 302  # anonymous: to the login page
    login(client, "ministry@example.kz")
    assert client.get(f"/campaigns/{campaign_id}/render-jobs/{'0' * 32}").status_code == 404
    assert client.get(f"/campaigns/{campaign_id}/render-jobs/..%2Fsecret_key/download").status_code == 404
    assert client.get(f"/campaigns/999999/render-jobs/{'0' * 32}/status.json").status_code == 404


# --- the job on an RQ worker, with the real Redis -----------------------------------------------


@pytest.fixture
def worker_app(tmp_path):
    """An app of its own on a SQLite file, so the worker's app (built from the job's arguments)
    sees committed data; the session's database is wrapped in a transaction it could not see."""
    from flask_migrate import upgrade

    from grants import create_app
    from grants.seed.demo import seed_demo

    redis = live.redis_or_fail(REDIS_TEST_URL)
    shared = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REDIS_URL": REDIS_TEST_URL,
        "REPORTS_DIR": str(tmp_path / "reports"),
        "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
        "REPORT_LANGUAGES": ("ru",),
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
    }
    app = create_app({**shared, "JOB_APP_CONFIG": shared, "SERVER_NAME": None, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        seed_demo(DEMO_PASSWORD)
        _db.session.remove()
    yield app, redis
    redis.close()
    with app.app_context():
        _db.engine.dispose()


def test_job_runs_on_an_rq_worker_and_reports_progress(worker_app):
    from rq import Queue, SimpleWorker
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from grants.reports.jobs import QUEUE, RedisJobStore, load_job, start_render_job, zip_path

    app, redis = worker_app
    queue = Queue(QUEUE, connection=redis)
    queue.empty()
    with app.app_context():
        evaluation = finalize(group1_evaluation(SubjectKind.project))
        campaign = _db.session.get(Campaign, evaluation.campaign_id)
        job_id = start_render_job(campaign, user("ministry"))
        assert load_job(job_id)["status"] == "queued"
        assert queue.count == 2  # the draft report's rendering, then the ZIP
        _db.session.remove()

    try:
        assert SimpleWorker([queue], connection=redis).work(burst=True)
        with app.app_context():
            state = load_job(job_id)
            assert state["status"] == "finished", state
            assert (state["done"], state["total"], state["files"]) == (2, 2, 2)
            path = zip_path(job_id)
            assert path.is_file()
            files, _manifest = read_zip(path.read_bytes())
            assert set(files) == {"manifest.csv", "summary-ru.pdf", f"evaluation-{evaluation.id}-ru.pdf"}

        client = app.test_client()
        login(client, "ministry@example.kz")
        status = client.get(f"/campaigns/{campaign.id}/render-jobs/{job_id}/status.json").get_json()
        assert status["status"] == "finished" and status["percent"] == 100
        with client.get(f"/campaigns/{campaign.id}/render-jobs/{job_id}/download") as download:
            assert download.status_code == 200
    finally:
        queue.empty()
        with contextlib.suppress(NoSuchJobError):
            Job.fetch(job_id, connection=redis).delete()  # the job and its result
        redis.delete(RedisJobStore.KEY.format(job_id))
