"""What preferring shared working patterns costs and gains in one round, side by side.

    python -m bench.shifts [--sizes 10000,100000] [--seed 1] [--repeat 3]

The programme is bench/pairing.py's (N participants, three clinicians per manager, capacity 2,
sites of about 500, each clinician's line manager excluded), and half of everyone declares a
working pattern: clinicians days 45%, nights 30%, lates 25%; managers office 55%, days 25%,
lates 15%, nights 5%. Twelve weekly rounds with patterns build the history; round thirteen is
paired twice on the same input, seed, history and sit-outs: with the patterns (and
bot.shifts.pattern_fitting) and with every pattern blanked out, as before this change. Time is
the fastest of --repeat calls of `pair_round` each. Beside them, bench/pairing.py's random
shuffle of the same round.

Figures: time; pairs, repeats within the window and same-site pairs (the earlier rules, which
must not move); and the share of pairs where both declared the same pattern.
Targets: under 1 s at 100k with patterns, and the shared share at least twice random's.
"""

from __future__ import annotations

import argparse
import platform
import random
from dataclasses import dataclass, replace

from bench.pairing import (
    HISTORY_BEYOND_WINDOW,
    REPEAT_WINDOW,
    WEEKS_OF_HISTORY,
    Programme,
    _best_time,
    build_programme,
    corridor_input,
    shuffle,
)
from bot.pairing import Candidate, PairingInput, meeting_key, pair_round
from bot.shifts import pattern_fitting

CLINICIAN_PATTERNS = (("days", 45), ("nights", 30), ("lates", 25))
MANAGER_PATTERNS = (("office", 55), ("days", 25), ("lates", 15), ("nights", 5))
DECLARING = 0.5


def with_patterns(programme: Programme, rng: random.Random) -> Programme:
    def declare(people: list[Candidate], weights: tuple[tuple[str, int], ...]) -> list[Candidate]:
        names, shares = zip(*weights, strict=True)
        return [
            replace(p, pattern=rng.choices(names, shares)[0]) if rng.random() < DECLARING else p
            for p in people
        ]

    return Programme(
        declare(programme.clinicians, CLINICIAN_PATTERNS),
        declare(programme.managers, MANAGER_PATTERNS),
        programme.exclusions,
    )


def without_patterns(job: PairingInput) -> PairingInput:
    return replace(
        job,
        clinicians=[replace(c, pattern="") for c in job.clinicians],
        managers=[replace(m, pattern="") for m in job.managers],
        fitting=frozenset(),
    )


def round_thirteen(programme: Programme, seed: int) -> PairingInput:
    rng = random.Random(seed)
    fitting = pattern_fitting()
    last_met: dict[int, int] = {}
    sat_out: frozenset[int] = frozenset()
    everyone = set(programme.sites)
    for week in range(1, WEEKS_OF_HISTORY + 2):
        ages = {k: week - w for k, w in last_met.items() if week - w <= REPEAT_WINDOW + HISTORY_BEYOND_WINDOW}
        job = replace(corridor_input(programme, ages, sat_out, rng.getrandbits(32)), fitting=fitting)
        if week == WEEKS_OF_HISTORY + 1:
            return job
        pairs = pair_round(job).pairs
        sat_out = frozenset(everyone - {c for c, _ in pairs} - {m for _, m in pairs})
        for c, m in pairs:
            last_met[meeting_key(c, m)] = week
    raise AssertionError("unreachable")


@dataclass
class Row:
    size: int
    method: str
    seconds: float
    pairs: int
    repeats: int
    same_site: int
    shared: int


def measure(job: PairingInput, method: str, size: int, repeat: int, patterns: PairingInput) -> Row:
    """`patterns` is the round as declared: the shared share is always counted on its patterns."""
    if method == "random shuffle":
        pairs, seconds = shuffle(job), _best_time(shuffle, job, repeat)
    else:
        pairs, seconds = pair_round(job).pairs, _best_time(pair_round, job, repeat)
    pattern = {p.id: p.pattern for p in patterns.clinicians + patterns.managers}
    site = {p.id: p.site_id for p in patterns.clinicians + patterns.managers}
    ages = job.rounds_since_met
    return Row(
        size,
        method,
        seconds,
        len(pairs),
        sum(0 < ages.get(meeting_key(c, m), 0) <= REPEAT_WINDOW for c, m in pairs),
        sum(site[c] == site[m] for c, m in pairs),
        sum(1 for c, m in pairs if pattern[c] and pattern[c] == pattern[m]),
    )


def table(rows: list[Row]) -> str:
    lines = [
        "| participants | pairing | time | pairs | repeats in window | same-site "
        "| both share a declared pattern |",
        "|" + "---|" * 7,
    ]
    for r in rows:
        lines.append(
            f"| {r.size:,} | {r.method} | {r.seconds * 1000:,.0f} ms | {r.pairs:,} | {r.repeats:,} "
            f"| {r.same_site:,} | {r.shared:,} ({r.shared / max(r.pairs, 1):.1%}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rng = random.Random(args.seed)
        programme = with_patterns(build_programme(size, rng), rng)
        job = round_thirteen(programme, args.seed)
        plain = without_patterns(job)
        rows.append(measure(plain, "Corridor without patterns", size, args.repeat, job))
        rows.append(measure(job, "Corridor with patterns", size, args.repeat, job))
        rows.append(measure(job, "random shuffle", size, args.repeat, job))
        print(table(rows[-3:]), flush=True)
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
