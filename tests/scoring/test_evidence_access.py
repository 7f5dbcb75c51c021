"""Evidence in front of the reviewers (issue 11, acceptance 4; docs/domain.md#evidence-access): the
chair, the campaign's ministry staff, admins and the group open every member's files inline; members
of other groups, other NGOs and the project's NGO before publication are told nothing exists; the
consolidation and review pages and the report list each piece with its author."""

import io
import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from werkzeug.datastructures import FileStorage

from grants.accounts.models import Role, User, UserRole
from grants.core.errors import today_local
from grants.extensions import db
from grants.monitoring.models import Evaluation
from grants.organisations.models import Organisation, OrganisationKind
from grants.reports.models import Report, ReportKind
from grants.reports.operations import publish, review
from grants.reports.rendering import render_committed
from grants.scoring import operations as scoring
from grants.scoring.evidence import store_file
from grants.scoring.exhibits import gather
from tests.helpers import DEMO_PASSWORD, login, pdf_text, user
from tests.reports.report_helpers import finalize_with, group1_project_evaluation

# A real 1×1 PNG (the browser test shows it), a minimal PDF and an .xlsx (a zip container).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201e2a3b6f70000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XLSX = b"PK\x03\x04" + b"\x00" * 60
STRICT = "default-src 'none'"


def _file(content: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name)


def _person(email: str, role: Role, organisation_id: int) -> User:
    person = User(email=email, full_name=email.split("@")[0], organisation_id=organisation_id, active=True)
    person.set_password(DEMO_PASSWORD)
    person.role_rows.append(UserRole(role=role))
    db.session.add(person)
    return person


@pytest.fixture
def exhibits(db):
    """Group 1's project evaluation in review: member1 attached a photo to a criterion, an act (PDF)
    to the whole evaluation, a table (.xlsx) and a site visit with a photo; an account of the
    project's NGO, one of another NGO and a ministry account of another organisation exist."""
    evaluation = group1_project_evaluation()
    member1 = user("member1")
    card = scoring.declare(evaluation, member1, False)
    code = evaluation.methodology.codes[0]
    items = {
        "png": store_file(
            _file(PNG, "site.png"), member1, scorecard=card, criterion_code=code, description="Фото занятия"
        ),
        "pdf": store_file(_file(PDF, "act.pdf"), member1, scorecard=card),
        "xlsx": store_file(_file(XLSX, "table.xlsx"), member1, scorecard=card, criterion_code=code),
    }
    visit = scoring.record_visit(
        evaluation, member1, today_local(), "Астана, ул. Кенесары 40", "Занятия идут."
    )
    items["visit"] = store_file(_file(PNG, "visit.png"), member1, site_visit=visit)
    ngo_id = evaluation.project.ngo_id
    other_ngo = db.session.scalar(
        select(Organisation).where(Organisation.kind == OrganisationKind.ngo, Organisation.id != ngo_id)
    )
    _person("project-ngo@example.kz", Role.ngo, ngo_id)
    _person("other-ngo@example.kz", Role.ngo, other_ngo.id)
    _person("ministry-other@example.kz", Role.ministry, other_ngo.id)  # staff of another organisation
    db.session.commit()
    finalize_with(evaluation)  # members 1–3 submit, the chair submits for review
    return evaluation, {name: item.id for name, item in items.items()}, code


def _client(app, email: str | None):
    client = app.test_client()
    if email:
        login(client, email)
    return client


def _get(app, email, evidence_id):
    response = _client(app, email).get(f"/evaluations/evidence/{evidence_id}")
    response.close()
    return response


@pytest.mark.parametrize(
    "email", ["chair@example.kz", "ministry@example.kz", "admin@example.kz", "member3@example.kz"]
)
def test_reviewers_and_the_group_open_the_files_inline(app, exhibits, email):
    _evaluation, ids, _code = exhibits
    client = _client(app, email)
    for name, mimetype in (("png", "image/png"), ("pdf", "application/pdf"), ("visit", "image/png")):
        response = client.get(f"/evaluations/evidence/{ids[name]}")
        assert response.status_code == 200, (email, name)
        assert response.mimetype == mimetype
        assert response.headers["Content-Disposition"].startswith("inline")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        policy = response.headers["Content-Security-Policy"]
        assert STRICT in policy and "script-src" not in policy
        assert response.data == (PNG if mimetype == "image/png" else PDF)
        response.close()
    response = client.get(f"/evaluations/evidence/{ids['xlsx']}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.parametrize(
    "email",
    ["member4@example.kz", "other-ngo@example.kz", "project-ngo@example.kz", "ministry-other@example.kz"],
)
def test_other_groups_other_ngos_and_the_ngo_before_publication_get_404(app, exhibits, email):
    _evaluation, ids, _code = exhibits
    for evidence_id in ids.values():
        assert _get(app, email, evidence_id).status_code == 404, email


