"""Working patterns: the hours each pattern means, and the times two people are likely on site.

The hours are a hospital's usual ones, decided here once:
 - days    07:30-20:00 (a long day, every day of the week unless they say they are off)
 - nights  19:30-08:00 (the shift that starts that evening and ends next morning)
 - lates   13:00-21:30
 - office  09:00-17:00, Monday to Friday: what a manager who says nothing is taken to work.
A clinician who says nothing is taken to work days, the commonest ward pattern. Handovers
are where shifts overlap (07:30-08:00 and 19:30-20:00 between days and nights), so they
count as shared time like any other.

Times are offered on the quarter hour, a quarter of an hour long (ten minutes is plenty,
with a little to walk). A place may have opening hours; no time falls outside them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

MEETING = timedelta(minutes=15)
QUARTER = 15
# Hours shared on a working day before two patterns count as fitting each other in pairing.
FIT_HOURS = 2
# An offer in a long stretch of shared hours leaves the handover rush first.
LONG_OVERLAP = timedelta(hours=3)
SETTLE_IN = timedelta(minutes=90)
MAX_OFFERS = 3
# A day is long enough to look ahead for a nearest time without overlap; beyond it, none.
MAX_GAP = timedelta(hours=12)


class Pattern(StrEnum):
    DAYS = "days"
    NIGHTS = "nights"
    LATES = "lates"
    OFFICE = "office"

    @property
    def hours(self) -> tuple[time, time]:
        return _HOURS[self]

    @property
    def weekdays(self) -> frozenset[int]:
        return _WEEKDAYS_ONLY if self is Pattern.OFFICE else _EVERY_DAY

    def describe(self) -> str:
        """ "nights (19:30-08:00)"."""
        start, end = self.hours
        days = ", Monday to Friday" if self is Pattern.OFFICE else ""
        return f"{self.value} ({start:%H:%M}–{end:%H:%M}{days})"


_HOURS = {
    Pattern.DAYS: (time(7, 30), time(20, 0)),
    Pattern.NIGHTS: (time(19, 30), time(8, 0)),
    Pattern.LATES: (time(13, 0), time(21, 30)),
    Pattern.OFFICE: (time(9, 0), time(17, 0)),
}
_EVERY_DAY = frozenset(range(7))
_WEEKDAYS_ONLY = frozenset(range(5))
DAY_NAMES = tuple(name.lower() for name in calendar.day_abbr)  # mon .. sun


def default_pattern(role: str) -> Pattern:
    return Pattern.OFFICE if role == "manager" else Pattern.DAYS


@dataclass(frozen=True)
class WorkingPattern:
    """One person's usual week: a pattern (None: not said) and the weekdays they are off."""

    pattern: Pattern | None = None
    days_off: frozenset[int] = frozenset()

    @classmethod
    def stored(cls, pattern: str | None, days_off: str) -> WorkingPattern:
        return cls(Pattern(pattern) if pattern else None, parse_days_off(days_off))

    def effective(self, role: str) -> Pattern:
        return self.pattern or default_pattern(role)

    def shifts_on(self, day: date, role: str, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
        """The on-site stretch of the shift that starts on `day`, if they work that day."""
        pattern = self.effective(role)
        if day.weekday() in self.days_off or day.weekday() not in pattern.weekdays:
            return []
        start, end = pattern.hours
        begins = datetime.combine(day, start, tz)
        ends = datetime.combine(day + timedelta(days=1) if end <= start else day, end, tz)
        return [(begins, ends)]

    def describe(self, role: str) -> str:
        if self.pattern is None:
            said = f"not said, so taken as {default_pattern(role).describe()}"
        else:
            said = self.pattern.describe()
        if self.days_off:
            said += f", off {days_phrase(self.days_off)}"
        return said


def store_days_off(days: frozenset[int]) -> str:
    return " ".join(DAY_NAMES[d] for d in sorted(days))


def parse_days_off(text: str) -> frozenset[int]:
    return frozenset(DAY_NAMES.index(word) for word in text.split() if word in DAY_NAMES)


def days_phrase(days: frozenset[int]) -> str:
    names = [calendar.day_name[d] for d in sorted(days)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def fits(one: Pattern, other: Pattern) -> bool:
    """Whether two patterns share at least FIT_HOURS on a day both work (days and nights share
    only their handovers, an hour in all, so they do not)."""
    monday, tz = date(2026, 1, 5), ZoneInfo("UTC")
    a, b = Person("", WorkingPattern(one)), Person("", WorkingPattern(other))
    shared = timedelta()
    for x in _on_site(a, monday, tz):
        for y in _on_site(b, monday, tz):
            shared += max(timedelta(), min(x[1], y[1]) - max(x[0], y[0]))
    return shared >= timedelta(hours=FIT_HOURS)


def pattern_fitting() -> frozenset[tuple[str, str]]:
    """(clinician pattern, manager pattern) pairs whose hours fit, as pairing takes them; "" is a
    pattern not said, taken as the role's default."""
    said = {a.value: a for a in Pattern}
    clinician = {"": default_pattern("clinician"), **said}
    manager = {"": default_pattern("manager"), **said}
    return frozenset((a, b) for a, x in clinician.items() for b, y in manager.items() if fits(x, y))


@dataclass(frozen=True)
class Offer:
    """Times to suggest to a pair: when both are likely on site, or (overlap False) the nearest."""

    times: list[datetime]
    overlap: bool


@dataclass(frozen=True)
class Person:
    role: str
    pattern: WorkingPattern


def offer_times(
    one: Person,
    other: Person,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    opening: tuple[time, time] | None = None,
) -> Offer:
    """Up to MAX_OFFERS times between `start` and `end`, one a day, earliest first."""
    days = [d for d in _days(start, end, tz)]
    shared = [t for d in days if (t := _shared_time(one, other, d, tz, opening, start, end)) is not None]
    if shared:
        return Offer(shared[:MAX_OFFERS], True)
    nearest = [n for d in days if (n := _nearest_time(one, other, d, tz, opening, start, end)) is not None]
    nearest.sort(key=lambda found: (found[0], found[1]))
    return Offer(sorted(moment for _, moment in nearest[:MAX_OFFERS]), False)


def _days(start: datetime, end: datetime, tz: ZoneInfo) -> list[date]:
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _on_site(person: Person, day: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """Every stretch on site touching `day`: that day's shift, and a night that began the evening before."""
    found = person.pattern.shifts_on(day - timedelta(days=1), person.role, tz)
    found += person.pattern.shifts_on(day, person.role, tz)
    return [(max(s, _midnight(day, tz)), min(e, _midnight(day + timedelta(days=1), tz))) for s, e in found]


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz)


def _open(day: date, tz: ZoneInfo, opening: tuple[time, time] | None) -> tuple[datetime, datetime]:
    if opening is None:
        return _midnight(day, tz), _midnight(day + timedelta(days=1), tz)
    return datetime.combine(day, opening[0], tz), datetime.combine(day, opening[1], tz)


def _shared_time(
    one: Person,
    other: Person,
    day: date,
    tz: ZoneInfo,
    opening: tuple[time, time] | None,
    start: datetime,
    end: datetime,
) -> datetime | None:
    opens, closes = _open(day, tz, opening)
    for a_start, a_end in _on_site(one, day, tz):
        for b_start, b_end in _on_site(other, day, tz):
            low = max(a_start, b_start, opens)
            high = min(a_end, b_end, closes, end)
            if high - low >= LONG_OVERLAP:
                low += SETTLE_IN
            moment = _quarter_up(max(low, start))
            if moment + MEETING <= high:
                return moment
    return None


def _nearest_time(
    one: Person,
    other: Person,
    day: date,
    tz: ZoneInfo,
    opening: tuple[time, time] | None,
    start: datetime,
    end: datetime,
) -> tuple[timedelta, datetime] | None:
    """Where one's shift ends nearest the other's start that day: the time just before the earlier
    shift ends (so one of them stays on site, or comes in early, for the smallest gap)."""
    opens, closes = _open(day, tz, opening)
    best = None
    for first in _on_site(one, day, tz):
        for second in _on_site(other, day, tz):
            earlier, later = sorted((first, second))
            gap = later[0] - earlier[1]
            moment = _quarter_down(earlier[1] - MEETING)
            fits_in = max(opens, start) <= moment and moment + MEETING <= min(closes, end)
            if timedelta() < gap <= MAX_GAP and fits_in and (best is None or gap < best[0]):
                best = (gap, moment)
    return best


def _quarter_up(moment: datetime) -> datetime:
    extra = (-moment.minute) % QUARTER
    return (moment + timedelta(minutes=extra)).replace(second=0, microsecond=0)


def _quarter_down(moment: datetime) -> datetime:
    return moment - timedelta(minutes=moment.minute % QUARTER, seconds=moment.second)


def when(moment: datetime, tz: ZoneInfo) -> str:
    """ "Tuesday 5 May, 07:30"."""
    local = moment.astimezone(tz)
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"


def short_when(moment: datetime, tz: ZoneInfo) -> str:
    """ "Tue 5 May 07:30", for a button."""
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"


def parse_opening(text: str | None) -> tuple[time, time] | None:
    """A place's hours as "07:00-19:00"; None (open whenever the site is) if not given."""
    if not text:
        return None
    opens, _, closes = text.partition("-")
    return _clock(opens), _clock(closes)


def _clock(text: str) -> time:
    """ "7:00" or "07:00"; ValueError for anything else."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isascii() and hours.isdigit() and minutes.isascii() and minutes.isdigit()):
        raise ValueError(f"{text!r} is not a time of day")
    return time(int(hours), int(minutes))
