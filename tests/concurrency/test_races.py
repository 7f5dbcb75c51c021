"""Two people pressing the same button at the same moment get one result and 409s (docs/concurrency.md).

Each test serves a fresh copy of the seeded demo database (SQLite, or PostgreSQL with
TEST_DATABASE_URL) with werkzeug's threaded server, and sends real HTTP requests from threads
released together. Afterwards the database must hold exactly one result per transition and the
audit chain must verify.
"""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.audit.cli import verify_chain
from grants.audit.models import AuditEvent
from grants.core.errors import today_local
from grants.extensions import db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Evaluation, EvaluationState
from grants.monitoring.tick import tick
from grants.notifications.models import OutboxMessage
from grants.reports import operations as reports
from grants.reports.models import Report, ReportKind, ReviewDecision
from grants.scoring import operations as scoring
from grants.scoring.models import Score, Scorecard
from tests import live
from tests.api.evaluation_fixtures import PROJECT_CODES, build_campaign, user

SCORES = {"relevance": 4, "plan_execution": 3, "result": 4, "sustainability": 3, "social_effect": 4}


def consolidation_payload() -> dict:
    return {
        "conclusions": {code: f"Conclusion on {code}." for code in PROJECT_CODES},
        "consensus_notes": {},
        "findings": "Findings of the group.",
        "recommendations": "Recommendations of the group.",
    }


def score_as(evaluation: Evaluation, who: str, values: dict = SCORES) -> None:
    member = user(who)
    scoring.declare(evaluation, member, False)
    scoring.save_draft(
        evaluation, member, {code: {"score": v, "comment": None} for code, v in values.items()}
    )
    scoring.submit(evaluation, member)


@pytest.fixture
def served(live_url):
    """(base_url, app, run): the live server, its app and run(fn) calling fn inside its app context."""
    app = live.build_app(live_url)
    with live.serve(app) as base_url:
        yield base_url, app, live.in_app(app)


def prepared(run, scorers=("member1", "member2", "member3"), state: str = "scoring") -> int:
    """The id of the demo NGO's project evaluation in a new campaign, scored by `scorers`, taken to `state`."""

    def build():
        setup = build_campaign()
        evaluation = setup.project
        for who in scorers:
            score_as(evaluation, who)
        chair, ministry = user("chair"), user("ministry")
        if state in ("in_review", "accepted"):
            workflow.finalize(evaluation, chair, consolidation_payload())
        if state == "accepted":
            reports.review(evaluation, ministry, "accept", None)
        db.session.commit()
        return evaluation.id

    return run(build)


GROUP_ONE = ("member1@example.kz", "member2@example.kz", "member3@example.kz", "chair@example.kz")


def group_sessions(base_url: str) -> tuple[tuple[str, ...], list]:
    """Bearer sessions of the four scorers of demo group 1 (the chair scores too)."""
    return GROUP_ONE, [live.api_session(base_url, email) for email in GROUP_ONE]


def statuses(responses) -> Counter:
    return Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)


def audit_actions(evaluation_id: int, action: str):
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.object_type == "Evaluation",
            AuditEvent.object_id == evaluation_id,
            AuditEvent.action == action,
        )
    )


def assert_audit_chain_valid(run) -> None:
    count, problems = run(verify_chain)
    assert problems == [], problems
    assert count > 0


def test_ten_concurrent_finalizes_give_one_result(served):
    base_url, app, run = served
    evaluation_id = prepared(run)
    chair = live.api_session(base_url, "chair@example.kz")
    url = f"{base_url}/api/v1/evaluations/{evaluation_id}/finalize"

    responses = live.release_together(
        10, lambda _i: chair.post(url, json=consolidation_payload(), timeout=120)
    )

    codes = statuses(responses)
    assert codes[200] == 1, codes
    assert codes[409] == 9, codes
    for response in responses:
        if response.status_code == 409:
            assert set(response.json()["error"]) == {"code", "message", "fields"}

    def check():
        evaluation = db.session.get(Evaluation, evaluation_id)
        assert evaluation.state == EvaluationState.in_review
        assert audit_actions(evaluation_id, "evaluation.finalize") == 1
        assert audit_actions(evaluation_id, "evaluation.close_scoring") == 1
        drafts = db.session.scalars(
            select(Report).where(Report.evaluation_id == evaluation_id, Report.kind == ReportKind.draft)
        ).all()
        assert {r.version for r in drafts} == {1}
        assert len(drafts) == len(app.config["REPORT_LANGUAGES"])

    run(check)
    assert_audit_chain_valid(run)


