"""The report's typography, read from the word boxes poppler finds in the PDF (issue 11, acceptance 6):
no two words print over each other, and no unit of an indicator is broken inside a word."""

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, gettext

from grants.core.i18n import BABEL_LOCALES
from grants.extensions import db
from grants.reports.content import render_evaluation_html
from grants.reports.models import Report, ReportKind
from grants.reports.operations import review
from grants.reports.rendering import render_committed
from tests.reports.report_helpers import finalize_with, group1_project_evaluation, user

# A touch of slack: glyph boxes of adjacent words on one line may share a hairline.
TOLERANCE = 0.3


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def intersects(self, other: "Word") -> bool:
        return (
            self.page == other.page
            and min(self.x1, other.x1) - max(self.x0, other.x0) > TOLERANCE
            and min(self.y1, other.y1) - max(self.y0, other.y0) > TOLERANCE
        )


def word_boxes(content: bytes) -> list[Word]:
    """Every word of the PDF with its box, as `pdftotext -bbox-layout` reports it."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    xml = re.sub(rb"<!DOCTYPE[^>]*>", b"", out.stdout)
    root = ET.fromstring(xml)
    words = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        for w in page.iter("{http://www.w3.org/1999/xhtml}word"):
            words.append(
                Word(
                    number,
                    w.text or "",
                    float(w.get("xMin")),
                    float(w.get("yMin")),
                    float(w.get("xMax")),
                    float(w.get("yMax")),
                )
            )
    return words


@pytest.fixture
def accepted(db, reports_in_all_languages):
    """A real project evaluation, finalized and accepted: its final reports rendered by WeasyPrint."""
    evaluation = finalize_with(group1_project_evaluation())
    assert evaluation.project.indicators, "the demo project has indicators"
    review(evaluation, user("ministry"), "accept", None)
    db.session.commit()
    render_committed()
    return evaluation


def final_pdf(evaluation, lang: str) -> bytes:
    report = (
        db.session.query(Report)
        .filter_by(evaluation_id=evaluation.id, kind=ReportKind.final, lang=lang)
        .one()
    )
    assert report.content.startswith(b"%PDF")
    return report.content


# The column headers of the report's tables (criteria, comments, indicators).
HEADERS = ["Criterion", "Mean", "Sum", "Member", "Score", "Comment"]
INDICATOR_HEADERS = ["Indicator", "Unit", "Baseline", "Target", "Actual", "Achieved"]


def words_of(msgids: list[str], lang: str) -> set[str]:
    with force_locale(BABEL_LOCALES[lang]):
        return {part for msgid in msgids for part in gettext(msgid).split()}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_two_words_print_over_each_other(accepted, lang):
    words = [w for w in word_boxes(final_pdf(accepted, lang)) if w.text.strip()]
    texts = {w.text for w in words}
    # a header squeezed into a narrow column runs into its neighbour: pdftotext then reads the
    # two as one word ("мәнНақты"), so each header word must be a word of its own
    for part in words_of(INDICATOR_HEADERS + HEADERS, lang):
        assert part in texts, f"header word {part!r} is run together with another or broken"
    clashes = [
        (a.text, b.text, a.page) for i, a in enumerate(words) for b in words[i + 1 :] if a.intersects(b)
    ]
    assert clashes == []


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_units_are_never_broken_inside_a_word(accepted, lang):
    texts = {w.text for w in word_boxes(final_pdf(accepted, lang))}
    with force_locale(BABEL_LOCALES[lang]):
        units = {str(ind.unit.title) for ind in accepted.project.indicators}
    assert units
    for unit in units:
        for part in unit.split():
            assert part in texts, f"unit {unit!r}: {part!r} is not one word of the report"


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_group_name_breaks_only_where_the_line_is_full(accepted, lang):
    """The group's name starts on one line with as many of its words as fit (it once broke after
    its first word, "Астана", with the rest on the next line)."""
    words = word_boxes(final_pdf(accepted, lang))
    name = accepted.group.localized("name", lang).split()
    starts = [
        i
        for i in range(len(words) - 1)
        if words[i].text == name[0] and words[i + 1].text == name[1] and words[i].page == 1
    ]
    assert starts, f"the group name {' '.join(name)!r} is on the first page"
    first, second = words[starts[0]], words[starts[0] + 1]
    assert abs(first.y0 - second.y0) < 1, "the first two words of the group name are on one line"


def test_russian_content_in_a_kazakh_report_says_it_is_russian(db):
    """A name that has no Kazakh version is printed in Russian, marked lang="ru"; names in the
    report's language carry no lang of their own (the document's lang="kk" covers them)."""
    evaluation = group1_project_evaluation()
    project = evaluation.project
    project.title_kk = None
    project.title_ru = "Профилактика наркомании среди молодёжи"
    indicator = project.indicators[0]
    indicator.name_kk = ""
    db.session.flush()
    html = render_evaluation_html(evaluation, "draft", 1, "kk", "0" * 64, datetime.now(UTC))
    assert '<html lang="kk">' in html
    assert '<h1 lang="ru">Профилактика наркомании среди молодёжи</h1>' in html
    assert f'<span lang="ru">{indicator.name_ru}</span>' in html
    group_name = evaluation.group.localized("name", "kk")
    assert f'<span class="name">{group_name}</span>' in html, "the group's Kazakh name is not marked"
    russian = render_evaluation_html(evaluation, "draft", 1, "ru", "0" * 64, datetime.now(UTC))
    # names in the report's own language carry no lang (free text is marked by its letters, text_lang)
    assert '<span lang="ru">' not in russian and '<h1 lang="ru">' not in russian
