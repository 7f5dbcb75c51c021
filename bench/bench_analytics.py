"""`make bench-analytics` (also run by `make bench`): the statistics API and the analytics dashboard on
the `seed-bench` data set, each against its floor (docs/analytics.md#performance).

The database (--database-url, or BENCH_DATABASE_URL; default a SQLite file under instance/) is
migrated and filled by seed-bench (idempotent: a second run adds nothing; --no-seed skips it). Then,
through the Flask test client in this process, every request is sent once to warm up and N times
timed; one JSON line per measurement is printed:
  name, median_ms, p95_ms (nearest rank), queries (SQL statements of one request, counted with a
  SQLAlchemy event listener), floor_ms (the same JSON body, or the same template rendered from the
  context captured from the real request, answered by a bare route of the same app) and ratio
  (median / floor). The dashboard is measured once its page is more than the placeholder (it has a
  table or a chart).
"""

import argparse
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

from bench_pages import QueryCounter, nearest_rank  # run as a script: bench/ is on sys.path
from flask import Response, render_template, template_rendered
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from grants import create_app
from grants.extensions import db
from grants.lots.models import Lot
from grants.scoring.models import Score
from grants.seed.bench import BENCH_PREFIX, BENCH_YEARS, analyze, load_bench, load_bench_scores

ROOT = Path(__file__).resolve().parent.parent
N = 15
GROUPS = ("region", "administrator", "sphere")
# Template variables Flask and the extensions put in every context: the floor route gets its own.
OWN_CONTEXT = {"g", "request", "session", "config", "current_user", "csrf_token"}


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of url if it does not exist yet (SQLite creates its file)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def seed(args) -> None:
    started = time.perf_counter()
    upgrade(directory=str(ROOT / "migrations"))
    counts = load_bench(args.lots, args.projects)
    counts |= load_bench_scores(args.scores)
    db.session.commit()
    analyze()
    db.session.commit()
    added = ", ".join(f"{name} {n}" for name, n in counts.items())
    print(f"# seed-bench: {added} added in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def timed(client, url: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{ROOT / 'instance' / 'bench-analytics.sqlite3'}",
    )
    parser.add_argument("--lots", type=int, default=int(os.environ.get("BENCH_LOTS", 20000)))
    parser.add_argument("--projects", type=int, default=int(os.environ.get("BENCH_PROJECTS", 15000)))
    parser.add_argument("--scores", type=int, default=int(os.environ.get("BENCH_SCORES", 1_000_000)))
    parser.add_argument("--year", type=int, default=BENCH_YEARS[-2], help="the year asked for")
    parser.add_argument("--runs", type=int, default=N)
    parser.add_argument("--no-seed", action="store_true", help="use the database as it is")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="measure another GET as well (a page or JSON), e.g. dashboard_region=/analytics/?region=…",
    )
    args = parser.parse_args()

    logging.disable(logging.INFO)  # migrations log every step
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    ensure_database(args.database_url)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": "bench-analytics-" + "x" * 32,
            "WTF_CSRF_ENABLED": False,
            "REDIS_URL": None,
        }
    )
    floors: dict[str, tuple[str, object]] = {}

    @app.get("/_bench/floor/<name>")
    def floor(name: str):
        """The captured answer from memory: the JSON body as is, or the page's template re-rendered."""
        kind, value = floors[name]
        if kind == "json":
            return Response(value, mimetype="application/json")
        template, context = value
        return render_template(template, **context)

    with app.app_context():
        if not args.no_seed:
            seed(args)
        engine = db.engine
        sizes = {
            "db": engine.dialect.name,
            "lots": db.session.scalar(select(func.count(Lot.id)).where(Lot.number.like(f"{BENCH_PREFIX}-%"))),
            "scores": db.session.scalar(select(func.count(Score.id))),
        }
        db.session.remove()
        counter = QueryCounter(engine)

    client = app.test_client()
    requests = [(f"stats_{g}_year", f"/api/v1/stats?group_by={g}&year={args.year}") for g in GROUPS]
    requests.append(("stats_year_all", "/api/v1/stats?group_by=year"))
    requests.append(("dashboard_year", f"/analytics/?year={args.year}"))
    requests += [tuple(item.split("=", 1)) for item in args.also]
    for name, url in requests:
        captured = []

        def capture(sender, template, context, captured=captured, **extra):
            captured.append((template.name, {k: v for k, v in context.items() if k not in OWN_CONTEXT}))

        with template_rendered.connected_to(capture, app):
            counter.count = 0
            response = client.get(url)  # warm-up; its statements are the count
            queries = counter.count
        if response.status_code != 200:
            print(f"# {name}: {url} answered {response.status_code}, not measured", file=sys.stderr)
            continue
        body = response.get_data()
        if response.is_json:
            floors[name] = ("json", body)
        else:
            if b"<table" not in body and b"<svg" not in body:
                print(f"# {name}: {url} is still the placeholder page, not measured", file=sys.stderr)
                continue
            floors[name] = ("page", captured[-1])
        times = timed(client, url, args.runs)
        timed(client, f"/_bench/floor/{name}", 1)  # warm-up
        floor_times = timed(client, f"/_bench/floor/{name}", args.runs)
        median, floor_median = statistics.median(times), statistics.median(floor_times)
        line = {
            "name": name,
            "url": url,
            "median_ms": round(median, 1),
            "p95_ms": round(nearest_rank(times, 0.95), 1),
            "queries": queries,
            "floor_ms": round(floor_median, 2),
            "ratio": round(median / floor_median, 2),
            "runs": args.runs,
            **sizes,
        }
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
