"""The command grammar every adapter shares: text in, a command value (or a clear error) out."""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.model import MAX_CAPACITY, OutcomeKind, Reason, Role

HELP = """Corridor pairs a clinician with a manager each week for ten minutes over coffee.
  join clinician [site]     take part as a clinician (e.g. join clinician St Mary's)
  join manager [site]       take part as a manager
  pause 2w                  skip the next two weeks (or: pause 3d, pause until 2026-12-24)
  resume                    start again after a pause
  capacity 2                managers: meet up to 2 clinicians a week (1 to 3)
  status                    what Corridor knows about you
  leave                     stop taking part
  forget-me                 erase everything Corridor holds about you
  shifts nights             your usual pattern: days, nights, lates or office
  off mon tue               the weekdays you don't work (off none: every day)
  every 2w                  a partner every 2 weeks for you (every 4w; every 1w: each round)
  help                      this list
Organisers: admin round now | admin digest now | admin stats | admin channel here | admin dashboard"""


class ParseError(ValueError):
    """What was wrong with the text and what to type instead."""


@dataclass(frozen=True)
class Join:
    role: Role
    site: str | None = None


@dataclass(frozen=True)
class Leave:
    pass


@dataclass(frozen=True)
class Pause:
    until: date


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class Status:
    pass


@dataclass(frozen=True)
class Capacity:
    clinicians: int


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class ForgetMe:
    confirmed: bool = False


@dataclass(frozen=True)
class RecordOutcome:
    pair_id: int
    kind: OutcomeKind
    reason: Reason | None = None


@dataclass(frozen=True)
class SetShifts:
    pattern: str | None  # a bot.shifts.Pattern value; None: not said, to be picked


@dataclass(frozen=True)
class ClearShifts:
    pass


@dataclass(frozen=True)
class DaysOff:
    days: frozenset[int]


@dataclass(frozen=True)
class Every:
    weeks: int


@dataclass(frozen=True)
class PickTime:
    """A time for a pair to meet, as a button sends it: local wall-clock time, no zone."""

    pair_id: int
    at: datetime


@dataclass(frozen=True)
class AnswerPulse:
    wave: str
    question: str
    answer: str | None  # None: skipped


@dataclass(frozen=True)
class AnswerShadowing:
    pair_id: int
    question: str  # "offer" or "happened"
    answer: str  # "yes" or "no"


@dataclass(frozen=True)
class AdminRoundNow:
    pass


@dataclass(frozen=True)
class AdminDigestNow:
    pass


@dataclass(frozen=True)
class AdminStats:
    pass


@dataclass(frozen=True)
class AdminChannelHere:
    pass


@dataclass(frozen=True)
class AdminDashboard:
    pass


Command = (
    Join
    | Leave
    | Pause
    | Resume
    | Status
    | Capacity
    | Help
    | ForgetMe
    | RecordOutcome
    | SetShifts
    | ClearShifts
    | DaysOff
    | Every
    | PickTime
    | AnswerPulse
    | AnswerShadowing
    | AdminRoundNow
    | AdminDigestNow
    | AdminStats
    | AdminChannelHere
    | AdminDashboard
)

_PREFIX = re.compile(r"^\s*/?coffee\b", re.IGNORECASE)
_DURATION = re.compile(r"^(\d{1,3})\s*(d|day|days|w|wk|wks|week|weeks)$", re.IGNORECASE | re.ASCII)
# Record ids are stored as 32-bit integers (PostgreSQL's INTEGER): a larger one names nothing.
MAX_ID = 2**31 - 1
_MAX_PAUSE_DAYS = 366
_SIMPLE: dict[str, Callable[[], Command]] = {
    "leave": Leave,
    "resume": Resume,
    "status": Status,
    "help": Help,
    "?": Help,
}
_ADMIN: dict[str, Callable[[], Command]] = {
    "round now": AdminRoundNow,
    "digest now": AdminDigestNow,
    "stats": AdminStats,
    "channel here": AdminChannelHere,
    "dashboard": AdminDashboard,
}


def parse(text: str, today: date) -> Command:
    words = _PREFIX.sub("", text or "").strip()
    if not words:
        return Help()
    head, _, rest = words.partition(" ")
    head, rest = head.lower(), " ".join(rest.split())
    if head in _SIMPLE:
        return _no_arguments(head, rest)
    parsers: dict[str, Callable[[str], Command]] = {
        "join": _join,
        "pause": lambda r: _pause(r, today),
        "capacity": _capacity,
        "forget-me": _forget_me,
        "forgetme": _forget_me,
        "outcome": _outcome,
        "shifts": _shifts,
        "off": _days_off,
        "every": _every,
        "time": _time,
        "pulse": _pulse,
        "shadow": _shadow,
        "admin": _admin,
    }
    if head not in parsers:
        raise _unknown_word(head, [*_SIMPLE, *parsers])
    return parsers[head](rest)


