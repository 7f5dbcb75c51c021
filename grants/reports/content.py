"""Everything an evaluation report shows, gathered once and rendered in the reader's language."""

import io
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import segno
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from grants.core.charts import horizontal_bars
from grants.core.i18n import BABEL_LOCALES, fixed
from grants.core.pdf import render_pdf
from grants.monitoring.models import Evaluation, SubjectKind
from grants.monitoring.results import evaluation_result
from grants.replies.operations import printed_replies, remark_counts
from grants.scoring.exhibits import gather as gather_exhibits

STYLESHEET = Path(__file__).resolve().parents[2] / "templates" / "reports" / "pdf" / "report.css"


def verify_url(fingerprint: str) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/verify/{fingerprint}"


def absolute_url(endpoint: str, **values) -> str:
    """A link under PUBLIC_BASE_URL, built without a request (reports render after the commit)."""
    base = urlsplit(current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def evidence_url(item) -> str:
    """Where a stored piece of evidence opens for whoever may see it (docs/domain.md#evidence-access)."""
    return absolute_url("evaluations.evidence_file", evidence_id=item.id)


def qr_svg(url: str) -> Markup:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=2, border=1, xmldecl=False, svgns=True)
    return Markup(buffer.getvalue().decode())


def criterion_chart(evaluation: Evaluation, result, lang: str) -> Markup:
    """Mean score per criterion, the same chart as on the evaluation page."""
    methodology = evaluation.methodology
    items = []
    for criterion in methodology.criteria:
        aggregate = result.aggregates[criterion.code]
        mean = aggregate.mean_display
        items.append(
            (
                criterion.localized("short", lang) or criterion.localized("name", lang),
                float(mean) if mean is not None else None,
                fixed(mean, 2, lang) if mean is not None else "—",
            )
        )
    return horizontal_bars(items, maximum=methodology.scale_max, title=methodology.localized("name", lang))


def report_context(
    evaluation: Evaluation, kind: str, version: int, lang: str, fingerprint: str, issued_at: datetime
) -> dict:
    result = evaluation_result(evaluation)
    cards = [card for card in evaluation.scorecards if card.counts]
    url = verify_url(fingerprint)
    exhibits = gather_exhibits(evaluation, counted_only=True)
    return {
        "evaluation": evaluation,
        "methodology": evaluation.methodology,
        "subject": evaluation.subject,
        "is_project": evaluation.kind == SubjectKind.project,
        "result": result,
        "cards": cards,
        "recused": [card for card in evaluation.scorecards if card.recused],
        "not_submitted": [card for card in evaluation.scorecards if card.not_submitted],
        # the evidence of the scorecards that count, per criterion, and every site visit
        "exhibits": exhibits,
        "visits": exhibits.visits,
        "evidence_url": evidence_url,
        "chart": criterion_chart(evaluation, result, lang),
        "kind": kind,
        "version": version,
        "lang": lang,
        "fingerprint": fingerprint,
        "verify_url": url,
        "qr": qr_svg(url),
        "issued_at": issued_at,
        "reviews": evaluation.reviews,
        "replies": printed_replies(evaluation),
        "remarks": remark_counts(evaluation),
    }


def render_evaluation_html(
    evaluation: Evaluation, kind: str, version: int, lang: str, fingerprint: str, issued_at: datetime
) -> str:
    """The text of one evaluation's report in one language (kk, ru or en), as issued: the
    evaluation as it stands in the issuing transaction."""
    with force_locale(BABEL_LOCALES[lang]):
        return render_template(
            "reports/pdf/evaluation.html",
            **report_context(evaluation, kind, version, lang, fingerprint, issued_at),
        )


def html_to_pdf(html: str) -> bytes:
    """The PDF of an issued report's text (WeasyPrint: the slow part, run after commit)."""
    return render_pdf(html, STYLESHEET)
