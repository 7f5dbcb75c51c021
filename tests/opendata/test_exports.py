"""Open data: lots.csv, projects.csv, results.json and the XLSX downloads (public data only)."""

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from grants.extensions import db as database
from grants.lots.models import Lot, LotStatus
from grants.monitoring.models import EvaluationState
from grants.opendata.export import LOT_COLUMNS
from grants.projects.models import Indicator, Project
from grants.replies.models import Reply, Ruling
from grants.reports.models import ReportKind
from grants.reports.operations import publish, review
from grants.reports.rendering import render_committed
from tests.api.evaluation_fixtures import user
from tests.api.test_openapi import conforms
from tests.factories import astana, ngo, own_lot
from tests.helpers import login
from tests.reports import FINDINGS, RECOMMENDATIONS, in_review, reload, reports_of

BOM = b"\xef\xbb\xbf"
KAZAKH = "әғқңөұүһі ӘҒҚҢӨҰҮҺІ"
TEST_YEAR = 2039
HOSTILE = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\t=1+1"]
EXPORTS = (
    "/api/v1/export/lots.csv",
    "/api/v1/export/projects.csv",
    "/api/v1/export/results.json",
    "/export/lots.xlsx",
    "/export/projects.xlsx",
)


def add_lot(
    title_ru: str, title_kk: str | None = None, number: str = "OD-1", budget: str = "12500000.00"
) -> Lot:
    admin = own_lot().administrator_id
    lot = Lot(
        number=number,
        year=TEST_YEAR,
        title_ru=title_ru,
        title_kk=title_kk,
        administrator_id=admin,
        region_id=astana().id,
        budget=Decimal(budget),
        start_date=date(TEST_YEAR, 3, 1),
        end_date=date(TEST_YEAR, 11, 30),
        status=LotStatus.in_implementation,
    )
    database.session.add(lot)
    database.session.flush()
    return lot


def add_project(lot: Lot, number: str = "OD-C-1", amount: str = "6250000.50") -> Project:
    project = Project(
        lot_id=lot.id,
        ngo_id=ngo().id,
        contract_number=number,
        contract_date=date(TEST_YEAR, 2, 20),
        amount=Decimal(amount),
        start_date=date(TEST_YEAR, 3, 1),
        end_date=date(TEST_YEAR, 11, 30),
        title_ru="=cmd|' /C calc'!A0",
        indicators=[
            Indicator(
                position=0,
                name_ru="Охват молодёжи тренингами",
                target=Decimal("300"),
                baseline=Decimal("10"),
                actual=Decimal("150.5"),
                period_start=date(TEST_YEAR, 3, 1),
                period_end=date(TEST_YEAR, 11, 30),
            )
        ],
    )
    database.session.add(project)
    database.session.commit()
    render_committed()
    return project


def csv_rows(response, delimiter: str = ",") -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(BOM)
    text = response.data.decode("utf-8")[1:]
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def by_column(rows: list[list[str]]) -> list[dict]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def xlsx_sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    book = load_workbook(io.BytesIO(response.data))
    return book.worksheets[0]


# --- CSV ----------------------------------------------------------------------------------------


def test_lots_csv_keeps_kazakh_and_cyrillic_and_parses_with_commas(client, db):
    title_ru = 'Профилактика наркомании среди молодёжи; «кавычки» и "двойные"'
    title_kk = f"Жастар арасында нашақорлықтың алдын алу {KAZAKH}"
    lot = add_lot(title_ru, title_kk)
    database.session.commit()
    render_committed()
    response = client.get("/api/v1/export/lots.csv?lang=en")
    assert response.headers["Content-Disposition"] == 'attachment; filename="lots.csv"'
    rows = by_column(csv_rows(response))
    assert len(rows) == database.session.scalar(select(func.count()).select_from(Lot))
    row = next(r for r in rows if r["ID"] == str(lot.id))
    assert row["Title (Russian)"] == title_ru
    assert row["Title (Kazakh)"] == title_kk
    assert row["Budget, KZT"] == "12500000.00", "money is a plain decimal number"
    assert row["Contracted, KZT"] == "0.00"
    assert (row["Start date"], row["End date"]) == (f"{TEST_YEAR}-03-01", f"{TEST_YEAR}-11-30")
    assert row["Region KATO"] == "710000000" and row["Status code"] == "in_implementation"
    assert row["Relevance index"] == row["Relevance band code"] == row["Relevance band"] == ""


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_excel_dialect_writes_semicolons_and_decimal_commas(client, db, lang):
    """docs/formatting.md#csv-dialects: `;` between cells and a decimal comma in every number, for
    Excel in ru/kk locales; the default (standard) dialect has `,` and a decimal dot."""
    lot = add_lot("Лот; с точкой с запятой", "Лот")
    add_project(lot)
    database.session.commit()
    render_committed()
    url = f"/api/v1/export/lots.csv?year={TEST_YEAR}&lang={lang}"
    excel = csv_rows(client.get(url + "&dialect=excel-ru"), delimiter=";")
    standard = csv_rows(client.get(url))
    assert excel[0] == standard[0], "same columns, same headers"
    columns = [c.key for c in LOT_COLUMNS]
    (excel_row,) = [dict(zip(columns, row, strict=True)) for row in excel[1:]]
    (standard_row,) = [dict(zip(columns, row, strict=True)) for row in standard[1:]]
    assert [excel_row["budget"], excel_row["contracted_total"]] == ["12500000,00", "6250000,50"]
    assert [standard_row["budget"], standard_row["contracted_total"]] == ["12500000.00", "6250000.50"]
    assert excel_row["title_ru"] == standard_row["title_ru"] == "Лот; с точкой с запятой"
    assert excel_row["start_date"] == standard_row["start_date"] == f"{TEST_YEAR}-03-01"
    assert ";" in client.get(url + "&dialect=excel-ru").get_data(as_text=True).splitlines()[0]
    assert "," in client.get(url).get_data(as_text=True).splitlines()[0]


