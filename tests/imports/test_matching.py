"""Names as ministry spreadsheets spell them (docs/domain.md#name-matching): regions, organisations,
spheres and statuses matched whatever the case, spaces, quotes, «ё», language or long/short form;
an unknown name is refused with the closest valid one suggested, a short name of two values is
refused rather than guessed, and a file with any such row imports nothing."""

import io
import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from grants.extensions import db
from grants.imports.lots import STATUS_SYNONYMS
from grants.imports.matching import (
    Ambiguous,
    Matcher,
    Unknown,
    normalise,
    organisation_matcher,
    region_matcher,
    split_legal_form,
    status_matcher,
)
from grants.lots.models import Lot, LotStatus
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project, ProjectStatus
from grants.regions.models import Region
from grants.seed.data.bins import demo_bin
from tests.conftest import login
from tests.factories import own_lot, own_project, text_of
from tests.imports.helpers import YEAR, csv_bytes, imported_lots, lot_row, project_row, xlsx_bytes
from tests.monitoring import make_campaign, own_group

# --- the matcher itself --------------------------------------------------------------------------


@pytest.fixture
def english(app):
    """Messages are built in a request's language: English here."""
    with app.test_request_context("/?lang=en"), force_locale("en"):
        yield


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.kato)))


def test_normalise_ignores_case_spaces_quotes_yo_and_kazakh_letters():
    assert normalise("  Г.АЛМАТЫ\u00a0 ") == normalise("г. Алматы") == "г алматы"
    assert normalise("«Молодёжь»") == normalise('"молодежь"') == normalise("“Молодежь”") == "молодежь"
    for quoted in ("„Жастар“", "‘Жастар’", "'Жастар'", "«Жастар»", "‹Жастар›"):
        assert normalise(quoted) == "жастар"
    assert normalise("Қарағанды облысы") == normalise("Караганды облысы")
    assert normalise("Западно-Казахстанская") == "западно казахстанская"


@pytest.mark.parametrize(
    "written, kato",
    [
        ("г. Алматы", "750000000"),
        ("город Алматы", "750000000"),
        ("Алматы қаласы", "750000000"),
        ("Алматы", "750000000"),
        ("  АЛМАТЫ ", "750000000"),
        ("г.Алматы", "750000000"),
        ("Almaty", "750000000"),
        ("Алматинская область", "190000000"),
        ("Алматы облысы", "190000000"),
        ("Алматы обл.", "190000000"),
        ("Almaty Region", "190000000"),
        ("Карагандинская обл.", "350000000"),
        ("Карагандинская область", "350000000"),
        ("Қарағанды облысы", "350000000"),
        ("Караганды облысы", "350000000"),
        ("карагандинская\u00a0 область", "350000000"),
        ("«Карагандинская область»", "350000000"),
        ("Karaganda oblast", "350000000"),
        ("Қарағанды", "350000000"),
        ("ЗКО", "270000000"),
        ("БҚО", "270000000"),
        ("Западно-Казахстанская обл.", "270000000"),
        ("ВКО", "630000000"),
        ("СКО", "590000000"),
        ("область Абай", "100000000"),
        ("Абай облысы", "100000000"),
        ("Область Ұлытау", "620000000"),
        ("область Улытау", "620000000"),
        ("Жетісу облысы", "330000000"),
        ("г. Астана", "710000000"),
        ("Астана", "710000000"),
        ("Astana city", "710000000"),
        ('"город Шымкент"', "790000000"),
        ("Шымкент қ.", "790000000"),
    ],
)
def test_regions_as_spreadsheets_write_them(written, kato):
    assert region_matcher(regions()).find(written).kato == kato


def test_every_region_is_found_by_its_official_names_and_no_strong_name_is_shared():
    all_regions = regions()
    assert len(all_regions) == 20
    matcher = region_matcher(all_regions)
    for region in all_regions:
        for name in (region.name_ru, region.name_kk, region.name_en, region.kato):
            assert matcher.find(name) is region, name
    shared = {key: hits for key, hits in matcher.tiers[0].items() if len(hits) > 1}
    assert shared == {}  # a generated alias never points to two regions


@pytest.mark.usefixtures("english")
def test_an_unknown_region_suggests_the_closest():
    with pytest.raises(Unknown) as refused:
        region_matcher(regions()).find("Карагандинская облысть")
    assert str(refused.value) == (
        "Unknown region «Карагандинская облысть». Did you mean «Карагандинская область»?"
    )
    with pytest.raises(Unknown) as refused:
        region_matcher(regions()).find("Марс")
    assert str(refused.value) == "Unknown region «Марс»."  # nothing close: no suggestion


