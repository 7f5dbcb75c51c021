"""Evidence uploads and site visits: limited in size and type, stored outside the web root, private until submit."""

import io
from pathlib import Path

from sqlalchemy import select

from grants.scoring.models import Evidence, SiteVisit
from tests.helpers import login, user
from tests.scoring.test_evaluation_pages import SubjectKind, demo_evaluation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def declared_member(app, evaluation, who="member1"):
    client = app.test_client()
    login(client, f"{who}@example.kz")
    assert (
        client.post(
            f"/evaluations/{evaluation.id}/declare", data={"conflict": "no", "confirm": "y"}
        ).status_code
        == 302
    )
    return client


def upload(client, evaluation, content: bytes, name: str, code="relevance"):
    return client.post(
        f"/evaluations/{evaluation.id}/evidence?lang=en",
        data={"criterion_code": code, "file": (io.BytesIO(content), name), "description": "Акт выезда"},
        content_type="multipart/form-data",
    )


def test_pdf_is_stored_outside_the_web_root_and_served_to_its_owner(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    assert upload(client, evaluation, PDF, "act.pdf").status_code == 302
    item = db.session.scalar(select(Evidence).where(Evidence.filename == "act.pdf"))
    assert item is not None and item.criterion_code == "relevance" and item.size == len(PDF)
    stored = Path(app.config["EVIDENCE_DIR"]) / item.storage_key
    assert stored.read_bytes() == PDF
    static_root = Path(app.static_folder).resolve()
    assert static_root not in stored.resolve().parents
    response = client.get(f"/evaluations/evidence/{item.id}")
    assert response.status_code == 200 and response.data == PDF
    # a PDF opens in the browser (docs/domain.md#evidence-access); the type is never sniffed
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_wrong_type_disguised_file_and_oversized_file_are_refused(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    before = db.session.scalar(select(Evidence.id).order_by(Evidence.id.desc()).limit(1))
    for content, name in ((b"MZ\x90\x00binary", "tool.exe"), (b"<html>not a pdf", "fake.pdf")):
        # Refused in place (422): the page again, the description as typed, the error beside the file.
        response = upload(client, evaluation, content, name)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "Only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files are accepted." in page
        assert 'data-field-error="file"' in page and 'value="Акт выезда"' in page
    app.config["EVIDENCE_MAX_BYTES"] = 1024
    try:
        response = upload(client, evaluation, PDF + b"0" * 2048, "big.pdf")
    finally:
        app.config.pop("EVIDENCE_MAX_BYTES")
    assert response.status_code == 422
    assert "The file is too large" in response.get_data(as_text=True)
    assert db.session.scalar(select(Evidence.id).order_by(Evidence.id.desc()).limit(1)) == before


def test_other_members_cannot_download_before_submitting(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    owner = declared_member(app, evaluation, "member1")
    upload(owner, evaluation, PNG, "photo.png")
    item = db.session.scalar(select(Evidence).where(Evidence.filename == "photo.png"))
    other = declared_member(app, evaluation, "member3")
    assert other.get(f"/evaluations/evidence/{item.id}").status_code == 404
    outsider = app.test_client()
    login(outsider, "member4@example.kz")
    assert outsider.get(f"/evaluations/evidence/{item.id}").status_code == 404


def test_link_evidence_and_site_visit(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    r = client.post(
        f"/evaluations/{evaluation.id}/evidence",
        data={"criterion_code": "result", "url": "javascript:alert(1)"},
    )
    assert r.status_code == 422
    assert db.session.scalar(select(Evidence).where(Evidence.url.like("javascript%"))) is None
    r = client.post(
        f"/evaluations/{evaluation.id}/evidence",
        data={"criterion_code": "result", "url": "https://example.kz/report.pdf"},
    )
    assert (
        db.session.scalar(select(Evidence).where(Evidence.url == "https://example.kz/report.pdf")) is not None
    )
    r = client.post(
        f"/evaluations/{evaluation.id}/visits",
        data={
            "visit_date": "2026-01-15",
            "place": "Астана, ул. Кенесары 40",
            "observations": "Занятия проводятся, 25 участников.",
            "photo": (io.BytesIO(PNG), "visit.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    visit = db.session.scalar(select(SiteVisit).where(SiteVisit.place == "Астана, ул. Кенесары 40"))
    assert visit is not None and visit.member_id == user("member1").id
    assert [p.filename for p in visit.photos] == ["visit.png"]
    r = client.post(
        f"/evaluations/{evaluation.id}/visits",
        data={"visit_date": "2999-01-01", "place": "Будущее", "observations": "—"},
    )
    assert db.session.scalar(select(SiteVisit).where(SiteVisit.place == "Будущее")) is None
    # Refused in place: the visit form still holds what was typed, the error beside the date.
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'value="2999-01-01"' in page and 'value="Будущее"' in page
    assert 'data-field-error="visit_date"' in page and "visit_date:" not in page
