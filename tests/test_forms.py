"""Bad input through the HTML forms: the form comes back (200) with a clear message and nothing is saved.

Messages are checked in English (?lang=en); for Russian and Kazakh the expected text is taken from
the compiled catalogs, so these tests follow the translations rather than copy them.
"""

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from grants.accounts.models import User
from grants.audit.models import AuditEvent
from grants.core.i18n import BABEL_LOCALES
from grants.councils.models import Council, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot
from grants.needs.models import PublicNeed
from grants.organisations.models import Organisation
from grants.projects.models import Project, ProjectStatus
from tests.factories import (
    any_of,
    councils_of_both_levels,
    count,
    lot_form,
    member_ids,
    ministry,
    own_lot,
    own_project,
    project_form,
    redirect_path,
    text_of,
    unused_lot_number,
)
from tests.helpers import login

NOTHING_SAVED = "Please correct the errors below. Nothing has been saved."
BIN_MESSAGE = "BIN must be 12 digits with a correct check digit."
AMOUNT_MESSAGE = "Enter an amount in tenge, for example 12 500 000,00."


@pytest.fixture
def as_admin(client):
    login(client, "admin@example.kz")
    return client


@pytest.fixture
def as_ministry(client):
    login(client, "ministry@example.kz")
    return client


def assert_rejected(response, *messages):
    assert response.status_code == 200, (
        f"expected the form again, got {response.status_code} {redirect_path(response)}"
    )
    text = text_of(response)
    for message in messages:
        assert message in text, f"missing message {message!r}"


def translated(app, message: str, lang: str) -> str:
    """The catalog's translation of message for lang, as the application would pick it."""
    with app.test_request_context(f"/?lang={lang}"), force_locale(BABEL_LOCALES[lang]):
        return gettext(message)


# --- organisations ------------------------------------------------------------------------


def organisation_form(**overrides) -> dict:
    data = {
        "bin": "061211600012",
        "name_ru": "ОО «Тест»",
        "name_kk": "«Тест» ҚБ",
        "kind": "ngo",
        "region_id": "",
    }
    data.update(overrides)
    return data


def fresh_valid_bin() -> str:
    """A valid BIN no organisation uses yet (found by the check-digit rule, not hard-coded)."""
    from grants.core.identifiers import bin_check_digit

    for serial in range(10000, 99999):
        prefix = f"310140{serial:05d}"
        digit = bin_check_digit(prefix)
        if digit is None:
            continue
        value = f"{prefix}{digit}"
        if db.session.scalar(select(Organisation.id).where(Organisation.bin == value)) is None:
            return value
    raise AssertionError("no free BIN")


def with_wrong_check_digit(value: str) -> str:
    return value[:11] + str((int(value[11]) + 1) % 10)


@pytest.mark.parametrize(
    "make_bad, message",
    [
        pytest.param(with_wrong_check_digit, BIN_MESSAGE, id="wrong-check-digit"),
        pytest.param(lambda v: v[:11], BIN_MESSAGE, id="11-digits"),
        pytest.param(lambda v: v + "0", BIN_MESSAGE, id="13-digits"),
        pytest.param(lambda v: v[:6] + "ABCDEF", BIN_MESSAGE, id="letters"),
        pytest.param(lambda v: "", "This field is required.", id="empty"),
    ],
)
def test_organisation_with_an_invalid_bin_is_refused(as_admin, make_bad, message):
    bad = make_bad(fresh_valid_bin())
    before = count(Organisation)
    response = as_admin.post("/organisations/new?lang=en", data=organisation_form(bin=bad))
    assert_rejected(response, NOTHING_SAVED)
    assert message in text_of(response)
    assert count(Organisation) == before


def test_a_valid_bin_saves(as_admin):
    value = fresh_valid_bin()
    response = as_admin.post("/organisations/new?lang=en", data=organisation_form(bin=f" {value} "))
    assert response.status_code == 302
    saved = db.session.scalar(select(Organisation).where(Organisation.bin == value))
    assert saved is not None, "the BIN is stored without the surrounding spaces"


def test_duplicate_bin_is_refused(as_admin):
    existing = any_of(Organisation)
    before = count(Organisation)
    response = as_admin.post("/organisations/new?lang=en", data=organisation_form(bin=existing.bin))
    assert_rejected(response, "An organisation with this BIN already exists.")
    assert count(Organisation) == before