def test_accepts_racing_returns_give_one_decision(served):
    base_url, _app, run = served
    evaluation_id = prepared(run, state="in_review")
    ministry = live.api_session(base_url, "ministry@example.kz")
    url = f"{base_url}/api/v1/evaluations/{evaluation_id}/review"

    def decide(i: int):
        body = (
            {"decision": "accept"} if i % 2 == 0 else {"decision": "return", "comment": f"Revise point {i}."}
        )
        return ministry.post(url, json=body, timeout=120)

    responses = live.release_together(10, decide)

    codes = statuses(responses)
    assert codes[200] == 1, codes
    assert codes[409] == 9, codes
    winner = next(r for r in responses if r.status_code == 200)

    def check():
        evaluation = db.session.get(Evaluation, evaluation_id)
        decisions = db.session.scalars(
            select(ReviewDecision).where(ReviewDecision.evaluation_id == evaluation_id)
        ).all()
        assert len(decisions) == 1
        finals = db.session.scalars(
            select(Report).where(Report.evaluation_id == evaluation_id, Report.kind == ReportKind.final)
        ).all()
        returned_mails = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.object_id == evaluation_id, OutboxMessage.kind.like("%return%"))
        )
        if decisions[0].decision == "accept":
            assert evaluation.state == EvaluationState.accepted
            assert len({r.version for r in finals}) == 1
            assert returned_mails == 0
        else:
            assert evaluation.state == EvaluationState.returned
            assert finals == []
            assert returned_mails == 1  # the chair, once
        assert winner.json()["state"] == evaluation.state.value

    run(check)
    assert_audit_chain_valid(run)


def test_ten_concurrent_publishes_give_one_publication(served):
    base_url, _app, run = served
    evaluation_id = prepared(run, state="accepted")
    ministry = live.api_session(base_url, "ministry@example.kz")
    url = f"{base_url}/api/v1/evaluations/{evaluation_id}/publish"

    responses = live.release_together(10, lambda _i: ministry.post(url, timeout=120))

    codes = statuses(responses)
    assert codes[200] == 1, codes
    assert codes[409] == 9, codes

    def check():
        assert db.session.get(Evaluation, evaluation_id).state == EvaluationState.published
        assert audit_actions(evaluation_id, "evaluation.publish") == 1
        mails = db.session.execute(
            select(OutboxMessage.kind, OutboxMessage.recipient_email).where(
                OutboxMessage.object_id == evaluation_id
            )
        ).all()
        published = [m for m in mails if "publish" in m.kind]
        assert published, "publication mails were not queued"
        assert len(published) == len(set(published)), f"duplicate mails: {published}"

    run(check)
    assert_audit_chain_valid(run)


def test_twenty_concurrent_first_saves_never_fail(served):
    """The same member's first save sent 20 times at once (double clicks, retries): one scorecard, no 5xx."""
    base_url, _app, run = served
    evaluation_id = prepared(run, scorers=())
    member = live.api_session(base_url, "member1@example.kz")
    url = f"{base_url}/api/v1/evaluations/{evaluation_id}/scorecard"

    def save(i: int):
        scores = {
            code: {"score": 1 + (i + n) % 4, "comment": f"Comment {i}."}
            for n, code in enumerate(PROJECT_CODES)
        }
        return member.put(url, json={"conflict_of_interest": False, "scores": scores}, timeout=120)

    responses = live.release_together(20, save)

    codes = statuses(responses)
    assert all(isinstance(code, int) and code < 500 for code in codes), codes
    assert codes[200] >= 1, codes

    def check():
        cards = db.session.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluation_id)).all()
        assert len(cards) == 1
        rows = db.session.execute(select(Score.criterion_code).where(Score.scorecard_id == cards[0].id)).all()
        assert sorted(code for (code,) in rows) == sorted(PROJECT_CODES)

    run(check)
    assert_audit_chain_valid(run)


