"""Issue 14, acceptance 3: the SQL queries of a request do not grow with the rows
(docs/performance.md#query-counts).

The bench data set (grants/seed/bench.py, bulk inserts) is loaded at about 10 and then at about 1,000
lots, projects and evaluations, on top of the demo; every request below is counted at both sizes (each
statement sent to the database, by an engine event), the cached figures emptied first so that the
count is a cold request's. A count at 1,000 above the count at 10 fails, naming the requests.
"""

from sqlalchemy import event, func, select

from grants.core import cache
from grants.extensions import db
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, SubjectKind
from grants.projects.models import Project
from grants.seed.bench import load_bench, load_bench_scores
from tests.helpers import email_of, login

# Requests held to the issue-14 bound of 8 statements even cold (docs/performance.md#query-counts); a
# signed-in request also loads its reader (one statement: the account with its roles and affiliations).
BOUNDS = {
    "lot page": 8,
    "project page": 8,
    "campaign page": 9,  # signed in
    "campaign results": 8,
    "needs coverage": 8,
    "analytics": 8,
    "analytics for a year": 8,
    "GET /api/v1/stats": 8,
    "analytics, signed in": 9,
}
SCORES_PER_EVALUATION = 25
# The savepoints each test runs in (tests/conftest.py): statements of the test, not of the request.
TEST_ISOLATION = (
    "SAVEPOINT",
    "RELEASE SAVEPOINT",
    "ROLLBACK TO SAVEPOINT",
)  # 5 members × 5 criteria (projects); lots have as many


def biggest(column, *where):
    """The value of column (a campaign, lot or project id) with the most published evaluations."""
    return db.session.scalar(
        select(column)
        .where(Evaluation.state == EvaluationState.published, column.is_not(None), *where)
        .group_by(column)
        .order_by(func.count(Evaluation.id).desc(), column)
        .limit(1)
    )


def requests_to_count() -> dict[str, tuple[str, bool]]:
    """name -> (URL, signed in as the administrator)."""
    campaign = biggest(Evaluation.campaign_id)
    lot = biggest(Evaluation.lot_id, Evaluation.kind == SubjectKind.lot)
    project = biggest(Evaluation.project_id)
    assert campaign and lot and project
    return {
        "home": ("/", False),
        "lot registry": ("/lots/", False),
        "lot page": (f"/lots/{lot}", False),
        "project page": (f"/projects/{project}", False),
        "GET /api/v1/lots": ("/api/v1/lots", False),
        "GET /api/v1/projects": ("/api/v1/projects", False),
        "campaign page": (f"/campaigns/{campaign}", True),
        "campaign results": (f"/results/{campaign}", False),
        "published results": ("/results", False),
        "analytics": ("/analytics/", False),
        "analytics for a year": ("/analytics/?year=2025", False),
        "analytics, signed in": ("/analytics/", True),
        "GET /api/v1/stats": ("/api/v1/stats?group_by=region", False),
        "needs coverage": ("/needs/coverage", False),
    }


def count_queries(app, admin) -> dict[str, int]:
    counted = [0]

    def count(_conn, _cursor, statement, *_args):
        if not statement.startswith(TEST_ISOLATION):
            counted[0] += 1

    engine = db.session.connection().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = {}
        for name, (url, signed_in) in requests_to_count().items():
            for figures in cache.all_caches:
                figures.clear()
            counted[0] = 0
            response = (admin if signed_in else app.test_client()).get(url)
            assert response.status_code == 200, (name, url, response.status_code)
            found[name] = counted[0]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return found


def grow_to(n: int) -> None:
    load_bench(n, n)
    projects = db.session.scalar(select(func.count(Project.id)))
    load_bench_scores(min(n, projects) * SCORES_PER_EVALUATION)
    db.session.commit()


def test_queries_per_request_do_not_grow_with_the_rows(app, client):
    login(client, email_of("admin"))
    grow_to(10)
    small = count_queries(app, client)
    grow_to(1000)
    assert db.session.scalar(select(func.count(Evaluation.id))) >= 800
    assert db.session.scalar(select(func.count(Campaign.id))) >= 10
    large = count_queries(app, client)
    grown = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    print("queries per request at 10 and 1,000 rows:", {n: (small[n], large[n]) for n in small})
    assert not grown, f"queries grow with the rows (at 10, at 1,000): {grown}"
    over = {name: (large[name], bound) for name, bound in BOUNDS.items() if large[name] > bound}
    assert not over, f"more statements than the bound on a cold request (counted, bound): {over}"