def test_editing_an_organisation_to_another_ones_bin_is_refused(as_admin):
    first, second = db.session.scalars(select(Organisation).order_by(Organisation.id).limit(2)).all()
    original = second.bin
    data = organisation_form(
        bin=first.bin,
        name_ru=second.name_ru,
        name_kk=second.name_kk or second.name_ru,
        kind=second.kind.value,
    )
    response = as_admin.post(f"/organisations/{second.id}/edit?lang=en", data=data)
    assert_rejected(response, "An organisation with this BIN already exists.")
    db.session.expire_all()
    assert db.session.get(Organisation, second.id).bin == original


def test_a_look_alike_bin_in_full_width_digits_does_not_create_a_second_organisation(as_admin):
    existing = any_of(Organisation)
    look_alike = "".join(
        chr(0xFF10 + int(c)) for c in existing.bin
    )  # "９４０…": same digits, other characters
    before = count(Organisation)
    response = as_admin.post("/organisations/new?lang=en", data=organisation_form(bin=look_alike))
    assert count(Organisation) == before, (
        "a BIN typed in full-width digits passed ValidBIN (\\d matches any Unicode digit) and dodged the "
        "duplicate check"
    )
    assert response.status_code == 200


# --- lots ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, message",
    [
        pytest.param({"budget": "-5"}, "The amount must be greater than zero.", id="negative-budget"),
        pytest.param({"budget": "0"}, "The amount must be greater than zero.", id="zero-budget"),
        pytest.param({"budget": "abc"}, AMOUNT_MESSAGE, id="non-numeric-budget"),
        pytest.param({"budget": "1,2,3"}, AMOUNT_MESSAGE, id="garbled-budget"),
        pytest.param({"budget": ""}, "Enter the budget.", id="no-budget"),
        pytest.param(
            {"start_date": "2031-06-01", "end_date": "2031-05-31"},
            "The end date cannot be before the start date.",
            id="end-before-start",
        ),
        pytest.param({"region_id": "999999"}, "Not a valid choice", id="unknown-region"),
        pytest.param({"region_id": ""}, "Choose a region.", id="no-region"),
        pytest.param({"kato": "75111"}, "KATO code is 9 digits.", id="short-kato"),
        pytest.param(
            {"kato": "751110000"}, "The KATO code does not belong to the chosen region.", id="kato-of-almaty"
        ),
        pytest.param({"year": "1999"}, "Number must be between 2005 and 2100.", id="year-out-of-range"),
    ],
)
def test_lot_with_bad_input_is_refused(as_ministry, overrides, message):
    before = count(Lot)
    response = as_ministry.post("/lots/new?lang=en", data=lot_form(**overrides))
    assert_rejected(response, NOTHING_SAVED, message)
    assert count(Lot) == before


@pytest.mark.parametrize("budget", ["12345678901234567,89", "99999999999999999999"])
def test_lot_with_a_budget_beyond_the_column_is_refused(as_ministry, app, budget):
    """budget is NUMERIC(18,2), at most 16 integer digits: more overflows PostgreSQL (a 500) and SQLite
    silently stores a rounded float (12345678901234567,89 comes back as 12345678901234568.00)."""
    before = count(Lot)
    app.config["PROPAGATE_TEST_ERRORS"] = False
    try:
        response = as_ministry.post("/lots/new?lang=en", data=lot_form(budget=budget))
    finally:
        app.config["PROPAGATE_TEST_ERRORS"] = True
    assert response.status_code == 200, (
        f"budget {budget} answered {response.status_code}: MoneyField has no upper bound for NUMERIC(18,2)"
    )
    assert count(Lot) == before


def test_lot_budget_cannot_drop_below_its_contracts(as_ministry):
    """The project form refuses contracts above the lot budget; the lot form must not undo that rule."""
    lot = own_project().lot
    original = lot.budget
    lower = standing_contracts_total(lot) - Decimal("1.00")
    response = as_ministry.post(f"/lots/{lot.id}/edit?lang=en", data=lot_form(lot, budget=f"{lower:.2f}"))
    db.session.expire_all()
    assert db.session.get(Lot, lot.id).budget == original, (
        f"the lot budget was lowered to {lower}, below the contracts signed for it"
    )
    assert_rejected(response, "The budget cannot be less than the contracts signed for this lot")


def test_duplicate_lot_number_in_the_same_year_is_refused(as_ministry):
    existing = own_lot()
    before = count(Lot)
    data = lot_form(number=existing.number, year=str(existing.year))
    response = as_ministry.post("/lots/new?lang=en", data=data)
    assert_rejected(response, "A lot with this number already exists in this year.")
    assert count(Lot) == before


