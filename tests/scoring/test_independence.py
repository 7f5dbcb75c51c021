"""Independence of members (docs/concurrency.md): whoever has seen the group's scores can no longer
score; a reopen lets only the reopened member change their own card; members who never submitted
see no aggregates."""

from sqlalchemy import select

from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.scoring.models import Scorecard
from tests.helpers import login, user
from tests.scoring.test_evaluation_pages import ISSUE_SCORES, declare_and_submit, demo_evaluation, score_form


def _bearer(client, who: str) -> dict:
    response = client.post(
        "/api/v1/auth/token", json={"email": f"{who}@example.kz", "password": "demo-pass-2026"}
    )
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _full_scores(value: int = 4) -> dict:
    codes = ("relevance", "plan_execution", "result", "sustainability", "social_effect")
    return {code: {"score": value, "comment": "Seen on site."} for code in codes}


def _card(db, evaluation, who):
    return db.session.scalar(
        select(Scorecard).where(Scorecard.evaluation_id == evaluation.id, Scorecard.member_id == user(who).id)
    )


def test_chair_who_saw_the_scores_cannot_score_even_after_a_reopen(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    for who in ("member1", "member2", "member3"):
        declare_and_submit(app.test_client(), evaluation, who, ISSUE_SCORES[who])
    client = app.test_client()
    chair = _bearer(client, "chair")
    base = f"/api/v1/evaluations/{evaluation.id}"

    assert client.post(f"{base}/close-scoring", headers=chair).status_code == 200
    # The chair has seen every score: he may not start a scorecard now.
    refused = client.put(
        f"{base}/scorecard", headers=chair, json={"conflict_of_interest": False, "scores": _full_scores()}
    )
    assert refused.status_code == 409, refused.get_json()
    assert set(refused.get_json()["error"]) == {"code", "message", "fields"}

    member1 = _card(db, evaluation, "member1")
    reopened = client.post(
        f"{base}/scorecards/{member1.member_id}/reopen", headers=chair, json={"reason": "A typo in result."}
    )
    assert reopened.status_code == 200, reopened.get_json()
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation.id).state == EvaluationState.scoring

    # Reopening one card does not let the chair in: neither saving nor submitting.
    for method, url, body in (
        ("put", f"{base}/scorecard", {"conflict_of_interest": False, "scores": _full_scores()}),
        ("post", f"{base}/scorecard/submit", None),
    ):
        response = getattr(client, method)(url, headers=chair, json=body)
        assert response.status_code == 409, (url, response.get_json())
    assert _card(db, evaluation, "chair") is None

    # The chair's web form is refused the same way.
    web = app.test_client()
    login(web, "chair@example.kz")
    web.post(f"/evaluations/{evaluation.id}/declare", data={"conflict": "no", "confirm": "y"})
    web.post(
        f"/evaluations/{evaluation.id}/scorecard", data=score_form((4, 4, 4, 4, 4)) | {"submit_card": "1"}
    )
    db.session.expire_all()
    card = _card(db, evaluation, "chair")
    assert card is None

    # The reopened member corrects and submits again.
    member = _bearer(client, "member1")
    saved = client.put(f"{base}/scorecard", headers=member, json={"scores": _full_scores(3)})
    assert saved.status_code == 200, saved.get_json()
    assert client.post(f"{base}/scorecard/submit", headers=member).status_code == 200


def test_member_who_never_submitted_sees_no_aggregates_and_cannot_score_after_a_reopen(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    declare_and_submit(app.test_client(), evaluation, "chair", ISSUE_SCORES["member1"])
    declare_and_submit(app.test_client(), evaluation, "member1", ISSUE_SCORES["member1"])
    declare_and_submit(app.test_client(), evaluation, "member2", ISSUE_SCORES["member2"])
    client = app.test_client()
    chair = _bearer(client, "chair")
    base = f"/api/v1/evaluations/{evaluation.id}"
    assert client.post(f"{base}/close-scoring", headers=chair).status_code == 200

    member3 = _bearer(client, "member3")
    detail = client.get(base, headers=member3).get_json()
    assert not {"aggregates", "index", "scorecards"} & set(detail), detail
    assert detail["permissions"]["score"] is False
    web = app.test_client()
    login(web, "member3@example.kz")
    page = web.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert "data-aggregates" not in page and "data-index" not in page

    # After a reopen of member1's card, member3 still cannot declare and submit.
    member1 = _card(db, evaluation, "member1")
    assert (
        client.post(
            f"{base}/scorecards/{member1.member_id}/reopen", headers=chair, json={"reason": "Recheck."}
        ).status_code
        == 200
    )
    response = client.put(
        f"{base}/scorecard", headers=member3, json={"conflict_of_interest": False, "scores": _full_scores()}
    )
    assert response.status_code == 409, response.get_json()
    assert client.post(f"{base}/scorecard/submit", headers=member3).status_code == 409
    db.session.expire_all()
    card = _card(db, evaluation, "member3")
    assert card is None

    # A member who submitted sees the aggregates.
    web2 = app.test_client()
    login(web2, "member2@example.kz")
    page = web2.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert "data-aggregates" in page


def test_chair_cannot_reopen_his_own_scorecard_once_he_has_seen_the_scores(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    for who in ("chair", "member1", "member2"):
        declare_and_submit(app.test_client(), evaluation, who, ISSUE_SCORES["member1"])
    client = app.test_client()
    chair = _bearer(client, "chair")
    base = f"/api/v1/evaluations/{evaluation.id}"
    assert client.post(f"{base}/close-scoring", headers=chair).status_code == 200
    own = _card(db, evaluation, "chair")
    response = client.post(
        f"{base}/scorecards/{own.member_id}/reopen", headers=chair, json={"reason": "Second thoughts."}
    )
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "scores_revealed"
    db.session.expire_all()
    assert _card(db, evaluation, "chair").submitted_at is not None
    assert db.session.get(Evaluation, evaluation.id).state == EvaluationState.consolidation
