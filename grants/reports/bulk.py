"""Every issued report of a campaign in one ZIP, with the campaign summary and a manifest.

The ZIP holds the stored bytes of each evaluation's latest issued report per language (never a
re-rendering: what was issued is what is handed out, and its sha256 still verifies), the summary
PDF per language, rendered now, and manifest.csv listing every file with its sha256.
"""

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from grants.core.db import as_utc
from grants.extensions import db
from grants.monitoring.models import Campaign, Evaluation, EvaluationState
from grants.reports.models import RenderStatus, Report, ReportKind
from grants.reports.operations import issue_reports
from grants.reports.summary import MANAGER_STATES, render_summary_pdf

Progress = Callable[[int, int], None]  # (files done, files in all)
MANIFEST_FIELDS = ("file", "evaluation_id", "kind", "version", "lang", "sha256")


class TamperedReport(RuntimeError):
    """A stored report's bytes no longer match the sha256 recorded when it was issued."""


@dataclass
class BundleFile:
    name: str
    lang: str
    report: Report | None = None  # None: the campaign summary, rendered when written

    @property
    def row(self) -> dict:
        r = self.report
        return {
            "file": self.name,
            "evaluation_id": r.evaluation_id if r else "",
            "kind": r.kind.value if r else "summary",
            "version": r.version if r else "",
            "lang": self.lang,
        }


def latest_reports(campaign: Campaign, langs: Sequence[str]) -> list[Report]:
    """The latest rendered version of each of the campaign's evaluations' reports in each language."""
    latest = (
        select(Report.evaluation_id, Report.lang, func.max(Report.version).label("version"))
        .join(Evaluation, Evaluation.id == Report.evaluation_id)
        .where(
            Evaluation.campaign_id == campaign.id,
            Report.lang.in_(list(langs)),
            Report.render_status == RenderStatus.ready,  # a report still being prepared has no file yet
        )
        .group_by(Report.evaluation_id, Report.lang)
        .subquery()
    )
    reports = db.session.scalars(
        select(Report)
        .join(
            latest,
            (Report.evaluation_id == latest.c.evaluation_id)
            & (Report.lang == latest.c.lang)
            & (Report.version == latest.c.version),
        )
        .options(selectinload(Report.evaluation))
    ).all()
    order = {lang: i for i, lang in enumerate(langs)}
    return sorted(reports, key=lambda r: (r.evaluation_id, order[r.lang]))


def bundle_files(campaign: Campaign, langs: Sequence[str]) -> list[BundleFile]:
    """What the ZIP will hold, in order: the summaries first, then the evaluations' reports."""
    files = [BundleFile(f"summary-{lang}.pdf", lang) for lang in langs]
    files += [
        BundleFile(f"evaluation-{r.evaluation_id}-{r.lang}.pdf", r.lang, r)
        for r in latest_reports(campaign, langs)
    ]
    return files


def _entry(name: str, moment: datetime | None) -> zipfile.ZipInfo:
    moment = as_utc(moment) or datetime.now(UTC)
    info = zipfile.ZipInfo(name, date_time=moment.astimezone(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED  # PDFs are compressed already
    info.external_attr = 0o644 << 16
    return info


def write_campaign_zip(
    campaign: Campaign,
    langs: Sequence[str],
    fileobj,
    progress: Progress | None = None,
    states: Sequence[EvaluationState] = MANAGER_STATES,
) -> int:
    """Write the campaign's ZIP to an open binary file; returns the number of PDFs in it."""
    files = bundle_files(campaign, langs)
    rows = []
    generated_at = datetime.now(UTC)
    with zipfile.ZipFile(fileobj, "w") as archive:
        for done, item in enumerate(files, start=1):
            if item.report is None:
                content = render_summary_pdf(campaign, item.lang, states, generated_at=generated_at)
                moment = generated_at
            else:
                content = item.report.content
                moment = item.report.issued_at
            digest = hashlib.sha256(content).hexdigest()
            if item.report is not None:
                if digest != item.report.sha256:
                    raise TamperedReport(
                        f"report {item.report.id} does not match its sha256: it was changed after issue"
                    )
                db.session.expire(item.report, ["content"])  # keep one PDF in memory at a time
            archive.writestr(_entry(item.name, moment), content)
            rows.append(item.row | {"sha256": digest})
            if progress is not None:
                progress(done, len(files))
        manifest = io.StringIO()
        writer = csv.DictWriter(manifest, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        info = _entry("manifest.csv", generated_at)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, manifest.getvalue().encode("utf-8"))
    return len(files)


def render_campaign(campaign: Campaign, langs: Sequence[str], progress: Progress | None = None) -> bytes:
    """The campaign's ZIP as bytes (issued reports as stored, summaries, manifest.csv)."""
    buffer = io.BytesIO()
    write_campaign_zip(campaign, langs, buffer, progress)
    return buffer.getvalue()


def issue_missing(campaign: Campaign, langs: Sequence[str], user=None) -> list[Evaluation]:
    """Issue reports for evaluations with a fixed result that lack one in some of `langs`.

    Normally finalize and accept issue them; this repairs the rare gap (e.g. a language added to
    REPORT_LANGUAGES later). A new version is issued in every report language, as always.
    """
    evaluations = db.session.scalars(
        select(Evaluation)
        .where(Evaluation.campaign_id == campaign.id, Evaluation.state.in_(MANAGER_STATES))
        .order_by(Evaluation.id)
    ).all()
    if not evaluations:
        return []
    have: dict[int, set[str]] = {}
    for evaluation_id, lang in db.session.execute(
        select(Report.evaluation_id, Report.lang)
        .where(Report.evaluation_id.in_([e.id for e in evaluations]))
        .distinct()
    ):
        have.setdefault(evaluation_id, set()).add(lang)
    issued = []
    for evaluation in evaluations:
        if set(langs) - have.get(evaluation.id, set()):
            final = evaluation.state in (EvaluationState.accepted, EvaluationState.published)
            issue_reports(evaluation, ReportKind.final if final else ReportKind.draft, user)
            issued.append(evaluation)
    return issued