def test_an_unknown_dialect_is_refused_with_422(client, db):
    response = client.get("/api/v1/export/projects.csv?dialect=semicolon")
    assert response.status_code == 422
    assert "dialect" in response.get_json()["error"]["fields"]


def test_csv_headers_follow_the_request_language(client, db):
    english = csv_rows(client.get("/api/v1/export/lots.csv?lang=en"))[0]
    assert english[:3] == ["ID", "Lot number", "Year"]
    assert english[-3:] == ["Relevance index", "Relevance band code", "Relevance band"]
    kazakh = csv_rows(client.get("/api/v1/export/lots.csv", headers={"Accept-Language": "kk"}))[0]
    assert kazakh[2] == "Жыл"
    projects = csv_rows(client.get("/api/v1/export/projects.csv?lang=en"))[0]
    assert projects[:3] == ["ID", "Contract number", "Contract date"]
    assert "NGO BIN" in projects and projects[-3:] == [
        "Effectiveness index",
        "Effectiveness band code",
        "Effectiveness band",
    ]


def test_formula_cells_are_neutralised_in_csv_and_xlsx_but_numbers_are_not(client, db):
    lots = [add_lot(title, title, number=f"OD-{i}") for i, title in enumerate(HOSTILE)]
    project = add_project(lots[0])
    database.session.commit()
    render_committed()

    rows = {
        r["ID"]: r
        for r in by_column(csv_rows(client.get(f"/api/v1/export/lots.csv?year={TEST_YEAR}&lang=en")))
    }
    assert len(rows) == len(HOSTILE)
    for lot, title in zip(lots, HOSTILE, strict=True):
        assert rows[str(lot.id)]["Title (Russian)"] == "'" + title
        assert rows[str(lot.id)]["Title (Kazakh)"] == "'" + title
        assert rows[str(lot.id)]["Budget, KZT"] == "12500000.00"
    assert rows[str(lots[0].id)]["Contracted, KZT"] == "6250000.50"
    assert rows[str(lots[2].id)]["Lot number"] == "OD-2", "only leading characters matter"

    (prow,) = by_column(csv_rows(client.get(f"/api/v1/export/projects.csv?year={TEST_YEAR}&lang=en")))
    assert prow["Contract amount, KZT"] == "6250000.50" and prow["NGO BIN"] == project.ngo.bin

    sheet = xlsx_sheet(client.get(f"/export/lots.xlsx?year={TEST_YEAR}&lang=en"))
    header = [cell.value for cell in sheet[1]]
    assert header == csv_rows(client.get(f"/api/v1/export/lots.csv?year={TEST_YEAR}&lang=en"))[0]
    col = {name: i for i, name in enumerate(header)}
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(cells) == len(HOSTILE)
    for lot, title in zip(lots, HOSTILE, strict=True):
        row = cells[lot.id]
        for name in ("Title (Russian)", "Title (Kazakh)"):
            cell = row[col[name]]
            assert cell.data_type != "f" and cell.value == "'" + title, (name, cell.value)
        budget = row[col["Budget, KZT"]]
        assert budget.data_type == "n" and budget.value == 12500000
        assert isinstance(row[col["Start date"]].value, datetime)
        assert row[col["Start date"]].value.date() == date(TEST_YEAR, 3, 1)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_projects_xlsx_matches_projects_csv(client, db):
    lot = add_lot(f"Проект {KAZAKH}", number="OD-X")
    project = add_project(lot)
    csv_body = csv_rows(client.get(f"/api/v1/export/projects.csv?year={TEST_YEAR}&lang=en"))
    sheet = xlsx_sheet(client.get(f"/export/projects.xlsx?year={TEST_YEAR}&lang=en"))
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == csv_body[0]
    (row,) = values[1:]
    assert row[0] == project.id and row[1] == "OD-C-1"
    assert row[csv_body[0].index("Contract amount, KZT")] == pytest.approx(6250000.50)
    assert row[csv_body[0].index("Effectiveness index")] is None


