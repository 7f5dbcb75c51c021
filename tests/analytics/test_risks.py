"""Risk flags (docs/analytics.md#risk-flags): each rule raised by data built here and not raised by
data just short of it; thresholds changed by an administrator through the page change the outcome;
reviews with a note, audited, taken once; who sees the pages; the applicants column of the lot import."""

import itertools
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.accounts.models import Affiliation
from grants.analytics import risks
from grants.analytics.filters import AnalyticsFilters
from grants.analytics.models import FlagReview, RiskThreshold
from grants.audit.models import AuditEvent
from grants.councils.models import GroupMember, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotStatus, Sphere
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, SubjectKind
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Indicator, Project, ProjectStatus
from tests.factories import astana, ministry, text_of
from tests.helpers import user
from tests.imports.helpers import LOT_HEADERS, csv_bytes, lot_rows

YEAR = 2041  # no demo lot is of this year: every flag of it comes from the data built here
_seq = itertools.count(1)


# --- building data --------------------------------------------------------------------------


def admin_id() -> int:
    return ministry().organisation_id


def other_admin_id() -> int:
    return db.session.scalar(
        select(Organisation.id)
        .where(Organisation.kind == OrganisationKind.government, Organisation.id != admin_id())
        .order_by(Organisation.id)
        .limit(1)
    )


def ngos(n: int) -> list[Organisation]:
    found = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.ngo)
        .order_by(Organisation.id)
        .limit(n)
    ).all()
    assert len(found) == n, "the demo needs NGOs"
    return list(found)


def sphere() -> Sphere:
    return db.session.scalar(select(Sphere).order_by(Sphere.id).limit(1))


def make_lot(title: str | None = None, year: int = YEAR, **values) -> Lot:
    n = next(_seq)
    lot = Lot(
        number=f"RISK-{n:04d}",
        year=year,
        title_ru=title or f"{uuid.uuid4().hex} {n}",  # no two alike: only the titles a test gives compare
        administrator_id=values.pop("administrator_id", admin_id()),
        region_id=values.pop("region_id", astana().id),
        sphere_id=values.pop("sphere_id", sphere().id),
        budget=values.pop("budget", Decimal("1000000.00")),
        status=LotStatus.awarded,
        **values,
    )
    db.session.add(lot)
    db.session.flush()
    return lot


def make_project(lot: Lot, ngo: Organisation, **values) -> Project:
    n = next(_seq)
    project = Project(
        lot_id=lot.id,
        ngo_id=ngo.id,
        contract_number=f"RISK-C-{n:05d}",
        contract_date=date(lot.year, 2, 1),
        amount=Decimal("900000.00"),
        start_date=date(lot.year, 3, 1),
        end_date=date(lot.year, 11, 30),
        status=values.pop("status", ProjectStatus.in_implementation),
        **values,
    )
    db.session.add(project)
    db.session.flush()
    return project


def indicators(project: Project, *pairs) -> None:
    for i, (target, actual) in enumerate(pairs):
        db.session.add(
            Indicator(
                project_id=project.id,
                position=i,
                name_ru=f"Показатель {i}",
                target=Decimal(target),
                actual=None if actual is None else Decimal(actual),
            )
        )
    db.session.flush()


def evaluation(project: Project, group: MonitoringGroup, index=None, published_days_ago=None) -> Evaluation:
    campaign = db.session.scalar(
        select(Campaign).where(Campaign.project_methodology_id.is_not(None)).order_by(Campaign.id).limit(1)
    )
    published = published_days_ago is not None
    ev = Evaluation(
        subject_key=f"risk-test-{next(_seq)}",
        campaign_id=campaign.id,
        group_id=group.id,
        kind=SubjectKind.project,
        project_id=project.id,
        lot_id=project.lot_id,
        methodology_id=campaign.project_methodology_id,
        state=EvaluationState.published if published else EvaluationState.scoring,
        deadline=date(project.lot.year, 12, 1),
        index_value=None if index is None else Decimal(index),
        published_at=datetime.now(UTC) - timedelta(days=published_days_ago) if published else None,
    )
    db.session.add(ev)
    db.session.flush()
    return ev


