"""`make bench`: every listed request of issue 14 against its floor, at two sizes of the seed-bench data set
(docs/performance.md#how-it-is-measured).

For each size (default 1,000 and 20,000 lots; 2.5 projects and 50 criterion scores per lot) a database is
migrated and filled once by seed-bench (with the demo data set loaded first, for the issued report) and
reused on later runs: SQLite files under instance/, or with --database-url (BENCH_DATABASE_URL,
`make bench DB=postgres`) PostgreSQL databases named after it with the size appended (bench_1000, ...),
created if missing. Then, in this process, through the Flask test client of an app in production-like
configuration (TESTING and DEBUG off), every request of REQUESTS below is sent once to warm up and N
times timed, one after another; its response body is read whole inside the timing. One JSON line per
measurement is printed:
  name, db, lots, median_ms, p95_ms (nearest rank), queries (SQL statements of the warm-up request,
  counted with a SQLAlchemy before_cursor_execute listener), floor (what it is compared with),
  floor_ms (median of the floor) and ratio (median / floor_ms).
Floors: a page is its template rendered again from the context captured from the real request (Flask's
template_rendered signal) by a bare route of the same app; a JSON answer is the same body, parsed once,
serialised again by a bare route; a file (CSV, XLSX, an issued PDF) is the same bytes answered from
memory by a bare route; the report PDF is WeasyPrint alone on the same HTML; the import is parsing the
file alone. After both sizes, one growth line per request: median at the larger size / at the smaller.
"""

import argparse
import csv
import io
import json
import logging
import math
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

from flask import Response, jsonify, render_template, template_rendered
from flask_login import FlaskLoginClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from grants import create_app
from grants.accounts.models import Role, User, UserRole
from grants.core.pdf import render_pdf
from grants.extensions import db
from grants.imports.common import load_table
from grants.imports.lots import LOT_COLUMNS
from grants.lots.models import Lot
from grants.monitoring import operations as workflow
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, SubjectKind
from grants.organisations.models import Organisation
from grants.regions.models import Region
from grants.replies.models import Reply
from grants.reports.content import STYLESHEET, html_to_pdf, render_evaluation_html
from grants.reports.models import Report, ReportKind
from grants.reports.operations import review
from grants.reports.rendering import render_committed
from grants.scoring import operations as scoring
from grants.scoring.models import Score
from grants.seed.bench import ADMIN_YYMM, BENCH_PREFIX, BENCH_YEARS, analyze, load_bench, load_bench_scores
from grants.seed.demo import seed_demo

ROOT = Path(__file__).resolve().parent.parent