def _no_arguments(head: str, rest: str) -> Command:
    if rest:
        raise ParseError(f"'{head}' takes nothing after it; type just `{head}`.")
    return _SIMPLE[head]()


def _join(rest: str) -> Join:
    role_word, _, site = rest.partition(" ")
    try:
        role = Role(role_word.lower())
    except ValueError:
        said = f"'{_clip(role_word)}' is not a role" if role_word else "Say which role you have"
        raise ParseError(
            f"{said}: type `join clinician` or `join manager`, optionally followed by your site."
        ) from None
    site = site.strip().strip("\"'“”‘’").strip()
    return Join(role=role, site=site or None)


def _pause(rest: str, today: date) -> Pause:
    usage = "Type `pause 2w`, `pause 3d` or `pause until 2026-12-24` (or `pause until 24 December`)."
    if not rest:
        raise ParseError(f"Say how long to pause for. {usage}")
    if rest.lower().startswith("until"):
        until = _date_as_written(rest[5:].strip(), today, usage)
    else:
        match = _DURATION.match(rest)
        if not match:
            raise ParseError(f"I can't read '{_clip(rest)}' as a length of time. {usage}")
        amount = int(match[1]) * (7 if match[2].lower().startswith("w") else 1)
        until = today + timedelta(days=amount)
    if until <= today:
        raise ParseError(f"{until.isoformat()} is not in the future. {usage}")
    if (until - today).days > _MAX_PAUSE_DAYS:
        raise ParseError("A pause can last up to a year; to stop for longer, type `leave`.")
    return Pause(until=until)


def _date(text: str, usage: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParseError(f"'{_clip(text)}' is not a date written as YYYY-MM-DD. {usage}") from None


_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}
_WEEKDAYS |= {name.lower(): n for n, name in enumerate(calendar.day_abbr)}
_ORDINAL = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")


def _date_as_written(text: str, today: date, usage: str) -> date:
    """A date as people write it: 2026-12-24, "24 December", "Thursday 4 November", "Dec 24th 2026".
    Without a year it is the next such day; a weekday that does not fit the date is an error."""
    words = text.replace(",", " ").lower().split()
    weekday = _WEEKDAYS.get(words[0]) if words else None
    words = words[1:] if weekday is not None else words
    day = next((int(m[1]) for w in words if (m := _ORDINAL.match(w))), None)
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    if day is None or month is None or len(words) != 2 + (year is not None):
        return _date(text, usage)
    try:
        found = date(year or today.year, month, day)
        if year is None and found < today:
            found = date(today.year + 1, month, day)
    except ValueError:
        raise ParseError(f"'{_clip(text)}' is not a day in the calendar. {usage}") from None
    if weekday is not None and found.weekday() != weekday:
        raise ParseError(
            f"{found.day} {found:%B %Y} is a {calendar.day_name[found.weekday()]}, "
            f"not a {calendar.day_name[weekday]}. {usage}"
        )
    return found


def _unknown_word(head: str, known: list[str]) -> ParseError:
    """A typo (`jion`) gets the command it most likely meant; only a stranger word gets the whole list."""
    close = difflib.get_close_matches(
        head, [w for w in known if w not in BUTTON_WORDS and (w.isalpha() or "-" in w)], n=1, cutoff=0.6
    )
    if close:
        return ParseError(
            f"I don't know the word '{_clip(head)}'. Did you mean `{close[0]}`? "
            "Type `help` to see everything I understand."
        )
    return ParseError(f"I don't know the word '{_clip(head)}'. Here is what I understand:\n{HELP}")


def _capacity(rest: str) -> Capacity:
    clinicians = whole_number(rest, 1, MAX_CAPACITY)
    if clinicians is None:
        raise ParseError(
            f"Capacity is how many clinicians you meet each week, 1 to {MAX_CAPACITY}: "
            "type e.g. `capacity 2`."
        )
    return Capacity(clinicians=clinicians)


