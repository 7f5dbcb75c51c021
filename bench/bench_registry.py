"""The lot registry's page and `GET /api/v1/lots` on a seed-bench database (docs/performance.md#search-and-pagination).

Usage: .venv/bin/python bench/bench_registry.py --database-url URL_1K --label 1k --database-url URL_20K --label 20k

Each database must be migrated and filled by `flask --app grants seed-bench` already. Through the Flask
test client in this process, every request is sent once to warm up and N times timed, the databases
taking turns; one JSON line per request and database is printed: name, median_ms, p95_ms (nearest
rank), queries (SQL statements of one request), total (lots matched, as the API's `total` says) and
growth (median against the first database's).
"""

import argparse
import json
import logging
import math
import statistics
import time
from urllib.parse import urlencode

from sqlalchemy import event, func, select

from grants import create_app
from grants.extensions import db
from grants.lots.models import Lot
from grants.regions.models import Region

N = 15


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def requests_to_measure(client) -> list[tuple[str, str]]:
    """(name, url) pairs: first page, filtered, deep page, search and sorted, for the page and the API."""
    year, kato = db.session.execute(
        select(Lot.year, Region.kato)
        .join(Region, Lot.region_id == Region.id)
        .group_by(Lot.year, Region.kato)
        .order_by(func.count().desc(), Lot.year.desc(), Region.kato)
        .limit(1)
    ).one()
    filtered = {"year": year, "region": kato}
    total = db.session.scalar(select(func.count()).select_from(Lot))
    deep = 400 if total >= 8020 else max(1, total // 20 - 10)  # page 400, or near the end of a smaller set
    cases = [
        ("first", {}),
        ("filtered", filtered),
        ("deep", {"page": deep}),
        (
            "search",
            {"q": "межэтнич"},
        ),  # a word of one topic of three (grants/seed/bench.py): a third of the lots
        ("search_region", {"q": "Жетісу"}),  # a region: a twentieth of the lots
        ("search_number", {"q": "BENCH-0012"}),  # a lot number's prefix: ten lots of each year at most
        ("sorted", {"sort": "budget"}),
        ("sorted_deep", {"sort": "budget", "page": deep}),
    ]
    measured = []
    for prefix, path in (("lots_page", "/lots/"), ("api_lots", "/api/v1/lots")):
        for name, params in cases:
            measured.append((f"{prefix}_{name}", f"{path}?{urlencode(params)}"))
    # the cursor equivalent of page 400, when the API offers one
    body = client.get(f"/api/v1/lots?page={deep - 1}").get_json()
    if body.get("next"):
        measured.append(("api_lots_deep_cursor", f"/api/v1/lots?{urlencode({'after': body['next']})}"))
        measured.append(("lots_page_deep_cursor", f"/lots/?{urlencode({'after': body['next']})}"))
    return measured


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", action="append", required=True, help="repeat to compare data sets")
    parser.add_argument("--label", action="append", default=[])
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    labels = args.label + [url.rsplit("/", 1)[-1] for url in args.database_url[len(args.label) :]]
    statements = []

    def count_statement(_conn, _cursor, statement, *_args):
        """SQL statements of the request (not the BEGIN and PRAGMAs of SQLite's connection set-up)."""
        if statement.lstrip().split(None, 1)[0].upper() in {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE"}:
            statements.append(statement)

    sets = []
    for url in args.database_url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8})
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count_statement)
            client = app.test_client()
            sets.append((client, dict(requests_to_measure(client))))
    names = [name for name in sets[0][1] if all(name in urls for _client, urls in sets)]
    for name in names:
        times = [[] for _ in sets]
        queries = [0 for _ in sets]
        for client, urls in sets:
            assert client.get(urls[name]).status_code == 200, urls[name]  # warm-up
        # the data sets take turns, so that the load of a shared machine weighs on each alike
        for _ in range(N):
            for i, (client, urls) in enumerate(sets):
                statements.clear()
                started = time.perf_counter()
                response = client.get(urls[name])
                times[i].append((time.perf_counter() - started) * 1000)
                queries[i] = len(statements)
                assert response.status_code == 200
        for i, (client, urls) in enumerate(sets):
            total = client.get(urls[name].replace("/lots/?", "/api/v1/lots?")).get_json().get("total")
            line = {
                "name": name,
                "label": labels[i],
                "median_ms": round(statistics.median(times[i]), 2),
                "p95_ms": round(p95(times[i]), 2),
                "queries": queries[i],
                "total": total,
                "growth": round(statistics.median(times[i]) / statistics.median(times[0]), 2),
                "url": urls[name],
            }
            print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