# One line per request: (name, kind, who, url). The url's {fields} are facts of the database (facts()).
# kind: page (HTML), json, file (bytes: CSV, XLSX, an issued PDF); who: None (anonymous) or the account
# signed in (member: a bench member; chair: the chair of the bench campaign's group; admin; ministry: the
# demo ministry account that may read the demo's issued report). The report PDF and the import are
# measured by functions of their own (report_pdf, import_lots).
REQUESTS = [
    ("healthz", "json", None, "/healthz"),
    ("home", "page", None, "/"),
    ("lots_first", "page", None, "/lots/"),
    ("lots_filtered", "page", None, "/lots/?year={year}&region={region}&status=completed"),
    ("lots_deep", "page", None, "/lots/?page={deep_page}"),
    ("lots_search", "page", None, "/lots/?q={q}"),
    ("lots_sorted", "page", None, "/lots/?sort=-budget"),
    ("lot_page", "page", None, "/lots/{lot_id}"),
    ("project_page", "page", None, "/projects/{project_id}"),
    ("api_lots_first", "json", None, "/api/v1/lots"),
    ("api_lots_filtered", "json", None, "/api/v1/lots?year={year}&region={region}&status=completed"),
    ("api_lots_deep", "json", None, "/api/v1/lots?page={deep_page}"),
    ("api_lots_search", "json", None, "/api/v1/lots?q={q}"),
    ("member_queue", "page", "member", "/evaluations/"),
    ("chair_consolidation", "page", "chair", "/evaluations/{evaluation_id}/consolidate"),
    ("campaign_page", "page", "admin", "/campaigns/{campaign_id}"),
    ("campaign_results", "page", None, "/results/{campaign_id}"),
    ("dashboard_year", "page", None, "/analytics/?year={year}"),
    ("stats_region_year", "json", None, "/api/v1/stats?group_by=region&year={year}"),
    ("export_lots_csv", "file", None, "/api/v1/export/lots.csv"),
    ("export_projects_xlsx", "file", None, "/export/projects.xlsx"),
    ("export_results_json", "file", None, "/api/v1/export/results.json"),
    ("issued_pdf", "file", "ministry", "/reports/{report_id}.pdf"),
]
SEARCH = "профилактика"  # a word of several topics' titles (grants/seed/data/lot_plan.py)
PROJECTS_PER_LOT, SCORES_PER_LOT = 2.5, 50  # 20,000 lots: 50,000 projects, 1,000,000 scores
DEMO_PASSWORD = "bench-pass-2026"
# Template variables Flask and the extensions put in every context: the floor route gets its own.
OWN_CONTEXT = {"g", "request", "session", "config", "current_user", "csrf_token"}
ADMIN_EMAIL = "bench-admin@bench.invalid"
LANG = "ru"  # of the report
SCORES = {"member1": (4, 5, 3, 4, 4), "member2": (5, 5, 4, 4, 5), "member3": (3, 4, 4, 5, 4)}
SENTENCES = (
    "Группа изучила отчёты НПО, акты выполненных работ и списки участников мероприятий.",
    "На выездной встрече участники подтвердили, что занятия проводились по утверждённому графику.",
    "Часть запланированных тренингов перенесена на осенний период из-за ремонта помещения школы.",
    "Индикаторы охвата достигнуты, однако данные о повторном участии собраны не полностью.",
    "Партнёрство с местным акиматом и школами оформлено меморандумами, что повышает устойчивость.",
    "Рекомендуется вести единый реестр участников и публиковать промежуточные итоги на сайте НПО.",
)


def out(line: dict) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


def note(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


# --- databases ------------------------------------------------------------------------------------


def database_url(base: str | None, lots: int, suffix: str = "") -> str:
    if not base:
        return f"sqlite:///{ROOT / 'instance' / f'bench-{lots}{suffix}.sqlite3'}"
    parsed = make_url(base)
    return parsed.set(database=f"{parsed.database}_{lots}{suffix}").render_as_string(hide_password=False)


def ensure_database(url: str, template: str | None = None) -> None:
    """Create the PostgreSQL database of url if missing (from template: dropped and copied afresh)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if template:
            shutil.copyfile(make_url(template).database, parsed.database)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if template:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
            conn.execute(
                text(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{make_url(template).database}"')
            )
        elif not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def make_app(url: str, csrf: bool = True):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-pages-" + "x" * 32,
            "TESTING": False,
            "DEBUG": False,
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "REPORT_LANGUAGES": (LANG,),
            "EVIDENCE_DIR": str(ROOT / "instance" / "bench-evidence"),
            "REPORTS_DIR": str(ROOT / "instance" / "bench-reports"),
            "IMPORT_MAX_BYTES": 50 * 1024 * 1024,
            "RATELIMIT_ENABLED": False,  # thousands of requests from one address in a minute
            "REDIS_URL": None,
            "WTF_CSRF_ENABLED": csrf,
        }
    )
    app.test_client_class = FlaskLoginClient
    return app


def seed(lots: int) -> None:
    """Demo data (once), the bench data set (idempotent) and the demo's issued report (once)."""
    started = time.perf_counter()
    upgrade(directory=str(ROOT / "migrations"))
    if db.session.scalar(select(User.id).where(User.email == "chair@example.kz")) is None:
        seed_demo(DEMO_PASSWORD)
        accepted_evaluation()
        note(f"demo data and its issued report in {time.perf_counter() - started:.1f} s")
    counts = load_bench(lots, round(lots * PROJECTS_PER_LOT))
    counts |= load_bench_scores(lots * SCORES_PER_LOT)
    if db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL)) is None:
        admin = User(email=ADMIN_EMAIL, password_hash="!bench", full_name="Bench admin", language="ru")
        db.session.add(admin)
        db.session.flush()
        db.session.add(UserRole(user_id=admin.id, role=Role.admin))
    db.session.commit()
    if any(counts.values()):
        analyze()
        db.session.commit()
        seconds = time.perf_counter() - started
        out(
            {
                "name": "seed",
                "db": db.engine.dialect.name,
                "lots": lots,
                "seconds": round(seconds, 1),
                **counts,
            }
        )


