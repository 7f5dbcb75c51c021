"""`make loadtest`: the scoring workflow under real concurrent load on PostgreSQL behind gunicorn.

What it does (docs/operations.md, "Load test"):
1. drops and recreates a scratch database (LOADTEST_DATABASE, default grants_loadtest, on the
   PostgreSQL server of LOADTEST_ADMIN_URL, default postgres@127.0.0.1:5432), migrates it, seeds the
   demo and a load data set: a running campaign of 25 evaluations, one per monitoring group, each
   group with a chair and 4 members (100 members in all), with the app's own models and operations;
2. starts gunicorn (4 workers x 4 threads, production settings from wsgi.py) on a free port;
3. drives it over HTTP with threads released together:
   - the 100 members declare, save and submit their scorecards at once;
   - every chair finalizes, each finalize sent 5 times at once (all evaluations at the same time);
   - ministry staff review every evaluation with 3 accepts racing 3 returns; a returned
     evaluation is finalized and accepted again, one request at a time;
   - every evaluation is published by 4 requests at once;
4. checks the database: every submitted score stored exactly once, one audit event and one
   decision per transition and evaluation, one set of reports per finalize and accept, no 5xx, the
   loser of each race answered 409, and `flask verify-audit` passes.
It prints its figures and exits non-zero when any check fails. It needs no internet.
"""

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

GROUPS = 25
MEMBERS_PER_GROUP = 4
FINALIZE_COPIES = 5
ACCEPTS = RETURNS = 3
PUBLISH_COPIES = 4
HEADERS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of gunicorn sends it (README, Deploying)
TIMEOUT = 600


# --- the scratch database and the load data set --------------------------------------------------


def recreate_database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def seed(url: str, password: str, secret_key: str) -> dict:
    """Migrate, seed the demo and the load data set; returns who scores what."""
    from flask_migrate import upgrade

    from grants import create_app
    from grants.accounts.models import Role, User
    from grants.councils.models import Council, CouncilLevel, CouncilMember, GroupMember, MonitoringGroup
    from grants.extensions import db
    from grants.lots.models import Lot
    from grants.monitoring.models import Campaign, CampaignStatus, Methodology
    from grants.monitoring.operations import assign, start_campaign
    from grants.projects.models import Project
    from grants.seed.demo import seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key, "DEMO_PASSWORD": password})
    with app.app_context():
        upgrade()
        seed_demo(password)
        ministry = db.session.scalar(select(User).where(User.email == "ministry@example.kz"))
        organiser = ministry.organisation_id
        local = db.session.scalar(
            select(Council).where(Council.level == CouncilLevel.local).order_by(Council.id)
        )
        republican = db.session.scalar(
            select(Council).where(Council.level == CouncilLevel.republican).order_by(Council.id)
        )
        subjects = list(
            db.session.scalars(
                select(Project).join(Lot).where(Lot.administrator_id == organiser).order_by(Project.id)
            )
        ) + list(db.session.scalars(select(Lot).where(Lot.administrator_id == organiser).order_by(Lot.id)))
        if len(subjects) < GROUPS:
            raise SystemExit(
                f"the demo has only {len(subjects)} projects and lots of the ministry, {GROUPS} needed"
            )

        template = User(email="template@load.test")
        template.set_password(password)  # one scrypt hash for every load account: seeding stays fast

        def person(email: str, name: str, roles: set[Role]) -> User:
            user = User(
                email=email, full_name=name, password_hash=template.password_hash, language="ru", active=True
            )
            user.set_roles(roles)
            db.session.add(user)
            return user

        def methodology(code: str) -> Methodology:
            return db.session.scalar(
                select(Methodology)
                .where(Methodology.code == code, Methodology.active.is_(True))
                .order_by(Methodology.version.desc())
            )

        today = date.today()
        campaign = Campaign(
            name_ru="Нагрузочный тест",
            name_kk="Жүктеме сынағы",
            name_en="Load test",
            organiser_id=organiser,
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
            scoring_deadline=today + timedelta(days=30),
            review_deadline=today + timedelta(days=45),
            reply_window_days=10,
            project_methodology=methodology("project_effectiveness"),
            lot_methodology=methodology("lot_relevance"),
            status=CampaignStatus.draft,
            created_by_id=ministry.id,
        )
        db.session.add(campaign)
        plan = []
        for g in range(GROUPS):
            chair = person(f"chair{g:02d}@load.test", f"Председатель {g:02d}", {Role.chair, Role.member})
            members = [
                person(f"member{g:02d}-{m}@load.test", f"Член группы {g:02d}-{m}", {Role.member})
                for m in range(MEMBERS_PER_GROUP)
            ]
            group = MonitoringGroup(
                name_ru=f"Нагрузочная группа {g:02d}",
                name_en=f"Load group {g:02d}",
                chair=chair,
                organiser_id=organiser,
                period_start=campaign.period_start,
                period_end=campaign.period_end,
            )
            group.councils = [local, republican]
            db.session.add(group)
            db.session.flush()
            for i, user in enumerate([chair, *members]):
                council = (local, republican)[i % 2]
                db.session.add(CouncilMember(council_id=council.id, user_id=user.id))
                db.session.add(GroupMember(group_id=group.id, user_id=user.id, council_id=council.id))
            campaign.groups.append(group)
            plan.append((group, chair, members))
        db.session.flush()
        work = []
        for (group, chair, members), subject in zip(plan, subjects, strict=False):
            evaluation = assign(campaign, group, subject, ministry)
            work.append(
                {
                    "evaluation_id": evaluation.id,
                    "codes": list(evaluation.methodology.codes),
                    "chair": chair.email,
                    "members": [m.email for m in members],
                }
            )
        start_campaign(campaign, ministry)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"evaluations": work}


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)  # status code -> count ("error" for no answer)
    by_phase: dict = field(default_factory=lambda: defaultdict(Counter))
    server_errors: list = field(default_factory=list)

    def add(self, phase: str, method: str, url: str, status) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.by_phase[phase][status] += 1
            if status == "error" or status >= 500:
                self.server_errors.append(f"{phase}: {method} {url} -> {status}")

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def fives(self) -> int:
        return sum(n for s, n in self.statuses.items() if s == "error" or s >= 500)