# --- filters ----------------------------------------------------------------------------------


def test_filters_select_lots_and_their_projects(client, db):
    lot = add_lot("Фильтр", number="OD-F")
    add_project(lot)
    other = add_lot("Другой", number="OD-G")
    database.session.commit()
    render_committed()
    admin_bin = lot.administrator.bin
    query = f"year={TEST_YEAR}&region=710000000&administrator={admin_bin}&q=Фильтр&status=in_implementation"
    rows = by_column(csv_rows(client.get(f"/api/v1/export/lots.csv?{query}&lang=en")))
    assert [r["ID"] for r in rows] == [str(lot.id)]
    projects = by_column(csv_rows(client.get(f"/api/v1/export/projects.csv?{query}&lang=en")))
    assert [r["Contract number"] for r in projects] == ["OD-C-1"]
    package = client.get(f"/api/v1/export/results.json?{query}").get_json()
    assert [r["ocid"] for r in package["releases"]] == [f"ocds-grantskz-{lot.id}"]
    year_only = by_column(csv_rows(client.get(f"/api/v1/export/lots.csv?year={TEST_YEAR}&lang=en")))
    assert {r["ID"] for r in year_only} == {str(lot.id), str(other.id)}
    assert csv_rows(client.get("/api/v1/export/lots.csv?year=2999"))[1:] == []
    assert client.get("/api/v1/export/lots.csv?page=abc&per_page=0").status_code == 200, "no paging"


@pytest.mark.parametrize("url", EXPORTS)
def test_bad_filters_answer_422_naming_each_parameter(client, db, url):
    response = client.get(
        f"{url}?year=20x5&region=71&administrator=abc&sphere=a%20b&status=nope&q={'x' * 201}"
    )
    assert response.status_code == 422
    if url.startswith("/api/"):
        error = response.get_json()["error"]
        assert error["code"] == "validation_error"
        assert set(error["fields"]) == {"year", "region", "administrator", "sphere", "status", "q"}
        nul = client.get(f"{url}?q=a%00b")
        assert nul.status_code == 422 and "q" in nul.get_json()["error"]["fields"]


def test_bad_filter_errors_match_the_error_schema(client, db):
    document = client.get("/api/v1/openapi.json").get_json()
    for url in EXPORTS[:3]:
        assert conforms(document, "Error", client.get(f"{url}?year=abc").get_json()) == []


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "ngo", "member1"])
def test_exports_are_open_to_everybody(app, db, who):
    client = app.test_client()
    if who != "anonymous":
        login(client, f"{who}@example.kz")
    for url in EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)
    assert client.get(EXPORTS[2]).mimetype == "application/json"


def test_every_export_is_documented(client, db):
    document = client.get("/api/v1/openapi.json").get_json()
    for url in EXPORTS:
        operation = document["paths"][url]["get"]
        names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert {"year", "region", "administrator", "sphere", "status", "q"} <= names
        assert "422" in operation["responses"]


# --- results.json -----------------------------------------------------------------------------