def facts(per_page: int) -> dict:
    """The values the URLs of REQUESTS take in this database."""
    region = db.session.scalar(select(Region).order_by(Region.kato).limit(1))
    year = BENCH_YEARS[-2]
    bench_lots = db.session.scalar(select(func.count(Lot.id)).where(Lot.number.like(f"{BENCH_PREFIX}-%")))
    published_projects = (
        select(Evaluation)
        .join(Campaign, Campaign.id == Evaluation.campaign_id)
        .where(
            Campaign.name_ru.like("Бенчмарк-кампания %"),
            Evaluation.kind == SubjectKind.project,
            Evaluation.state == EvaluationState.published,
        )
        .order_by(Evaluation.id)
        .limit(1)
    )
    # the first region's campaign of the year, else (a small data set) the first with a published project
    evaluation = db.session.scalar(
        published_projects.where(Campaign.name_ru.like(f"Бенчмарк-кампания {region.kato} {year} #%"))
    ) or db.session.scalar(published_projects)
    campaign = evaluation.campaign
    # a project answered by its NGO, so that its page shows replies too
    replied = db.session.scalar(
        select(Evaluation)
        .join(Reply, Reply.evaluation_id == Evaluation.id)
        .where(Evaluation.campaign_id == campaign.id)
        .order_by(Evaluation.id)
        .limit(1)
    )
    chair = db.session.get(User, evaluation.group.chair_id)
    member = db.session.scalar(
        select(User).where(User.email == f"bench-member-{region.kato}-2@bench.invalid")
    )
    demo_report = db.session.scalar(
        select(Report).where(Report.kind == ReportKind.final, Report.content.is_not(None)).order_by(Report.id)
    )
    return {
        "year": year,
        "region": region.kato,
        "deep_page": max(1, bench_lots // per_page * 4 // 5),
        "q": quote(SEARCH),
        "lot_id": (replied or evaluation).lot_id,
        "project_id": (replied or evaluation).project_id,
        "campaign_id": campaign.id,
        "evaluation_id": evaluation.id,
        "report_id": demo_report.id,
        "report_evaluation_id": demo_report.evaluation_id,
        "users": {
            "member": member.id,
            "chair": chair.id,
            "admin": db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL)),
            "ministry": db.session.scalar(select(User.id).where(User.email == "ministry@example.kz")),
        },
    }


def prose(n_sentences: int, offset: int = 0) -> str:
    """Deterministic Russian prose of n sentences."""
    return " ".join(SENTENCES[(offset + i) % len(SENTENCES)] for i in range(n_sentences))


def accepted_evaluation() -> Evaluation:
    """A project evaluation of the demo's group 1, scored with long comments, finalized and accepted: its
    final report (about five pages) is issued and rendered."""

    def user(email: str) -> User:
        return db.session.scalar(select(User).where(User.email == email))

    chair, bins = user("chair@example.kz"), user("member2@example.kz").affiliated_bins
    evaluation = next(
        e
        for e in db.session.scalars(
            select(Evaluation).where(Evaluation.kind == SubjectKind.project).order_by(Evaluation.id)
        )
        if e.group.chair_id == chair.id and e.ngo_bin not in bins and e.state == EvaluationState.scoring
    )
    codes = evaluation.methodology.codes
    for m, (who, scores) in enumerate(SCORES.items()):
        member = user(f"{who}@example.kz")
        scoring.declare(evaluation, member, False)
        comments = {
            c: {"score": s, "comment": prose(2, m + k)}
            for k, (c, s) in enumerate(zip(codes, scores, strict=True))
        }
        scoring.save_draft(evaluation, member, comments)
        scoring.submit(evaluation, member)
    workflow.finalize(
        evaluation,
        chair,
        {
            "findings": prose(5),
            "recommendations": "\n".join(f"{i + 1}. {prose(2, i)}" for i in range(3)),
            "conclusions": {c: prose(1, k) for k, c in enumerate(codes)},
            "consensus_notes": {},
        },
    )
    review(evaluation, user("ministry@example.kz"), "accept", None)
    db.session.commit()
    render_committed()  # as after a request: the PDF now, without a queue
    return evaluation


