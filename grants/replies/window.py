"""The reply window: N working days (Kazakhstan's calendar) from an evaluation's publication."""

from datetime import date, timedelta

from grants.core.db import as_utc
from grants.core.errors import LOCAL_TZ, today_local

# Public holidays that are days off (Law on holidays, as amended in 2022: Republic Day 25 October restored,
# Independence Day one day, 16 December): month, day.
HOLIDAYS = (
    (1, 1), (1, 2), (1, 7), (3, 8), (3, 21), (3, 22), (3, 23), (5, 1), (5, 7), (5, 9),
    (7, 6), (8, 30), (10, 25), (12, 16),
)  # fmt: skip
# The first day of Kurban Ait (a day off, never moved) follows the lunar calendar; the government announces
# it each year. Add new years here.
KURBAN_AIT = {2024: date(2024, 6, 16), 2025: date(2025, 6, 6), 2026: date(2026, 5, 27)}


def days_off(year: int) -> set[date]:
    """Holidays of the year; one falling on a weekend moves to the next working day (not Christmas)."""
    base = {date(year, month, day) for month, day in HOLIDAYS}
    off = set(base)
    for d in sorted(base):
        if d.weekday() < 5 or (d.month, d.day) == (1, 7):
            continue
        moved = d + timedelta(days=1)
        while moved.weekday() >= 5 or moved in off:
            moved += timedelta(days=1)
        off.add(moved)
    if year in KURBAN_AIT:
        off.add(KURBAN_AIT[year])
    return off


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in days_off(d.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the day of publication does not count)."""
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def reply_deadline(evaluation) -> date | None:
    """Last day an NGO may reply to a published evaluation (inclusive), or None if never published."""
    if evaluation.published_at is None:
        return None
    published = as_utc(evaluation.published_at).astimezone(LOCAL_TZ).date()
    return add_working_days(published, evaluation.campaign.reply_window_days or 10)


def window_open(evaluation, today: date | None = None) -> bool:
    deadline = reply_deadline(evaluation)
    return deadline is not None and (today or today_local()) <= deadline