@pytest.mark.usefixtures("english")
def test_a_short_name_of_two_values_is_refused_not_guessed():
    matcher = Matcher(lambda text: f"Unknown «{text}».")
    north, south = object(), object()
    matcher.add(north, "Северная область", weak=["Северная"])
    matcher.add(south, "Северная область-2", weak=["Северная"])
    with pytest.raises(Ambiguous) as refused:
        matcher.find("северная")
    assert str(refused.value) == (
        "«северная» can mean «Северная область», «Северная область-2»: write the full name."
    )
    assert matcher.find("Северная область") is north


def organisation(name_ru: str, name_kk: str | None = None, kind=OrganisationKind.ngo) -> Organisation:
    return Organisation(bin="000000000000", name_ru=name_ru, name_kk=name_kk, kind=kind)


@pytest.mark.usefixtures("english")
def test_organisations_with_and_without_their_legal_form():
    fund = organisation("ОФ «Болашак»", "«Болашақ» қоғамдық қоры")
    llp = organisation("ТОО «Болашак»", "«Болашақ» ЖШС")
    ministry = organisation(
        "Министерство культуры и информации Республики Казахстан",
        "Қазақстан Республикасы Мәдениет және ақпарат министрлігі",
        OrganisationKind.government,
    )
    matcher = organisation_matcher([fund, llp, ministry])
    for written in ('ОФ "Болашак"', "оф болашак", "Общественный фонд «Болашак»", "ҚҚ «Болашақ»",
                    "«Болашак» қоғамдық қоры"):  # fmt: skip
        assert matcher.find(written) is fund, written
    for written in ("ТОО Болашак", "ЖШС «Болашақ»", "Товарищество с ограниченной ответственностью “Болашак”"):
        assert matcher.find(written) is llp, written
    for written in ("Министерство культуры и информации РК", "ҚР Мәдениет және ақпарат министрлігі",
                    "министерство  культуры и информации республики казахстан"):  # fmt: skip
        assert matcher.find(written) is ministry, written
    with pytest.raises(Ambiguous) as refused:
        matcher.find("«Болашак»")  # without its legal form the name is of two organisations
    assert "ОФ «Болашак»" in str(refused.value) and "ТОО «Болашак»" in str(refused.value)
    with pytest.raises(Unknown) as refused:
        matcher.find("ОЮЛ «Болашак»")  # another legal form is another organisation
    assert "Did you mean" in str(refused.value)
    assert split_legal_form("«Алматы қаласы Қоғамдық даму басқармасы» КММ")[0] == "kgu"
    assert split_legal_form("Ақ жол") == (None, "ак жол")  # «ақ» (white) is a word, not «АҚ»


@pytest.mark.parametrize(
    "written, status",
    [
        ("Объявлен", LotStatus.announced),
        ("ОБЪЯВЛЕНО", LotStatus.announced),
        ("Жарияланған", LotStatus.announced),
        ("announced", LotStatus.announced),
        ("In implementation", LotStatus.in_implementation),
        ("на реализации", LotStatus.in_implementation),
        ("Завершен", LotStatus.completed),
        ("завершён", LotStatus.completed),
        ("Аяқталған", LotStatus.completed),
        ("Определен победитель", LotStatus.awarded),
    ],
)
def test_lot_statuses_in_three_languages(written, status):
    assert status_matcher(LotStatus, STATUS_SYNONYMS).find(written) is status


def test_an_unknown_status_suggests_the_closest_in_the_users_language(app):
    with app.test_request_context(), force_locale("ru"):
        matcher = status_matcher(LotStatus, STATUS_SYNONYMS)
        with pytest.raises(Unknown) as refused:
            matcher.find("Обьявлен")
        expected = _("Unknown status «%(value)s».", value="Обьявлен")
        assert str(refused.value).startswith(expected)
        assert _("Did you mean «%(suggestion)s»?", suggestion="Объявлен") in str(refused.value)


# --- a real-looking spreadsheet ------------------------------------------------------------------

