"""A campaign's assignments from a file: the import parser's CSV and XLSX reading, a preview that writes
nothing, row errors shown row by row, and a confirm that assigns every row or none."""

import html
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from grants.audit.models import AuditEvent
from grants.councils.models import MonitoringGroup
from grants.extensions import db
from grants.monitoring.models import Campaign, Evaluation, SubjectKind
from grants.monitoring.operations import assign
from tests.conftest import login, visible_text
from tests.factories import ministry, other_lot, own_lot, own_project, text_of
from tests.monitoring import make_campaign, own_group

RU = ["Вид", "Группа", "Номер договора", "Номер лота", "Год"]
KK = ["Түрі", "Топ", "Шарттың нөмірі", "Лот нөмірі", "Жыл"]
LEGACY = ["kind", "group", "contract_number", "lot_number", "year"]


def other_group() -> MonitoringGroup:
    group = db.session.scalar(
        select(MonitoringGroup)
        .where(MonitoringGroup.organiser_id != ministry().organisation_id)
        .order_by(MonitoringGroup.id)
        .limit(1)
    )
    assert group is not None, "the demo needs a second group"
    return group


def csv_file(headers: list[str], *rows: list, delimiter: str = ";") -> bytes:
    lines = [delimiter.join(headers), *(delimiter.join(str(c) for c in row) for row in rows)]
    return ("\ufeff" + "\r\n".join(lines)).encode("utf-8")


def xlsx_file(headers: list[str], *rows: list) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, campaign: Campaign, content: bytes, name: str = "assignments.csv"):
    return client.post(
        f"/imports/campaigns/{campaign.id}/assignments",
        data={"assign-file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        query_string={"lang": "en"},
    )


def token_of(response) -> str:
    found = re.search(r'name="token" type="hidden" value="([^"]+)"', text_of(response))
    assert found, visible_text(text_of(response))[:2000]
    return found.group(1)


def confirm(client, campaign: Campaign, token: str):
    return client.post(
        f"/imports/campaigns/{campaign.id}/assignments/confirm",
        data={"token": token},
        query_string={"lang": "en"},
    )


def evaluations_of(campaign: Campaign) -> set[tuple]:
    db.session.expire_all()
    return {
        (e.kind, e.project_id if e.kind == SubjectKind.project else e.lot_id, e.group_id)
        for e in db.session.scalars(select(Evaluation).where(Evaluation.campaign_id == campaign.id))
    }


def assign_events() -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "evaluation.assign")
    )


def test_a_csv_is_previewed_without_writing_and_assigned_on_confirm(client):
    campaign = make_campaign(groups=[own_group(), other_group()])
    project, lot = own_project(), own_lot()
    content = csv_file(
        RU,
        ["проект", own_group().id, project.contract_number, "", ""],
        ["Лот", other_group().name_ru, "", lot.number, lot.year],
    )
    login(client, "ministry@example.kz")
    events = assign_events()
    preview = upload(client, campaign, content)
    assert preview.status_code == 200
    table = visible_text(text_of(preview).split('id="import-preview"')[1].split("</table>")[0])
    assert project.contract_number in table and f"{lot.number}/{lot.year}" in table
    assert own_group().name_en in table and other_group().name_en in table
    assert re.search(r"Project\s.*Lot", table, re.S)
    assert "2 evaluations will be assigned." in visible_text(text_of(preview))
    assert evaluations_of(campaign) == set() and assign_events() == events  # the preview wrote nothing

    token = token_of(preview)
    done = confirm(client, campaign, token)
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/campaigns/{campaign.id}#evaluations"
    )
    assert evaluations_of(campaign) == {
        (SubjectKind.project, project.id, own_group().id),
        (SubjectKind.lot, lot.id, other_group().id),
    }
    assert assign_events() == events + 2
    again = confirm(client, campaign, token)  # the file is applied once
    assert again.status_code == 409 and len(evaluations_of(campaign)) == 2


def test_an_xlsx_with_kazakh_headers_and_typed_cells_is_assigned(client):
    campaign = make_campaign()
    lot = own_lot()
    content = xlsx_file(KK, ["лот", own_group().id, None, lot.number, lot.year])  # year and group as numbers
    login(client, "ministry@example.kz")
    preview = upload(client, campaign, content, "assignments.xlsx")
    assert preview.status_code == 200, visible_text(text_of(preview))[:2000]
    assert confirm(client, campaign, token_of(preview)).status_code == 302
    assert evaluations_of(campaign) == {(SubjectKind.lot, lot.id, own_group().id)}


