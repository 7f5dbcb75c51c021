"""Reads never write; `flask --app grants tick` closes scoring after the deadline (issue 10, acceptance 4).

After the deadline, with the quorum met, nothing changes until the tick runs: every reading page
and API of the evaluation executes no INSERT, UPDATE or DELETE and commits nothing (no audit
event, no scorecard created for a member who only looked). The tick then closes the due
evaluation (not the one without a quorum), once, and every list shows the same state.
"""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from grants.audit.models import AuditEvent
from grants.core.errors import today_local
from grants.monitoring.models import EvaluationState
from grants.scoring import operations as scoring
from grants.scoring.models import Scorecard
from tests.api.evaluation_fixtures import build_campaign, user
from tests.conftest import login

SCORES = {"member1": 4, "member2": 5, "member3": 3}
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def due(app, db):
    """A running campaign whose project evaluation has its quorum and whose lot evaluation has no
    scorecard at all; both deadlines passed yesterday."""
    setup = build_campaign()
    project = setup.project
    for who, score in SCORES.items():
        member = user(who)
        scoring.declare(project, member, False)
        codes = project.methodology.codes
        scoring.save_draft(project, member, {c: {"score": score, "comment": "Проверено"} for c in codes})
        scoring.submit(project, member)
    for evaluation in (setup.project, setup.lot):
        evaluation.deadline = today_local() - timedelta(days=1)
    db.session.commit()
    return setup


@contextmanager
def recorded_writes(db):
    """Every data-changing statement sent on the test's connection, and every session commit."""
    statements, commits = [], []
    connection = db.engines[None]  # the test's connection (tests/conftest.py)

    def on_execute(_conn, _cursor, statement, _params, _context, _many):
        if statement.lstrip().split(None, 1)[0].upper() in WRITES:
            statements.append(statement)

    def on_commit(session):
        commits.append(session)

    event.listen(connection, "before_cursor_execute", on_execute)
    event.listen(Session, "after_commit", on_commit)
    try:
        yield statements, commits
    finally:
        event.remove(connection, "before_cursor_execute", on_execute)
        event.remove(Session, "after_commit", on_commit)


def counts(db) -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
        db.session.scalar(select(func.count()).select_from(Scorecard)),
    )


def titles(app) -> tuple[str, str]:
    """The English titles of the scoring and consolidation states, as the pages print them."""
    with app.test_request_context("/?lang=en"):
        return str(EvaluationState.scoring.title), str(EvaluationState.consolidation.title)


def row_of(page: str, evaluation_id: int) -> str:
    """The table row of a list page that links to the evaluation."""
    rows = [
        r for r in re.findall(r"<tr[\s>].*?</tr>", page, re.S) if f'href="/evaluations/{evaluation_id}"' in r
    ]
    assert len(rows) == 1, f"evaluation {evaluation_id} is listed {len(rows)} times"
    return rows[0]


def reading_requests(setup) -> list[tuple[str, str, dict]]:
    """(who, url, headers) for every page and API that reads the evaluations."""
    project, lot, campaign = setup.project, setup.lot, setup.campaign
    pages = [
        ("member1@example.kz", "/evaluations/"),
        ("member1@example.kz", f"/evaluations/{project.id}"),
        ("member1@example.kz", f"/evaluations/{lot.id}"),  # member1 has no scorecard here: none is created
        ("chair@example.kz", f"/evaluations/{project.id}"),
        ("chair@example.kz", f"/evaluations/{lot.id}"),
        ("chair@example.kz", f"/evaluations/{project.id}/consolidate"),
        ("ministry@example.kz", f"/campaigns/{campaign.id}"),
        ("ministry@example.kz", "/reviews/"),
        ("ministry@example.kz", f"/evaluations/{project.id}"),
    ]
    api = [
        (who, url)
        for who in ("member1", "chair", "ministry")
        for url in (
            "/api/v1/evaluations",
            "/api/v1/evaluations?mine=1",
            f"/api/v1/evaluations/{project.id}",
            f"/api/v1/evaluations/{lot.id}",
        )
    ]
    return [(who, url, {}) for who, url in pages] + [(who, url, {"api": True}) for who, url in api]


