"""Small pieces of wording every message shares: the round's period, plurals, commands in replies.

`period_phrase` is the one place that says "this week"; a programme with fortnightly rounds
passes its cadence here and every message follows.
"""

from __future__ import annotations

import re
import unicodedata

_PERIODS = {1: "week", 2: "fortnight"}
# Apostrophes and quotes a phone keyboard types, folded to the ones a desktop does.
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_CODE = re.compile(r"`([^`\n]+)`")
# The first words of commands a person types; a code span starting with one is a command.
COMMAND_WORDS = frozenset(
    {
        "join",
        "leave",
        "pause",
        "resume",
        "status",
        "capacity",
        "shifts",
        "off",
        "every",
        "forget-me",
        "help",
        "admin",
    }
)


def period_noun(weeks: int = 1) -> str:
    """ "week", "fortnight", "4 weeks": how long one round lasts."""
    return _PERIODS.get(weeks, f"{weeks} weeks")


def period_phrase(weeks: int = 1) -> str:
    """ "this week", "this fortnight", "these 4 weeks"."""
    if weeks in _PERIODS:
        return f"this {_PERIODS[weeks]}"
    return f"these {weeks} weeks"


def plural(count: int, noun: str, many: str | None = None) -> str:
    """ "1 pair", "3 pairs", "2 people": never "pair(s)"."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def fold(text: str) -> str:
    """A name as compared, not as shown: curly quotes straightened, case and spacing ignored."""
    normal = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(normal.casefold().split())


def command_spans(text: str) -> tuple[str, ...]:
    """The commands quoted in a reply (`pause 2w`), in order, so an adapter can show them as its
    platform types them (`/coffee pause 2w` on Slack) without reading the words around them."""
    return tuple(span for span in _CODE.findall(text) if span.split()[0].lower() in COMMAND_WORDS)
