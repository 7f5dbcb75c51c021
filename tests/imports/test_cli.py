"""flask import-lots / import-projects: all rows or none, every error by row and column, re-import changes nothing."""

import io
import zipfile

import pytest
from sqlalchemy import select

from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.lots.models import Lot
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project
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
    own_bin,
    project_row,
    xlsx_bytes,
)


@pytest.fixture
def run(app, tmp_path):
    """run('import-lots', content, name='lots.csv', *options) -> click result."""

    def _run(command: str, content: bytes, name: str = "file.csv", *options: str):
        path = tmp_path / name
        path.write_bytes(content)
        return app.test_cli_runner().invoke(args=[command, str(path), "--lang", "en", *options])

    return _run


# --- the acceptance of issue 5 ----------------------------------------------------------------


def test_500_valid_rows_import_500_lots_and_a_reimport_changes_nothing(run):
    content = csv_bytes(lot_rows(500), LOT_HEADERS)
    result = run("import-lots", content, "lots.csv")
    assert result.exit_code == 0, result.output
    assert "500 lots: 500 created, 0 updated, 0 unchanged" in result.output
    assert imported_lots() == 500
    lot = db.session.scalar(select(Lot).where(Lot.number == "IMP-0007", Lot.year == YEAR))
    assert lot.budget == 1_007_000 and str(lot.budget) == "1007000.00"
    assert lot.region.kato == "710000000" and lot.kato == "711210000"
    assert lot.sphere.code == "offence_prevention"
    assert lot.title_ru.endswith("лот 7") and lot.title_kk is None
    assert lot.goal_ru == "снижение числа правонарушений"
    assert lot.start_date.isoformat() == "2033-03-01" and lot.end_date.isoformat() == "2033-11-30"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "lot.import")).all()
    assert len(events) == 500 and all(e.actor_id is None for e in events)

    before_events = audit_count()
    updated_at = lot.updated_at
    again = run("import-lots", content, "lots.csv")
    assert again.exit_code == 0, again.output
    assert "500 lots: 0 created, 0 updated, 500 unchanged" in again.output
    assert imported_lots() == 500
    assert audit_count() == before_events
    db.session.refresh(lot)
    assert lot.updated_at == updated_at


def test_one_bad_row_of_500_imports_none_and_names_row_and_column(run):
    rows = lot_rows(500)
    rows[241]["БИН администратора"] = rows[241]["БИН администратора"][:11] + str(
        (int(rows[241]["БИН администратора"][11]) + 1) % 10
    )
    result = run("import-lots", csv_bytes(rows, LOT_HEADERS), "lots.csv")
    assert result.exit_code == 1
    assert "Row 243, column «БИН администратора»: The BIN's check digit is wrong" in result.output
    assert "Nothing was imported: the file has 1 error(s)." in result.output
    assert imported_lots() == 0


def test_reimport_with_a_changed_row_updates_only_that_lot(run):
    rows = lot_rows(5)
    assert run("import-lots", csv_bytes(rows, LOT_HEADERS)).exit_code == 0
    before_events = audit_count()
    rows[2]["Сумма, тенге"] = "12 500 000,00"
    rows[2]["Цель"] = "новая цель"
    result = run("import-lots", csv_bytes(rows, LOT_HEADERS))
    assert result.exit_code == 0, result.output
    assert "5 lots: 0 created, 1 updated, 4 unchanged" in result.output
    lot = db.session.scalar(select(Lot).where(Lot.number == "IMP-0003", Lot.year == YEAR))
    assert lot.budget == 12_500_000 and lot.goal_ru == "новая цель"
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert audit_count() == before_events + 1
    assert event.action == "lot.import" and event.object_id == lot.id
    assert event.before["budget"] == "1003000.00" and event.after["budget"] == "12500000.00"


