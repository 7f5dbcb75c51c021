"""`make screenshots`: pictures of the key pages in Kazakh and Russian, desktop and phone.

Seeds the demo into a temporary database (as tests/live.py does), moves three of its evaluations
on (one scorecard in draft, one evaluation in consolidation, one in review), serves the app on a
local port and saves viewport PNGs with Playwright and Debian's Chromium into docs/screenshots/,
plus the first page of a report (the draft in review) rendered by pdftoppm (poppler-utils). README.md shows them.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from grants.accounts.models import User  # noqa: E402
from grants.cooperation.models import ActivityPlan, AgendaItem, Meeting, MeetingState  # noqa: E402
from grants.councils.models import GroupMember  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.monitoring import operations as workflow  # noqa: E402
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind  # noqa: E402
from grants.reports.models import Report  # noqa: E402
from grants.reports.rendering import render_committed  # noqa: E402
from grants.scoring import operations as scoring  # noqa: E402
from tests import live  # noqa: E402
from tests.helpers import DEMO_PASSWORD  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LANGS = {"kk": "kk-KZ", "ru": "ru-RU"}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def scorers(evaluation: Evaluation) -> list[User]:
    members = db.session.scalars(
        select(User)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == evaluation.group_id)
        .order_by(User.email)
    ).all()
    return [m for m in members if not evaluation.is_affiliated(m)]


def score_all(evaluation: Evaluation, members: list[User], scores=(4, 5, 3)) -> None:
    codes = evaluation.methodology.codes
    for member, score in zip(members, scores, strict=False):
        scoring.declare(evaluation, member, False)
        scoring.save_draft(
            evaluation, member, {c: {"score": score, "comment": "Проверено на месте"} for c in codes}
        )
        scoring.submit(evaluation, member)


def stage() -> dict:
    """Move the demo on so that every key page has something to show; returns the ids to visit."""
    chair = user("chair@example.kz")
    member1 = user("member1@example.kz")
    open_ones = [
        e
        for e in db.session.scalars(select(Evaluation).order_by(Evaluation.id))
        if e.group.chair_id == chair.id and e.state == EvaluationState.scoring and len(scorers(e)) >= 3
    ]
    draft = next(e for e in open_ones if not e.is_affiliated(member1))
    rest = [e for e in open_ones if e is not draft]
    assert len(rest) >= 2, "the demo lacks three open evaluations of the chair's group"
    consolidation, review = rest[:2]
    codes = draft.methodology.codes
    scoring.declare(draft, member1, False)
    scoring.save_draft(draft, member1, {c: {"score": 4, "comment": "Проверено на месте"} for c in codes[:2]})
    score_all(consolidation, scorers(consolidation)[:3])
    workflow.close_scoring(consolidation, chair)
    score_all(review, scorers(review)[:3])
    workflow.close_scoring(review, chair)
    workflow.finalize(
        review,
        chair,
        {
            "findings": "Мероприятия проведены по плану; посещаемость подтверждена на месте.",
            "recommendations": "Привлечь родителей к итоговым мероприятиям.",
            "conclusions": {c: "В основном соответствует плану." for c in review.methodology.codes},
            "consensus_notes": {},
        },
    )
    db.session.commit()
    render_committed()
    published = db.session.scalar(
        select(Evaluation)
        .where(Evaluation.state == EvaluationState.published, Evaluation.kind == SubjectKind.project)
        .order_by(Evaluation.id)
    )
    drafts = {
        r.lang: r.id
        for r in db.session.scalars(
            select(Report).where(Report.evaluation_id == review.id).order_by(Report.version)
        )
    }
    return {
        "draft": draft.id,
        "consolidation": consolidation.id,
        "review": review.id,
        "project": published.project_id,
        "lot": published.lot_id,
        "campaign": published.campaign_id,
        "reports": drafts,
        "plan": db.session.scalars(select(ActivityPlan).order_by(ActivityPlan.id)).first().id,
        # the meeting that heard the police department's report (the demo's second)
        "meeting": db.session.scalars(
            select(Meeting)
            .where(
                Meeting.state == MeetingState.published,
                Meeting.agenda.any(AgendaItem.speaker_name.is_not(None)),
            )
            .order_by(Meeting.id)
        )
        .first()
        .id,
    }


def pages(ids: dict) -> list[tuple[str, str | None, str, bool]]:
    """(name, account, path, also on a phone)."""
    return [
        ("home-public", None, "/", True),
        ("home-ministry", "ministry", "/", False),
        ("home-member", "member1", "/", True),
        ("home-chair", "chair", "/", False),
        ("home-ngo", "ngo", "/", False),
        ("home-admin", "admin", "/", False),
        ("lots", None, "/lots/", True),
        ("lot", None, f"/lots/{ids['lot']}", False),
        ("scorecard", "member1", f"/evaluations/{ids['draft']}", True),
        ("consolidation", "chair", f"/evaluations/{ids['consolidation']}/consolidate", False),
        ("review", "ministry", f"/reviews/{ids['review']}", False),
        ("result", None, f"/projects/{ids['project']}#published-results", True),
        ("results", None, f"/results/{ids['campaign']}", False),
        ("needs", None, "/needs/", False),
        ("plan", None, f"/plans/{ids['plan']}", False),
        ("plan-calendar", None, f"/plans/{ids['plan']}/calendar", False),
        ("meeting", None, f"/meetings/{ids['meeting']}", True),
        ("recommendations", None, "/recommendations/", False),
        ("home-official", "official", "/", False),
        ("home-secretary", "secretary", "/", False),
    ]


def shoot(base: str, ids: dict, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for lang, locale in LANGS.items():
            for device, options in (("desktop", DESKTOP), ("phone", PHONE)):
                sessions = {}
                for name, account, path, on_phone in pages(ids):
                    if device == "phone" and not on_phone:
                        continue
                    if account not in sessions:
                        context = browser.new_context(locale=locale, **options)
                        page = context.new_page()
                        if account:
                            log_in(page, base, account)
                        page.goto(f"{base}/lang/{lang}?next=/")
                        sessions[account] = page
                    page = sessions[account]
                    page.goto(f"{base}{path}")
                    page.wait_for_load_state("networkidle")
                    target = out / f"{name}-{lang}-{device}.png"
                    page.screenshot(path=str(target))
                    saved.append(target)
                for page in sessions.values():
                    page.context.close()
            saved.append(first_page(browser, base, ids["reports"][lang], out / f"report-{lang}.png"))
        browser.close()
    return saved


def log_in(page, base: str, account: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", f"{account}@example.kz")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form").locator("[type=submit]").click()
    page.wait_for_url(f"{base}/")


def first_page(browser, base: str, report_id: int, target: Path) -> Path:
    """The report's first page as a PNG (Chromium headless does not show PDFs in a page)."""
    context = browser.new_context()
    page = context.new_page()
    log_in(page, base, "ministry")  # the draft is the ministry's to read while in review
    answer = context.request.get(f"{base}/reports/{report_id}.pdf")
    assert answer.status == 200 and answer.body().startswith(b"%PDF"), answer.status
    body = answer.body()
    context.close()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(body)
        prefix = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-f", "1", "-l", "1", "-r", "60", "-singlefile", str(pdf), str(prefix)],
            check=True,
        )
        target.write_bytes(prefix.with_suffix(".png").read_bytes())
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = live.make_seeded_template(Path(tmp))
        app = live.build_app(
            url,
            WTF_CSRF_ENABLED=True,
            SECRET_KEY="screenshots-secret-that-is-long-enough",
            EVIDENCE_DIR=str(Path(tmp) / "evidence"),
            REPORT_LANGUAGES=("kk", "ru", "en"),
        )
        ids = live.in_app(app)(stage)
        with live.serve(app) as base:
            saved = shoot(base, ids, out)
        live.drop_database(url)
    for path in saved:
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB"
        )
    print(f"{len(saved)} pictures in {out}")


if __name__ == "__main__":
    main()