# As a ministry exports its plan: the administrator and the region by name, no BIN or KATO column,
# the sphere as its full title, statuses in words, in every spelling seen in practice.
REAL_HEADERS = [
    "№ лота", "Год", "Наименование лота", "Администратор бюджетной программы", "Регион", "Направление",
    "Сумма, тенге", "Статус",
]  # fmt: skip
REAL_ROWS = [
    # (administrator as written, region as written, sphere as written, status as written)
    ("ГУ «Управление внутренней политики Карагандинской области»", "Карагандинская обл.",
     "Профилактика правонарушений и преступности", "Объявлен"),
    ("Управление внутренней политики Карагандинской области", "Қарағанды облысы",
     "ПРОФИЛАКТИКА  ПРАВОНАРУШЕНИЙ И ПРЕСТУПНОСТИ", "объявлено"),
    ('КГУ "Управление общественного развития города Алматы"', "г. Алматы",
     "Реализация государственной молодежной политики", "Запланирован"),
    ("«Алматы қаласы Қоғамдық даму басқармасы» КММ", "Алматы қаласы",
     "Мемлекеттік жастар саясатын іске асыру", "Жоспарланған"),
    ("коммунальное государственное учреждение “Управление общественного развития города Алматы”",
     "Алматы", "«Семейная и гендерная политика»", "In implementation"),
    ("Министерство внутренних дел РК", "город Астана", "offence_prevention", "на реализации"),
    ("Қазақстан Республикасы Ішкі істер министрлігі", "Астана қаласы",
     "Нашақорлық пен уытқұмарлықтың алдын алу", "Завершен"),
    ("ГУ «Управление внутренней политики города Шымкент»", "Шымкент",
     "Профилактика наркомании и токсикомании", "Завершён"),
]  # fmt: skip
EXPECTED = [  # (region KATO, sphere code, status)
    ("350000000", "offence_prevention", LotStatus.announced),
    ("350000000", "offence_prevention", LotStatus.announced),
    ("750000000", "youth", LotStatus.planned),
    ("750000000", "youth", LotStatus.planned),
    ("750000000", "family", LotStatus.in_implementation),
    ("710000000", "offence_prevention", LotStatus.in_implementation),
    ("710000000", "drug_prevention", LotStatus.completed),
    ("790000000", "drug_prevention", LotStatus.completed),
]


def real_rows(changes: dict | None = None) -> list[dict]:
    rows = []
    for n, (administrator, region, sphere, status) in enumerate(REAL_ROWS, start=1):
        row = {
            "№ лота": f"IMP-{n:04d}",
            "Год": str(YEAR),
            "Наименование лота": f"Лот {n}",
            "Администратор бюджетной программы": administrator,
            "Регион": region,
            "Направление": sphere,
            "Сумма, тенге": "2 500 000,00",
            "Статус": status,
        }
        row.update((changes or {}).get(n, {}))
        rows.append(row)
    return rows