def test_dry_run_validates_and_saves_nothing(run):
    result = run("import-lots", csv_bytes(lot_rows(3), LOT_HEADERS), "lots.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "3 lots: 3 created, 0 updated, 0 unchanged" in result.output
    assert imported_lots() == 0


def test_xlsx_with_typed_cells_imports(run):
    content = xlsx_bytes(lot_rows(4), LOT_HEADERS)
    result = run("import-lots", content, "lots.xlsx")
    assert result.exit_code == 0, result.output
    assert "4 lots: 4 created" in result.output
    lot = db.session.scalar(select(Lot).where(Lot.number == "IMP-0002", Lot.year == YEAR))
    assert lot.budget == 1_002_000 and lot.end_date.isoformat() == "2033-11-30"
    # The same lots as CSV are unchanged: values, not cell types, are compared.
    again = run("import-lots", csv_bytes(lot_rows(4), LOT_HEADERS), "lots.csv")
    assert "4 lots: 0 created, 0 updated, 4 unchanged" in again.output


def test_xlsx_named_csv_and_csv_named_xlsx_are_recognised_by_content(run):
    assert run("import-lots", xlsx_bytes(lot_rows(2), LOT_HEADERS), "lots.csv").exit_code == 0
    result = run("import-lots", csv_bytes(lot_rows(3), LOT_HEADERS), "lots.xlsx")
    assert result.exit_code == 0, result.output
    assert "3 lots: 1 created, 0 updated, 2 unchanged" in result.output


def test_comma_csv_without_bom_kazakh_headers_in_any_order(run):
    kk = {
        "Номер лота": "Лот нөмірі", "Год": "Жыл", "Наименование лота": "Лоттың атауы",
        "БИН администратора": "Әкімшінің БСН", "КАТО": "ӘАОЖ", "Сумма, тенге": "Сомасы, теңге",
    }  # fmt: skip
    rows = [{kk[k]: v for k, v in row.items() if k in kk} for row in lot_rows(3)]
    headers = list(reversed(kk.values()))
    result = run("import-lots", csv_bytes(rows, headers, delimiter=",", bom=False))
    assert result.exit_code == 0, result.output
    assert imported_lots() == 3


def test_a_missing_column_is_named_in_the_files_language(run):
    kk = {
        "Номер лота": "Лот нөмірі",
        "Год": "Жыл",
        "Наименование лота": "Лоттың атауы",
        "Сумма, тенге": "Сомасы, теңге",
    }
    rows = [{kk[k]: v for k, v in row.items() if k in kk} for row in lot_rows(1)]
    result = run("import-lots", csv_bytes(rows, list(kk.values())))
    # the administrator is given by BIN or by name, the place by KATO code or by region
    assert "Row 1: A required column is missing: «Әкімшінің БСН-і» or «Әкімші»." in result.output
    assert "Row 1: A required column is missing: «ӘАОЖ» or «Өңір»." in result.output


def test_english_headers_with_odd_case_and_spaces(run):
    en = {
        "Номер лота": "  LOT number ", "Год": "year", "Наименование лота": "Lot title",
        "БИН администратора": "Administrator  BIN", "КАТО": "kato", "Сумма, тенге": "Amount, tenge",
        "Сфера": "Sphere",
    }  # fmt: skip
    rows = [{en[k]: v for k, v in row.items() if k in en} for row in lot_rows(2, Сфера="State youth policy")]
    result = run("import-lots", csv_bytes(rows, list(en.values())))
    assert result.exit_code == 0, result.output
    lot = db.session.scalar(select(Lot).where(Lot.number == "IMP-0001", Lot.year == YEAR))
    assert lot.sphere.code == "youth"


def test_amount_formats(run):
    rows = lot_rows(3)
    rows[0]["Сумма, тенге"] = "12500000"
    rows[1]["Сумма, тенге"] = "12 500 000,00"
    rows[2]["Сумма, тенге"] = "12\u202f500\u202f000,5"
    assert run("import-lots", csv_bytes(rows, LOT_HEADERS)).exit_code == 0
    budgets = db.session.scalars(select(Lot.budget).where(Lot.year == YEAR).order_by(Lot.number)).all()
    assert [str(b) for b in budgets] == ["12500000.00", "12500000.00", "12500000.50"]


# --- bad input: rejected with row and column, nothing imported ------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("БИН администратора", "940140000386", "check digit is wrong"),
        ("БИН администратора", "12345", "A BIN is 12 digits"),
        ("БИН администратора", "940140000385", "No organisation with this BIN"),
        ("КАТО", "990000000", "Unknown KATO code"),
        ("КАТО", "7112", "A KATO code is 9 digits"),
        ("Сумма, тенге", "-5 000 000,00", "cannot be negative"),
        ("Сумма, тенге", "12,500,000", "Enter an amount in tenge"),
        ("Дата начала", "2033-03-01", "dd.mm.yyyy"),
        ("Дата окончания", "31.02.2033", "dd.mm.yyyy"),
        ("Дата окончания", "01.01.2033", "end date cannot be before the start date"),
        ("Год", "33", "four digits"),
        ("Сфера", "astrology", "Unknown sphere"),
        ("Наименование лота", "", "This value is required"),
    ],
)
def test_a_bad_value_is_rejected_with_row_and_column(run, column, value, message):
    rows = lot_rows(4)
    rows[2][column] = value
    result = run("import-lots", csv_bytes(rows, LOT_HEADERS))
    assert result.exit_code == 1
    assert f"Row 4, column «{column}»:" in result.output and message in result.output, result.output
    assert imported_lots() == 0