def test_reads_after_the_deadline_write_nothing_and_the_tick_closes_the_due_evaluation(
    app, db, due, api_token
):
    project, lot, campaign = due.project, due.lot, due.campaign
    clients, tokens = {}, {}
    for who in ("member1@example.kz", "chair@example.kz", "ministry@example.kz"):
        clients[who] = app.test_client()
        login(clients[who], who)
    for who in ("member1", "chair", "ministry"):
        tokens[who] = api_token(who)
    assert user("member1").id not in {card.member_id for card in lot.scorecards}
    before = counts(db)

    def read_everything() -> dict[str, int]:
        answers = {}
        for who, url, how in reading_requests(due):
            if how:
                response = app.test_client().get(url, headers={"Authorization": f"Bearer {tokens[who]}"})
            else:
                response = clients[who].get(f"{url}?lang=en" if "?" not in url else f"{url}&lang=en")
            answers[f"{who} {url}"] = response.status_code
        return answers

    with recorded_writes(db) as (statements, commits):
        answers = read_everything()
    assert set(answers.values()) == {200}, answers
    assert statements == [], statements
    assert commits == []
    assert counts(db) == before  # no audit event, no scorecard
    db.session.expire_all()
    assert (project.state, lot.state) == (EvaluationState.scoring, EvaluationState.scoring)

    # The pages still say "scoring" after the deadline, all of them: nothing closes on reading.
    member_queue = clients["member1@example.kz"].get("/evaluations/?lang=en").get_data(as_text=True)
    scoring_title, consolidation = titles(app)
    assert scoring_title in row_of(member_queue, project.id)

    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert f"Closed scoring of 1 evaluation(s): {project.id}." in result.output
    db.session.expire_all()
    assert project.state == EvaluationState.consolidation and project.scoring_closed_at is not None
    assert lot.state == EvaluationState.scoring  # past its deadline too, but without a quorum
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "evaluation.close_scoring", AuditEvent.object_id == project.id
        )
    ).all()
    assert [(e.actor_id, e.after["automatic"]) for e in events] == [(None, True)]

    again = app.test_cli_runner().invoke(args=["tick"])
    assert again.exit_code == 0 and "Closed scoring of 0 evaluation(s)." in again.output
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "evaluation.close_scoring", AuditEvent.object_id == project.id)
        )
        == 1
    )

    # Every list agrees: the campaign page, the member's queue, the API; the review queue does not
    # list it as waiting (it is in consolidation, not in review).
    campaign_page = (
        clients["ministry@example.kz"].get(f"/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    )
    member_queue = clients["member1@example.kz"].get("/evaluations/?lang=en").get_data(as_text=True)
    for page in (campaign_page, member_queue):
        assert consolidation in row_of(page, project.id) and scoring_title not in row_of(page, project.id)
        assert scoring_title in row_of(page, lot.id)
    reviews = clients["ministry@example.kz"].get("/reviews/?lang=en").get_data(as_text=True)
    assert f'data-evaluation="{project.id}"' not in reviews
    for who in ("member1", "ministry"):
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        detail = app.test_client().get(f"/api/v1/evaluations/{project.id}", headers=headers).get_json()
        assert detail["state"] == "consolidation"
        listed = (
            app.test_client().get(f"/api/v1/evaluations?campaign={campaign.id}", headers=headers).get_json()
        )
        assert {item["id"]: item["state"] for item in listed["items"]}[project.id] == "consolidation"


def test_send_reminders_closes_what_is_due_before_reminding(app, db, due):
    result = app.test_cli_runner().invoke(args=["send-reminders", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "Closed scoring of 1 evaluation(s) past their deadline." in result.output
    db.session.expire_all()
    assert due.project.state == EvaluationState.consolidation
