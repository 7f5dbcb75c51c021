"""The reply window counts working days by the `holidays` package's Kazakhstan calendar (docs/domain.md).

Every date below comes from the package (never typed in), so the tests follow the package when an
upgrade corrects a date; the few literals are the transfers the issue named, checked against the package.
"""

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from sqlalchemy import func, select

from grants.extensions import db
from grants.replies import window
from grants.replies.models import Reply
from grants.replies.window import (
    OVERRIDES,
    CalendarYearUnknown,
    WorkingCalendar,
    add_working_days,
    is_working_day,
    reply_deadline,
)
from tests.replies.test_replies import bearer, published_project_evaluation


def package(year: int):
    return holidays.country_holidays("KZ", years=year, language="en_US")


def kurban_ait(year: int) -> date:
    (day,) = package(year).get_named("Eid al-Adha")
    return day


def test_every_day_of_recent_years_is_worked_or_off_as_the_package_says():
    calendar = WorkingCalendar(overrides={})
    for year in range(2023, 2029):
        reference = package(year)
        day = date(year, 1, 1)
        while day.year == year:
            assert calendar.is_working_day(day) == reference.is_working_day(day), day
            day += timedelta(days=1)


@pytest.mark.parametrize("day_off", [date(2023, 7, 7), date(2024, 5, 8), date(2025, 1, 3)])
def test_transferred_days_off_and_the_saturdays_worked_for_them(day_off):
    reference = package(day_off.year)
    assert day_off.weekday() < 5 and not reference.is_working_day(day_off)  # the package knows the transfer
    assert not is_working_day(day_off)
    (saturday,) = {d for d in reference.weekend_workdays if d.year == day_off.year}
    assert saturday.weekday() >= 5 and is_working_day(saturday)
    # A window through the worked weekend day counts it, exactly as the package's own counter does.
    start = saturday - timedelta(days=1)
    for days in (1, 5, 10):
        assert add_working_days(start, days) == reference.get_nth_working_day(start, days)
    # ... and a window through the transferred day off skips it.
    before = day_off - timedelta(days=1)
    assert add_working_days(before, 1) > day_off


def test_a_reply_window_opened_in_june_2027_follows_the_package():
    reference = package(2027)
    for opened in (date(2027, 6, d) for d in range(1, 31)):
        assert add_working_days(opened, 10) == reference.get_nth_working_day(opened, 10), opened
    # A window opened the day before Capital Day (a weekday in 2027) ends a day later than weekdays alone say.
    (capital_day,) = reference.get_named("Capital Day")
    opened = capital_day - timedelta(days=1)
    assert add_working_days(opened, 1) > capital_day


def test_kurban_ait_2027_is_a_day_off_and_the_window_skips_it():
    """The hand-written table stopped at 2026; the package gives Kurban Ait 2027 (an estimate until announced)."""
    kurban = kurban_ait(2027)
    assert kurban in window.days_off(2027) and not is_working_day(kurban)
    opened = kurban - timedelta(days=7)
    deadline = add_working_days(opened, 10)
    counted = [opened + timedelta(days=n) for n in range(1, (deadline - opened).days + 1)]
    assert kurban in counted and not is_working_day(kurban)
    assert sum(is_working_day(d) for d in counted) == 10
    assert deadline == package(2027).get_nth_working_day(opened, 10)


def test_an_override_moves_a_day_the_package_does_not_know_yet():
    """A decree newer than the package: the estimated Kurban Ait announced a day later, on a weekday."""
    kurban = kurban_ait(2027)
    announced = kurban + timedelta(days=1)
    while announced.weekday() >= 5:
        announced += timedelta(days=1)
    corrected = WorkingCalendar(overrides={kurban: True, announced: False})
    assert is_working_day(announced) and not corrected.is_working_day(announced)
    assert announced in corrected.days_off(2027) and kurban not in corrected.days_off(2027)
    opened = announced - timedelta(days=1)
    assert corrected.add_working_days(opened, 1) == add_working_days(opened, 2)
    # A Saturday worked by decree counts.
    saturday = announced + timedelta(days=(5 - announced.weekday()) % 7)
    worked = WorkingCalendar(overrides={saturday: True})
    assert not is_working_day(saturday) and worked.is_working_day(saturday)


def test_no_override_repeats_what_the_package_already_says():
    for day, working in OVERRIDES.items():
        assert package(day.year).is_working_day(day) != working, (
            f"{day} is in the package now: drop the override"
        )


def test_a_window_into_a_year_the_calendar_does_not_cover_is_refused(app):
    last = holidays.KZ.end_year
    assert add_working_days(date(last, 12, 1), 5).year == last
    with app.test_request_context("/?lang=en"), pytest.raises(CalendarYearUnknown) as refused:
        add_working_days(date(last, 12, 20), 10)
    assert refused.value.status == 409 and refused.value.code == "calendar_year_unknown"
    assert str(last + 1) in refused.value.message
    assert refused.value.message.startswith("The working-day calendar does not cover")
    with app.test_request_context("/?lang=ru"), pytest.raises(CalendarYearUnknown):
        is_working_day(date(holidays.KZ.start_year - 1, 6, 1))


def test_a_reply_into_an_unknown_year_answers_the_calendar_error(app, client, api_token):
    evaluation = published_project_evaluation()
    evaluation.published_at = datetime(holidays.KZ.end_year, 12, 24, 6, tzinfo=UTC)
    db.session.commit()
    with app.test_request_context("/"), pytest.raises(CalendarYearUnknown):
        reply_deadline(evaluation)
    body = {"criterion": evaluation.methodology.codes[0], "text": "Не согласны."}
    answer = client.post(
        f"/api/v1/evaluations/{evaluation.id}/replies", json=body, headers=bearer(api_token("ngo"))
    )
    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert error["code"] == "calendar_year_unknown" and str(holidays.KZ.end_year + 1) in error["message"]
    assert db.session.scalar(select(func.count(Reply.id))) == 0
