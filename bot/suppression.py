"""Which counts a digest or report may show, so that no small count can be worked out from the rest.

A count from 1 to 4 is hidden (primary suppression). That alone is not enough: if Joined is 57,
Active is 56 and Left is hidden, Left is 1. So whenever a hidden count could be recovered from the
shown ones through the sums that tie them together (parts and totals, this month and last, running
totals since launch), another shown count is hidden too (complementary suppression), until every
hidden count has at least two values consistent with everything shown.

What a reader is assumed to know: every shown figure exactly, "none" as exactly 0, every relation
between figures, that a count hidden as small is 1 to 4 and that one hidden to protect it is 5 or more.
A count is safe only when we can exhibit a second whole-number answer within those bounds, so the
check errs on the side of hiding.

Pure Python over Fractions: the tables are small (tens of hidden counts), exactness matters more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from math import lcm

SMALL = 5


class Visibility(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # 1 to 4: hidden for its own sake
    GUARD = "guard"  # 5 or more, hidden so that a small count nearby cannot be worked out
    WITHHELD = "withheld"  # any size, not even bounded: the last resort when hiding more cannot help


@dataclass(frozen=True)
class Table:
    """Counts by key, the sums that bind them, and what earlier publications already showed.

    A relation maps keys to integer coefficients and says their weighted sum is zero, e.g.
    {"pairs": 1, "site:a": -1, "site:b": -1}. ``at_most`` holds (a, b) where a <= b always.
    ``settled`` are decisions already published (last month's digest): they are kept as they are,
    and what this table shows must not undo them either.
    """

    values: Mapping[str, int]
    relations: Sequence[Mapping[str, int]] = ()
    at_most: Sequence[tuple[str, str]] = ()
    settled: Mapping[str, Visibility] = field(default_factory=dict)
    # Hidden keys nobody minds being worked out (never printed, and not small): not protected.
    harmless: frozenset[str] = frozenset()


def primary(value: int) -> Visibility:
    return Visibility.SMALL if 0 < value < SMALL else Visibility.SHOWN


def decide(table: Table) -> dict[str, Visibility]:
    """What to show of every key in the table (settled keys keep their published state)."""
    state = {key: table.settled.get(key, primary(value)) for key, value in table.values.items()}
    while exposed := exposed_counts(table, state) - table.harmless:
        guard = _next_guard(table, state, exposed)
        if guard is not None:
            state[guard] = Visibility.GUARD
            continue
        # Nothing left to hide, e.g. two "fewer than 5" that must add up to a published 8: say
        # nothing at all about them, not even that they are small.
        stuck = _loosened(table, state, exposed)
        if not stuck:
            break
        for key in stuck:
            state[key] = Visibility.WITHHELD
    # A guard the shown figures add up to anyway tells nothing new when shown: show it.
    for key in [k for k, seen in state.items() if seen is Visibility.GUARD and k not in table.settled]:
        if _pinned(table, state, key):
            state[key] = Visibility.SHOWN
    return state


def _loosened(table: Table, state: Mapping[str, Visibility], exposed: set[str]) -> list[str]:
    """Hidden counts of this table to withhold, so that their bounds stop pinning an exposed one.

    The exposed counts themselves when they are new. When they went out in an earlier digest they
    cannot change, so it is this table's own "fewer than 5" and "5 or more" that must say less:
    those tied to an exposed count first, then any.
    """

    def loosenable(key: str) -> bool:
        return key not in table.settled and state[key] in (Visibility.SMALL, Visibility.GUARD)

    new = [key for key in exposed if key not in table.settled and state[key] is not Visibility.WITHHELD]
    if new:
        return new
    near = {key for relation in table.relations if exposed & relation.keys() for key in relation}
    near |= {key for pair in table.at_most if exposed & set(pair) for key in pair}
    return sorted(key for key in near if loosenable(key)) or sorted(key for key in state if loosenable(key))


def exposed_counts(table: Table, state: Mapping[str, Visibility]) -> set[str]:
    """Hidden keys for which no second consistent answer can be found."""
    hidden = [key for key, seen in state.items() if seen is not Visibility.SHOWN]
    if not hidden:
        return set()
    rows = _reduced(table, state, hidden)
    pivots = _rref(rows, len(hidden))
    basis = _null_basis(pivots, len(hidden))
    values = [table.values[key] for key in hidden]
    return {
        key
        for index, key in enumerate(hidden)
        if not _has_alternative(table, state, hidden, values, basis, index)
    }


def _reduced(table: Table, state: Mapping[str, Visibility], hidden: list[str]) -> list[list[Fraction]]:
    """Each relation with the shown figures moved to the right-hand side: coefficients + [constant]."""
    column = {key: index for index, key in enumerate(hidden)}
    rows = []
    for relation in table.relations:
        row = [Fraction(0)] * (len(hidden) + 1)
        for key, coefficient in relation.items():
            if key in column:
                row[column[key]] += coefficient
            else:
                row[-1] -= coefficient * table.values[key]
        if any(row[:-1]):
            rows.append(row)
    return rows


def _rref(rows: list[list[Fraction]], width: int) -> dict[int, list[Fraction]]:
    """Reduced row echelon form, as pivot column -> row."""
    pivots: dict[int, list[Fraction]] = {}
    remaining = [row[:] for row in rows]
    for col in range(width):
        lead = next((row for row in remaining if row[col] != 0), None)
        if lead is None:
            continue
        remaining.remove(lead)
        lead = [x / lead[col] for x in lead]
        for others in (remaining, list(pivots.values())):
            for row in others:
                if row[col] != 0:
                    factor = row[col]
                    row[:] = [a - factor * b for a, b in zip(row, lead, strict=True)]
        pivots[col] = lead
    return pivots


def _null_basis(pivots: Mapping[int, list[Fraction]], width: int) -> list[list[int]]:
    """Whole-number directions in which the hidden counts can move without changing what is shown."""
    basis = []
    for free in (col for col in range(width) if col not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for col, row in pivots.items():
            vector[col] = -row[free]
        scale = lcm(*(x.denominator for x in vector))
        basis.append([int(x * scale) for x in vector])
    return basis


def _has_alternative(
    table: Table,
    state: Mapping[str, Visibility],
    hidden: list[str],
    values: list[int],
    basis: list[list[int]],
    index: int,
) -> bool:
    moving = [vector for vector in basis if vector[index] != 0]
    for direction in _directions(moving, basis):
        # Two directions added can cancel out on this count: another answer that keeps it as it is
        # proves nothing about it.
        if direction[index] == 0:
            continue
        for step in (1, -1, 2, -2, 3, -3):
            candidate = [v + step * d for v, d in zip(values, direction, strict=True)]
            if _plausible(table, state, hidden, candidate):
                return True
    return False


def _directions(moving: list[list[int]], basis: list[list[int]]) -> Iterable[list[int]]:
    """Each direction that moves the count, alone or with one other (a bound may need both to move)."""
    yield from moving
    for first in moving[:8]:
        for second in basis[:24]:
            if second is not first:
                yield [a + b for a, b in zip(first, second, strict=True)]
                yield [a - b for a, b in zip(first, second, strict=True)]


def _plausible(
    table: Table, state: Mapping[str, Visibility], hidden: list[str], candidate: list[int]
) -> bool:
    """Would a reader who knows the rules accept these values for the hidden counts?"""
    value = dict(table.values)
    for key, number in zip(hidden, candidate, strict=True):
        low, high = _bounds(state[key])
        if number < low or (high is not None and number > high):
            return False
        value[key] = number
    return all(value[a] <= value[b] for a, b in table.at_most)


def _bounds(seen: Visibility) -> tuple[int, int | None]:
    """What a reader can tell of a hidden count from the words that stand in for it."""
    if seen is Visibility.SMALL:
        return 1, SMALL - 1
    return (SMALL, None) if seen is Visibility.GUARD else (0, None)


def _next_guard(table: Table, state: Mapping[str, Visibility], exposed: set[str]) -> str | None:
    """The smallest shown, non-zero, unsettled count that shares a relation with an exposed one."""

    def hideable(key: str) -> bool:
        return state[key] is Visibility.SHOWN and key not in table.settled and table.values[key] > 0

    near = {
        key for relation in table.relations if exposed & relation.keys() for key in relation if hideable(key)
    }
    near |= {key for pair in table.at_most if exposed & set(pair) for key in pair if hideable(key)}
    # With nothing nearby left, widen to anything in a relation with a hidden count at all.
    if not near:
        hidden = {key for key, seen in state.items() if seen is not Visibility.SHOWN}
        near = {
            key
            for relation in table.relations
            if hidden & relation.keys()
            for key in relation
            if hideable(key)
        }
    # A count the shown figures already add up to would guard nothing: skip it.
    ordered = sorted(near, key=lambda key: (table.values[key], key))
    useful = [key for key in ordered if not _pinned(table, state, key)]
    return (useful or ordered)[0] if ordered else None


def _pinned(table: Table, state: Mapping[str, Visibility], key: str) -> bool:
    """Would this count, hidden, still follow from the shown ones by sums alone?"""
    hidden = [k for k, seen in state.items() if seen is not Visibility.SHOWN or k == key]
    pivots = _rref(_reduced(table, {**state, key: Visibility.GUARD}, hidden), len(hidden))
    column = hidden.index(key)
    row = pivots.get(column)
    return row is not None and not any(row[:column] + row[column + 1 : -1])