def any_group() -> MonitoringGroup:
    return db.session.scalar(select(MonitoringGroup).order_by(MonitoringGroup.id).limit(1))


def raised(rule: str, **filters) -> set[int]:
    """Subject ids flagged by one rule for the test year (or other filters)."""
    filters.setdefault("year", YEAR)
    return {f.subject_id for f in risks.flags(AnalyticsFilters(**filters), [rule])}


def set_threshold(client, code: str, value: str, expect: int = 302):
    """An administrator changes one threshold through the page (the others kept as they are)."""
    page = client.get("/risks/thresholds")
    assert page.status_code == 200
    versions = re.search(r'name="versions"[^>]*value="([^"]*)"', page.get_data(as_text=True))
    data = {c: str(v) for c, v in risks.thresholds().items()}
    data[code] = value
    data["versions"] = versions.group(1) if versions else ""
    response = client.post("/risks/thresholds", data=data)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


@pytest.fixture(autouse=True)
def in_a_request(app):
    """Explanations are worded in the reader's language: rules run inside a request (English here)."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def admin(login_as):
    return login_as("admin")


# --- 1. one NGO wins many lots of one administrator in a year --------------------------------


def test_ngo_winning_many_lots_of_one_administrator(admin):
    many, few, spread = ngos(3)
    for _ in range(3):
        make_project(make_lot(), many)
    for _ in range(2):
        make_project(make_lot(), few)
    # three lots, but of two administrators: two and one
    make_project(make_lot(), spread)
    make_project(make_lot(), spread)
    make_project(make_lot(administrator_id=other_admin_id()), spread)
    # a terminated contract does not count
    make_project(make_lot(), few, status=ProjectStatus.terminated)
    assert raised("ngo_many_lots") == {many.id}
    flag = next(f for f in risks.flags(AnalyticsFilters(year=YEAR), ["ngo_many_lots"]))
    assert flag.subject_kind == "organisation" and flag.data["wins"][0]["lots"] == 3
    assert flag.threshold == Decimal(3)

    set_threshold(admin, "ngo_many_lots", "2")
    assert raised("ngo_many_lots") == {many.id, few.id, spread.id}
    set_threshold(admin, "ngo_many_lots", "4")
    assert raised("ngo_many_lots") == set()


# --- 2. a lot with one applicant --------------------------------------------------------------


def test_single_applicant_only_when_the_data_says_so(admin):
    one = make_lot(applicants=1)
    two = make_lot(applicants=2)
    make_lot(applicants=None)  # not known: no flag
    make_lot(applicants=0)  # no bid at all is not a single applicant
    assert raised("single_applicant") == {one.id}
    set_threshold(admin, "single_applicant", "2")
    assert raised("single_applicant") == {one.id, two.id}


# --- 3. cost per beneficiary far above the median ------------------------------------------


def test_cost_per_beneficiary_against_the_median_of_sphere_and_year(admin):
    for _ in range(3):
        make_lot(budget=Decimal("1000000.00"), beneficiaries=1000)  # 1 000 ₸ each
    middling = make_lot(budget=Decimal("2500000.00"), beneficiaries=1000)  # 2 500 ₸
    costly = make_lot(budget=Decimal("5000000.00"), beneficiaries=1000)  # 5 000 ₸
    make_lot(budget=Decimal("9000000.00"), beneficiaries=None)  # no beneficiaries: not compared
    make_lot(budget=Decimal("9000000.00"), beneficiaries=0)
    assert raised("cost_per_beneficiary") == {costly.id}
    flag = risks.flags(AnalyticsFilters(year=YEAR), ["cost_per_beneficiary"])[0]
    # median of 1000, 1000, 1000, 2500, 5000 is 1000; five lots compared
    assert flag.data == {
        "cost_per_beneficiary": "5000.00",
        "median": "1000.00",
        "ratio": 5,
        "lots_compared": 5,
    }

    set_threshold(admin, "cost_per_beneficiary", "2")
    assert raised("cost_per_beneficiary") == {costly.id, middling.id}
    set_threshold(admin, "cost_per_beneficiary", "5,5")
    assert raised("cost_per_beneficiary") == set()


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_lots():
    for budget in ("1000000.00", "2000000.00", "3000000.00", "100000000.00"):
        make_lot(budget=Decimal(budget), beneficiaries=1000)
    flag = risks.flags(AnalyticsFilters(year=YEAR), ["cost_per_beneficiary"])[0]
    assert flag.data["median"] == "2500.00"  # (2000 + 3000) / 2
    assert flag.data["cost_per_beneficiary"] == "100000.00"


def test_a_sphere_and_year_with_too_few_lots_has_no_median():
    make_lot(budget=Decimal("1000000.00"), beneficiaries=1000)
    make_lot(budget=Decimal("90000000.00"), beneficiaries=1000)
    assert raised("cost_per_beneficiary") == set()


# --- 4. indicators at exactly 100 % ---------------------------------------------------------


def test_every_reported_indicator_exactly_at_target(admin):
    ngo = ngos(1)[0]
    exact = make_project(make_lot(), ngo)
    indicators(exact, ("100", "100"), ("50", "50.00"), ("12", "12"))
    honest = make_project(make_lot(), ngo)
    indicators(honest, ("100", "100"), ("50", "47"), ("12", "12"))
    short = make_project(make_lot(), ngo)
    indicators(short, ("100", "100"), ("50", "50"), ("12", None))  # two reported
    assert raised("indicators_all_exact") == {exact.id}
    set_threshold(admin, "indicators_all_exact", "2")
    assert raised("indicators_all_exact") == {exact.id, short.id}


# --- 5. near-duplicate lot titles ----------------------------------------------------------------


def test_near_duplicate_titles_in_one_region_and_year(admin):
    a = make_lot("Школа волонтёров: помощь пожилым людям")
    b = make_lot("школа волонтёров — помощь пожилым людям.")
    c = make_lot("Школа волонтёров для подростков из малообеспеченных семей")
    make_lot("Школа волонтёров: помощь пожилым людям", year=YEAR + 1)  # another year
    other_region = db.session.scalar(
        select(Lot.region_id).where(Lot.region_id != astana().id).order_by(Lot.id).limit(1)
    )
    make_lot("Школа волонтёров: помощь пожилым людям", region_id=other_region)  # another region
    assert raised("duplicate_titles") == {a.id, b.id}
    flag = next(
        f for f in risks.flags(AnalyticsFilters(year=YEAR), ["duplicate_titles"]) if f.subject_id == a.id
    )
    assert [s["lot_id"] for s in flag.data["similar_lots"]] == [b.id]
    assert flag.data["similar_lots"][0]["similarity"] == 1.0

    set_threshold(admin, "duplicate_titles", "0,5")
    assert c.id in raised("duplicate_titles")


def test_titles_that_differ_in_a_word_are_similar_not_equal(admin):
    a = make_lot("Профилактика правонарушений среди подростков в Астане")
    b = make_lot("Профилактика правонарушений среди молодёжи в Караганде")
    assert raised("duplicate_titles") == set()  # about 0.80 similar
    set_threshold(admin, "duplicate_titles", "0,8")
    assert raised("duplicate_titles") == {a.id, b.id}


# --- 6. an NGO affiliated with a member of its evaluating group ----------------------------------


def test_affiliated_member_of_the_evaluating_group(admin):
    tied_ngo, free_ngo = ngos(2)
    group = any_group()
    tied = make_project(make_lot(), tied_ngo)
    free = make_project(make_lot(), free_ngo)
    evaluation(tied, group)
    evaluation(free, group)
    members = db.session.scalars(select(GroupMember).where(GroupMember.group_id == group.id)).all()
    assert members, "the demo group has members"
    person = db.session.get(type(user("admin")), members[0].user_id)
    for ngo in (tied_ngo, free_ngo):  # the demo may already tie people to these NGOs
        db.session.query(Affiliation).filter(
            Affiliation.bin == ngo.bin, Affiliation.user_id.in_([m.user_id for m in members])
        ).delete(synchronize_session=False)
    db.session.add(Affiliation(user_id=person.id, bin=tied_ngo.bin, note="учредитель"))
    # an affiliation with a user outside the group does not count
    outsider = user("ngo")
    if outsider.id not in {m.user_id for m in members}:
        db.session.add(Affiliation(user_id=outsider.id, bin=free_ngo.bin, note="директор"))
    db.session.flush()
    assert raised("affiliated_evaluator") == {tied.id}
    flag = risks.flags(AnalyticsFilters(year=YEAR), ["affiliated_evaluator"])[0]
    assert flag.data["members"][0]["member"] == person.full_name
    assert flag.data["members"][0]["group_id"] == group.id

    set_threshold(admin, "affiliated_evaluator", "2")
    assert raised("affiliated_evaluator") == set()


# --- 7. a sharp fall of the published index -----------------------------------------------------


def test_sharp_fall_of_the_published_index(admin):
    ngo = ngos(1)[0]
    group = any_group()
    fell, dipped, rose, unpublished = (make_project(make_lot(), ngo) for _ in range(4))
    evaluation(fell, group, "82.0", published_days_ago=400)
    evaluation(fell, group, "61.5", published_days_ago=30)  # -20.5
    evaluation(dipped, group, "80.0", published_days_ago=400)
    evaluation(dipped, group, "70.0", published_days_ago=30)  # -10
    evaluation(rose, group, "50.0", published_days_ago=400)
    evaluation(rose, group, "90.0", published_days_ago=30)
    evaluation(unpublished, group, "90.0", published_days_ago=400)
    evaluation(unpublished, group, "40.0")  # not published: does not count
    assert raised("index_drop") == {fell.id}
    flag = risks.flags(AnalyticsFilters(year=YEAR), ["index_drop"])[0]
    assert flag.data["previous_index"] == 82 and flag.data["index"] == "61.5"
    assert flag.data["drop"] == "20.5"

    set_threshold(admin, "index_drop", "10")
    assert raised("index_drop") == {fell.id, dipped.id}


# --- the list page and its filters ---------------------------------------------------------------


def test_the_page_lists_flags_with_explanation_data_and_link(login_as):
    lot = make_lot(applicants=1)
    client = login_as("ministry")
    for lang, word in (("en", "bid"), ("ru", None), ("kk", None)):
        response = client.get(f"/risks/?year={YEAR}&lang={lang}")
        assert response.status_code == 200
        page = text_of(response)
        assert f'data-flag="single_applicant:lot:{lot.id}"' in page
        assert f"/lots/{lot.id}" in page
        assert lot.number in page
        assert re.search(r'data-fact="[^"]+">\s*1\s*</dd>', page)
        if word:
            assert word in page
    # filters: another rule, another region, another year hide it
    for query in (f"year={YEAR}&rule=index_drop", f"year={YEAR}&region={other_kato()}", f"year={YEAR + 1}"):
        page = text_of(client.get(f"/risks/?{query}"))
        assert f'data-flag="single_applicant:lot:{lot.id}"' not in page, query
    page = text_of(client.get(f"/risks/?year={YEAR}&rule=single_applicant&region={astana().kato}"))
    assert f'data-flag="single_applicant:lot:{lot.id}"' in page


def other_kato() -> str:
    from grants.regions.models import Region

    return db.session.scalar(
        select(Region.kato).where(Region.id != astana().id).order_by(Region.kato).limit(1)
    )


def test_bad_filters_are_named_not_a_500(login_as):
    client = login_as("ministry")
    response = client.get("/risks/?year=20x1&rule=astrology&lang=en")
    assert response.status_code == 422
    page = text_of(response)
    assert "Year: Must be a four-digit year." in page and "Rule: Must be one of:" in page


# --- thresholds page ----------------------------------------------------------------------------


def test_thresholds_page_refuses_bad_values_with_messages(admin):
    data = {c: str(v) for c, v in risks.thresholds().items()}
    data.update(ngo_many_lots="2,5", duplicate_titles="1,5", index_drop="abc", single_applicant="")
    response = admin.post("/risks/thresholds?lang=en", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert "Enter a whole number." in page
    assert "Enter a value from 0.5 to 1." in page
    assert "Enter a number, for example 3 or 0,9." in page
    assert "Enter the threshold." in page
    assert db.session.scalar(select(func.count()).select_from(RiskThreshold)) == 0


def test_a_saved_threshold_is_audited_and_a_stale_page_is_refused(admin):
    page = admin.get("/risks/thresholds").get_data(as_text=True)
    stale = re.search(r'name="versions"[^>]*value="([^"]*)"', page).group(1)
    set_threshold(admin, "index_drop", "20")
    row = db.session.get(RiskThreshold, "index_drop")
    assert row.value == Decimal("20") and row.updated_by_id == user("admin").id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "risk.threshold"))
    assert event.before == {"rule": "index_drop", "value": "15"}
    assert event.after == {"rule": "index_drop", "value": "20"}
    data = {c: str(v) for c, v in risks.thresholds().items()}
    data.update(index_drop="25", versions=stale)
    response = admin.post("/risks/thresholds", data=data)
    assert response.status_code == 409
    assert db.session.get(RiskThreshold, "index_drop").value == Decimal("20")


# --- reviews ------------------------------------------------------------------------------------


def review_url(lot: Lot) -> str:
    return f"/risks/review/single_applicant/lot/{lot.id}?lang=en"


def test_review_needs_a_note_is_audited_and_taken_once(login_as):
    lot = make_lot(applicants=1)
    client = login_as("ministry")
    assert client.get(review_url(lot)).status_code == 200
    response = client.post(review_url(lot), data={"note": "  "})
    assert response.status_code == 422
    assert "Write a note on what you found." in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(FlagReview)) == 0

    response = client.post(review_url(lot), data={"note": "Проверили: конкурс объявлялся дважды."})
    assert response.status_code == 302
    review = db.session.scalar(select(FlagReview).where(FlagReview.subject_id == lot.id))
    assert review.rule == "single_applicant" and review.subject_kind == "lot"
    assert review.reviewed_by_id == user("ministry").id and review.data == {"applicants": 1}
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "risk.review", AuditEvent.object_id == review.id)
    )
    assert event is not None and event.actor_id == user("ministry").id

    again = client.post(review_url(lot), data={"note": "Ещё раз"})
    assert again.status_code == 409
    assert "already been reviewed" in text_of(again)
    assert db.session.scalar(select(func.count()).select_from(FlagReview)) == 1

    # reviewed flags show as reviewed, and the status filter separates them
    page = text_of(client.get(f"/risks/?year={YEAR}"))
    assert "конкурс объявлялся дважды" in page and "data-reviewed" in page
    assert f"single_applicant:lot:{lot.id}" not in text_of(client.get(f"/risks/?year={YEAR}&status=open"))
    assert f"single_applicant:lot:{lot.id}" in text_of(client.get(f"/risks/?year={YEAR}&status=reviewed"))


def test_a_flag_no_longer_raised_cannot_be_reviewed(login_as):
    lot = make_lot(applicants=3)
    client = login_as("ministry")
    response = client.post(review_url(lot), data={"note": "Смотрели"})
    assert response.status_code == 409
    assert "no longer raised" in text_of(response)
    assert client.get("/risks/review/astrology/lot/1").status_code == 404
    assert client.get("/risks/review/single_applicant/project/1").status_code == 404


def test_flags_never_change_a_score():
    before = db.session.execute(select(Evaluation.id, Evaluation.index_value).order_by(Evaluation.id)).all()
    make_lot(applicants=1)
    risks.flags()
    assert (
        db.session.execute(select(Evaluation.id, Evaluation.index_value).order_by(Evaluation.id)).all()
        == before
    )


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "risks_page", "thresholds_page"),
    [
        ("anonymous", 302, 302),
        ("ngo", 403, 403),
        ("member1", 403, 403),
        ("member4", 403, 403),
        ("chair", 403, 403),
        ("secretary", 403, 403),
        ("official", 403, 403),
        ("ministry", 200, 403),
        ("admin", 200, 200),
    ],
)
def test_access(client, login_as, who, risks_page, thresholds_page):
    lot = make_lot(applicants=1)
    if who != "anonymous":
        login_as(who)
    assert client.get("/risks/").status_code == risks_page
    assert client.get("/risks/thresholds").status_code == thresholds_page
    review = client.post(review_url(lot), data={"note": "x"})
    assert review.status_code == (302 if who in ("ministry", "admin") else risks_page)
    if who == "anonymous":
        assert "/login" in client.get("/risks/").headers["Location"]


# --- the demo and the import ------------------------------------------------------------------


def test_the_demo_raises_flags_of_several_rules():
    assert len({f.rule for f in risks.flags()}) >= 2


@pytest.fixture
def run(app, tmp_path):
    def _run(content: bytes):
        path = tmp_path / "lots.csv"
        path.write_bytes(content)
        return app.test_cli_runner().invoke(args=["import-lots", str(path), "--lang", "en"])

    return _run


def test_lot_import_stores_the_number_of_applicants(run):
    headers = [*LOT_HEADERS, "Количество заявок"]
    rows = lot_rows(3)
    rows[0]["Количество заявок"] = "1"
    rows[1]["Количество заявок"] = "4"
    result = run(csv_bytes(rows, headers))
    assert result.exit_code == 0, result.output
    stored = dict(
        db.session.execute(
            select(Lot.number, Lot.applicants).where(Lot.number.in_([r["Номер лота"] for r in rows]))
        ).all()
    )
    assert stored == {rows[0]["Номер лота"]: 1, rows[1]["Номер лота"]: 4, rows[2]["Номер лота"]: None}


@pytest.mark.parametrize("value", ["-1", "2,5", "много"])
def test_lot_import_refuses_a_bad_number_of_applicants(run, value):
    headers = [*LOT_HEADERS, "Количество заявок"]
    rows = lot_rows(2)
    rows[1]["Количество заявок"] = value
    result = run(csv_bytes(rows, headers))
    assert result.exit_code == 1
    assert "Row 3, column «Количество заявок»: Enter a whole number, zero or more" in result.output, (
        result.output
    )


def test_the_number_of_queries_does_not_grow_with_the_flags():
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    statements = []

    def counted() -> int:
        statements.clear()
        event.listen(Engine, "before_cursor_execute", _count)
        try:
            risks.flags()
        finally:
            event.remove(Engine, "before_cursor_execute", _count)
        return len(statements)

    def _count(*args, **kwargs):
        statements.append(1)

    make_lot(applicants=1)
    make_lot("Школа волонтёров: помощь пожилым людям")
    make_lot("Школа волонтёров — помощь пожилым людям")
    few = counted()
    for n in range(15):
        make_lot(applicants=1)
        make_lot(f"Клуб молодых читателей номер {n}")
        make_lot(f"клуб молодых читателей, номер {n}!")
    assert counted() == few
    assert len(raised("single_applicant")) == 16 and len(raised("duplicate_titles")) == 32


def test_find_flag_reads_one_subject_and_finds_what_the_whole_rule_finds():
    a = make_lot("Школа волонтёров: помощь пожилым людям")
    make_lot("Школа волонтёров — помощь пожилым людям")
    make_lot(applicants=1)
    unflagged = make_lot("Совсем другой лот о спорте")
    raised = risks.flags()
    assert {"duplicate_titles", "single_applicant"} <= {f.rule for f in raised}
    for flag in raised:
        found = risks.find_flag(flag.rule, flag.subject_kind, flag.subject_id)
        assert found is not None, flag.key
        assert (found.key, found.explanation, found.data) == (flag.key, flag.explanation, flag.data)
    assert any(f.key == ("duplicate_titles", "lot", a.id) for f in raised)
    for code, rule in risks.RULES.items():
        if rule.subject_kind == "lot":
            assert risks.find_flag(code, "lot", unflagged.id) is None