def test_duplicate_lot_number_is_refused_on_edit_too(as_ministry):
    mine = db.session.scalars(
        select(Lot).where(Lot.administrator_id == ministry().organisation_id).order_by(Lot.id).limit(2)
    ).all()
    if len(mine) < 2:
        pytest.skip("the demo ministry organisation has a single lot")
    first, second = mine
    original = (second.number, second.year)
    data = lot_form(second, number=first.number, year=str(first.year))
    response = as_ministry.post(f"/lots/{second.id}/edit?lang=en", data=data)
    assert_rejected(response, "A lot with this number already exists in this year.")
    db.session.expire_all()
    reloaded = db.session.get(Lot, second.id)
    assert (reloaded.number, reloaded.year) == original


def test_the_same_lot_number_in_another_year_saves(as_ministry):
    existing = own_lot()
    other_year = existing.year + 1
    while db.session.scalar(select(Lot.id).where(Lot.number == existing.number, Lot.year == other_year)):
        other_year += 1
    before = count(Lot)
    response = as_ministry.post(
        "/lots/new?lang=en",
        data=lot_form(
            number=existing.number,
            year=str(other_year),
            start_date=f"{other_year}-02-01",
            end_date=f"{other_year}-11-30",
        ),
    )
    assert response.status_code == 302, text_of(response)[-2000:]
    assert count(Lot) == before + 1
    saved = db.session.scalar(select(Lot).where(Lot.number == existing.number, Lot.year == other_year))
    assert saved is not None
    assert redirect_path(response) == f"/lots/{saved.id}"


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_lot_errors_come_in_the_users_language(as_ministry, app, lang):
    before = count(Lot)
    response = as_ministry.post(f"/lots/new?lang={lang}", data=lot_form(budget="abc"))
    assert response.status_code == 200
    assert count(Lot) == before
    text = text_of(response)
    assert f'<html lang="{lang}"' in response.get_data(as_text=True)
    for message in (AMOUNT_MESSAGE, NOTHING_SAVED):
        if lang == "en":
            assert message in text
            continue
        expected = translated(app, message, lang)
        assert expected != message, (
            f"no {lang} translation of {message!r} in the compiled catalog "
            f"(grants/translations/{lang}/LC_MESSAGES/messages.mo)"
        )
        assert expected in text, f"the {lang} page does not show the {lang} message {expected!r}"
        assert message not in text, f"the {lang} page shows the English message {message!r}"


# --- projects -----------------------------------------------------------------------------


def test_project_amount_above_the_lot_budget_is_refused(as_ministry):
    lot = own_lot()
    before = count(Project)
    data = project_form(lot, amount=f"{Decimal(lot.budget) + Decimal('0.01'):.2f}")
    response = as_ministry.post(f"/lots/{lot.id}/projects/new?lang=en", data=data)
    assert_rejected(response, "The contract amount exceeds the lot budget.")
    assert count(Project) == before


def standing_contracts_total(lot: Lot) -> Decimal:
    """Sum of the lot's contracts that are not terminated, computed here from the rows."""
    return sum(
        (Decimal(p.amount) for p in lot.projects if p.status != ProjectStatus.terminated), Decimal("0")
    )


def own_lot_without_contracts() -> Lot:
    lot = db.session.scalar(
        select(Lot)
        .where(Lot.administrator_id == ministry().organisation_id, ~Lot.projects.any())
        .order_by(Lot.id)
        .limit(1)
    )
    assert lot is not None, "the demo ministry organisation has no lot without a contract"
    return lot


def test_project_amount_equal_to_the_budget_saves(as_ministry):
    lot = own_lot_without_contracts()
    before = count(Project)
    data = project_form(lot, amount=f"{Decimal(lot.budget):.2f}")
    response = as_ministry.post(f"/lots/{lot.id}/projects/new?lang=en", data=data)
    assert response.status_code == 302, text_of(response)[-2000:]
    assert count(Project) == before + 1
    saved = db.session.scalar(select(Project).where(Project.contract_number == data["contract_number"]))
    assert saved.lot_id == lot.id and saved.amount == Decimal(lot.budget)