class Client:
    def __init__(self, base: str, stats: Stats, token: str | None = None):
        self.base, self.stats = base, stats
        self.session = requests.Session()
        self.session.headers.update(HEADERS)
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, phase: str, method: str, path: str, json=None) -> requests.Response | None:
        try:
            response = self.session.request(method, self.base + path, json=json, timeout=TIMEOUT)
        except requests.RequestException as exc:
            print(f"  no answer: {method} {path}: {exc.__class__.__name__}: {exc}", file=sys.stderr)
            self.stats.add(phase, method, path, "error")
            return None
        self.stats.add(phase, method, path, response.status_code)
        return response


def together(actions: list) -> list:
    """Run the callables in threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = actions[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def status_of(response) -> object:
    return response.status_code if response is not None else "error"


# --- the run ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "300",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/healthz", headers=HEADERS, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer /healthz in 120 s:\n{log.read_text()[-3000:]}")


def scorecard_body(codes: list[str], m: int) -> dict:
    # Scores 3 or 4 only: no comment is required and no criterion is flagged (max - min < 3).
    return {
        "conflict_of_interest": False,
        "scores": {
            code: {"score": 3 + (m + k) % 2, "comment": "Проверено на месте"} for k, code in enumerate(codes)
        },
    }


def finalize_body(codes: list[str]) -> dict:
    return {
        "findings": "Мероприятия проведены по плану.",
        "recommendations": "Усилить работу с родителями.",
        "conclusions": dict.fromkeys(codes, "Положительно"),
        "consensus_notes": {},
    }


def race(stats: Stats, base: str, tokens: dict, requests_by_evaluation: dict, phase: str) -> dict:
    """Send every evaluation's requests at once (all evaluations together); returns statuses per evaluation."""
    actions, owners = [], []
    for evaluation_id, calls in requests_by_evaluation.items():
        for email, method, path, body in calls:
            client = Client(base, stats, tokens[email])
            actions.append(lambda c=client, m=method, p=path, b=body: (c.call(phase, m, p, b), p))
            owners.append(evaluation_id)
    results = together(actions)
    outcome = defaultdict(list)
    for evaluation_id, (response, path) in zip(owners, results, strict=True):
        decision = path.rsplit("#", 1)[1] if "#" in path else None
        outcome[evaluation_id].append((status_of(response), decision))
    return outcome


