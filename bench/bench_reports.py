"""`make bench`: where the time of a report goes — the application's rendering path against WeasyPrint alone.

Builds a throw-away SQLite database (migrations + demo data), drives one project evaluation of the
demo campaign to accepted with long comments so that its final report runs to about five pages,
then times, over N runs (median):
  (a) render_evaluation_pdf(...) inside a Flask test request: loading, template, WeasyPrint;
  (b) WeasyPrint alone: render_pdf() on the same, already rendered HTML;
  (c) serving the issued report: GET /reports/<id>.pdf (or reading the stored bytes).
Needs no network: fonts come from a Python package, and the fetcher reads only local files.
"""

import logging
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flask import render_template
from flask_babel import force_locale
from flask_migrate import upgrade
from sqlalchemy import select

from grants import create_app
from grants.accounts.models import User
from grants.core.i18n import BABEL_LOCALES
from grants.core.pdf import render_pdf
from grants.extensions import db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.reports.content import STYLESHEET, render_evaluation_pdf, report_context
from grants.reports.models import ReportKind
from grants.reports.operations import latest_report, review
from grants.scoring import operations as scoring
from grants.seed.demo import seed_demo

N = 5
LANG = "ru"
PASSWORD = "bench-pass-2026"
SCORES = {"member1": (4, 5, 3, 4, 4), "member2": (5, 5, 4, 4, 5), "member3": (3, 4, 4, 5, 4)}
SENTENCES = (
    "Группа изучила отчёты НПО, акты выполненных работ и списки участников мероприятий.",
    "На выездной встрече участники подтвердили, что занятия проводились по утверждённому графику.",
    "Часть запланированных тренингов перенесена на осенний период из-за ремонта помещения школы.",
    "Индикаторы охвата достигнуты, однако данные о повторном участии собраны не полностью.",
    "Партнёрство с местным акиматом и школами оформлено меморандумами, что повышает устойчивость.",
    "Рекомендуется вести единый реестр участников и публиковать промежуточные итоги на сайте НПО.",
)


def text(n_sentences: int, offset: int = 0) -> str:
    """Deterministic Russian prose of n sentences."""
    return " ".join(SENTENCES[(offset + i) % len(SENTENCES)] for i in range(n_sentences))


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def accepted_evaluation() -> Evaluation:
    """Group 1's project evaluation, scored with long comments, finalized and accepted (final report issued)."""
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
            c: {"score": s, "comment": text(2, m + k)}
            for k, (c, s) in enumerate(zip(codes, scores, strict=True))
        }
        scoring.save_draft(evaluation, member, comments)
        scoring.submit(evaluation, member)
    workflow.finalize(
        evaluation,
        chair,
        {
            "findings": text(5),
            "recommendations": "\n".join(f"{i + 1}. {text(2, i)}" for i in range(3)),
            "conclusions": {c: text(1, k) for k, c in enumerate(codes)},
            "consensus_notes": {},
        },
    )
    review(evaluation, user("ministry@example.kz"), "accept", None)
    db.session.commit()
    return evaluation


def page_count(content: bytes, folder: Path) -> int:
    if shutil.which("pdfinfo"):
        path = folder / "report.pdf"
        path.write_bytes(content)
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", content))


def timed(fn, runs: int = N) -> list[float]:
    fn()  # warm-up (fonts, templates, caches), not counted
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    logging.disable(logging.INFO)  # migrations log every step
    with tempfile.TemporaryDirectory(prefix="grants-bench-") as tmp:
        folder = Path(tmp)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                "SECRET_KEY": "bench",
                "DEMO_PASSWORD": PASSWORD,
                "REPORT_LANGUAGES": (LANG,),
                "EVIDENCE_DIR": str(folder / "evidence"),
                "REPORTS_DIR": str(folder / "reports"),
                "WTF_CSRF_ENABLED": False,
                "REDIS_URL": None,
            }
        )
        with app.app_context():
            upgrade()
            seed_demo(PASSWORD)
            evaluation = accepted_evaluation()
            report = latest_report(evaluation, LANG, ReportKind.final)
            ids = {"evaluation": evaluation.id, "report": report.id}
            args = (ReportKind.final.value, report.version, LANG, report.fingerprint, report.issued_at)
            pages = page_count(report.content, folder)
            with app.test_request_context(f"/evaluations/{evaluation.id}/report.pdf?lang={LANG}"):
                with force_locale(BABEL_LOCALES[LANG]):  # what render_evaluation_pdf does before WeasyPrint
                    html = render_template("reports/pdf/evaluation.html", **report_context(evaluation, *args))
            db.session.remove()

        def app_path():
            with app.test_request_context(f"/evaluations/{ids['evaluation']}/report.pdf?lang={LANG}"):
                render_evaluation_pdf(db.session.get(Evaluation, ids["evaluation"]), *args)

        def weasyprint_alone():
            with app.app_context():
                render_pdf(html, STYLESHEET)

        client = app.test_client()
        client.post("/login", data={"email": "ministry@example.kz", "password": PASSWORD})
        serving_route = "reports.download" in app.view_functions

        def serve_issued():
            if serving_route:
                response = client.get(f"/reports/{ids['report']}.pdf")
                assert response.status_code == 200 and response.data.startswith(b"%PDF"), response.status_code
                response.close()
            else:
                with app.app_context():
                    stored = latest_report(
                        db.session.get(Evaluation, ids["evaluation"]), LANG, ReportKind.final
                    )
                    assert stored.content.startswith(b"%PDF")

        rows = [
            ("(a) app: render_evaluation_pdf in a test request", timed(app_path)),
            ("(b) WeasyPrint alone on the same HTML", timed(weasyprint_alone)),
            (
                "(c) serving the issued report "
                + ("GET /reports/<id>.pdf" if serving_route else "(stored bytes)"),
                timed(serve_issued),
            ),
        ]
        with app.app_context():
            db.engine.dispose()

    print(f"Evaluation report: {pages} pages (A4), language {LANG}; N={N} runs after one warm-up")
    width = max(len(label) for label, _ in rows)
    print(f"{'step':<{width}}  {'median ms':>10}  {'min ms':>8}  {'max ms':>8}")
    for label, times in rows:
        print(
            f"{label:<{width}}  {statistics.median(times) * 1000:>10.1f}  {min(times) * 1000:>8.1f}  {max(times) * 1000:>8.1f}"
        )
    ratio = statistics.median(rows[0][1]) / statistics.median(rows[1][1])
    print(f"app-to-WeasyPrint ratio: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