def test_the_former_csv_headers_still_work(client):
    campaign = make_campaign()
    project = own_project()
    content = csv_file(LEGACY, ["project", own_group().id, project.contract_number, "", ""], delimiter=",")
    login(client, "ministry@example.kz")
    preview = upload(client, campaign, content)
    assert preview.status_code == 200
    assert confirm(client, campaign, token_of(preview)).status_code == 302
    assert evaluations_of(campaign) == {(SubjectKind.project, project.id, own_group().id)}


def test_bad_rows_are_listed_row_by_row_and_nothing_is_assigned(client):
    campaign = make_campaign()
    project, lot, foreign = own_project(), own_lot(), other_lot()
    content = csv_file(
        RU,
        ["проект", own_group().id, project.contract_number, "", ""],  # row 2: good
        ["лот", own_group().id, "", "NO-SUCH-LOT", lot.year],  # row 3
        ["жоба", "Нет такой группы", project.contract_number, "", ""],  # row 4: unknown group
        ["договор", own_group().id, "", "", ""],  # row 5: unknown kind
        ["лот", own_group().id, "", foreign.number, foreign.year],  # row 6: another body's lot
        ["проект", own_group().id, project.contract_number, "", ""],  # row 7: same as row 2
    )
    login(client, "ministry@example.kz")
    events = assign_events()
    response = upload(client, campaign, content)
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="import-errors"' in page and 'name="token"' not in page
    rows = re.findall(r"<tr><td>(\d+|—)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert [(row, column) for row, column, _message in rows] == [
        ("3", "Номер лота"),
        ("4", "Группа"),
        ("5", "Вид"),
        ("6", "—"),
        ("7", "Вид"),
    ]
    messages = {row: html.unescape(message) for row, _column, message in rows}
    assert messages["3"] == "No lot with this number and year."
    assert messages["6"] == "Only lots and projects of the campaign's organiser can be assigned."
    assert "row 2" in messages["7"]
    assert "Nothing was assigned" in visible_text(page)
    assert evaluations_of(campaign) == set() and assign_events() == events


def test_a_file_that_changed_meaning_since_the_preview_assigns_nothing(client):
    campaign = make_campaign()
    project, lot = own_project(), own_lot()
    content = csv_file(
        RU,
        ["проект", own_group().id, project.contract_number, "", ""],
        ["лот", own_group().id, "", lot.number, lot.year],
    )
    login(client, "ministry@example.kz")
    token = token_of(upload(client, campaign, content))
    assign(campaign, own_group(), lot, ministry())  # meanwhile, the lot is assigned by hand
    db.session.flush()
    response = confirm(client, campaign, token)
    assert response.status_code == 422
    assert "This subject is already assigned in this campaign." in visible_text(text_of(response))
    assert evaluations_of(campaign) == {(SubjectKind.lot, lot.id, own_group().id)}  # not the project either


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty"),
        (b"\xff\xfe\x00garbage", "The file is not a spreadsheet"),
        (b"just some words\nmore words", "A required column is missing."),
        ("Вид;Группа\n".encode(), "The file has no data rows."),
    ],
)
def test_a_file_that_is_not_an_assignment_file_is_refused_with_its_reason(client, content, message):
    campaign = make_campaign()
    login(client, "ministry@example.kz")
    response = upload(client, campaign, content)
    assert response.status_code == 422
    assert message in visible_text(text_of(response))
    assert evaluations_of(campaign) == set()


@pytest.mark.parametrize("who", ["member1", "chair", "ngo", "admin"])
def test_only_the_campaigns_managers_assign_from_a_file(client, who):
    campaign = make_campaign()
    content = csv_file(RU, ["проект", own_group().id, own_project().contract_number, "", ""])
    anonymous = upload(client, campaign, content)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, f"{who}@example.kz")
    assert upload(client, campaign, content).status_code == 403
    assert client.get(f"/imports/campaigns/{campaign.id}/assignments").status_code == 403
    assert confirm(client, campaign, "x" * 32).status_code == 403
    assert client.get(f"/imports/campaigns/{campaign.id}/assignments/template.csv").status_code == 403
    assert evaluations_of(campaign) == set()


def test_the_campaign_page_offers_the_file_and_the_page_shows_an_example(client):
    campaign = make_campaign()
    login(client, "ministry@example.kz")
    page = text_of(client.get(f"/campaigns/{campaign.id}"))
    assert f'action="/imports/campaigns/{campaign.id}/assignments"' in page and 'name="assign-file"' in page
    help_page = client.get(f"/imports/campaigns/{campaign.id}/assignments?lang=en")
    assert help_page.status_code == 200
    example = text_of(help_page).split('id="assignment-example"')[1].split("</table>")[0]
    assert own_project().contract_number in example
    template = client.get(f"/imports/campaigns/{campaign.id}/assignments/template.csv")
    assert template.get_data().decode("utf-8-sig").strip() == ";".join(RU)
