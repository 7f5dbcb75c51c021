"""Evidence is removable by its author until the scorecard is submitted, audited, its file deleted
once the removal commits (docs/domain.md#evidence-removal)."""

import io
from pathlib import Path

from sqlalchemy import select

from grants.audit.cli import verify_chain
from grants.audit.models import AuditEvent
from grants.extensions import db as _db
from grants.scoring.models import Evidence, SiteVisit
from tests import live
from tests.helpers import user
from tests.scoring.test_evaluation_pages import SubjectKind, demo_evaluation, score_form
from tests.scoring.test_evidence import PDF, PNG, declared_member, upload


def stored(app, item: Evidence) -> Path:
    return Path(app.config["EVIDENCE_DIR"]) / item.storage_key


def test_the_author_removes_evidence_the_file_goes_and_the_removal_is_audited(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    assert upload(client, evaluation, PDF, "act.pdf").status_code == 302
    item = db.session.scalar(select(Evidence).where(Evidence.filename == "act.pdf"))
    path, item_id, sha256 = stored(app, item), item.id, item.sha256
    assert path.is_file()
    page = client.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert f'data-remove-evidence="{item_id}"' in page

    response = client.post(f"/evaluations/evidence/{item_id}/remove?lang=en")

    assert response.status_code == 302 and response.headers["Location"].endswith("#evidence")
    db.session.expire_all()
    assert db.session.get(Evidence, item_id) is None
    assert not path.exists()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "evidence.remove", AuditEvent.object_id == item_id)
    )
    assert event is not None and event.actor_id == user("member1").id
    assert event.before["filename"] == "act.pdf" and event.before["sha256"] == sha256


def test_in_page_removal_answers_with_the_section_again(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    upload(client, evaluation, PNG, "photo.png")
    item_id = db.session.scalar(select(Evidence.id).where(Evidence.filename == "photo.png"))
    response = client.post(
        f"/evaluations/evidence/{item_id}/remove?lang=en", headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["message"] == "Evidence removed."
    assert body["html"].lstrip().startswith('<section class="card mb-4" id="evidence"')
    assert "photo.png" not in body["html"]


def test_another_member_cannot_remove_it(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    owner = declared_member(app, evaluation, "member1")
    upload(owner, evaluation, PDF, "mine.pdf")
    item = db.session.scalar(select(Evidence).where(Evidence.filename == "mine.pdf"))
    item_id, path = item.id, stored(app, item)
    # member3 cannot even see it before submitting (404); once it is visible to him, still 403.
    other = declared_member(app, evaluation, "member3")
    assert other.post(f"/evaluations/evidence/{item_id}/remove").status_code == 404
    other.post(
        f"/evaluations/{evaluation.id}/scorecard", data=score_form((4, 4, 4, 4, 4)) | {"submit_card": "1"}
    )
    response = other.post(f"/evaluations/evidence/{item_id}/remove?lang=en")
    assert response.status_code == 403
    assert "Only the member who added this evidence can remove it." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Evidence, item_id) is not None and path.is_file()


def test_after_submission_it_stays(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    upload(client, evaluation, PDF, "kept.pdf")
    item = db.session.scalar(select(Evidence).where(Evidence.filename == "kept.pdf"))
    item_id, path = item.id, stored(app, item)
    r = client.post(
        f"/evaluations/{evaluation.id}/scorecard", data=score_form((4, 4, 4, 4, 4)) | {"submit_card": "1"}
    )
    assert r.status_code == 302
    assert 'data-remove-evidence="' not in client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)

    response = client.post(f"/evaluations/evidence/{item_id}/remove?lang=en")

    assert response.status_code == 409
    assert "Your scorecard has been submitted and is locked." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Evidence, item_id) is not None and path.is_file()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.remove")) is None


def test_a_visit_photo_is_removable_by_its_author(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    r = client.post(
        f"/evaluations/{evaluation.id}/visits",
        data={"visit_date": "2026-01-15", "place": "Астана", "observations": "Занятия идут.",
              "photo": (io.BytesIO(PNG), "site.png")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert r.status_code == 302
    visit = db.session.scalar(select(SiteVisit).where(SiteVisit.place == "Астана"))
    photo_id = visit.photos[0].id
    member3 = declared_member(app, evaluation, "member3")
    assert member3.post(f"/evaluations/evidence/{photo_id}/remove").status_code == 404  # not even seen
    r = client.post(f"/evaluations/evidence/{photo_id}/remove")
    assert r.status_code == 302 and r.headers["Location"].endswith("#visits")
    db.session.expire_all()
    assert db.session.get(Evidence, photo_id) is None
    assert db.session.get(SiteVisit, visit.id) is not None


def test_two_concurrent_removals_give_one_removal_and_no_error(live_url):
    app = live.build_app(live_url)
    run = live.in_app(app)

    def prepare():
        evaluation = demo_evaluation(_db, SubjectKind.project)
        return evaluation.id

    evaluation_id = run(prepare)
    with live.serve(app) as base_url:
        member = live.web_session(base_url, "member1@example.kz")
        url = f"{base_url}/evaluations/{evaluation_id}"
        assert member.post(f"{url}/declare", data={"conflict": "no", "confirm": "y"},
                           allow_redirects=False, timeout=30).status_code == 302  # fmt: skip
        r = member.post(
            f"{url}/evidence",
            files={"file": ("race.pdf", PDF, "application/pdf")},
            data={"criterion_code": ""},
            allow_redirects=False,
            timeout=30,
        )
        assert r.status_code == 302, r.text
        item_id = run(lambda: _db.session.scalar(select(Evidence.id).where(Evidence.filename == "race.pdf")))
        sessions = [live.web_session(base_url, "member1@example.kz") for _ in range(2)]

        responses = live.release_together(
            2,
            lambda i: sessions[i].post(
                f"{base_url}/evaluations/evidence/{item_id}/remove", allow_redirects=False, timeout=120
            ),
        )
        codes = sorted(r.status_code for r in responses)
        assert codes in ([302, 404], [302, 409]), codes
        removals = run(
            lambda: len(
                _db.session.scalars(
                    select(AuditEvent).where(
                        AuditEvent.action == "evidence.remove", AuditEvent.object_id == item_id
                    )
                ).all()
            )
        )
        assert removals == 1
        assert run(lambda: _db.session.get(Evidence, item_id)) is None
        _count, problems = run(verify_chain)
        assert problems == []


def test_a_visit_photo_stays_after_submission_and_the_visits_section_says_why(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    client.post(
        f"/evaluations/{evaluation.id}/visits",
        data={"visit_date": "2026-01-15", "place": "Косшы", "observations": "Занятия идут.",
              "photo": (io.BytesIO(PNG), "kept.png")},
        content_type="multipart/form-data",
    )  # fmt: skip
    photo_id = db.session.scalar(select(Evidence.id).where(Evidence.filename == "kept.png"))
    client.post(
        f"/evaluations/{evaluation.id}/scorecard", data=score_form((4, 4, 4, 4, 4)) | {"submit_card": "1"}
    )
    response = client.post(
        f"/evaluations/evidence/{photo_id}/remove?lang=en", headers={"Accept": "application/json"}
    )
    assert response.status_code == 409
    body = response.get_json()
    assert body["ok"] is False and body["html"].lstrip().startswith('<section class="card mb-4" id="visits"')
    assert "Your scorecard has been submitted and is locked." in body["html"]
    db.session.expire_all()
    assert db.session.get(Evidence, photo_id) is not None