def test_contracts_together_cannot_exceed_the_lot_budget(as_ministry):
    project = own_project()
    lot = project.lot
    taken = standing_contracts_total(lot)
    assert taken > 0
    amount = max(Decimal(lot.budget) - taken + Decimal("0.01"), Decimal("0.01"))
    before = count(Project)
    response = as_ministry.post(
        f"/lots/{lot.id}/projects/new?lang=en", data=project_form(lot, amount=f"{amount:.2f}")
    )
    assert_rejected(response, "The contract amount exceeds the lot budget.")
    assert count(Project) == before


def test_project_ending_before_it_starts_is_refused(as_ministry):
    lot = own_lot()
    before = count(Project)
    data = project_form(lot, start_date="2031-06-01", end_date="2031-05-01")
    response = as_ministry.post(f"/lots/{lot.id}/projects/new?lang=en", data=data)
    assert_rejected(response, "The end date cannot be before the start date.")
    assert count(Project) == before


def test_duplicate_contract_number_is_refused(as_ministry):
    lot = own_lot()
    existing = own_project()
    before = count(Project)
    data = project_form(lot, contract_number=existing.contract_number)
    response = as_ministry.post(f"/lots/{lot.id}/projects/new?lang=en", data=data)
    assert_rejected(response, "A contract with this number already exists.")
    assert count(Project) == before


def test_project_with_a_non_numeric_amount_is_refused(as_ministry):
    lot = own_lot()
    before = count(Project)
    response = as_ministry.post(
        f"/lots/{lot.id}/projects/new?lang=en", data=project_form(lot, amount="много")
    )
    assert_rejected(response, AMOUNT_MESSAGE)
    assert count(Project) == before


# --- groups -------------------------------------------------------------------------------


def test_group_whose_chair_is_not_a_member_is_refused(as_ministry):
    members = member_ids(4)
    before = count(MonitoringGroup)
    data = {
        "name_ru": "Совместная группа (тест)",
        "name_kk": "Бірлескен топ (тест)",
        "councils": [str(c) for c in councils_of_both_levels()],
        "members": [str(m) for m in members[:3]],
        "chair_id": str(members[3]),
        "organiser_id": str(ministry().organisation_id),
    }
    response = as_ministry.post("/groups/new?lang=en", data=data)
    assert_rejected(response, "The chair must be one of the group's members.")
    assert count(MonitoringGroup) == before


def test_group_with_its_chair_among_the_members_saves(as_ministry):
    members = member_ids(3)
    before = count(MonitoringGroup)
    data = {
        "name_ru": "Совместная группа (тест)",
        "name_kk": "Бірлескен топ (тест)",
        "councils": [str(c) for c in councils_of_both_levels()],
        "members": [str(m) for m in members],
        "chair_id": str(members[0]),
        "organiser_id": str(ministry().organisation_id),
    }
    response = as_ministry.post("/groups/new?lang=en", data=data)
    assert response.status_code == 302, text_of(response)[-2000:]
    assert count(MonitoringGroup) == before + 1
    group = db.session.scalar(select(MonitoringGroup).order_by(MonitoringGroup.id.desc()).limit(1))
    assert group.organiser_id == ministry().organisation_id
    assert group.chair_id == members[0]
    assert sorted(m.user_id for m in group.memberships) == sorted(members)


# --- valid input saves and is audited -----------------------------------------------------


def test_ministry_creates_a_lot_with_a_spaced_comma_amount_and_editing_it_is_audited(as_ministry):
    me = ministry()
    year = 2032
    number = unused_lot_number(year)
    response = as_ministry.post(
        "/lots/new?lang=en",
        data=lot_form(
            number=number,
            year=str(year),
            budget="12 500 000,00",
            start_date="2032-02-01",
            end_date="2032-12-20",
        ),
    )
    assert response.status_code == 302, text_of(response)[-2000:]
    lot = db.session.scalar(select(Lot).where(Lot.number == number, Lot.year == year))
    assert lot is not None
    assert lot.budget == Decimal("12500000.00")
    assert isinstance(lot.budget, Decimal)
    assert lot.administrator_id == me.organisation_id
    assert lot.start_date == date(2032, 2, 1)
    created = db.session.scalar(
        select(AuditEvent).where(AuditEvent.object_type == "Lot", AuditEvent.object_id == lot.id)
    )
    assert created is not None and created.action == "lot.create" and created.actor_id == me.id

    page = as_ministry.get(f"/lots/{lot.id}?lang=ru").get_data(as_text=True)
    assert "12\xa0500\xa0000,00\xa0₸" in page

    events_before = db.session.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.object_type == "Lot", AuditEvent.object_id == lot.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    response = as_ministry.post(
        f"/lots/{lot.id}/edit?lang=en", data=lot_form(lot, budget="13 000 000,50", title_ru="Новое название")
    )
    assert response.status_code == 302, text_of(response)[-2000:]
    db.session.expire_all()
    lot = db.session.get(Lot, lot.id)
    assert lot.budget == Decimal("13000000.50")
    assert lot.title_ru == "Новое название"
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.object_type == "Lot", AuditEvent.object_id == lot.id, AuditEvent.id > events_before)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    assert event is not None, "editing a lot must write an audit event"
    assert event.action == "lot.update"
    assert event.actor_id == me.id
    assert Decimal(event.before["budget"]) == Decimal("12500000.00")
    assert Decimal(event.after["budget"]) == Decimal("13000000.50")
    assert event.before["title_ru"] != event.after["title_ru"] == "Новое название"
    assert event.prev_hash is not None and event.hash == event.compute_hash()


