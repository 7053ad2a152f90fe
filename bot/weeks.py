"""ISO weeks and calendar months, the keys that make scheduled jobs idempotent."""

from __future__ import annotations

import re
from datetime import date, timedelta

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(week: str) -> date:
    match = _WEEK.match(week)
    if not match:
        raise ValueError(f"'{week}' is not an ISO week; write it like 2026-W48.")
    year, number = int(match[1]), int(match[2])
    try:
        return date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {number}; write a week like 2026-W48.") from None


def parse_week(text: str) -> str:
    monday_of(text)
    return text


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    """First day of the month and first day of the next month."""
    match = _MONTH.match(month)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"'{month}' is not a month; write it like 2026-11.")
    start = date(int(match[1]), int(match[2]), 1)
    return start, _next_month(start)


def _next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def previous_month(month: str) -> str:
    start, _ = month_bounds(month)
    return month_of(start - timedelta(days=1))


def months_back(month: str, count: int) -> list[str]:
    """`count` months ending with `month`, oldest first."""
    months = [month]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return list(reversed(months))


def first_weekday_of(month: str) -> date:
    day, _ = month_bounds(month)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included, oldest first."""
    months = [last]
    while months[-1] > first:
        months.append(previous_month(months[-1]))
    return list(reversed(months))
