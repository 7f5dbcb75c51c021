"""One rule, one answer: the operations check every rule and text limit, so the page, the API and a direct
call refuse the same input with the same status, code and field (grants/core/validation.py limits)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.audit.models import AuditEvent
from grants.core.errors import RuleViolation
from grants.core.validation import MAX_LONG_TEXT, MAX_REASON, MAX_TEXT
from grants.extensions import db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Campaign, EvaluationState, SubjectKind
from grants.reports import operations as reports
from grants.reports.models import ReviewDecision
from grants.scoring import operations as scoring
from grants.scoring.models import Score
from tests.api.evaluation_fixtures import build_campaign, user
from tests.conftest import DEMO_PASSWORD, login
from tests.monitoring import campaign_data, make_methodology, own_group
from tests.reports import consolidation, in_review, reload, scored


def bearer(client, who: str) -> dict:
    response = client.post(
        "/api/v1/auth/token", json={"email": f"{who}@example.kz", "password": DEMO_PASSWORD}
    )
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def audit_total() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def refused(call) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call()
    db.session.rollback()
    return caught.value


# --- declare a conflict of interest before scoring ----------------------------------------------------


def test_scoring_before_the_declaration_is_422_conflict_not_declared_at_every_door(app, client):
    evaluation = build_campaign().project
    db.session.commit()
    member = user("member1")
    codes = evaluation.methodology.codes
    scores = {codes[0]: {"score": 4, "comment": None}}
    with app.test_request_context("/?lang=en"):
        for call in (
            lambda: scoring.save_draft(evaluation, member, scores),
            lambda: scoring.submit(evaluation, member),
        ):
            exc = refused(call)
            assert (exc.status, exc.code) == (422, "conflict_not_declared")
            assert set(exc.fields) == {"conflict_of_interest"}

    answer = client.put(
        f"/api/v1/evaluations/{evaluation.id}/scorecard",
        json={"scores": scores},
        headers=bearer(client, "member1"),
    )
    assert answer.status_code == 422 and set(answer.get_json()["error"]["fields"]) == {"conflict_of_interest"}

    login(client, "member1@example.kz")
    page = client.post(
        f"/evaluations/{evaluation.id}/scorecard?lang=en",
        data={f"score_{codes[0]}": "4", "save": "1"},
        follow_redirects=True,
    )
    assert "Declare whether you have a conflict of interest before scoring." in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Score.id)).where(Score.scorecard_id.in_(
        [c.id for c in reload(evaluation).scorecards]
    ))) == 0  # fmt: skip


# --- text limits ------------------------------------------------------------------------------------


def test_text_limits_are_checked_by_the_scoring_operations(app):
    evaluation = build_campaign().project
    db.session.commit()
    member = user("member1")
    code = evaluation.methodology.codes[0]
    before = audit_total()
    with app.test_request_context("/?lang=en"):
        exc = refused(lambda: scoring.declare(evaluation, member, True, "x" * (MAX_TEXT + 1)))
        assert (exc.status, set(exc.fields)) == (422, {"conflict_note"})
        assert str(MAX_TEXT) in exc.fields["conflict_note"]
        scoring.declare(evaluation, member, False, "x" * MAX_TEXT)  # exactly the limit is fine
        scoring.declare(evaluation, user("member3"), False)
        db.session.commit()
        long = {code: {"score": 4, "comment": "x" * (MAX_TEXT + 1)}}
        exc = refused(lambda: scoring.save_draft(evaluation, member, long))
        assert (exc.status, set(exc.fields)) == (422, {f"scores.{code}.comment"})

        scored_evaluation = scored()
        card = scored_evaluation.scorecard_of(user("member1"))
        chair = user("chair")
        exc = refused(lambda: scoring.reopen(scored_evaluation, card, chair, "x" * (MAX_REASON + 1)))
        assert (exc.status, set(exc.fields)) == (422, {"reason"})
    assert reload(evaluation).scorecard_of(member).conflict_note == "x" * MAX_TEXT
    assert audit_total() > before  # the declarations within the limit were recorded


def test_consolidation_texts_over_the_limit_are_refused_by_page_api_and_operation(app, client):
    evaluation = scored()
    chair = user("chair")
    code = evaluation.methodology.codes[0]
    too_long_conclusion = consolidation(evaluation, conclusions={code: "x" * (MAX_TEXT + 1)})
    too_long_findings = consolidation(evaluation, findings="x" * (MAX_LONG_TEXT + 1))
    with app.test_request_context("/?lang=en"):
        workflow.close_scoring(evaluation, chair)
        db.session.commit()
        for payload, field in ((too_long_conclusion, f"conclusions.{code}"), (too_long_findings, "findings")):
            for operation in (workflow.save_consolidation, workflow.finalize):
                exc = refused(
                    lambda operation=operation, payload=payload: operation(evaluation, chair, payload)
                )
                assert (exc.status, set(exc.fields)) == (422, {field})
    state = reload(evaluation).state

    login(client, "chair@example.kz")
    form = {
        f"conclusion_{code}": "x" * (MAX_TEXT + 1),
        "findings": "Ф",
        "recommendations": "Р",
        "action": "save",
    }
    page = client.post(f"/evaluations/{evaluation.id}/consolidate?lang=en", data=form)
    assert page.status_code == 422
    client = app.test_client()
    answer = client.put(
        f"/api/v1/evaluations/{evaluation.id}/consolidation",
        json={"findings": "x" * (MAX_LONG_TEXT + 1)},
        headers=bearer(client, "chair"),
    )
    assert answer.status_code == 422 and "findings" in answer.get_json()["error"]["fields"]
    evaluation = reload(evaluation)
    assert evaluation.state == state and evaluation.findings is None
    assert all(c.conclusion is None for c in evaluation.conclusions)


def test_reopen_and_need_reasons_over_the_limit_are_refused_through_the_pages(app, client):
    evaluation = scored()
    with app.test_request_context("/"):
        workflow.close_scoring(evaluation, user("chair"))
    db.session.commit()
    card = evaluation.scorecard_of(user("member1"))
    login(client, "chair@example.kz")
    page = client.post(
        f"/evaluations/{evaluation.id}/scorecards/{card.id}/reopen?lang=en",
        data={"reason": "x" * (MAX_REASON + 1)},
        follow_redirects=True,
    )
    assert f"Must be at most {MAX_REASON} characters." in page.get_data(as_text=True)
    assert reload(evaluation).scorecard_of(user("member1")).reopened_at is None

    setup = build_campaign()
    with app.test_request_context("/?lang=en"):
        exc = refused(
            lambda: workflow.link_need(setup.lot, setup.free_need, user("chair"), "x" * (MAX_REASON + 1))
        )
    assert (exc.status, set(exc.fields)) == (422, {"reason"})


def test_a_review_comment_over_the_limit_is_refused_by_page_api_and_operation(app, client):
    evaluation = in_review()
    ministry = user("ministry")
    comment = "x" * (MAX_TEXT + 1)
    with app.test_request_context("/?lang=en"):
        exc = refused(lambda: reports.review(evaluation, ministry, "return", comment))
    assert (exc.status, set(exc.fields)) == (422, {"comment"})

    login(client, "ministry@example.kz")
    page = client.post(f"/reviews/{evaluation.id}?lang=en", data={"decision": "return", "comment": comment})
    assert page.status_code == 422 and f"Must be at most {MAX_TEXT} characters." in page.get_data(
        as_text=True
    )
    client = app.test_client()
    answer = client.post(
        f"/api/v1/evaluations/{evaluation.id}/review",
        json={"decision": "return", "comment": comment},
        headers=bearer(client, "ministry"),
    )
    assert answer.status_code == 422 and "comment" in answer.get_json()["error"]["fields"]
    assert reload(evaluation).state == EvaluationState.in_review
    assert (
        db.session.scalar(
            select(func.count(ReviewDecision.id)).where(ReviewDecision.evaluation_id == evaluation.id)
        )
        == 0
    )


# --- campaign rules that only the page form knew ----------------------------------------------------


@pytest.mark.parametrize(
    "change, field",
    [
        ({"review_deadline": "before scoring"}, "review_deadline"),
        ({"reply_window_days": 0}, "reply_window_days"),
        ({"reply_window_days": 61}, "reply_window_days"),
        ({"project_methodology_id": None, "lot_methodology_id": None}, "lot_methodology_id"),
        ({"groups": []}, "groups"),
        ({"project_methodology_id": "superseded"}, "project_methodology_id"),
    ],
)
def test_campaign_rules_are_the_operations(app, change, field):
    data = campaign_data()
    if change.get("review_deadline") == "before scoring":
        change = {"review_deadline": data["scoring_deadline"] - timedelta(days=1)}
    if change.get("project_methodology_id") == "superseded":
        old = make_methodology(SubjectKind.project, code="superseded_rubric")
        old.active = False
        db.session.flush()
        change = {"project_methodology_id": old.id}
    groups = change.pop("groups", [own_group().id])
    data.update(change)
    with app.test_request_context("/?lang=en"):
        exc = refused(lambda: workflow.save_campaign(Campaign(), data, groups, user("ministry")))
    assert (exc.status, set(exc.fields)) == (422, {field})