def test_members_saving_at_once_all_succeed(served):
    """Three members save and submit at the same moment: every request succeeds and every score is stored once."""
    base_url, _app, run = served
    evaluation_id = prepared(run, scorers=())
    members, sessions = group_sessions(base_url)
    url = f"{base_url}/api/v1/evaluations/{evaluation_id}/scorecard"
    body = {"conflict_of_interest": False, "scores": {code: {"score": v} for code, v in SCORES.items()}}

    def save_and_submit(i: int):
        first = sessions[i % len(sessions)].put(url, json=body, timeout=120)
        if first.status_code != 200:
            return first
        return sessions[i % len(sessions)].post(f"{url}/submit", timeout=120)

    responses = live.release_together(len(sessions), save_and_submit)

    codes = statuses(responses)
    # member2 is affiliated with the NGO of another project only, so every member may score this one.
    assert codes == Counter({200: len(sessions)}), [(r.status_code, r.text[:200]) for r in responses]

    def check():
        cards = db.session.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluation_id)).all()
        assert len(cards) == len(sessions)
        assert all(card.submitted_at is not None for card in cards)
        stored = db.session.scalar(
            select(func.count())
            .select_from(Score)
            .join(Scorecard)
            .where(Scorecard.evaluation_id == evaluation_id)
        )
        assert stored == len(sessions) * len(PROJECT_CODES)

    run(check)
    assert_audit_chain_valid(run)


def test_finalize_racing_the_last_submit_stores_a_consistent_index(served):
    """The index the chair fixes is computed from exactly the scorecards counted as submitted."""
    base_url, _app, run = served
    evaluation_id = prepared(run, scorers=("member1", "member2", "member3"))

    def draft_fourth():
        evaluation = db.session.get(Evaluation, evaluation_id)
        member = user("chair")
        scoring.declare(evaluation, member, False)
        scoring.save_draft(evaluation, member, {code: {"score": 2} for code in PROJECT_CODES})
        db.session.commit()

    run(draft_fourth)
    chair = live.api_session(base_url, "chair@example.kz")
    base = f"{base_url}/api/v1/evaluations/{evaluation_id}"

    def act(i: int):
        if i == 0:
            return chair.post(f"{base}/scorecard/submit", timeout=120)
        return chair.post(f"{base}/finalize", json=consolidation_payload(), timeout=120)

    responses = live.release_together(2, act)
    assert all(r.status_code in (200, 409) for r in responses), [
        (r.status_code, r.text[:200]) for r in responses
    ]
    assert responses[1].status_code == 200, responses[1].text

    def check():
        from grants.monitoring.results import evaluation_result

        evaluation = db.session.get(Evaluation, evaluation_id)
        submitted = [c for c in evaluation.scorecards if c.submitted_at is not None and not c.recused]
        assert len(submitted) in (3, 4)
        assert (responses[0].status_code == 200) == (len(submitted) == 4)
        assert evaluation.index_value == evaluation_result(evaluation).index

    run(check)
    assert_audit_chain_valid(run)


def test_forty_concurrent_saves_never_fail(served):
    """Four members save forty drafts at once (the default SQLite set-up used to answer "database is locked")."""
    base_url, _app, run = served
    evaluation_id = prepared(run, scorers=())
    members, sessions = group_sessions(base_url)
    url = f"{base_url}/api/v1/evaluations/{evaluation_id}/scorecard"

    def save(i: int):
        scores = {code: {"score": 2 + (i + n) % 3} for n, code in enumerate(PROJECT_CODES)}
        return sessions[i % len(sessions)].put(
            url, json={"conflict_of_interest": False, "scores": scores}, timeout=120
        )

    responses = live.release_together(40, save)

    codes = statuses(responses)
    assert codes == Counter({200: 40}), [
        (r.status_code, r.text[:200]) for r in responses if r.status_code != 200
    ]

    def check():
        stored = db.session.scalar(
            select(func.count())
            .select_from(Score)
            .join(Scorecard)
            .where(Scorecard.evaluation_id == evaluation_id)
        )
        assert stored == len(members) * len(PROJECT_CODES)

    run(check)
    assert_audit_chain_valid(run)


def test_ten_concurrent_closes_give_one_close(served):
    base_url, _app, run = served
    evaluation_id = prepared(run)
    chair = live.api_session(base_url, "chair@example.kz")
    url = f"{base_url}/api/v1/evaluations/{evaluation_id}/close-scoring"

    responses = live.release_together(10, lambda _i: chair.post(url, timeout=120))

    codes = statuses(responses)
    assert codes[200] == 1 and codes[409] == 9, codes
    run(lambda: assert_one(audit_actions(evaluation_id, "evaluation.close_scoring")))
    assert_audit_chain_valid(run)


def assert_one(value) -> None:
    assert value == 1, value