# --- the other forms: valid input saves, bad input does not ---------------------------------


def user_form(**overrides) -> dict:
    data = {
        "email": "new.member@example.kz",
        "full_name": "Новый Участник",
        "roles": ["member"],
        "active": "y",
        "organisation_id": "",
        "password": "long-enough-pass",
        "affiliations": "",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_user_who_can_then_log_in(as_admin, app):
    before = count(User)
    response = as_admin.post("/admin/users/new?lang=en", data=user_form())
    assert response.status_code == 302, text_of(response)[-2000:]
    assert count(User) == before + 1
    person = db.session.scalar(select(User).where(User.email == "new.member@example.kz"))
    assert {r.value for r in person.roles} == {"member"}
    other = app.test_client()
    login(other, "new.member@example.kz", "long-enough-pass")


@pytest.mark.parametrize(
    "overrides, message",
    [
        pytest.param(
            {"email": "chair@example.kz"}, "A user with this email already exists.", id="duplicate-email"
        ),
        pytest.param(
            {"email": "CHAIR@example.kz"}, "A user with this email already exists.", id="duplicate-email-case"
        ),
        pytest.param({"password": ""}, "Set a password for the new user.", id="no-password"),
        pytest.param(
            {"affiliations": "940140000385\n94014000038"},
            "Not a valid BIN: 94014000038",
            id="bad-affiliation",
        ),
    ],
)
def test_user_with_bad_input_is_refused(as_admin, overrides, message):
    before = count(User)
    response = as_admin.post("/admin/users/new?lang=en", data=user_form(**overrides))
    assert_rejected(response, message)
    assert count(User) == before


def test_admin_creates_a_council(as_admin):
    members = member_ids(2)
    before = count(Council)
    data = {
        "name_ru": "Общественный совет (тест)",
        "name_kk": "Қоғамдық кеңес (тест)",
        "level": "local",
        "members": [str(m) for m in members],
        "body_id": "",
        "region_id": "",
    }
    response = as_admin.post("/councils/new?lang=en", data=data)
    assert response.status_code == 302, text_of(response)[-2000:]
    assert count(Council) == before + 1
    council = db.session.scalar(select(Council).order_by(Council.id.desc()).limit(1))
    assert sorted(m.user_id for m in council.memberships) == sorted(members)


def test_ministry_records_a_need_for_its_own_organisation(as_ministry):
    before = count(PublicNeed)
    data = {
        "title_ru": "Потребность (тест)",
        "title_kk": "Қажеттілік (тест)",
        "source": "survey",
        "priority": "high",
        "year_raised": "2025",
        "region_id": "",
    }
    response = as_ministry.post("/needs/new?lang=en", data=data)
    assert response.status_code == 302, text_of(response)[-2000:]
    assert count(PublicNeed) == before + 1
    need = db.session.scalar(select(PublicNeed).where(PublicNeed.title_ru == "Потребность (тест)"))
    assert need.organisation_id == ministry().organisation_id


def test_need_without_a_year_is_refused(as_ministry):
    before = count(PublicNeed)
    data = {
        "title_ru": "Потребность (тест)",
        "title_kk": "Қажеттілік (тест)",
        "source": "survey",
        "priority": "high",
        "year_raised": "",
        "region_id": "",
    }
    response = as_ministry.post("/needs/new?lang=en", data=data)
    assert_rejected(response, NOTHING_SAVED)
    assert count(PublicNeed) == before