def test_anonymous_visitors_are_sent_to_sign_in(app, exhibits):
    _evaluation, ids, _code = exhibits
    response = _get(app, None, ids["png"])
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_projects_ngo_opens_them_once_published(app, exhibits):
    evaluation, ids, _code = exhibits
    review(evaluation, user("ministry"), "accept", None)
    db.session.commit()
    assert _get(app, "project-ngo@example.kz", ids["png"]).status_code == 404  # accepted, not public yet
    publish(evaluation, user("ministry"))
    db.session.commit()
    assert _get(app, "project-ngo@example.kz", ids["png"]).status_code == 200
    assert _get(app, "project-ngo@example.kz", ids["pdf"]).status_code == 200
    assert _get(app, "other-ngo@example.kz", ids["png"]).status_code == 404
    assert _get(app, "member4@example.kz", ids["png"]).status_code == 404


def _listed(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'data-evidence="(\d+)"', html)}


def _author_line(html: str) -> list[str]:
    return re.findall(r"<span data-evidence-author>([^<]*)</span>", html)


@pytest.mark.parametrize(
    ("email", "path"),
    [
        ("chair@example.kz", "/evaluations/{id}/consolidate"),
        ("ministry@example.kz", "/reviews/{id}"),
        ("chair@example.kz", "/evaluations/{id}"),
        ("ministry@example.kz", "/evaluations/{id}"),
        ("admin@example.kz", "/evaluations/{id}"),
    ],
)
def test_reviewers_pages_list_each_piece_per_criterion_with_its_author(app, exhibits, email, path):
    evaluation, ids, code = exhibits
    response = _client(app, email).get(path.format(id=evaluation.id) + "?lang=ru")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _listed(html) == set(ids.values())
    section = html[html.index('id="exhibits"') :]
    # per criterion: the photo under its criterion, the act under "whole evaluation"
    criterion = section.index(f'data-exhibits-criterion="{code}"')
    whole = section.index('data-exhibits-criterion=""')
    assert criterion < section.index(f'data-evidence="{ids["png"]}"') < whole
    assert whole < section.index(f'data-evidence="{ids["pdf"]}"')
    with force_locale("ru_KZ"):
        added = gettext("added by %(name)s, %(date)s", name=user("member1").full_name, date="")
    authors = _author_line(section)
    assert len(authors) == len(ids) and all(a.strip().startswith(added.strip(" ,")) for a in authors)
    assert f'href="/evaluations/evidence/{ids["png"]}"' in section
    assert 'target="_blank"' in section and "<img" in section
    assert "Фото занятия" in section and "Астана, ул. Кенесары 40" in section


def test_a_member_page_has_no_reviewers_list(app, exhibits):
    evaluation, _ids, _code = exhibits
    html = _client(app, "member3@example.kz").get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert 'id="exhibits"' not in html


def test_review_page_opens_the_report_in_the_readers_language(app, exhibits, reports_in_all_languages):
    evaluation, _ids, _code = exhibits
    review(evaluation, user("ministry"), "accept", None)
    db.session.commit()
    render_committed()
    client = _client(app, "ministry@example.kz")
    for lang in ("ru", "kk", "en"):
        html = client.get(f"/reviews/{evaluation.id}?lang={lang}").get_data(as_text=True)
        active = re.findall(r'class="nav-link active" id="tab-(\w+)"', html)
        assert active == [lang], (lang, active)
        assert re.search(rf'class="tab-pane fade show active" id="report-{lang}"', html)


def test_the_report_lists_each_piece_with_author_date_and_link(app, exhibits):
    evaluation, ids, _code = exhibits
    report = db.session.scalar(
        select(Report).where(
            Report.evaluation_id == evaluation.id, Report.kind == ReportKind.draft, Report.lang == "ru"
        )
    )
    text = pdf_text(report.content)
    joined = text.replace("\n", "")
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    for name in ("png", "pdf", "xlsx", "visit"):
        assert f"{base}/evaluations/evidence/{ids[name]}" in joined, name
    for filename in ("site.png", "act.pdf", "table.xlsx", "visit.png"):
        assert filename in text
    with force_locale("ru_KZ"):
        added = gettext("added by %(name)s, %(date)s", name=user("member1").full_name, date="").strip(" ,")
        whole = gettext("Whole evaluation")
    assert " ".join(text.split()).count(added) == len(ids)
    assert whole in text


def _statements(fn) -> int:
    count = 0

    def counter(_conn, _cursor, statement, *_args):
        nonlocal count
        count += not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))

    event.listen(Engine, "before_cursor_execute", counter)
    try:
        fn()
    finally:
        event.remove(Engine, "before_cursor_execute", counter)
    return count


def test_gathering_costs_the_same_few_queries_however_many_pieces(app, exhibits):
    evaluation, _ids, code = exhibits

    evaluation_id = evaluation.id

    def gather_and_read():
        db.session.expunge_all()  # nothing cached: every row is read as on a fresh request
        listed = gather(db.session.get(Evaluation, evaluation_id), user("chair"))
        for group in listed.groups:
            for item in group.items:
                assert item.uploaded_by.full_name
        for visit in listed.visits:
            assert visit.member.full_name and all(p.uploaded_by.full_name for p in visit.photos)
        return listed.count

    before = _statements(gather_and_read)
    evaluation = db.session.get(Evaluation, evaluation_id)
    for who in ("member2", "member3"):
        card = evaluation.scorecard_of(user(who))
        for n in range(3):
            store_file(_file(PNG, f"{who}-{n}.png"), user(who), scorecard=card, criterion_code=code)
    db.session.commit()
    db.session.expunge_all()
    after = _statements(gather_and_read)
    assert after == before