# --- measuring ------------------------------------------------------------------------------------


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args, **kwargs):
        self.count += 1


def nearest_rank(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def runs_within(warm_ms: float, runs: int, budget_s: float) -> int:
    """Fewer runs for a request whose warm-up says N runs would take longer than the budget; 0: the
    warm-up alone is the measurement (one run)."""
    if warm_ms * runs <= budget_s * 1000:
        return runs
    return int(budget_s * 1000 // warm_ms)


def fetch(client, url: str, expect: int = 200) -> bytes:
    response = client.get(url)
    body = response.get_data()  # a streamed body is read whole, inside the timing
    assert response.status_code == expect, (url, response.status_code)
    return body


def line(name, url, times, queries, floor, floor_times, sizes, runs) -> dict:
    median = statistics.median(times)
    floor_ms = statistics.median(floor_times) if floor_times else None
    return {
        "name": name,
        "db": sizes["db"],
        "lots": sizes["lots"],
        "median_ms": round(median, 1),
        "p95_ms": round(nearest_rank(times, 0.95), 1),
        "queries": queries,
        "floor": floor,
        "floor_ms": round(floor_ms, 2) if floor_ms is not None else None,
        "ratio": round(median / floor_ms, 2) if floor_ms else None,
        "url": url,
        "runs": runs,
        "scores": sizes["scores"],
    }


def measure_requests(app, known: dict, sizes: dict, counter: QueryCounter, args, only) -> list[dict]:
    floors: dict[str, tuple[str, object]] = {}

    @app.get("/_bench/floor/<name>")
    def floor_route(name: str):
        """The captured answer from memory: the page's template re-rendered, the JSON body serialised
        again, or the file's bytes as they are."""
        kind, value = floors[name]
        if kind == "json":
            return jsonify(value)
        if kind == "file":
            body, mimetype = value
            return Response(body, mimetype=mimetype)
        template, context = value
        return render_template(template, **context)

    clients = {None: app.test_client()}
    for who, user_id in known["users"].items():
        with app.app_context():
            clients[who] = app.test_client(user=db.session.get(User, user_id))
            db.session.remove()
    lines = []
    for name, kind, who, template in REQUESTS:
        if only and name not in only:
            continue
        url = template.format(**known)
        client = clients[who]
        captured = []

        def capture(sender, template, context, captured=captured, **extra):
            captured.append((template.name, {k: v for k, v in context.items() if k not in OWN_CONTEXT}))

        with template_rendered.connected_to(capture, app):
            counter.count = 0
            started = time.perf_counter()
            response = client.get(url)  # warm-up; its statements are the count
            body = response.get_data()
            warm_ms = (time.perf_counter() - started) * 1000
            queries = counter.count
        if response.status_code != 200:
            note(f"{name}: {url} answered {response.status_code}, not measured")
            continue
        if kind == "page":
            floors[name] = ("page", captured[-1])
            floor = f"template {captured[-1][0]} from memory"
        elif kind == "json":
            floors[name] = ("json", json.loads(body))
            floor = "the same JSON serialised from memory"
        else:
            floors[name] = ("file", (body, response.mimetype))
            floor = f"the same {len(body) // 1024} KiB from memory"
        runs = runs_within(warm_ms, args.runs, args.budget)
        times = timed(lambda client=client, url=url: fetch(client, url), runs) if runs else [warm_ms]
        fetch(client, f"/_bench/floor/{name}")  # warm-up
        floor_times = timed(
            lambda client=client, name=name: fetch(client, f"/_bench/floor/{name}"), args.runs
        )
        lines.append(line(name, url, times, queries, floor, floor_times, sizes, len(times)))
        out(lines[-1])
    return lines


def report_pdf(app, known: dict, sizes: dict, counter: QueryCounter, runs: int, budget: float) -> dict:
    """The application's rendering path of the demo's final report (loading, template, WeasyPrint)
    against WeasyPrint alone on the same HTML."""
    lang = LANG
    path = f"/evaluations/{known['report_evaluation_id']}/report.pdf?lang={lang}"
    with app.app_context():
        report = db.session.get(Report, known["report_id"])
        report_args = (ReportKind.final.value, report.version, lang, report.fingerprint, report.issued_at)
        with app.test_request_context(path):
            html = render_evaluation_html(
                db.session.get(Evaluation, known["report_evaluation_id"]), *report_args
            )
        db.session.remove()

    def app_path():
        with app.test_request_context(path):
            evaluation = db.session.get(Evaluation, known["report_evaluation_id"])
            html_to_pdf(render_evaluation_html(evaluation, *report_args))
            db.session.remove()

    def weasyprint_alone():
        with app.app_context():
            render_pdf(html, STYLESHEET)

    counter.count = 0
    started = time.perf_counter()
    app_path()  # warm-up
    warm_ms = (time.perf_counter() - started) * 1000
    queries = counter.count
    runs = runs_within(warm_ms, runs, budget) or 1
    times = timed(app_path, runs)
    weasyprint_alone()
    floor_times = timed(weasyprint_alone, runs)
    result = line(
        "report_pdf", path, times, queries, "WeasyPrint alone on the same HTML", floor_times, sizes, runs
    )
    out(result)
    return result


def import_csv(run: int, n: int, admin_bin: str, kato: str) -> bytes:
    """n new lots with English headers, every column the validation checks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headers = {c.key: c.en for c in LOT_COLUMNS}
    keys = [
        "number",
        "year",
        "title",
        "administrator",
        "kato",
        "sphere",
        "status",
        "amount",
        "start_date",
        "end_date",
    ]
    writer.writerow([headers[k] for k in keys])
    for i in range(n):
        writer.writerow(
            [
                f"BIMP{run}-{i + 1:05d}",
                BENCH_YEARS[-1],
                f"Импортированный лот {i + 1}: поддержка молодёжных инициатив",
                admin_bin,
                kato,
                "",
                "Планируется",
                f"{(i % 300 + 10) * 100000}",
                f"01.03.{BENCH_YEARS[-1]}",
                f"30.11.{BENCH_YEARS[-1]}",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def import_lots(
    base: str | None, url: str, known: dict, sizes: dict, runs: int, n: int, budget: float
) -> dict | None:
    """Upload (full validation, preview) and confirm (validation again, then the lots written) of n lots,
    on a throw-away copy of the database; the floor is parsing the file alone."""
    copy = database_url(base, sizes["lots_setting"], "_import")
    ensure_database(copy, template=url)
    app = make_app(copy, csrf=False)  # the upload form's token is not what is measured
    with app.app_context():
        counter = QueryCounter(db.engine)
        admin = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
        region = db.session.scalar(select(Region).order_by(Region.kato).limit(1))
        admin_bin = db.session.scalar(
            select(Organisation.bin).where(
                Organisation.bin.like(f"{ADMIN_YYMM}%"), Organisation.region_id == region.id
            )
        )
        client = app.test_client(user=admin)
        db.session.remove()
    files = [import_csv(r, n, admin_bin, region.kato) for r in range(runs + 1)]

    def one(content: bytes):
        response = client.post(
            "/imports/lots",
            data={"file": (io.BytesIO(content), "lots.csv")},
            content_type="multipart/form-data",
        )
        page = response.get_data(as_text=True)
        token = re.search(r'name="token"[^>]*value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="token"', page
        )
        assert response.status_code == 200 and token, ("import preview", response.status_code, page[-2000:])
        response = client.post("/imports/lots/confirm", data={"token": token.group(1)})
        assert response.status_code == 302, ("import confirm", response.status_code)

    counter.count = 0
    started = time.perf_counter()
    one(files[-1])  # warm-up
    warm_ms = (time.perf_counter() - started) * 1000
    queries = counter.count
    pending = list(files[:-1])
    runs_here = runs_within(warm_ms, runs, budget)
    times = timed(lambda: one(pending.pop()), runs_here) if runs_here else [warm_ms]
    with app.app_context():
        floor_times = timed(lambda: load_table(files[0], LOT_COLUMNS), runs)
        db.engine.dispose()
    result = line(
        f"import_{n}_lots",
        "/imports/lots",
        times,
        queries,
        "parsing the file alone",
        floor_times,
        sizes,
        len(times),
    )
    out(result)
    return result


def measure_size(lots: int, args) -> dict[str, dict]:
    url = database_url(args.database_url, lots)
    ensure_database(url)
    app = make_app(url)
    with app.app_context():
        if not args.no_seed:
            seed(lots)
        engine = db.engine
        sizes = {
            "db": engine.dialect.name,
            "lots": db.session.scalar(select(func.count(Lot.id))),
            "scores": db.session.scalar(select(func.count(Score.id))),
            "lots_setting": lots,
        }
        known = facts(app.config["PER_PAGE"])
        db.session.remove()
        counter = QueryCounter(engine)
    only = set(args.only or [])
    results = {r["name"]: r for r in measure_requests(app, known, sizes, counter, args, only)}
    if not only or "report_pdf" in only:
        results["report_pdf"] = report_pdf(app, known, sizes, counter, args.runs, args.budget)
    with app.app_context():
        db.engine.dispose()
    if args.import_lots and (not only or "import" in only):
        found = import_lots(
            args.database_url, url, known, sizes, args.import_runs, args.import_lots, args.budget
        )
        results[found["name"]] = found
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None)
    parser.add_argument("--sizes", default="1000,20000", help="lots of each database, comma separated")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--quick", action="store_true", help="1,000 and 3,000 lots, 5 runs, one import of 2,000"
    )
    parser.add_argument("--import-lots", type=int, default=10000, help="lots per import (0: no import)")
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument(
        "--budget",
        type=float,
        default=60,
        help="seconds one request's runs may take; a slower request is run fewer times (runs says how many)",
    )
    parser.add_argument("--only", action="append", help="measure only this request (repeatable; 'import')")
    parser.add_argument("--no-seed", action="store_true", help="use the databases as they are")
    parser.add_argument("--markdown", type=Path, help="write the table (with growth) to this file too")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.runs, args.import_runs, args.import_lots = (
            "1000,3000",
            5,
            1,
            min(args.import_lots, 2000),
        )
    logging.disable(logging.INFO)  # migrations log every step
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {lots: measure_size(lots, args) for lots in sizes}
    small, large = results[sizes[0]], results[sizes[-1]]
    growth = {}
    if len(sizes) > 1:
        for name, first in small.items():
            if name in large:
                growth[name] = round(large[name]["median_ms"] / first["median_ms"], 2)
                out(
                    {
                        "name": name,
                        "db": first["db"],
                        "growth": growth[name],
                        "lots": [first["lots"], large[name]["lots"]],
                        "median_ms": [first["median_ms"], large[name]["median_ms"]],
                    }
                )
    if args.markdown:
        args.markdown.write_text(table(small, large, growth, sizes), encoding="utf-8")
    return 0


def table(small: dict, large: dict, growth: dict, sizes: list[int]) -> str:
    head = (
        f"| request | median ms | p95 ms | queries | floor ms | ratio | median at {sizes[0]:,} lots | growth |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for name, r in large.items():
        first = small.get(name, {})
        rows.append(
            f"| {name} | {r['median_ms']} | {r['p95_ms']} | {r['queries']} | {r['floor_ms']} | {r['ratio']} "
            f"| {first.get('median_ms', '')} | {growth.get(name, '')} |"
        )
    return head + "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.exit(main())
