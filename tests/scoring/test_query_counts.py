"""The member's queue and the chair's consolidation page read a fixed number of SQL queries whatever
the number of evaluations, scorecards, scores and evidence (docs/performance.md#queues-and-consolidation)."""

import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, select

from grants.accounts.models import User
from grants.extensions import db as _db
from grants.lots.models import Lot
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.scoring.models import Evidence, EvidenceKind, Score, Scorecard, SiteVisit
from tests.helpers import login, user
from tests.scoring.test_evaluation_pages import CODES, demo_evaluation

LIMIT = 8  # docs/performance.md#queues-and-consolidation


@contextmanager
def counted():
    """The statements the database runs inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def get(client, url: str) -> tuple[str, int]:
    _db.session.expire_all()
    with counted() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True), len(statements)


def card(evaluation: Evaluation, member: User, submitted: bool, scores: bool = True) -> Scorecard:
    row = Scorecard(
        evaluation=evaluation,
        member_id=member.id,
        conflict_of_interest=False,
        declared_at=datetime.now(UTC),
        submitted_at=datetime.now(UTC) if submitted else None,
    )
    if scores:
        row.scores = [Score(criterion_code=c, score=3 + i % 3, comment=f"c{i}") for i, c in enumerate(CODES)]
    _db.session.add(row)
    return row


def more_evaluations(like: Evaluation, n: int, member: User) -> None:
    """n evaluations of the group of like, each on its own lot, every other with member's scorecard."""
    lots = _db.session.scalars(select(Lot).where(Lot.id != like.lot_id).order_by(Lot.id).limit(n)).all()
    assert len(lots) >= min(n, 10), "the demo data set has too few lots"
    states = (EvaluationState.scoring, EvaluationState.consolidation, EvaluationState.published)
    for i in range(n):
        lot = lots[i % len(lots)]
        evaluation = Evaluation(
            subject_key=f"count:{i}",
            campaign_id=like.campaign_id,
            group_id=like.group_id,
            kind=SubjectKind.lot,
            lot_id=lot.id,
            methodology_id=like.methodology_id,
            state=states[i % len(states)],
            deadline=date.today() + timedelta(days=i % 40),
        )
        _db.session.add(evaluation)
        if i % 2:
            card(evaluation, member, submitted=bool(i % 4 == 1))
    _db.session.flush()


def test_the_member_queue_reads_as_many_queries_for_many_evaluations_as_for_few(app, db):
    client = app.test_client()
    login(client, "member1@example.kz")
    member, like = user("member1"), demo_evaluation(db, SubjectKind.project)
    few_page, few = get(client, "/evaluations/?lang=en")
    more_evaluations(like, 120, member)
    many_page, many = get(client, "/evaluations/?lang=en")
    assert many == few <= LIMIT, (few, many)

    # A page holds at most 50 rows, open work first; the count says how many match in all.
    rows = re.findall(r'data-part="(\w+)"', many_page)
    total = len(re.findall(r'data-part="(\w+)"', few_page)) + 120
    assert len(rows) == 50 and rows == sorted(rows, key=("todo", "submitted", "finished").index)
    assert f"Shown: {total} of {total}" in many_page
    assert "?lang=en&amp;page=2" in many_page or "page=2" in many_page
    seen = set()
    for n in range(1, 5):
        page, queries = get(client, f"/evaluations/?lang=en&page={n}")
        assert queries <= few  # a page past the end loads no evaluation
        seen |= set(re.findall(r'data-evaluation="(\d+)"', page))
    assert len(seen) == total  # every evaluation on exactly one of the pages
    todo, queries = get(client, "/evaluations/?state=todo&lang=en")
    assert queries == few and set(re.findall(r'data-part="(\w+)"', todo)) == {"todo"}


def test_the_consolidation_page_reads_as_many_queries_for_many_scorecards_as_for_few(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    evaluation.state = EvaluationState.consolidation
    evaluation.scores_revealed_at = datetime.now(UTC)
    members = _db.session.scalars(select(User).order_by(User.id)).all()
    first = card(evaluation, members[0], submitted=True)
    _db.session.flush()
    for who in (first, None):  # evidence on the scorecard and a site visit with a photo
        visit = None
        if who is None:
            visit = SiteVisit(
                evaluation=evaluation,
                member_id=members[0].id,
                visit_date=date.today(),
                place="Астана",
                observations="Seen",
            )
            _db.session.add(visit)
        _db.session.add(
            Evidence(
                kind=EvidenceKind.link,
                url="https://example.kz/a",
                scorecard=who,
                site_visit=visit,
                uploaded_by_id=members[0].id,
            )
        )
    _db.session.flush()
    client = app.test_client()
    login(client, "chair@example.kz")
    url = f"/evaluations/{evaluation.id}/consolidate?lang=en"
    few_page, few = get(client, url)
    assert "data-side-by-side" in few_page

    more_evaluations(evaluation, 40, members[1])  # other evaluations, scorecards and scores
    cards = [card(evaluation, m, submitted=i % 3 != 0) for i, m in enumerate(members[1:12])]
    _db.session.flush()
    for i, c in enumerate(cards):  # evidence and visits by other members
        visit = SiteVisit(
            evaluation=evaluation,
            member_id=c.member_id,
            visit_date=date.today(),
            place=f"Place {i}",
            observations="Seen",
        )
        _db.session.add(visit)
        for where in ({"scorecard": c}, {"site_visit": visit}):
            _db.session.add(
                Evidence(
                    kind=EvidenceKind.link,
                    url=f"https://example.kz/{i}",
                    uploaded_by_id=c.member_id,
                    **where,
                )
            )
    _db.session.flush()
    many_page, many = get(client, url)
    assert many == few, (few, many)
    counted_cards = 1 + sum(1 for c in cards if c.submitted_at)
    assert many_page.count('<th class="text-center">') == counted_cards  # every counted card shown
    assert f"Scorecards submitted: {counted_cards};" in many_page
