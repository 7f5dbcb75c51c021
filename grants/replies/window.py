"""The reply window: N working days (Kazakhstan's calendar) from an evaluation's publication (docs/domain.md).

The calendar is the `holidays` package's Kazakhstan: public holidays, days off moved from a weekend, and
the working-day transfers the government decrees each year (a Saturday worked, a weekday off). Kurban Ait
follows the lunar calendar: the package gives the announced date for past years and an estimate after.
"""

from collections.abc import Mapping
from datetime import date, timedelta

import holidays
from flask_babel import gettext as _

from grants.core.db import as_utc
from grants.core.errors import LOCAL_TZ, RuleViolation, today_local

# Decrees newer than the installed `holidays` package, until an upgrade carries them: date -> True when the
# day is worked (a Saturday worked in exchange for a day off), False when it is a day off (a transferred day
# off; Kurban Ait announced on another day than the package's estimate: the estimate True, the announced day
# False). tests/replies/test_window.py fails on an entry the package already agrees with, so stale entries go.
OVERRIDES: Mapping[date, bool] = {}


class CalendarYearUnknown(RuleViolation):
    """A window reaches a year the working-day calendar has no data for: counting it would be a guess."""

    def __init__(self, year: int):
        super().__init__(
            _(
                "The working-day calendar does not cover %(year)s, so the reply window cannot be counted. "
                "Please tell the administrators.",
                year=year,
            ),
            status=409,
            code="calendar_year_unknown",
        )
        self.year = year


class WorkingCalendar:
    """Kazakhstan's working days: the package's calendar corrected by `overrides`."""

    def __init__(self, overrides: Mapping[date, bool] = OVERRIDES):
        self.overrides = dict(overrides)
        self._years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}

    @staticmethod
    def covers(year: int) -> bool:
        return holidays.KZ.start_year <= year <= holidays.KZ.end_year

    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(days off, weekend days worked) of the year."""
        if year not in self._years:
            if not self.covers(year):
                raise CalendarYearUnknown(year)
            package = holidays.country_holidays("KZ", years=year)
            off = {d for d in package if d.year == year}
            worked = {d for d in package.weekend_workdays if d.year == year}
            for day, working in self.overrides.items():
                if day.year == year:
                    (off.discard if working else off.add)(day)
                    (worked.add if working else worked.discard)(day)
            self._years[year] = (frozenset(off), frozenset(worked))
        return self._years[year]

    def days_off(self, year: int) -> frozenset[date]:
        """Public holidays and days off of the year (weekends aside), transfers included."""
        return self._year(year)[0]

    def is_working_day(self, day: date) -> bool:
        off, worked = self._year(day.year)
        return day in worked if day.weekday() >= 5 else day not in off

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (the day of publication does not count)."""
        current = start
        counted = 0
        while counted < days:
            current += timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current


KAZAKHSTAN = WorkingCalendar()


def days_off(year: int) -> frozenset[date]:
    return KAZAKHSTAN.days_off(year)


def is_working_day(day: date) -> bool:
    return KAZAKHSTAN.is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`; CalendarYearUnknown past the calendar's years."""
    return KAZAKHSTAN.add_working_days(start, days)


def reply_deadline(evaluation) -> date | None:
    """Last day an NGO may reply to a published evaluation (inclusive), or None if never published."""
    if evaluation.published_at is None:
        return None
    published = as_utc(evaluation.published_at).astimezone(LOCAL_TZ).date()
    return add_working_days(published, evaluation.campaign.reply_window_days or 10)


def window_open(evaluation, today: date | None = None) -> bool:
    deadline = reply_deadline(evaluation)
    return deadline is not None and (today or today_local()) <= deadline
