"""What the issued PDF says, in each language (issue 4, acceptance 1)."""

import re

import pytest

from grants.extensions import db
from grants.reports.models import Report, ReportKind
from grants.reports.operations import review
from grants.reports.rendering import render_committed
from tests.reports.report_helpers import finalize_with, group1_project_evaluation, pdf_fonts, pdf_text, user


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture
def accepted(db, reports_in_all_languages):
    evaluation = finalize_with(group1_project_evaluation())
    review(evaluation, user("ministry"), "accept", None)
    db.session.commit()
    render_committed()
    return evaluation


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_final_report_names_lot_ngo_criteria_index_and_band(accepted, lang, tmp_path):
    report = (
        db.session.query(Report).filter_by(evaluation_id=accepted.id, kind=ReportKind.final, lang=lang).one()
    )
    assert report.content.startswith(b"%PDF")
    text = normalise(pdf_text(report.content))
    lot, ngo, methodology = accepted.lot, accepted.project.ngo, accepted.methodology
    assert normalise(lot.localized("title", lang)) in text
    assert normalise(ngo.localized("name", lang)) in text
    for criterion in methodology.criteria:
        assert normalise(criterion.localized("name", lang)) in text, criterion.code
    index = {"en": "83.3"}.get(lang, "83,3")
    assert re.search(rf"\b{re.escape(index)}\b", text)
    assert methodology.band_title("effective", lang) in text
    assert report.fingerprint in text.replace(" ", "")
    fonts = pdf_fonts(report.content, tmp_path)
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    for row in rows:
        # columns: name type encoding emb sub uni ...: every font embedded (and subset)
        assert re.search(r"\byes\s+yes\s+yes\b", row), row


def test_draft_is_watermarked_and_final_is_not(accepted):
    draft = (
        db.session.query(Report).filter_by(evaluation_id=accepted.id, kind=ReportKind.draft, lang="en").one()
    )
    final = (
        db.session.query(Report).filter_by(evaluation_id=accepted.id, kind=ReportKind.final, lang="en").one()
    )
    assert "DRAFT FOR REVIEW" in pdf_text(draft.content).upper()
    assert "DRAFT FOR REVIEW" not in pdf_text(final.content).upper()
    assert final.version == draft.version + 1


def test_issued_reports_never_change(accepted):
    report = (
        db.session.query(Report).filter_by(evaluation_id=accepted.id, lang="ru", kind=ReportKind.final).one()
    )
    report.content = b"%PDF-forged"
    with pytest.raises(PermissionError):
        db.session.flush()