def test_every_error_is_listed(run):
    rows = lot_rows(6)
    rows[0]["Сумма, тенге"] = "-1"
    rows[3]["КАТО"] = "990000000"
    rows[3]["Дата начала"] = "1 марта"
    result = run("import-lots", csv_bytes(rows, LOT_HEADERS))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("Row")]
    assert lines == [
        "Row 2, column «Сумма, тенге»: The amount cannot be negative.",
        "Row 5, column «КАТО»: Unknown KATO code: no region has the code 990000000.",
        "Row 5, column «Дата начала»: Enter the date as dd.mm.yyyy, for example 01.03.2025.",
    ]
    assert "3 error(s)" in result.output


def test_missing_required_column(run):
    headers = [h for h in LOT_HEADERS if h != "КАТО"]
    result = run("import-lots", csv_bytes(lot_rows(3), headers))
    assert result.exit_code == 1
    assert "Row 1: A required column is missing: «КАТО» or «Регион»." in result.output
    assert imported_lots() == 0


def test_duplicate_row_names_both_rows(run):
    rows = lot_rows(4)
    rows.append(dict(rows[1]))
    result = run("import-lots", csv_bytes(rows, LOT_HEADERS))
    assert result.exit_code == 1
    assert (
        "Row 6, column «Номер лота»: Duplicate row: the same lot number and year as row 3." in result.output
    )
    assert imported_lots() == 0


def test_lot_of_another_administrator_or_not_a_government_body(run):
    assert run("import-lots", csv_bytes(lot_rows(2), LOT_HEADERS)).exit_code == 0
    ngo_bin = db.session.scalar(
        select(Organisation.bin).where(Organisation.kind == OrganisationKind.ngo).limit(1)
    )
    rows = [lot_row(1, other_admin_bin()), lot_row(3, ngo_bin)]
    result = run("import-lots", csv_bytes(rows, LOT_HEADERS))
    assert result.exit_code == 1
    assert (
        f"Row 2, column «БИН администратора»: Lot IMP-0001/{YEAR} belongs to another administrator."
        in result.output
    )
    assert "Row 3, column «БИН администратора»: This organisation is not a government body." in result.output


def test_budget_below_contracts_is_rejected(run):
    assert run("import-lots", csv_bytes(lot_rows(1), LOT_HEADERS)).exit_code == 0
    assert run("import-projects", csv_bytes([project_row(1, "IMP-0001")], PROJECT_HEADERS)).exit_code == 0
    rows = lot_rows(1)
    rows[0]["Сумма, тенге"] = "300 000"
    result = run("import-lots", csv_bytes(rows, LOT_HEADERS))
    assert result.exit_code == 1
    assert (
        "Row 2, column «Сумма, тенге»: The budget cannot be less than the contracts signed" in result.output
    )


