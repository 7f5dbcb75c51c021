"""The upload pages: preview, confirm, errors, and who may import what."""

import io
import re

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.lots.models import Lot
from grants.organisations.models import Organisation
from grants.projects.models import Project
from tests.factories import astana, redirect_path, text_of
from tests.imports.helpers import (
    LOT_HEADERS,
    PROJECT_HEADERS,
    YEAR,
    audit_count,
    csv_bytes,
    imported_lots,
    lot_row,
    lot_rows,
    other_admin_bin,
    project_row,
    xlsx_bytes,
)


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def upload(client, kind: str, content: bytes, name: str = "file.csv", lang: str = "en"):
    return client.post(
        f"/imports/{kind}?lang={lang}",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def token_of(response) -> str:
    found = re.search(r'name="token" type="hidden" value="([^"]+)"', response.get_data(as_text=True))
    assert found, "the preview has no confirm form"
    return found.group(1)


@pytest.mark.parametrize(
    "url", ["/imports/lots", "/imports/projects", "/imports/lots/template.csv", "/imports/"]
)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and redirect_path(response).startswith("/login")


@pytest.mark.parametrize("role", ["ngo", "member1", "chair"])
def test_others_may_not_import(login_as, role):
    client = login_as(role)
    assert client.get("/imports/lots").status_code == 403
    assert upload(client, "lots", csv_bytes(lot_rows(1), LOT_HEADERS)).status_code == 403
    assert client.post("/imports/lots/confirm?lang=en", data={"token": "x" * 32}).status_code == 403
    assert imported_lots() == 0


@pytest.mark.parametrize("role", ["ministry", "admin"])
def test_the_form_shows_the_columns(login_as, role):
    response = login_as(role).get("/imports/lots")
    assert response.status_code == 200
    page = text_of(response)
    assert "БИН администратора" in page and "Әкімшінің БСН-і" in page and 'type="file"' in page


def test_template_download(login_as):
    response = login_as("ministry").get("/imports/projects/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.decode("utf-8-sig").strip() == ";".join([*PROJECT_HEADERS, "Статус"])


def test_preview_then_confirm_imports_every_row(login_as, upload_dir):
    client = login_as("ministry")
    response = upload(client, "lots", xlsx_bytes(lot_rows(5), LOT_HEADERS), "lots.xlsx")
    assert response.status_code == 200
    page = text_of(response)
    assert "5 lots: 5 created, 0 updated, 0 unchanged" in page
    assert f"IMP-0003/{YEAR}" in page and 'id="import-preview"' in page
    assert imported_lots() == 0  # the preview saves nothing
    token = token_of(response)
    assert len(list(upload_dir.iterdir())) == 1

    confirmed = client.post("/imports/lots/confirm?lang=en", data={"token": token})
    assert confirmed.status_code == 302 and redirect_path(confirmed) == "/imports/lots"
    assert imported_lots() == 5
    # deleted after the commit; a marker answers a repeated confirm (grants/imports/staging.py)
    assert [path.suffix for path in upload_dir.iterdir()] == [".applied"]
    from grants.audit.models import AuditEvent
    from tests.factories import ministry

    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "lot.import" and event.actor_id == ministry().id

    # The token is single-use.
    again = client.post("/imports/lots/confirm?lang=en", data={"token": token})
    assert again.status_code == 409 and "This file has already been imported." in text_of(again)
    assert imported_lots() == 5

    events = audit_count()
    response = upload(client, "lots", csv_bytes(lot_rows(5), LOT_HEADERS))
    assert "5 lots: 0 created, 0 updated, 5 unchanged" in text_of(response)
    client.post("/imports/lots/confirm?lang=en", data={"token": token_of(response)})
    assert imported_lots() == 5 and audit_count() == events


def test_errors_are_listed_and_nothing_is_stored(login_as, upload_dir):
    client = login_as("ministry")
    rows = lot_rows(4)
    rows[1]["КАТО"] = "990000000"
    rows[3]["Сумма, тенге"] = "-1"
    response = upload(client, "lots", csv_bytes(rows, LOT_HEADERS))
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="import-errors"' in page and 'name="token"' not in page
    assert re.search(r"<td>3</td><td>КАТО</td><td>Unknown KATO code", page)
    assert re.search(r"<td>5</td><td>Сумма, тенге</td><td>The amount cannot be negative.", page)
    assert imported_lots() == 0
    assert not upload_dir.exists()  # a refused file is never written


def test_errors_in_the_users_language(login_as):
    rows = lot_rows(2)
    rows[1]["Сумма, тенге"] = "-1"
    response = upload(login_as("ministry"), "lots", csv_bytes(rows, LOT_HEADERS), lang="ru")
    assert "Сумма не может быть отрицательной." in text_of(response)


def test_ministry_cannot_import_lots_of_another_organisation(login_as):
    client = login_as("ministry")
    rows = [lot_row(1), lot_row(2, other_admin_bin())]
    response = upload(client, "lots", csv_bytes(rows, LOT_HEADERS))
    assert response.status_code == 422
    assert re.search(
        r"<td>3</td><td>БИН администратора</td><td>You can import only lots of your own organisation",
        text_of(response),
    )
    assert imported_lots() == 0


def test_admin_imports_for_any_administrator(login_as):
    client = login_as("admin")
    response = upload(client, "lots", csv_bytes([lot_row(1), lot_row(2, other_admin_bin())], LOT_HEADERS))
    assert response.status_code == 200
    client.post("/imports/lots/confirm?lang=en", data={"token": token_of(response)})
    assert imported_lots() == 2


def test_projects_of_foreign_lots_are_refused_to_ministry(login_as):
    admin = login_as("admin")
    response = upload(admin, "lots", csv_bytes([lot_row(1), lot_row(2, other_admin_bin())], LOT_HEADERS))
    admin.post("/imports/lots/confirm?lang=en", data={"token": token_of(response)})
    admin.post("/logout")
    client = login_as("ministry")
    rows = [project_row(1, "IMP-0001"), project_row(2, "IMP-0002")]
    response = upload(client, "projects", csv_bytes(rows, PROJECT_HEADERS))
    assert response.status_code == 422
    assert re.search(r"<td>3</td><td>Номер лота</td><td>You can import only contracts", text_of(response))
    response = upload(client, "projects", csv_bytes(rows[:1], PROJECT_HEADERS))
    assert response.status_code == 200 and "new NGO" in text_of(response)
    client.post("/imports/projects/confirm?lang=en", data={"token": token_of(response)})
    project = db.session.scalar(select(Project).where(Project.contract_number == "IMP-C-0001"))
    assert project is not None and project.ngo.bin == "061211600012"


def test_a_token_of_another_user_is_useless(login_as, client):
    ministry_client = login_as("ministry")
    response = upload(ministry_client, "lots", csv_bytes(lot_rows(2), LOT_HEADERS))
    token = token_of(response)
    ministry_client.post("/logout")
    admin = login_as("admin")
    refused = admin.post("/imports/lots/confirm?lang=en", data={"token": token}, follow_redirects=True)
    assert "no longer available" in text_of(refused)
    assert admin.post("/imports/projects/confirm", data={"token": "../../secret_key"}).status_code == 400
    assert imported_lots() == 0


def test_confirm_revalidates(login_as):
    client = login_as("ministry")
    response = upload(client, "lots", csv_bytes(lot_rows(2), LOT_HEADERS))
    token = token_of(response)
    # Meanwhile another administrator's lot takes the key of row 3.
    other = db.session.scalar(select(Organisation).where(Organisation.bin == other_admin_bin()))
    db.session.add(
        Lot(
            number="IMP-0002",
            year=YEAR,
            title_ru="Чужой лот",
            administrator_id=other.id,
            region_id=astana().id,
            budget=5,
        )
    )
    db.session.commit()
    response = client.post("/imports/lots/confirm?lang=en", data={"token": token})
    assert response.status_code == 422
    assert "belongs to another administrator" in text_of(response)
    assert imported_lots() == 1  # only the other administrator's lot


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lots.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "The file is not a spreadsheet"),
        ("lots.csv", b"\xff\xfe\x00\x01", "The file is not a spreadsheet"),
    ],
)
def test_not_a_spreadsheet(login_as, name, content, message):
    response = upload(login_as("ministry"), "lots", content, name)
    assert response.status_code == 422 and message in text_of(response)


def test_over_the_size_limit(login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 2000)
    content = csv_bytes(lot_rows(20), LOT_HEADERS)
    assert len(content) > 2000
    response = upload(login_as("ministry"), "lots", content)
    assert response.status_code == 422
    assert "The file is too large" in text_of(response)
    assert imported_lots() == 0


def test_no_file_chosen(login_as):
    response = login_as("ministry").post("/imports/lots?lang=en", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file." in text_of(response)