def check_race(outcome: dict, phase: str, failures: list) -> dict:
    """Exactly one 200 per evaluation, every other answer 409; returns the winner's tag per evaluation."""
    winners = {}
    for evaluation_id, answers in outcome.items():
        statuses = Counter(s for s, _tag in answers)
        if statuses.get(200, 0) != 1 or set(statuses) - {200, 409}:
            failures.append(
                f"{phase}: evaluation {evaluation_id} answered {dict(statuses)} (want one 200, the rest 409)"
            )
        winners[evaluation_id] = next((tag for s, tag in answers if s == 200), None)
    return winners


def run(args) -> int:
    password = secrets.token_urlsafe(16)
    secret_key = secrets.token_hex(32)
    print(f"== scratch database {args.database} on {make_url(args.admin_url).host}")
    url = recreate_database(args.admin_url, args.database)
    started = time.monotonic()
    plan = seed(url, password, secret_key)["evaluations"]
    print(
        f"   seeded the demo and {len(plan)} evaluations, {sum(len(p['members']) for p in plan)} members "
        f"({time.monotonic() - started:.0f} s)"
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(args.log)
    # The demo accounts were seeded with a random password: production (wsgi.py) refuses published ones.
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secret_key,
        "GRANTS_ENV": "production",
        "PUBLIC_BASE_URL": base,
    }
    for name in ("REDIS_URL", "MAIL_SERVER", "DEMO_PASSWORD"):
        env.pop(name, None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    server = start_gunicorn(env, port, args.workers, args.threads, log)
    stats = Stats()
    failures: list[str] = []
    try:
        wait_until_up(base, server, log)
        print(f"== gunicorn {args.workers} workers x {args.threads} threads at {base} (log {log})")
        tokens = login_everyone(base, stats, plan, password, failures)
        if not failures:
            drive(base, stats, plan, tokens, failures)
    finally:
        stop(server)

    print("== checks against the database")
    check_database(url, plan, stats, failures)
    audit_ok = verify_audit(env, failures)
    print(f"requests: {stats.requests}")
    print(f"status codes: {dict(sorted(stats.statuses.items(), key=str))}")
    print(f"5xx or no answer: {stats.fives}")
    for line in stats.server_errors[:20]:
        print(f"  {line}")
    print(f"audit chain valid: {'yes' if audit_ok else 'NO'}")
    if stats.fives:
        failures.append(f"{stats.fives} requests answered 5xx or not at all")
    if failures:
        print(f"== FAILED: {len(failures)} problem(s)")
        for line in failures[:60]:
            print(f"  - {line}")
        if len(failures) > 60:
            print(f"  … and {len(failures) - 60} more")
        return 1
    print("== PASSED")
    return 0


def login_everyone(base: str, stats: Stats, plan: list, password: str, failures: list) -> dict:
    emails = ["ministry@example.kz"] + [p["chair"] for p in plan] + [m for p in plan for m in p["members"]]
    tokens = {}

    def login(batch: list[str]) -> None:
        client = Client(base, stats)
        for email in batch:
            response = client.call(
                "login", "POST", "/api/v1/auth/token", {"email": email, "password": password}
            )
            if response is not None and response.status_code == 200:
                tokens[email] = response.json()["token"]
            else:
                failures.append(f"login of {email} answered {status_of(response)}")

    batches = [emails[i::8] for i in range(8)]  # logins are not what is measured: 8 at a time
    threads = [threading.Thread(target=login, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"   {len(tokens)} of {len(emails)} accounts logged in")
    return tokens


def drive(base: str, stats: Stats, plan: list, tokens: dict, failures: list) -> None:
    evaluations = {p["evaluation_id"]: p for p in plan}

    # 1. 100 members declare, save and submit at once.
    t = time.monotonic()

    def score(p: dict, m: int, email: str):
        client = Client(base, stats, tokens[email])
        path = f"/api/v1/evaluations/{p['evaluation_id']}/scorecard"
        saved = client.call("score", "PUT", path, scorecard_body(p["codes"], m))
        submitted = client.call("score", "POST", f"{path}/submit") if status_of(saved) == 200 else None
        return email, status_of(saved), status_of(submitted)

    results = together(
        [lambda p=p, m=m, e=e: score(p, m, e) for p in plan for m, e in enumerate(p["members"])]
    )
    for email, saved, submitted in results:
        if (saved, submitted) != (200, 200):
            failures.append(f"score: {email} save {saved}, submit {submitted} (want 200, 200)")
    print(f"   score: {len(results)} members saved and submitted at once ({time.monotonic() - t:.1f} s)")

    # 2. Chairs finalize, each finalize sent several times at once.
    t = time.monotonic()
    outcome = race(
        stats,
        base,
        tokens,
        {
            e: [(p["chair"], "POST", f"/api/v1/evaluations/{e}/finalize", finalize_body(p["codes"]))]
            * FINALIZE_COPIES
            for e, p in evaluations.items()
        },
        "finalize",
    )
    check_race(outcome, "finalize", failures)
    print(f"   finalize: {FINALIZE_COPIES} at once per evaluation ({time.monotonic() - t:.1f} s)")

    # 3. Reviewers: accepts racing returns on the same evaluation.
    t = time.monotonic()
    review = {}
    for e in evaluations:
        path = f"/api/v1/evaluations/{e}/review"
        review[e] = [
            ("ministry@example.kz", "POST", f"{path}#accept", {"decision": "accept", "comment": "Принято."})
        ] * ACCEPTS
        review[e] += [
            (
                "ministry@example.kz",
                "POST",
                f"{path}#return",
                {"decision": "return", "comment": "Уточните выводы."},
            )
        ] * RETURNS
    winners = check_race(race(stats, base, tokens, review, "review"), "review", failures)
    returned = [e for e, tag in winners.items() if tag == "return"]
    print(
        f"   review: {ACCEPTS} accepts racing {RETURNS} returns per evaluation; "
        f"{len(evaluations) - len(returned)} accepted, {len(returned)} returned ({time.monotonic() - t:.1f} s)"
    )
    # A returned evaluation goes round once more: one request at a time for it, all of them together.
    t = time.monotonic()

    def second_round(e: int) -> None:
        p = evaluations[e]
        chair, ministry = (
            Client(base, stats, tokens[p["chair"]]),
            Client(base, stats, tokens["ministry@example.kz"]),
        )
        again = chair.call(
            "second round", "POST", f"/api/v1/evaluations/{e}/finalize", finalize_body(p["codes"])
        )
        accepted = ministry.call(
            "second round",
            "POST",
            f"/api/v1/evaluations/{e}/review",
            {"decision": "accept", "comment": "Принято."},
        )
        if (status_of(again), status_of(accepted)) != (200, 200):
            failures.append(f"second round of {e}: finalize {status_of(again)}, accept {status_of(accepted)}")

    if returned:
        together([lambda e=e: second_round(e) for e in returned])
    print(
        f"   second round: {len(returned)} returned evaluations finalized and accepted again "
        f"({time.monotonic() - t:.1f} s)"
    )
    for e in evaluations:
        evaluations[e]["rounds"] = 2 if e in returned else 1

    # 4. Publishing, several at once.
    t = time.monotonic()
    outcome = race(
        stats,
        base,
        tokens,
        {
            e: [("ministry@example.kz", "POST", f"/api/v1/evaluations/{e}/publish", None)] * PUBLISH_COPIES
            for e in evaluations
        },
        "publish",
    )
    check_race(outcome, "publish", failures)
    print(f"   publish: {PUBLISH_COPIES} at once per evaluation ({time.monotonic() - t:.1f} s)")


def check_database(url: str, plan: list, stats: Stats, failures: list) -> None:
    from grants import create_app
    from grants.audit.models import AuditEvent
    from grants.extensions import db
    from grants.monitoring.models import Evaluation, EvaluationState
    from grants.reports.models import Report, ReportKind, ReviewDecision
    from grants.scoring.models import Score, Scorecard

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "checks-only-" + "x" * 32})
    with app.app_context():
        langs = len(app.config["REPORT_LANGUAGES"])
        ids = [p["evaluation_id"] for p in plan]
        expected_scores = sum(len(p["codes"]) * len(p["members"]) for p in plan)
        stored = db.session.scalar(
            select(func.count())
            .select_from(Score)
            .join(Scorecard, Scorecard.id == Score.scorecard_id)
            .where(Scorecard.evaluation_id.in_(ids), Scorecard.submitted_at.is_not(None))
        )
        distinct = db.session.scalar(
            select(func.count()).select_from(
                select(Score.scorecard_id, Score.criterion_code)
                .join(Scorecard, Scorecard.id == Score.scorecard_id)
                .where(Scorecard.evaluation_id.in_(ids), Scorecard.submitted_at.is_not(None))
                .distinct()
                .subquery()
            )
        )
        submitted = db.session.scalar(
            select(func.count())
            .select_from(Scorecard)
            .where(Scorecard.evaluation_id.in_(ids), Scorecard.submitted_at.is_not(None))
        )
        print(
            f"scores expected: {expected_scores}, stored: {stored} (distinct {distinct}); "
            f"submitted scorecards: {submitted} of {sum(len(p['members']) for p in plan)}"
        )
        if not expected_scores == stored == distinct:
            failures.append(f"scores: expected {expected_scores}, stored {stored}, distinct {distinct}")
        if submitted != sum(len(p["members"]) for p in plan):
            failures.append(f"submitted scorecards: {submitted}")

        def per_evaluation(query) -> Counter:
            return Counter(dict(db.session.execute(query).all()))

        events = defaultdict(Counter)
        for action, object_id, n in db.session.execute(
            select(AuditEvent.action, AuditEvent.object_id, func.count())
            .where(
                AuditEvent.object_type == Evaluation.__name__,
                AuditEvent.object_id.in_(ids),
                AuditEvent.action.in_(
                    [
                        "evaluation.close_scoring",
                        "evaluation.finalize",
                        "evaluation.accept",
                        "evaluation.return",
                        "evaluation.publish",
                    ]
                ),
            )
            .group_by(AuditEvent.action, AuditEvent.object_id)
        ):
            events[action][int(object_id)] = n
        decisions = per_evaluation(
            select(ReviewDecision.evaluation_id, func.count())
            .where(ReviewDecision.evaluation_id.in_(ids))
            .group_by(ReviewDecision.evaluation_id)
        )
        drafts = per_evaluation(
            select(Report.evaluation_id, func.count())
            .where(Report.evaluation_id.in_(ids), Report.kind == ReportKind.draft)
            .group_by(Report.evaluation_id)
        )
        finals = per_evaluation(
            select(Report.evaluation_id, func.count())
            .where(Report.evaluation_id.in_(ids), Report.kind == ReportKind.final)
            .group_by(Report.evaluation_id)
        )
        states = dict(
            db.session.execute(select(Evaluation.id, Evaluation.state).where(Evaluation.id.in_(ids))).all()
        )
        per_transition, ratios = Counter(), {}
        for p in plan:
            e, rounds = p["evaluation_id"], p.get("rounds", 1)
            # name: (found, expected, how many transitions of that kind the evaluation went through)
            have = {
                "close events": (events["evaluation.close_scoring"][e], 1, 1),
                "finalize events": (events["evaluation.finalize"][e], rounds, rounds),
                "review events": (
                    events["evaluation.accept"][e] + events["evaluation.return"][e],
                    rounds,
                    rounds,
                ),
                "accept events": (events["evaluation.accept"][e], 1, 1),
                "review decisions": (decisions[e], rounds, rounds),
                "publish events": (events["evaluation.publish"][e], 1, 1),
                "draft report sets": (drafts[e] / langs, rounds, rounds),
                "final report sets": (finals[e] / langs, 1, 1),
            }
            for name, (got, want, transitions) in have.items():
                per_transition[name, got == want] += 1
                ratios.setdefault(name, set()).add(round(got / transitions, 2))
                if got != want:
                    failures.append(f"evaluation {e}: {got:g} {name}, want {want} ({rounds} round(s))")
            if states[e] != EvaluationState.published:
                failures.append(f"evaluation {e} ended {states[e].value}, want published")
        print(
            "decisions per transition (values seen over the evaluations; 1 is right): "
            + ", ".join(
                f"{name} {'/'.join(f'{r:g}' for r in sorted(values))}" for name, values in ratios.items()
            )
        )
        print(
            "evaluations right / wrong: "
            + ", ".join(
                f"{name} {per_transition[name, True]}/{per_transition[name, False]}" for name in ratios
            )
        )
        db.session.remove()
        db.engine.dispose()


def verify_audit(env: dict, failures: list) -> bool:
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "grants", "verify-audit"],
        cwd=ROOT,
        env={**env, "GRANTS_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = (result.stdout + result.stderr).strip()
    print(f"verify-audit (exit {result.returncode}): {output.splitlines()[-1] if output else ''}")
    if result.returncode != 0:
        failures.append(f"verify-audit failed: {output[-1500:]}")
    return result.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("LOADTEST_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default=os.environ.get("LOADTEST_DATABASE", "grants_loadtest"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("LOADTEST_REDIS_URL"),
        help="give the server a Redis (shared throttling, mail queue); default none",
    )
    parser.add_argument("--log", default=str(ROOT / "instance" / "loadtest-gunicorn.log"))
    args = parser.parse_args()
    Path(args.log).parent.mkdir(parents=True, exist_ok=True)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