def test_a_50_mb_file_is_rejected_before_reading(run, tmp_path, app):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.write(csv_bytes(lot_rows(1), LOT_HEADERS))
        fh.write(b";" * (50 * 1024 * 1024))
    result = app.test_cli_runner().invoke(args=["import-lots", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert "The file is too large: at most 10 MB can be imported." in result.output
    assert imported_lots() == 0


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("lots.xlsx", _png()),
        ("lots.csv", _png()),
        ("lots.xlsx", _zip()),
        ("lots.xlsx", b"PK\x03\x04 broken zip"),
        ("lots.csv", "Номер лота;Год".encode("cp1251")),
        ("lots.csv", b"\x00\x01\x02binary"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_rejected(run, name, content):
    result = run("import-lots", content, name)
    assert result.exit_code == 1
    assert "The file is not a spreadsheet" in result.output
    assert imported_lots() == 0


def test_a_corrupt_workbook_is_rejected(run):
    content = xlsx_bytes(lot_rows(2), LOT_HEADERS)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    result = run("import-lots", out.getvalue(), "lots.xlsx")
    assert result.exit_code == 1
    assert imported_lots() == 0


def test_empty_file_and_header_only(run):
    assert "empty" in run("import-lots", b"").output
    result = run("import-lots", csv_bytes([], LOT_HEADERS))
    assert result.exit_code == 1 and "no data rows" in result.output


def test_missing_file(run, app, tmp_path):
    result = app.test_cli_runner().invoke(args=["import-lots", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1 and "Cannot read the file" in result.output


def test_messages_in_russian(run):
    rows = lot_rows(2)
    rows[1]["Сумма, тенге"] = "-100"
    path_result = run("import-lots", csv_bytes(rows, LOT_HEADERS), "lots.csv", "--lang", "ru")
    assert path_result.exit_code == 1
    assert "«Сумма, тенге»" in path_result.output
    assert "Сумма не может быть отрицательной." in path_result.output  # an existing translation


def test_language_from_the_environment(app, tmp_path, monkeypatch):
    from grants.imports.cli import default_language

    monkeypatch.setenv("LANG", "kk_KZ.UTF-8")
    assert default_language() == "kk"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert default_language() == "en"


# --- projects ---------------------------------------------------------------------------------


def _lots_for_projects(run, count: int = 3):
    result = run("import-lots", csv_bytes(lot_rows(count), LOT_HEADERS), "lots.csv")
    assert result.exit_code == 0, result.output


def test_projects_import_creates_the_ngo_and_updates_by_contract_number(run):
    _lots_for_projects(run)
    rows = [
        project_row(1, "IMP-0001"),
        project_row(2, "IMP-0002", **{"Сумма договора, тенге": "1 002 000,00"}),
        project_row(3, "IMP-0003", **{"БИН НПО": "990140004654", "Наименование НПО": "ОО «Доброе дело»"}),
    ]
    result = run("import-projects", csv_bytes(rows, PROJECT_HEADERS), "projects.csv")
    assert result.exit_code == 0, result.output
    assert "3 projects: 3 created, 0 updated, 0 unchanged" in result.output
    ngo = db.session.scalar(select(Organisation).where(Organisation.bin == "061211600012"))
    assert ngo.kind == OrganisationKind.ngo and ngo.name_ru == "ОФ «Новое поколение»"
    project = db.session.scalar(select(Project).where(Project.contract_number == "IMP-C-0001"))
    assert project.ngo_id == ngo.id and project.lot.number == "IMP-0001" and project.amount == 400_000
    assert project.contract_date.isoformat() == "2033-02-15"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.import")) is not None

    events = audit_count()
    again = run("import-projects", xlsx_bytes(rows, PROJECT_HEADERS), "projects.xlsx")
    assert "3 projects: 0 created, 0 updated, 3 unchanged" in again.output
    assert audit_count() == events

    rows[0]["Сумма договора, тенге"] = "500 000"
    changed = run("import-projects", csv_bytes(rows, PROJECT_HEADERS), "projects.csv")
    assert "3 projects: 0 created, 1 updated, 2 unchanged" in changed.output
    db.session.refresh(project)
    assert project.amount == 500_000
    assert db.session.scalar(select(Project.id).where(Project.contract_number == "IMP-C-0001")) == project.id


def test_contracts_must_fit_the_lot_budget_with_other_rows_of_the_file(run):
    _lots_for_projects(run, 1)  # IMP-0001: budget 1 001 000
    rows = [
        project_row(1, "IMP-0001", **{"Сумма договора, тенге": "600 000"}),
        project_row(2, "IMP-0001", **{"Сумма договора, тенге": "401 000"}),
        project_row(3, "IMP-0001", **{"Сумма договора, тенге": "1"}),
    ]
    result = run("import-projects", csv_bytes(rows, PROJECT_HEADERS))
    assert result.exit_code == 1
    assert (
        "Row 4, column «Сумма договора, тенге»: The contract amount exceeds the lot budget" in result.output
    )
    assert "Row 3," not in result.output
    assert db.session.scalar(select(Project.id).where(Project.contract_number.like("IMP-C-%"))) is None
    # Lowering the first contract in the same file makes room for the third one.
    rows[0]["Сумма договора, тенге"] = "599 999"
    assert run("import-projects", csv_bytes(rows, PROJECT_HEADERS)).exit_code == 0
    rows[0]["Сумма договора, тенге"] = "300 000"
    rows[2]["Сумма договора, тенге"] = "300 000"
    result = run("import-projects", csv_bytes(rows, PROJECT_HEADERS))
    assert result.exit_code == 0, result.output
    assert "0 created, 2 updated, 1 unchanged" in result.output


def test_project_bad_rows(run):
    _lots_for_projects(run, 2)
    gov_bin = own_bin()
    rows = [
        project_row(1, "IMP-0009"),
        project_row(2, "IMP-0001", **{"БИН НПО": "061211600013"}),
        project_row(3, "IMP-0002", **{"БИН НПО": gov_bin}),
        project_row(4, "IMP-0002", **{"Дата договора": "15/02/2033"}),
        project_row(1, "IMP-0002"),
    ]
    result = run("import-projects", csv_bytes(rows, PROJECT_HEADERS))
    assert result.exit_code == 1
    out = result.output
    assert "Row 2, column «Номер лота»: No lot with this number and year." in out
    assert "Row 3, column «БИН НПО»: The BIN's check digit is wrong" in out
    assert "Row 4, column «БИН НПО»: This BIN belongs to a government body" in out
    assert "Row 5, column «Дата договора»: Enter the date as dd.mm.yyyy" in out
    assert "Row 6, column «Номер договора»: Duplicate row: the same contract number as row 2." in out
    assert db.session.scalar(select(Organisation.id).where(Organisation.bin == "061211600012")) is None


def test_projects_missing_columns(run):
    headers = [h for h in PROJECT_HEADERS if h not in ("Наименование НПО", "Дата окончания")]
    result = run("import-projects", csv_bytes([project_row(1, "IMP-0001")], headers))
    assert result.exit_code == 1
    assert "Row 1, column «Наименование НПО»: A required column is missing." in result.output
    assert "Row 1, column «Дата окончания»: A required column is missing." in result.output


def test_contract_of_another_lot_is_not_moved(run):
    _lots_for_projects(run, 2)
    assert run("import-projects", csv_bytes([project_row(1, "IMP-0001")], PROJECT_HEADERS)).exit_code == 0
    result = run("import-projects", csv_bytes([project_row(1, "IMP-0002")], PROJECT_HEADERS))
    assert result.exit_code == 1
    assert f"This contract is registered under lot IMP-0001/{YEAR}." in result.output


def test_a_huge_number_in_an_xlsx_amount_cell_is_a_row_error(run):
    rows = lot_rows(2)
    rows[1]["Сумма, тенге"] = "1e30"
    result = run("import-lots", xlsx_bytes(rows, LOT_HEADERS), "lots.xlsx")
    assert result.exit_code == 1
    assert "Row 3, column «Сумма, тенге»: The number is too large." in result.output
    assert imported_lots() == 0