@pytest.fixture
def run(app, tmp_path):
    def _run(command: str, content: bytes, name: str = "file.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        return app.test_cli_runner().invoke(args=[command, str(path), "--lang", "en"])

    return _run


def administrator_bins() -> dict[str, str]:
    names = {
        "ГУ «Управление внутренней политики Карагандинской области»",
        "КГУ «Управление общественного развития города Алматы»",
        "Министерство внутренних дел Республики Казахстан",
        "ГУ «Управление внутренней политики города Шымкент»",
    }
    return dict(
        db.session.execute(
            select(Organisation.name_ru, Organisation.bin).where(Organisation.name_ru.in_(names))
        ).all()
    )


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_real_looking_spreadsheet_imports_with_every_row_matched(run, form):
    content = (
        xlsx_bytes(real_rows(), REAL_HEADERS) if form == "xlsx" else csv_bytes(real_rows(), REAL_HEADERS)
    )
    result = run("import-lots", content, f"plan.{form}")
    assert result.exit_code == 0, result.output
    assert f"{len(REAL_ROWS)} lots: {len(REAL_ROWS)} created" in result.output
    bins = administrator_bins()
    admins = [
        "ГУ «Управление внутренней политики Карагандинской области»",
        "ГУ «Управление внутренней политики Карагандинской области»",
        *["КГУ «Управление общественного развития города Алматы»"] * 3,
        *["Министерство внутренних дел Республики Казахстан"] * 2,
        "ГУ «Управление внутренней политики города Шымкент»",
    ]
    for n, ((kato, sphere, status), admin) in enumerate(zip(EXPECTED, admins, strict=True), start=1):
        lot = db.session.scalar(select(Lot).where(Lot.number == f"IMP-{n:04d}", Lot.year == YEAR))
        assert (lot.region.kato, lot.sphere.code, lot.status) == (kato, sphere, status), n
        assert lot.administrator.bin == bins[admin] and lot.kato is None, n


def test_misspelt_values_give_row_errors_with_suggestions_and_nothing_is_imported(run):
    rows = real_rows(
        {
            3: {"Регион": "Карагандинская облысть"},
            5: {"Направление": "Семейная и гендерная политка"},
            6: {"Статус": "Обьявлен"},
            8: {"Администратор бюджетной программы": "ГУ «Управление внутреней политики города Шымкента»"},
        }
    )
    result = run("import-lots", xlsx_bytes(rows, REAL_HEADERS), "plan.xlsx")
    assert result.exit_code == 1
    out = result.output
    assert (
        "Row 4, column «Регион»: Unknown region «Карагандинская облысть». "
        "Did you mean «Карагандинская область»?"
    ) in out
    assert (
        "Row 6, column «Направление»: Unknown sphere «Семейная и гендерная политка». "
        "Did you mean «Семейная и гендерная политика»?"
    ) in out
    assert "Row 7, column «Статус»: Unknown status «Обьявлен». Did you mean «Объявлен»?" in out
    assert (
        "Row 9, column «Администратор бюджетной программы»: Unknown organisation "
        "«ГУ «Управление внутреней политики города Шымкента»». "
        "Did you mean «ГУ «Управление внутренней политики города Шымкент»»?"
    ) in out
    assert "4 error(s)" in out
    assert imported_lots() == 0  # the five good rows are not imported either


def test_an_ambiguous_organisation_name_is_refused(run):
    for serial, name in ((7001, "ГУ «Управление культуры»"), (7011, "КГУ «Управление культуры»")):
        db.session.add(
            Organisation(bin=demo_bin("0512", serial), name_ru=name, kind=OrganisationKind.government)
        )
    db.session.flush()
    rows = real_rows({1: {"Администратор бюджетной программы": "Управление культуры"}})
    result = run("import-lots", csv_bytes(rows, REAL_HEADERS))
    assert result.exit_code == 1
    assert (
        "Row 2, column «Администратор бюджетной программы»: «Управление культуры» can mean "
        "«ГУ «Управление культуры»», «КГУ «Управление культуры»»: write the full name."
    ) in result.output
    assert imported_lots() == 0
    rows = real_rows({1: {"Администратор бюджетной программы": "КГУ Управление культуры"}})
    assert run("import-lots", csv_bytes(rows, REAL_HEADERS)).exit_code == 0
    lot = db.session.scalar(select(Lot).where(Lot.number == "IMP-0001", Lot.year == YEAR))
    assert lot.administrator.name_ru == "КГУ «Управление культуры»"


def test_a_region_that_contradicts_the_kato_code_is_refused(run):
    headers = [*REAL_HEADERS, "КАТО"]
    rows = real_rows({1: {"КАТО": "351010000"}, 2: {"КАТО": "711210000"}})
    result = run("import-lots", csv_bytes(rows, headers))
    assert result.exit_code == 1
    assert re.search(
        r"Row 3, column «Регион»: The KATO code 711210000 lies in «.+», not in «.+»\.", result.output
    )
    assert "Row 2" not in result.output and imported_lots() == 0


def test_the_bin_wins_over_the_name_and_the_kato_code_gives_the_region(run):
    row = lot_row(1)  # BIN and KATO of the usual test file, plus a name and a region that agree
    row["Администратор"] = "какое-то другое название"  # ignored: the BIN decides
    row["Регион"] = "г. Астана"
    headers = [*row]
    result = run("import-lots", csv_bytes([row], headers))
    assert result.exit_code == 0, result.output
    lot = db.session.scalar(select(Lot).where(Lot.number == "IMP-0001", Lot.year == YEAR))
    assert lot.kato == "711210000" and lot.region.kato == "710000000"


# --- projects: the NGO by name, the status in words ---------------------------------------------


def test_projects_find_a_registered_ngo_by_name_and_read_the_status(run):
    assert run("import-lots", csv_bytes([lot_row(1)], [*lot_row(1)])).exit_code == 0
    ngo = db.session.scalar(select(Organisation).where(Organisation.name_ru == "ОФ «Жастар әлемі»"))
    headers = ["Номер договора", "Дата договора", "Номер лота", "Год", "БИН НПО", "Наименование НПО",
               "Сумма договора, тенге", "Дата начала", "Дата окончания", "Статус"]  # fmt: skip
    rows = [
        project_row(1, "IMP-0001", **{"БИН НПО": "", "Наименование НПО": "Қоғамдық қор «Жастар Әлемі»",
                                      "Статус": "Договор заключен"}),
        project_row(2, "IMP-0001", **{"Статус": "Расторгнут", "Сумма договора, тенге": "900 000,00"}),
    ]  # fmt: skip
    result = run("import-projects", csv_bytes(rows, headers))
    assert result.exit_code == 0, result.output  # the terminated contract does not bind the budget
    first = db.session.scalar(select(Project).where(Project.contract_number == "IMP-C-0001"))
    second = db.session.scalar(select(Project).where(Project.contract_number == "IMP-C-0002"))
    assert first.ngo_id == ngo.id and first.status == ProjectStatus.contracted
    assert second.status == ProjectStatus.terminated


def test_an_unknown_ngo_without_a_bin_asks_for_the_bin(run):
    assert run("import-lots", csv_bytes([lot_row(1)], [*lot_row(1)])).exit_code == 0
    row = project_row(1, "IMP-0001", **{"БИН НПО": "", "Наименование НПО": "ОФ «Жастар элеми»"})
    result = run("import-projects", csv_bytes([row], [*row]))
    assert result.exit_code == 1
    assert (
        "Row 2, column «Наименование НПО»: Unknown organisation «ОФ «Жастар элеми»». "
        "Did you mean «ОФ «Жастар әлемі»»? A new NGO is registered only with its BIN: fill in the BIN column."
    ) in result.output


# --- the page --------------------------------------------------------------------------------------


def test_the_page_says_which_spellings_are_accepted_and_errors_come_in_the_users_language(
    login_as, app, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_DIR", str(tmp_path / "uploads"))
    client = login_as("admin")
    page = text_of(client.get("/imports/lots?lang=en"))
    assert "г. Алматы" in page and "Алматы қаласы" in page and "ТОО" in page
    rows = real_rows({3: {"Регион": "Карагандинская облысть"}})
    response = client.post(
        "/imports/lots?lang=ru",
        data={"file": (io.BytesIO(csv_bytes(rows, REAL_HEADERS)), "plan.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    with app.test_request_context(), force_locale("ru"):
        unknown = _("Unknown region «%(value)s».", value="Карагандинская облысть")
        suggestion = _("Did you mean «%(suggestion)s»?", suggestion="Карагандинская область")
    assert f"{unknown} {suggestion}" in text_of(response)
    preview = client.post(  # a valid file: the preview shows what each name was matched to
        "/imports/lots?lang=ru",
        data={"file": (io.BytesIO(csv_bytes(real_rows(), REAL_HEADERS)), "plan.csv")},
        content_type="multipart/form-data",
    )
    table = text_of(preview).split('id="import-preview"')[1].split("</table>")[0]
    assert table.count("<td>Карагандинская область</td>") == 2 and table.count("<td>город Алматы</td>") == 3
    assert imported_lots() == 0  # nothing before the confirmation


# --- a campaign's assignments: groups and kinds ---------------------------------------------------


def test_assignment_groups_and_kinds_as_written(client):
    campaign = make_campaign()
    group, project, lot = own_group(), own_project(), own_lot()
    shouted = "«" + group.name_ru.upper().replace("Ё", "Е") + "»"
    headers = ["Вид", "Группа", "Номер договора", "Номер лота", "Год"]
    rows = [
        ["ЖОБА", shouted, project.contract_number, "", ""],
        ["Лоты", f"  {group.name_kk or group.name_ru}\u00a0", "", lot.number, lot.year],
    ]
    login(client, "ministry@example.kz")

    def upload(rows):
        return client.post(
            f"/imports/campaigns/{campaign.id}/assignments?lang=en",
            data={
                "assign-file": (
                    io.BytesIO(
                        xlsx_bytes([dict(zip(headers, r, strict=True)) for r in rows], headers, typed=False)
                    ),
                    "a.xlsx",
                )
            },
            content_type="multipart/form-data",
        )

    preview = upload(rows)
    assert preview.status_code == 200, text_of(preview)[-3000:]
    assert "2 evaluations will be assigned." in text_of(preview)
    misspelt = group.name_ru[:-1] + "х"
    refused = upload(
        [["проект", misspelt, project.contract_number, "", ""], ["лотт", group.id, "", lot.number, lot.year]]
    )
    assert refused.status_code == 422
    page = text_of(refused)
    assert f"Unknown group «{misspelt}». Did you mean «{group.name_ru}»?" in page.replace("&#34;", '"')
    assert "Unknown kind «лотт»: write project or lot. Did you mean «лот»?" in page
