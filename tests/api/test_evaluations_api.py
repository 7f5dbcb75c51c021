"""The evaluation API: scoring without anchoring, recusal, the chair's consolidation, access and audit."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.audit.models import AuditEvent
from grants.core.errors import today_local
from grants.extensions import db
from grants.lots.models import LotNeed
from grants.monitoring.models import Evaluation
from grants.scoring.models import Scorecard
from grants.scoring.operations import describe
from tests.api.evaluation_fixtures import PROJECT_CODES, EvaluationSetup, build_campaign, user
from tests.api.test_openapi import conforms

COMMENT_NEEDED = (0, 1, 5)
ISSUE_SCORES = {
    "member1": (4, 5, 3, 4, 4),
    "member2": (5, 5, 4, 4, 5),
    "member3": (3, 4, 4, 5, 4),
}


@pytest.fixture
def evals(db) -> EvaluationSetup:
    """A running campaign of group 1 with a project, an affiliated project and a lot (evaluation_fixtures)."""
    return build_campaign()


@pytest.fixture
def token(api_token):
    """token('member1') -> a bearer token, issued once per test."""
    issued = {}

    def _token(who: str) -> str:
        if who not in issued:
            issued[who] = api_token(who)
        return issued[who]

    return _token


@pytest.fixture
def api(client, token):
    """api('member1', 'put', url, json=...) sends the request as that demo user (None: anonymous)."""

    def _call(who: str | None, method: str, url: str, **kwargs):
        headers = {"Authorization": f"Bearer {token(who)}"} if who else {}
        return getattr(client, method)(url, headers=headers, **kwargs)

    return _call


def url(evaluation, tail: str = "") -> str:
    return f"/api/v1/evaluations/{evaluation.id}{tail}"


def scores_payload(values) -> dict:
    """(4, 5, 3, 4, 4) -> scores by code, with a comment wherever the methodology needs one."""
    return {
        code: {"score": value, "comment": f"Обоснование оценки {value}" if value in COMMENT_NEEDED else None}
        for code, value in zip(PROJECT_CODES, values, strict=True)
    }


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    if code:
        assert error["code"] == code
    return error


def score(api, who: str, evaluation, values, submit: bool = True):
    response = api(
        who,
        "put",
        url(evaluation, "/scorecard"),
        json={"conflict_of_interest": False, "scores": scores_payload(values)},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    if submit:
        response = api(who, "post", url(evaluation, "/scorecard/submit"))
        assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def finalize_payload(**overrides) -> dict:
    data = {
        "findings": "Проект реализован в основном в соответствии с планом.",
        "recommendations": "Усилить работу с благополучателями в отдалённых районах.",
        "conclusions": {code: f"Вывод группы по критерию {code}." for code in PROJECT_CODES},
        "consensus_notes": {},
    }
    data.update(overrides)
    return data


def state_of(evaluation_id: int) -> dict:
    """What a refused request must leave as it was: the evaluation, its scorecards and the audit trail."""
    db.session.expire_all()
    evaluation = db.session.get(Evaluation, evaluation_id)
    return {
        "state": evaluation.state.value,
        "deadline": evaluation.deadline,
        "index": evaluation.index_value,
        "findings": evaluation.findings,
        "conclusions": sorted(
            (c.criterion_code, c.conclusion, c.consensus_note) for c in evaluation.conclusions
        ),
        "cards": [describe(card) for card in evaluation.scorecards],
        "audit": db.session.scalar(select(func.count()).select_from(AuditEvent)),
    }


def audit_events(action: str, object_type: str, object_id: int) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == action,
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == object_id,
        )
        .order_by(AuditEvent.id)
    ).all()


def card_of(evaluation, who: str) -> Scorecard | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Scorecard).where(Scorecard.evaluation_id == evaluation.id, Scorecard.member_id == user(who).id)
    )


def my_status(api, who: str, evaluation) -> str:
    body = api(
        who, "get", f"/api/v1/evaluations?mine=1&campaign={evaluation.campaign_id}&per_page=100"
    ).get_json()
    return next(item["scorecard_status"] for item in body["items"] if item["id"] == evaluation.id)


# --- 1. the whole flow --------------------------------------------------------------------------


def test_full_flow_members_and_chair_score_then_chair_finalizes(api, evals):
    evaluation = evals.project
    detail = api("member1", "get", url(evaluation)).get_json()
    assert detail["kind"] == "project" and detail["state"] == "scoring"
    assert [c["code"] for c in detail["methodology"]["criteria"]] == list(PROJECT_CODES)
    assert detail["methodology"]["criteria"][2]["weight"] == "25.00"
    assert set(detail["methodology"]["criteria"][0]["descriptors"]) == {"1", "3", "5"}
    assert detail["subject"]["ngo"]["bin"] == evaluation.project.ngo.bin
    assert detail["group"]["chair"]["id"] == user("chair").id
    assert detail["my_scorecard"]["status"] == "not_declared"
    assert my_status(api, "member1", evaluation) == "not_declared"

    values = {
        "chair": (4, 4, 3, 4, 4),
        "member1": (4, 3, 4, 4, 4),
        "member2": (4, 4, 4, 3, 4),
        "member3": (4, 4, 4, 4, 4),
    }
    score(api, "member1", evaluation, values["member1"], submit=False)
    assert my_status(api, "member1", evaluation) == "draft"
    assert api("member1", "post", url(evaluation, "/scorecard/submit")).status_code == 200
    assert my_status(api, "member1", evaluation) == "submitted"
    for who in ("chair", "member2", "member3"):
        score(api, who, evaluation, values[who])

    response = api("chair", "post", url(evaluation, "/finalize"), json=finalize_payload())
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    # means 4, 3.75, 3.75, 3.75, 4 -> (80 + 75 + 93.75 + 56.25 + 80) / 5 = 77.0
    assert body["state"] == "in_review"
    assert (body["index"], body["band"]) == ("77.0", "effective")
    assert body["submitted"] == 4 and body["quorum_met"] is True
    assert body["conclusions"]["result"] == "Вывод группы по критерию result."

    db.session.expire_all()
    stored = db.session.get(Evaluation, evaluation.id)
    assert stored.state.value == "in_review"
    assert str(stored.index_value) == "77.0" and stored.band == "effective"
    assert stored.finalized_by_id == user("chair").id
    assert all(card.submitted_at is not None for card in stored.scorecards)


# --- 2. the issue's example ---------------------------------------------------------------------


def test_three_members_scores_give_the_means_index_and_band_of_the_example(api, evals):
    evaluation = evals.project
    for who, values in ISSUE_SCORES.items():
        score(api, who, evaluation, values)
    closed = api("chair", "post", url(evaluation, "/close-scoring"))
    assert closed.status_code == 200, closed.get_data(as_text=True)
    assert closed.get_json()["state"] == "consolidation"

    body = api("chair", "get", url(evaluation)).get_json()
    means = {code: agg["mean"] for code, agg in body["aggregates"].items()}
    assert means == {
        "relevance": "4.00",
        "plan_execution": "4.67",
        "result": "3.67",
        "sustainability": "4.33",
        "social_effect": "4.33",
    }
    assert {code: agg["total"] for code, agg in body["aggregates"].items()} == {
        "relevance": 12,
        "plan_execution": 14,
        "result": 11,
        "sustainability": 13,
        "social_effect": 13,
    }
    assert not any(agg["flagged"] for agg in body["aggregates"].values())
    assert (body["index"], body["band"]) == ("83.3", "effective")
    assert body["my_scorecard"] is None  # the chair did not score
    assert sorted(card["member"]["id"] for card in body["scorecards"]) == sorted(
        user(who).id for who in ISSUE_SCORES
    )
    member2 = next(c for c in body["scorecards"] if c["member"]["id"] == user("member2").id)
    assert member2["scores"]["relevance"] == {"score": 5, "comment": "Обоснование оценки 5"}


# --- 3. no anchoring ----------------------------------------------------------------------------

SCORE_KEYS = {"aggregates", "index", "band", "scorecards", "quorum_met", "submitted"}


def test_nobody_sees_others_scores_before_submitting_their_own(api, evals):
    evaluation = evals.project
    for who in ("member2", "member3"):
        score(api, who, evaluation, ISSUE_SCORES[who])
    score(api, "member1", evaluation, ISSUE_SCORES["member1"], submit=False)

    before = api("member1", "get", url(evaluation)).get_json()
    assert not SCORE_KEYS & set(before), "member1 sees others' scores before submitting"
    assert before["my_scorecard"]["scores"]["plan_execution"]["score"] == 5  # their own draft
    chair = api("chair", "get", url(evaluation)).get_json()
    assert not SCORE_KEYS & set(chair), "the chair sees scores before scoring closed"
    assert "5" not in {str(v) for v in chair.get("scorecards", [])}

    assert api("member1", "post", url(evaluation, "/scorecard/submit")).status_code == 200
    after = api("member1", "get", url(evaluation)).get_json()
    assert SCORE_KEYS <= set(after)
    assert after["aggregates"]["relevance"]["mean"] == "4.00"
    others = {card["member"]["id"]: card for card in after["scorecards"]}
    assert user("member1").id not in others  # their own card is my_scorecard
    assert others[user("member3").id]["scores"]["sustainability"]["score"] == 5
    assert user("chair").id not in others  # the chair never saved a scorecard, and reading creates none
    assert "conclusions" not in after  # still scoring

    assert not SCORE_KEYS & set(api("chair", "get", url(evaluation)).get_json())


def test_a_draft_of_another_member_is_never_shown(api, evals):
    evaluation = evals.project
    for who in ("member1", "member3"):
        score(api, who, evaluation, ISSUE_SCORES[who])
    score(api, "member2", evaluation, ISSUE_SCORES["member2"], submit=False)
    body = api("member1", "get", url(evaluation)).get_json()
    draft = next(c for c in body["scorecards"] if c["member"]["id"] == user("member2").id)
    assert draft == {**draft, "status": "draft", "submitted": False, "scores": {}}
    assert body["aggregates"]["relevance"]["n"] == 2


# --- 4. access ----------------------------------------------------------------------------------


def _every_route(evaluation, need_id: int, member_id: int) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", url(evaluation), None),
        (
            "put",
            url(evaluation, "/scorecard"),
            {"conflict_of_interest": False, "scores": scores_payload((4,) * 5)},
        ),
        ("post", url(evaluation, "/scorecard/submit"), None),
        ("post", url(evaluation, "/close-scoring"), None),
        ("post", url(evaluation, f"/scorecards/{member_id}/reopen"), {"reason": "x"}),
        ("put", url(evaluation, "/consolidation"), finalize_payload()),
        ("post", url(evaluation, "/finalize"), finalize_payload()),
        ("post", url(evaluation, "/needs"), {"need_id": need_id, "reason": "x"}),
        ("delete", url(evaluation, f"/needs/{need_id}"), {"reason": "x"}),
    ]


@pytest.mark.parametrize("who", [None, "member4", "ngo"])
def test_outsiders_are_told_the_evaluation_does_not_exist(api, evals, who):
    score(api, "member1", evals.project, (4,) * 5)
    for evaluation in (evals.project, evals.lot):
        before = state_of(evaluation.id)
        for method, path, body in _every_route(evaluation, evals.free_need.id, user("member1").id):
            response = api(who, method, path, json=body) if body is not None else api(who, method, path)
            assert_error(response, 404, "not_found")
        assert state_of(evaluation.id) == before
    assert_error(api(who, "get", "/api/v1/evaluations/2147483647"), 404)
    if who is None:
        assert_error(api(None, "get", "/api/v1/evaluations"), 401)
    else:
        listed = api(who, "get", "/api/v1/evaluations?per_page=100").get_json()
        assert evals.project.id not in {item["id"] for item in listed["items"]}


def test_ministry_staff_see_the_evaluation_but_scores_only_from_review_on(api, evals):
    evaluation = evals.project
    listed = api("ministry", "get", f"/api/v1/evaluations?campaign={evals.campaign.id}").get_json()
    assert {evals.project.id, evals.affiliated.id, evals.lot.id} == {item["id"] for item in listed["items"]}
    assert all(item["scorecard_status"] is None for item in listed["items"])

    for who, values in ISSUE_SCORES.items():
        score(api, who, evaluation, values)
    scoring = api("ministry", "get", url(evaluation)).get_json()
    assert scoring["state"] == "scoring" and scoring["my_scorecard"] is None
    assert not SCORE_KEYS & set(scoring)
    assert_error(
        api("ministry", "put", url(evaluation, "/scorecard"), json={"conflict_of_interest": False}), 403
    )

    assert api("chair", "post", url(evaluation, "/close-scoring")).status_code == 200
    consolidation = api("ministry", "get", url(evaluation)).get_json()
    assert consolidation["state"] == "consolidation"
    assert not SCORE_KEYS & set(consolidation), "ministry staff see scores before review"
    assert not {"conclusions", "findings"} & set(consolidation)
    admin = api("admin", "get", url(evaluation)).get_json()
    assert admin["state"] == "consolidation" and not SCORE_KEYS & set(admin)

    assert api("chair", "post", url(evaluation, "/finalize"), json=finalize_payload()).status_code == 200
    review = api("ministry", "get", url(evaluation)).get_json()
    assert review["state"] == "in_review"
    assert (review["index"], review["band"]) == ("83.3", "effective")
    assert len(review["scorecards"]) == 3 and review["findings"]


def test_listing_is_paginated_and_validated(api, evals):
    first = api("member1", "get", f"/api/v1/evaluations?campaign={evals.campaign.id}&per_page=2").get_json()
    assert (first["total"], first["pages"], first["page"], len(first["items"])) == (3, 2, 1, 2)
    second = api("member1", "get", f"/api/v1/evaluations?campaign={evals.campaign.id}&per_page=2&page=2")
    assert len(second.get_json()["items"]) == 1
    lots = api("member1", "get", f"/api/v1/evaluations?campaign={evals.campaign.id}&kind=lot").get_json()
    assert [item["id"] for item in lots["items"]] == [evals.lot.id]
    for query in ("mine=maybe", "state=done", "kind=grant", "page=0", "per_page=1000", "campaign=x"):
        error = assert_error(api("member1", "get", f"/api/v1/evaluations?{query}"), 422)
        assert query.split("=")[0] in error["fields"]


# --- 5. recusal ---------------------------------------------------------------------------------


def test_an_affiliated_member_is_shown_recused_and_cannot_score(api, evals):
    evaluation = evals.affiliated
    assert my_status(api, "member2", evaluation) == "recused"  # even before opening it
    body = api("member2", "get", url(evaluation)).get_json()
    assert body["my_scorecard"]["recused"] is True
    assert body["my_scorecard"]["recusal_reason"] == "affiliation"
    assert body["permissions"]["score"] is False
    assert card_of(evaluation, "member2") is None  # shown, not created: a GET never writes

    before = state_of(evaluation.id)
    for payload in (
        {"conflict_of_interest": False, "scores": scores_payload((4,) * 5)},
        {"scores": scores_payload((4,) * 5)},
    ):
        assert_error(api("member2", "put", url(evaluation, "/scorecard"), json=payload), 403)
    assert_error(api("member2", "post", url(evaluation, "/scorecard/submit")), 403)
    assert state_of(evaluation.id) == before
    assert card_of(evaluation, "member2") is None  # the refusals rolled everything back

    # The others reach the quorum without member2, who still sees nobody's scores.
    for who in ("chair", "member1", "member3"):
        score(api, who, evaluation, (4,) * 5)
    assert api("chair", "post", url(evaluation, "/close-scoring")).status_code == 200
    recused = api("member2", "get", url(evaluation)).get_json()
    assert recused["state"] == "consolidation" and not SCORE_KEYS & set(recused)
    assert SCORE_KEYS <= set(api("member1", "get", url(evaluation)).get_json())


def test_declaring_a_conflict_recuses_and_ignores_the_scores(api, evals):
    evaluation = evals.project
    refused = api("member1", "put", url(evaluation, "/scorecard"), json={"conflict_of_interest": True})
    assert "conflict_note" in assert_error(refused, 422)["fields"]
    assert card_of(evaluation, "member1") is None  # the refusal rolled back: no scorecard

    response = api(
        "member1",
        "put",
        url(evaluation, "/scorecard"),
        json={
            "conflict_of_interest": True,
            "conflict_note": "Мой брат работает в НПО.",
            "scores": scores_payload((4,) * 5),
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    card = response.get_json()
    assert (card["recused"], card["recusal_reason"], card["status"], card["scores"]) == (
        True,
        "declared",
        "recused",
        {},
    )
    assert card_of(evaluation, "member1").recused and not card_of(evaluation, "member1").scores
    assert_error(
        api("member1", "put", url(evaluation, "/scorecard"), json={"scores": scores_payload((4,) * 5)}), 403
    )
    assert my_status(api, "member1", evaluation) == "recused"


# --- 6. disagreement ----------------------------------------------------------------------------


def test_a_flagged_criterion_needs_a_consensus_note_before_finalizing(api, evals):
    evaluation = evals.project
    score(api, "member1", evaluation, (1, 4, 4, 4, 4))
    score(api, "member2", evaluation, (5, 4, 4, 4, 4))
    score(api, "member3", evaluation, (3, 4, 4, 4, 4))

    before = state_of(evaluation.id)
    error = assert_error(
        api("chair", "post", url(evaluation, "/finalize"), json=finalize_payload()), 409, "consensus_missing"
    )
    assert set(error["fields"]) == {"consensus_notes.relevance"}
    assert state_of(evaluation.id) == before  # not even scoring was closed

    body = api("chair", "get", url(evaluation)).get_json()
    assert not SCORE_KEYS & set(body)  # still scoring: the chair has not seen the flag yet
    note = {
        "relevance": "После обсуждения группа сошлась на оценке 3: выезд подтвердил потребность частично."
    }
    response = api("chair", "post", url(evaluation, "/finalize"), json=finalize_payload(consensus_notes=note))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["state"] == "in_review"
    assert body["aggregates"]["relevance"]["flagged"] is True
    assert (body["aggregates"]["relevance"]["min"], body["aggregates"]["relevance"]["max"]) == (1, 5)
    assert body["consensus_notes"] == note


def test_the_chair_drafts_the_consolidation_before_finalizing(api, evals):
    evaluation = evals.project
    for who, values in ISSUE_SCORES.items():
        score(api, who, evaluation, values)
    assert_error(api("chair", "put", url(evaluation, "/consolidation"), json={"findings": "x"}), 409)
    assert api("chair", "post", url(evaluation, "/close-scoring")).status_code == 200
    draft = api(
        "chair",
        "put",
        url(evaluation, "/consolidation"),
        json={"findings": "Черновик", "conclusions": {"result": "Хорошо"}},
    )
    assert draft.status_code == 200, draft.get_data(as_text=True)
    assert (draft.get_json()["findings"], draft.get_json()["conclusions"]) == (
        "Черновик",
        {"result": "Хорошо"},
    )
    assert draft.get_json()["state"] == "consolidation"
    error = assert_error(
        api("chair", "put", url(evaluation, "/consolidation"), json={"conclusions": {"nope": "x"}}), 422
    )
    assert "conclusions.nope" in error["fields"]
    assert_error(api("member1", "put", url(evaluation, "/consolidation"), json={"findings": "y"}), 403)

    error = assert_error(
        api("chair", "post", url(evaluation, "/finalize"), json={"recommendations": "Рекомендации"}), 422
    )
    assert {f"conclusions.{code}" for code in PROJECT_CODES if code != "result"} <= set(error["fields"])
    assert "findings" not in error["fields"]  # kept from the draft
    db.session.expire_all()
    assert (
        db.session.get(Evaluation, evaluation.id).recommendations is None
    )  # the refused finalize saved nothing


# --- 7. bad input -------------------------------------------------------------------------------


def test_bad_scores_and_refused_requests_change_nothing(api, evals):
    evaluation = evals.project
    put = url(evaluation, "/scorecard")
    error = assert_error(api("member1", "put", put, json={"scores": scores_payload((4,) * 5)}), 422)
    assert "conflict_of_interest" in error["fields"]
    assert card_of(evaluation, "member1") is None  # the refusal rolled back: no scorecard
    score(api, "member1", evaluation, (4, 4, 4, 4, 4), submit=False)

    cases = [
        ({"scores": {"relevance": {"score": 6}}}, "scores.relevance.score"),
        ({"scores": {"relevance": {"score": -1}}}, "scores.relevance.score"),
        ({"scores": {"relevance": {"score": "4"}}}, "scores.relevance.score"),
        ({"scores": {"relevance": {"score": 4.0}}}, "scores.relevance.score"),
        ({"scores": {"relevance": {"score": True}}}, "scores.relevance.score"),
        ({"scores": {"nope": {"score": 3}}}, "scores.nope"),
        ({"scores": {"relevance": 4}}, "scores.relevance"),
        ({"scores": {"relevance": {"score": 4, "comment": 7}}}, "scores.relevance.comment"),
        ({"scores": {"relevance": {"score": 4, "comment": "a\x00b"}}}, "scores.relevance.comment"),
        ({"scores": {"relevance": {"score": 4, "comment": "x" * 5001}}}, "scores.relevance.comment"),
        ({"scores": [4, 4]}, "scores"),
        ({"conflict_of_interest": "no"}, "conflict_of_interest"),
        ({"score": {}}, "score"),
    ]
    before = state_of(evaluation.id)
    for payload, field in cases:
        error = assert_error(api("member1", "put", put, json=payload), 422)
        assert field in error["fields"], (payload, error)
        assert state_of(evaluation.id) == before, payload
    assert_error(api("member1", "put", put, data="not json", content_type="application/json"), 422)
    assert_error(api("member1", "put", put, json=[1, 2]), 422)

    # A 5 without a comment can be saved as a draft but not submitted.
    bare = {"relevance": {"score": 5, "comment": ""}}
    assert api("member1", "put", put, json={"scores": bare}).status_code == 200
    before = state_of(evaluation.id)
    error = assert_error(api("member1", "post", url(evaluation, "/scorecard/submit")), 422)
    assert set(error["fields"]) == {"scores.relevance.comment"}
    assert state_of(evaluation.id) == before

    score(api, "member1", evaluation, (4, 4, 4, 4, 4))
    before = state_of(evaluation.id)
    assert_error(api("member1", "put", put, json={"scores": scores_payload((3,) * 5)}), 409)
    assert_error(api("member1", "post", url(evaluation, "/scorecard/submit")), 409)
    assert_error(api("member1", "post", url(evaluation, "/finalize"), json=finalize_payload()), 403)
    assert_error(api("member1", "post", url(evaluation, "/close-scoring")), 403)
    assert_error(api("chair", "post", url(evaluation, "/close-scoring")), 409, "quorum_not_met")
    assert_error(
        api("chair", "post", url(evaluation, "/finalize"), json=finalize_payload()), 409, "quorum_not_met"
    )
    assert_error(
        api(
            "member2",
            "post",
            url(evaluation, f"/scorecards/{user('member1').id}/reopen"),
            json={"reason": "x"},
        ),
        403,
    )
    assert_error(
        api("chair", "post", url(evaluation, f"/scorecards/{user('member1').id}/reopen"), json={}), 422
    )
    assert_error(
        api(
            "chair", "post", url(evaluation, f"/scorecards/{user('member4').id}/reopen"), json={"reason": "x"}
        ),
        404,
    )
    assert state_of(evaluation.id) == before


def test_scoring_after_the_deadline_is_refused(api, evals):
    evaluation = evals.project
    score(api, "member1", evaluation, (4,) * 5, submit=False)
    db.session.get(Evaluation, evaluation.id).deadline = today_local() - timedelta(days=1)
    db.session.commit()

    before = state_of(evaluation.id)
    assert_error(
        api("member1", "put", url(evaluation, "/scorecard"), json={"scores": scores_payload((3,) * 5)}), 409
    )
    assert_error(api("member1", "post", url(evaluation, "/scorecard/submit")), 409)
    assert_error(
        api("member3", "put", url(evaluation, "/scorecard"), json={"conflict_of_interest": False}), 409
    )
    assert api("member1", "get", url(evaluation)).get_json()["state"] == "scoring"  # no quorum: stays open
    assert state_of(evaluation.id) == before


def test_reading_an_evaluation_past_its_deadline_changes_nothing_until_the_tick(app, api, evals):
    """Closing due evaluations is the scheduled `tick` command's work, never a reader's."""
    evaluation = evals.project
    for who, values in ISSUE_SCORES.items():
        score(api, who, evaluation, values)
    db.session.get(Evaluation, evaluation.id).deadline = today_local() - timedelta(days=1)
    db.session.commit()
    before = state_of(evaluation.id)
    body = api("member1", "get", url(evaluation)).get_json()
    listed = api("member1", "get", "/api/v1/evaluations?mine=1").get_json()["items"]
    assert body["state"] == "scoring" and body["index"] == "83.3"
    assert {item["id"]: item["state"] for item in listed}[evaluation.id] == "scoring"
    assert state_of(evaluation.id) == before
    assert app.test_cli_runner().invoke(args=["tick"]).exit_code == 0
    body = api("member1", "get", url(evaluation)).get_json()
    listed = api("member1", "get", "/api/v1/evaluations?mine=1").get_json()["items"]
    assert body["state"] == "consolidation" and body["index"] == "83.3"
    assert {item["id"]: item["state"] for item in listed}[evaluation.id] == "consolidation"


# --- 8. audit -----------------------------------------------------------------------------------


def test_every_change_is_audited_with_before_and_after(api, evals):
    evaluation = evals.project
    for who, values in ISSUE_SCORES.items():
        score(api, who, evaluation, values)
    card = card_of(evaluation, "member1")
    actions = {"scorecard.declare", "scorecard.save", "scorecard.submit"}
    for action in actions:
        events = audit_events(action, "Scorecard", card.id)
        assert len(events) == 1, action
        assert events[0].before is not None and events[0].after is not None
        assert events[0].actor_id == user("member1").id
    declare = audit_events("scorecard.declare", "Scorecard", card.id)[0]
    assert (declare.before["conflict_of_interest"], declare.after["conflict_of_interest"]) == (None, False)
    submitted = audit_events("scorecard.submit", "Scorecard", card.id)[0]
    assert submitted.before["submitted_at"] is None and submitted.after["submitted_at"]

    response = api(
        "chair",
        "post",
        url(evaluation, f"/scorecards/{user('member1').id}/reopen"),
        json={"reason": "Опечатка в комментарии"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "draft" and response.get_json()["reopened_at"]
    reopen = audit_events("scorecard.reopen", "Scorecard", card.id)
    assert len(reopen) == 1 and reopen[0].actor_id == user("chair").id
    assert reopen[0].before["submitted_at"] and reopen[0].after["reason"] == "Опечатка в комментарии"

    score(api, "member1", evaluation, (4, 5, 3, 4, 3))
    assert len(audit_events("scorecard.submit", "Scorecard", card.id)) == 2
    assert api("chair", "post", url(evaluation, "/finalize"), json=finalize_payload()).status_code == 200
    final = audit_events("evaluation.finalize", "Evaluation", evaluation.id)
    assert len(final) == 1 and final[0].actor_id == user("chair").id
    assert (final[0].before["state"], final[0].after["state"]) == ("consolidation", "in_review")
    assert final[0].after["index"] == "82.0"  # means 4, 4.67, 3.67, 4.33, 4: 410 / 5


# --- 9. lot relevance: public needs -------------------------------------------------------------


def test_members_link_and_unlink_a_public_need_with_a_reason(api, evals):
    evaluation, need = evals.lot, evals.free_need
    body = api("member1", "get", url(evaluation)).get_json()
    assert body["kind"] == "lot" and body["subject"]["public_needs"] == []
    assert body["methodology"]["code"] == "lot_relevance"

    before = state_of(evaluation.id)
    assert (
        "reason"
        in assert_error(api("member1", "post", url(evaluation, "/needs"), json={"need_id": need.id}), 422)[
            "fields"
        ]
    )
    assert (
        "need_id"
        in assert_error(
            api("member1", "post", url(evaluation, "/needs"), json={"need_id": 2147483647, "reason": "x"}),
            422,
        )["fields"]
    )
    assert (
        "need_id"
        in assert_error(
            api("member1", "post", url(evaluation, "/needs"), json={"need_id": "1", "reason": "x"}), 422
        )["fields"]
    )
    assert_error(
        api("ministry", "post", url(evaluation, "/needs"), json={"need_id": need.id, "reason": "x"}), 403
    )
    assert_error(
        api("member1", "post", url(evals.project, "/needs"), json={"need_id": need.id, "reason": "x"}), 409
    )
    assert state_of(evaluation.id) == before

    reason = "Обращения граждан 2025 года подтверждают связь темы лота с этой потребностью."
    response = api("member1", "post", url(evaluation, "/needs"), json={"need_id": need.id, "reason": reason})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["public_needs"] == [{"id": need.id, "title": need.title, "reason": reason}]
    link = db.session.scalar(
        select(LotNeed).where(LotNeed.lot_id == evaluation.lot_id, LotNeed.need_id == need.id)
    )
    assert link is not None and link.reason == reason and link.linked_by_id == user("member1").id
    events = audit_events("lot.link_need", "Lot", evaluation.lot_id)
    assert (
        len(events) == 1
        and events[0].after["need_id"] == need.id
        and events[0].actor_id == user("member1").id
    )
    assert_error(
        api("member2", "post", url(evaluation, "/needs"), json={"need_id": need.id, "reason": "x"}), 409
    )

    assert_error(api("member2", "delete", url(evaluation, f"/needs/{need.id}")), 422)
    assert_error(api("member2", "delete", url(evaluation, "/needs/2147483647"), json={"reason": "x"}), 404)
    response = api(
        "member2",
        "delete",
        url(evaluation, f"/needs/{need.id}"),
        json={"reason": "Потребность уже закрыта другим лотом."},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["public_needs"] == []
    assert (
        db.session.scalar(
            select(LotNeed).where(LotNeed.lot_id == evaluation.lot_id, LotNeed.need_id == need.id)
        )
        is None
    )
    events = audit_events("lot.unlink_need", "Lot", evaluation.lot_id)
    assert len(events) == 1 and events[0].before == {"need_id": need.id, "reason": reason}
    assert events[0].after["reason"] == "Потребность уже закрыта другим лотом."
    assert_error(api("member2", "delete", url(evaluation, f"/needs/{need.id}"), json={"reason": "x"}), 409)


# --- the documented shapes ----------------------------------------------------------------------


def test_answers_match_the_openapi_document(client, api, evals):
    document = client.get("/api/v1/openapi.json").get_json()
    evaluation = evals.project
    assert conforms(document, "Evaluation", api("member1", "get", url(evaluation)).get_json()) == []
    card = api(
        "member1",
        "put",
        url(evaluation, "/scorecard"),
        json={"conflict_of_interest": False, "scores": scores_payload((4, 5, 3, 4, 4))},
    )
    assert conforms(document, "Scorecard", card.get_json()) == []
    for who in ("member1", "member2", "member3"):
        score(api, who, evaluation, ISSUE_SCORES[who])
    finalized = api("chair", "post", url(evaluation, "/finalize"), json=finalize_payload())
    assert conforms(document, "Evaluation", finalized.get_json()) == []
    assert conforms(document, "Evaluation", api("ministry", "get", url(evaluation)).get_json()) == []
    assert conforms(document, "Evaluation", api("member2", "get", url(evals.affiliated)).get_json()) == []
    assert conforms(document, "Evaluation", api("member1", "get", url(evals.lot)).get_json()) == []
    listing = api("member1", "get", "/api/v1/evaluations?mine=1").get_json()
    assert listing["items"] and conforms(document, "EvaluationPage", listing) == []
    linked = api(
        "member1", "post", url(evals.lot, "/needs"), json={"need_id": evals.free_need.id, "reason": "x"}
    )
    assert conforms(document, "LotNeeds", linked.get_json()) == []
    error = api("chair", "post", url(evals.affiliated, "/close-scoring"))
    assert error.status_code == 409 and conforms(document, "Error", error.get_json()) == []