def test_concurrent_rulings_on_one_reply_give_one_ruling(served):
    """The chair's accept and reject of the same NGO reply, five of each at once: one ruling, one report version."""
    base_url, _app, run = served

    def published_project():
        evaluation = db.session.scalar(
            select(Evaluation)
            .where(Evaluation.state == EvaluationState.published, Evaluation.project_id.is_not(None))
            .order_by(Evaluation.id)
        )
        assert evaluation is not None, "the demo has no published project evaluation"
        return evaluation.id

    evaluation_id = run(published_project)
    ngo = live.api_session(base_url, "ngo@example.kz")
    reply = ngo.post(
        f"{base_url}/api/v1/evaluations/{evaluation_id}/replies",
        json={"criterion": "result", "text": "The results were reached; see the attached acts."},
        timeout=60,
    )
    assert reply.status_code in (200, 201), reply.text
    reply_id = reply.json()["id"]
    versions_before = run(
        lambda: db.session.scalar(
            select(func.max(Report.version)).where(Report.evaluation_id == evaluation_id)
        )
    )
    chair = live.api_session(base_url, "chair@example.kz")
    url = f"{base_url}/api/v1/replies/{reply_id}/ruling"

    def rule(i: int):
        body = (
            {"decision": "accepted"}
            if i % 2 == 0
            else {"decision": "rejected", "reason": f"Not shown ({i})."}
        )
        return chair.post(url, json=body, timeout=120)

    responses = live.release_together(10, rule)

    codes = statuses(responses)
    assert codes[200] == 1 and codes[409] == 9, codes

    def check():
        rulings = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "reply.rule", AuditEvent.object_id == reply_id)
        )
        assert rulings == 1
        versions = db.session.scalar(
            select(func.max(Report.version)).where(Report.evaluation_id == evaluation_id)
        )
        assert versions == versions_before + 1  # one new version prints the ruling

    run(check)
    assert_audit_chain_valid(run)


def test_ticks_closing_a_due_evaluation_together_close_it_once(served):
    """Past the deadline, readers close nothing; ticks run at once (cron and the RQ scheduler
    overlapping) close the evaluation once, with one audit event, and no request answers 5xx."""
    base_url, _app, run = served
    evaluation_id = prepared(run)

    def past_deadline():
        evaluation = db.session.get(Evaluation, evaluation_id)
        evaluation.deadline = today_local() - timedelta(days=1)
        db.session.commit()

    run(past_deadline)
    _members, sessions = group_sessions(base_url)
    web = live.web_session(base_url, "member1@example.kz")
    urls = [f"{base_url}/api/v1/evaluations/{evaluation_id}", f"{base_url}/api/v1/evaluations"]

    def read_or_tick(i: int):
        if i % 2:
            return run(tick)
        if i % 4 == 0:
            return web.get(f"{base_url}/evaluations/{evaluation_id}", timeout=120)
        return sessions[i % len(sessions)].get(urls[i % 3 % 2], timeout=120)

    results = live.release_together(12, read_or_tick)

    responses = [r for i, r in enumerate(results) if not i % 2]
    assert statuses(responses) == Counter({200: 6}), [
        (getattr(r, "status_code", r), str(r)[:200]) for r in responses
    ]
    ticks = [r for i, r in enumerate(results) if i % 2]
    assert all(isinstance(t, dict) for t in ticks), ticks
    assert sorted(t["closed"] for t in ticks) == [[]] * 5 + [[evaluation_id]]

    def check():
        assert db.session.get(Evaluation, evaluation_id).state == EvaluationState.consolidation
        assert audit_actions(evaluation_id, "evaluation.close_scoring") == 1

    run(check)
    assert_audit_chain_valid(run)


def test_members_opening_an_evaluation_while_others_save(served):
    """Opening an evaluation creates nothing (a GET never writes); each member's concurrent first
    saves create one scorecard, and readers meanwhile never fail."""
    base_url, _app, run = served
    evaluation_id = prepared(run, scorers=())
    members, sessions = group_sessions(base_url)
    url = f"{base_url}/api/v1/evaluations/{evaluation_id}"

    def act(i: int):
        session = sessions[i % len(sessions)]
        if i % 2:
            return session.get(url, timeout=120)
        scores = {code: {"score": 3} for code in PROJECT_CODES}
        return session.put(
            f"{url}/scorecard", json={"conflict_of_interest": False, "scores": scores}, timeout=120
        )

    responses = live.release_together(24, act)

    codes = statuses(responses)
    assert codes == Counter({200: 24}), [
        (r.status_code, r.text[:200]) for r in responses if r.status_code != 200
    ]
    savers = {i % len(sessions) for i in range(24) if not i % 2}
    run(lambda: assert_one_card_each(evaluation_id, len(savers)))


def assert_one_card_each(evaluation_id: int, count: int) -> None:
    cards = db.session.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluation_id)).all()
    assert len(cards) == count and len({c.member_id for c in cards}) == count