def whole_number(text: str, low: int, high: int) -> int | None:
    """The number if `text` is plain ASCII digits within [low, high], else None.

    int() alone would take "-1", "+1", "1_000" and other scripts' digits, and str.isdigit()
    takes "²", which int() then refuses."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def _forget_me(rest: str) -> ForgetMe:
    if rest.lower() not in ("", "confirm"):
        raise ParseError("Type `forget-me`, then confirm.")
    return ForgetMe(confirmed=rest.lower() == "confirm")


def _outcome(rest: str) -> RecordOutcome:
    parts = rest.split()
    try:
        pair_id = whole_number(parts[0], 1, MAX_ID)
        if pair_id is None:
            raise ValueError("not a pair id")
        kind = OutcomeKind(parts[1])
        reason = Reason(parts[2]) if len(parts) > 2 else None
    except (IndexError, ValueError):
        raise ParseError(
            "That answer button was not understood; please use the buttons on the intro."
        ) from None
    return RecordOutcome(pair_id=pair_id, kind=kind, reason=reason)


# Words only buttons send: never offered as a guess for a typo.
BUTTON_WORDS = frozenset({"outcome", "pulse", "shadow", "time"})
_WAVE = re.compile(r"^(baseline|\d{4}-q[1-4])$", re.ASCII)
_CODE_WORD = re.compile(r"^[a-z0-9_]{1,20}$", re.ASCII)
NOT_UNDERSTOOD = "That button was not understood; please use the buttons on the question."


def _pulse(rest: str) -> AnswerPulse:
    """`pulse WAVE QUESTION ANSWER`, sent by a pulse question's buttons; which answers a question
    takes is the pulse's to say (bot/pulse.py), this only checks the shape."""
    parts = rest.lower().split()
    if len(parts) != 3 or not _WAVE.match(parts[0]) or not all(_CODE_WORD.match(p) for p in parts[1:]):
        raise ParseError(NOT_UNDERSTOOD)
    wave = parts[0] if parts[0] == "baseline" else parts[0].upper()
    return AnswerPulse(wave, parts[1], None if parts[2] == "skip" else parts[2])


def _shadow(rest: str) -> AnswerShadowing:
    parts = rest.lower().split()
    pair_id = whole_number(parts[0], 1, MAX_ID) if parts else None
    if (
        len(parts) != 3
        or pair_id is None
        or parts[1] not in ("offer", "happened")
        or parts[2] not in ("yes", "no")
    ):
        raise ParseError(NOT_UNDERSTOOD)
    return AnswerShadowing(pair_id, parts[1], parts[2])


_PATTERNS = ("days", "nights", "lates", "office")
_EVERY = {"1w": 1, "2w": 2, "4w": 4, "week": 1, "fortnight": 2}


def _shifts(rest: str) -> SetShifts | ClearShifts:
    word = rest.lower()
    if not word:
        return SetShifts(None)
    if word in ("none", "clear"):
        return ClearShifts()
    if word.rstrip("s") + "s" in _PATTERNS or word in _PATTERNS:
        return SetShifts(word if word in _PATTERNS else word.rstrip("s") + "s")
    raise ParseError(
        f"'{_clip(rest)}' is not a pattern I know: type `shifts days`, `shifts nights`, "
        "`shifts lates` or `shifts office` (or `shifts none` to clear it)."
    )


def _days_off(rest: str) -> DaysOff:
    usage = "Type the weekdays you don't work, e.g. `off mon tue`, or `off none`."
    words = rest.lower().replace(",", " ").split()
    if words == ["none"]:
        return DaysOff(frozenset())
    days = set()
    for word in words:
        day = _WEEKDAYS.get(word)
        if day is None:
            raise ParseError(f"'{_clip(word)}' is not a day of the week. {usage}")
        days.add(day)
    if not days:
        raise ParseError(f"Say which days. {usage}")
    if len(days) == 7:
        raise ParseError("That's every day of the week; to stop for a while, type `pause 2w`.")
    return DaysOff(frozenset(days))


def _every(rest: str) -> Every:
    words = rest.lower().replace(" ", "")
    words = words.replace("weeks", "w").replace("week", "w").replace("wks", "w")
    weeks = _EVERY.get(words) or _EVERY.get(rest.lower())
    if weeks is None:
        raise ParseError(
            f"I can't read '{_clip(rest)}' as how often: type `every 2w`, `every 4w`, "
            "or `every 1w` to be in every round again."
        )
    return Every(weeks)


def _time(rest: str) -> PickTime:
    parts = rest.split()
    pair_id = whole_number(parts[0], 1, MAX_ID) if parts else None
    try:
        at = datetime.fromisoformat(parts[1]) if len(parts) == 2 else None
    except ValueError:
        at = None
    if pair_id is None or at is None or at.tzinfo is not None:
        raise ParseError("That time button was not understood; please use the times on the intro.")
    return PickTime(pair_id, at)


def _admin(rest: str) -> Command:
    command = _ADMIN.get(rest.lower())
    if command is None:
        raise ParseError(
            "Organiser commands are `admin round now`, `admin digest now`, `admin stats`, "
            "`admin channel here` and `admin dashboard`."
        )
    return command()


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