def test_results_json_is_an_ocds_release_package(client, db):
    lot = add_lot(f"Профилактика {KAZAKH}", f"Алдын алу {KAZAKH}", number="OD-J")
    project = add_project(lot)
    response = client.get(f"/api/v1/export/results.json?year={TEST_YEAR}&lang=ru")
    assert response.status_code == 200 and response.mimetype == "application/json"
    package = json.loads(response.data.decode("utf-8"))
    assert KAZAKH in response.data.decode("utf-8"), "no \\u escapes: readable UTF-8"
    assert package["version"] == "1.1"
    assert {"uri", "publishedDate", "publisher", "license", "releases"} <= set(package)
    datetime.fromisoformat(package["publishedDate"])
    (release,) = package["releases"]
    assert release["ocid"] == f"ocds-grantskz-{lot.id}" and release["initiationType"] == "tender"
    assert {"id", "date", "tag", "parties", "buyer", "tender", "awards", "contracts"} <= set(release)
    assert "grantskz_evaluations" not in release
    admin_bin = lot.administrator.bin
    assert release["buyer"]["identifier"] == {
        "scheme": "KZ-BIN",
        "id": admin_bin,
        "legalName": lot.administrator.name_ru,
    }
    tender = release["tender"]
    assert tender["title_kk"] == f"Алдын алу {KAZAKH}" and tender["title"] == f"Профилактика {KAZAKH}"
    assert tender["value"] == {"amount": 12500000, "currency": "KZT"}
    assert tender["items"][0]["deliveryLocation"]["gazetteer"] == {
        "scheme": "KATO",
        "identifiers": ["710000000"],
    }
    (award,) = release["awards"]
    (supplier,) = award["suppliers"]
    assert supplier["identifier"]["scheme"] == "KZ-BIN" and supplier["identifier"]["id"] == project.ngo.bin
    assert award["value"] == {"amount": 6250000.5, "currency": "KZT"}
    roles = {p["identifier"]["id"]: p["roles"] for p in release["parties"]}
    assert "supplier" in roles[project.ngo.bin] and "buyer" in roles[admin_bin]
    (contract,) = release["contracts"]
    assert contract["awardID"] == award["id"] == "OD-C-1"
    assert contract["dateSigned"].startswith(f"{TEST_YEAR}-02-20T00:00:00")
    (indicator,) = contract["indicators"]
    assert indicator["baseline"] == {"value": 10}
    assert indicator["target"] == {"value": 300} and indicator["actual"] == {"value": 150.5}
    assert indicator["measure"] == "persons" and indicator["periodStart"] == f"{TEST_YEAR}-03-01"
    assert "grantskz_evaluations" not in contract

    document = client.get("/api/v1/openapi.json").get_json()
    assert conforms(document, "OcdsReleasePackage", package) == []
    whole = client.get("/api/v1/export/results.json").get_json()
    assert len(whole["releases"]) == database.session.scalar(select(func.count()).select_from(Lot))
    assert conforms(document, "OcdsReleasePackage", whole) == []


# --- unpublished evaluations are nowhere, published ones everywhere ------------------------------


def accepted(kind: str):
    evaluation = in_review(kind)
    review(evaluation, user("ministry"), "accept", None)
    database.session.commit()
    render_committed()
    return reload(evaluation)


def exported(client, evaluation) -> tuple[dict, dict | None, str]:
    """The evaluation's lot row, project row (or None) and the whole results.json text."""
    lots = {r["ID"]: r for r in by_column(csv_rows(client.get("/api/v1/export/lots.csv?lang=en")))}
    projects = {r["ID"]: r for r in by_column(csv_rows(client.get("/api/v1/export/projects.csv?lang=en")))}
    results = client.get("/api/v1/export/results.json?lang=en")
    assert results.status_code == 200
    project_row = projects[str(evaluation.project_id)] if evaluation.project_id else None
    return lots[str(evaluation.lot_id)], project_row, results.data.decode("utf-8")


def xlsx_rows(client, evaluation) -> list[dict]:
    """The evaluation's lot row and project row (if any) in the XLSX downloads, by header."""
    found = []
    for url, wanted in (
        ("/export/lots.xlsx?lang=en", evaluation.lot_id),
        ("/export/projects.xlsx?lang=en", evaluation.project_id),
    ):
        rows = list(xlsx_sheet(client.get(url)).iter_rows(values_only=True))
        found += [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0] == wanted]
    return found


def release_of(results: str, evaluation) -> dict:
    return next(
        r for r in json.loads(results)["releases"] if r["ocid"] == f"ocds-grantskz-{evaluation.lot_id}"
    )


@pytest.mark.parametrize("kind", ["project", "lot"])
def test_an_unpublished_evaluation_shows_no_index_or_band_in_any_export(client, db, kind):
    evaluation = accepted(kind)
    assert evaluation.state == EvaluationState.accepted and evaluation.index_value is not None
    band_title = evaluation.methodology.band_title(evaluation.band, "en")
    lot_row, project_row, results = exported(client, evaluation)
    assert lot_row["Relevance index"] == lot_row["Relevance band code"] == lot_row["Relevance band"] == ""
    if project_row is not None:
        assert project_row["Effectiveness index"] == project_row["Effectiveness band"] == ""
        assert project_row["Effectiveness band code"] == ""
    release = release_of(results, evaluation)
    assert "grantskz_evaluations" not in release
    assert all("grantskz_evaluations" not in contract for contract in release.get("contracts", []))
    text = json.dumps(release, ensure_ascii=False)
    assert band_title not in text and f'"{evaluation.band}"' not in text
    assert FINDINGS not in results and RECOMMENDATIONS not in results
    assert f'"id":{evaluation.id},"kind"' not in results
    for report in reports_of(evaluation):
        assert report.sha256 not in results
    rows = xlsx_rows(client, evaluation)
    assert len(rows) == (2 if evaluation.project_id else 1)
    for row in rows:
        assert band_title not in row.values() and evaluation.band not in row.values()
        assert row.get("Relevance index") is None and row.get("Effectiveness index") is None


def test_a_published_project_evaluation_is_in_every_export(client, db):
    evaluation = accepted("project")
    ngo_user = user("ngo")
    pending = Reply(
        evaluation_id=evaluation.id,
        organisation_id=evaluation.project.ngo_id,
        author_id=ngo_user.id,
        criterion_code="result",
        text="Ещё не рассмотрено: не публикуется",
    )
    ruled = Reply(
        evaluation_id=evaluation.id,
        organisation_id=evaluation.project.ngo_id,
        author_id=ngo_user.id,
        criterion_code="relevance",
        text="Мы не согласны с оценкой актуальности",
        ruling=Ruling.rejected,
        reason="Довод не подтверждён документами",
        ruled_at=datetime.now(UTC),
    )
    database.session.add_all([pending, ruled])
    publish(evaluation, user("ministry"))
    database.session.commit()
    render_committed()

    lot_row, project_row, results = exported(client, evaluation)
    assert project_row["Effectiveness index"] == "83.3"
    assert project_row["Effectiveness band code"] == "effective"
    assert project_row["Effectiveness band"] == evaluation.methodology.band_title("effective", "en")
    assert lot_row["Relevance index"] == "", "a project's result is not the lot's relevance"

    release = release_of(results, evaluation)
    assert "grantskz_evaluations" not in release
    contract = next(c for c in release["contracts"] if c["id"] == evaluation.project.contract_number)
    (entry,) = contract["grantskz_evaluations"]
    assert entry["index"] == 83.3 and entry["band"]["code"] == "effective"
    assert entry["methodology"]["code"] == evaluation.methodology.code
    assert entry["methodology"]["version"] == evaluation.methodology.version
    assert entry["findings"] == FINDINGS and entry["recommendations"] == RECOMMENDATIONS
    criteria = {c["code"]: c for c in entry["criteria"]}
    assert criteria["relevance"]["mean"] == 4 and criteria["relevance"]["officialSum"] == 12
    assert entry["officialTotal"] == sum(c["officialSum"] for c in entry["criteria"])
    final = next(r for r in reports_of(evaluation) if r.kind == ReportKind.final)
    draft = next(r for r in reports_of(evaluation) if r.kind == ReportKind.draft)
    (report,) = entry["reports"]
    assert report["sha256"] == final.sha256 and report["url"].endswith(f"/reports/{final.id}.pdf")
    assert draft.sha256 not in results, "drafts are never public"
    assert entry["remarks"] == {"made": 1, "accepted": 0, "rejected": 1}  # the pending reply is not public
    assert entry["replies"] == [
        {
            "criterion": "relevance",
            "finding": None,
            "text": "Мы не согласны с оценкой актуальности",
            "ruling": "rejected",
            "reason": "Довод не подтверждён документами",
            "ruledDate": entry["replies"][0]["ruledDate"],
        }
    ]
    assert "Ещё не рассмотрено" not in results
    document = client.get("/api/v1/openapi.json").get_json()
    assert conforms(document, "OcdsRelease", release) == []

    sheet = xlsx_sheet(client.get("/export/projects.xlsx?lang=en"))
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == evaluation.project_id)
    assert row[header.index("Effectiveness index")] == pytest.approx(83.3)
    assert row[header.index("Effectiveness band code")] == "effective"


def test_a_published_lot_evaluation_is_in_every_export(client, db):
    evaluation = accepted("lot")
    publish(evaluation, user("ministry"))
    database.session.commit()
    render_committed()
    lot_row, _project_row, results = exported(client, evaluation)
    assert (lot_row["Relevance index"], lot_row["Relevance band code"]) == ("80.0", "relevant")
    release = release_of(results, evaluation)
    (entry,) = release["grantskz_evaluations"]
    assert entry["kind"] == "lot" and entry["index"] == 80 and entry["band"]["code"] == "relevant"
    assert entry["publishedDate"] is not None
    assert all("grantskz_evaluations" not in c for c in release.get("contracts", []))
