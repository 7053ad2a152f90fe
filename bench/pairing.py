"""How fast and how well one weekly round is paired, against a plain random shuffle.

    python -m bench.pairing [--sizes 1000,10000,100000] [--optimum-up-to 10000] [--seed 1] [--repeat 3]

For each size N: N participants, three clinicians per manager, manager capacity 2, sites of
about 500 staff (everyone on a random site), and each clinician's line manager, a manager on
her own site, as a do-not-pair exclusion. Twelve weekly rounds are run first to build a
history (as `bot.rounds` passes it: ages up to the repeat window plus twelve, last round's
sit-outs); then round thirteen is timed: the fastest of --repeat identical calls of
`pair_round` alone, on an input built beforehand. Peak memory is measured in one more,
identical call under tracemalloc: Python allocations made during the call, not the input
it reads nor the interpreter.

Side by side, over the same thirteen weeks of the same programme, a plain random shuffle,
the way the issue describes Microsoft's Icebreaker pairing: shuffle the clinicians, shuffle
the manager slots, pair them in order, ignoring history, sites and exclusions.

Figures per method and size: time and peak memory of round thirteen's pairing; its pairs,
repeats within the window, broken exclusions and same-site fraction; and the longest run of
consecutive weeks anyone sat out over all thirteen weeks. Up to --optimum-up-to
participants, the best possible same-site count for round thirteen is also computed with
scipy (`min_weight_full_bipartite_matching` over fresh, allowed same-site pairs, each slot
with a dearer dummy column for "cross-site or nobody"), to compare Corridor's against.
Targets: 100k paired in under 1 s and 200 MB, no avoidable repeat, same-site count at the
optimum.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.pairing import Candidate, PairingInput, meeting_key, pair_round

CLINICIANS_PER_MANAGER = 3
MANAGER_CAPACITY = 2
STAFF_PER_SITE = 500
REPEAT_WINDOW = 12
HISTORY_BEYOND_WINDOW = 12  # bot.rounds.HISTORY_ROUNDS_BEYOND_WINDOW
WEEKS_OF_HISTORY = 12


@dataclass
class Programme:
    clinicians: list[Candidate]
    managers: list[Candidate]
    exclusions: frozenset[int]

    @property
    def sites(self) -> dict[int, int]:
        return {p.id: p.site_id for p in self.clinicians + self.managers}


def build_programme(size: int, rng: random.Random) -> Programme:
    managers_count = max(1, size // (CLINICIANS_PER_MANAGER + 1))
    clinicians_count = size - managers_count
    sites = max(1, round(size / STAFF_PER_SITE))
    managers = [
        Candidate(clinicians_count + 1 + i, rng.randrange(sites), MANAGER_CAPACITY)
        for i in range(managers_count)
    ]
    managers_at: dict[int, list[int]] = {}
    for m in managers:
        managers_at.setdefault(m.site_id, []).append(m.id)
    clinicians, exclusions = [], set()
    for i in range(1, clinicians_count + 1):
        site = rng.randrange(sites)
        clinicians.append(Candidate(i, site))
        if site in managers_at:
            exclusions.add(meeting_key(i, rng.choice(managers_at[site])))  # her line manager
    return Programme(clinicians, managers, frozenset(exclusions))


# --- the two ways of pairing a round -----------------------------------------------------------
Pairs = list[tuple[int, int]]


def corridor_input(programme: Programme, ages: dict[int, int], sat_out: frozenset[int], seed: int):
    return PairingInput(
        clinicians=programme.clinicians,
        managers=programme.managers,
        seed=seed,
        rounds_since_met=ages,
        repeat_window=REPEAT_WINDOW,
        exclusions=programme.exclusions,
        sat_out_last=sat_out,
    )


def corridor(job: PairingInput) -> Pairs:
    return pair_round(job).pairs


def shuffle(job: PairingInput) -> Pairs:
    """Icebreaker's way: shuffle both sides and pair them in order; nothing else counts."""
    rng = random.Random(job.seed)
    clinicians = [c.id for c in job.clinicians]
    slots = [m.id for m in job.managers for _ in range(m.capacity)]
    rng.shuffle(clinicians)
    rng.shuffle(slots)
    return list(zip(clinicians, slots, strict=False))


METHODS: dict[str, Callable[[PairingInput], Pairs]] = {"Corridor": corridor, "random shuffle": shuffle}


# --- thirteen weeks ----------------------------------------------------------------------------
@dataclass
class Figures:
    method: str
    size: int
    seconds: float = 0.0
    peak_mb: float = 0.0
    pairs: int = 0
    repeats: int = 0
    excluded: int = 0
    same_site: int = 0
    longest_sit_out: int = 0
    optimum_same_site: int | None = None
    repeats_per_week: list[int] = field(default_factory=list)


def simulate(programme: Programme, method: str, seed: int, optimum: bool, repeat: int = 3) -> Figures:
    pair = METHODS[method]
    rng = random.Random(seed)
    last_met: dict[int, int] = {}  # meeting key -> week they last met
    sat_out: frozenset[int] = frozenset()
    run: dict[int, int] = {}  # participant -> consecutive weeks sat out so far
    figures = Figures(method, len(programme.clinicians) + len(programme.managers))
    everyone = set(programme.sites)
    for week in range(1, WEEKS_OF_HISTORY + 2):
        ages = {k: week - w for k, w in last_met.items() if week - w <= REPEAT_WINDOW + HISTORY_BEYOND_WINDOW}
        job = corridor_input(programme, ages, sat_out, rng.getrandbits(32))
        final = week == WEEKS_OF_HISTORY + 1
        pairs = pair(job)
        if final:
            figures.seconds = _best_time(pair, job, repeat)
            figures.peak_mb = _peak_mb(pair, job)
            _score(figures, programme, pairs, ages)
            if optimum:
                figures.optimum_same_site = optimum_same_site(programme, ages)
        figures.repeats_per_week.append(
            sum(0 < ages.get(meeting_key(c, m), 0) <= REPEAT_WINDOW for c, m in pairs)
        )
        paired = {c for c, _ in pairs} | {m for _, m in pairs}
        sat_out = frozenset(everyone - paired)
        for person in everyone:
            run[person] = run.get(person, 0) + 1 if person in sat_out else 0
            figures.longest_sit_out = max(figures.longest_sit_out, run[person])
        for c, m in pairs:
            last_met[meeting_key(c, m)] = week
    return figures


def _best_time(pair: Callable[[PairingInput], Pairs], job: PairingInput, repeat: int) -> float:
    """The fastest of `repeat` identical calls: the machine's noise only ever adds time."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        pair(job)
        times.append(time.perf_counter() - started)
    return min(times)


def _peak_mb(pair: Callable[[PairingInput], Pairs], job: PairingInput) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        pair(job)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _score(figures: Figures, programme: Programme, pairs: Pairs, ages: dict[int, int]) -> None:
    site = programme.sites
    figures.pairs = len(pairs)
    figures.repeats = sum(0 < ages.get(meeting_key(c, m), 0) <= REPEAT_WINDOW for c, m in pairs)
    figures.excluded = sum(meeting_key(c, m) in programme.exclusions for c, m in pairs)
    figures.same_site = sum(site[c] == site[m] for c, m in pairs)


def optimum_same_site(programme: Programme, ages: dict[int, int]) -> int:
    """Most same-site pairs any pairing of fresh, allowed pairs could have (scipy, exact).

    Rows are manager slots; columns are clinicians plus one dummy per slot. A fresh, allowed
    same-site pair weighs 1, a slot's own dummy 2 (it stands for "cross-site or nobody"), so
    a full matching of the rows always exists and the cheapest one uses as many same-site
    pairs as possible.
    """
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    barred = np.fromiter(
        [k for k, age in ages.items() if age <= REPEAT_WINDOW] + list(programme.exclusions), dtype=np.int64
    )
    slots = [m for m in programme.managers for _ in range(m.capacity)]
    clinicians_at: dict[int, list[int]] = {}
    for j, c in enumerate(programme.clinicians):
        clinicians_at.setdefault(c.site_id, []).append(j)
    ids = np.array([c.id for c in programme.clinicians], dtype=np.int64)
    rows = np.concatenate([np.full(len(clinicians_at.get(m.site_id, [])), r) for r, m in enumerate(slots)])
    cols = np.concatenate([np.array(clinicians_at.get(m.site_id, []), dtype=np.int64) for m in slots])
    managers = np.array([m.id for m in slots], dtype=np.int64)
    fresh = ~np.isin((ids[cols] << 32) | managers[rows], barred)
    rows, cols = rows[fresh], cols[fresh]
    dummy = len(programme.clinicians)
    graph = csr_matrix(
        (
            np.concatenate([np.ones(len(rows)), np.full(len(slots), 2.0)]),
            (
                np.concatenate([rows, np.arange(len(slots))]),
                np.concatenate([cols, dummy + np.arange(len(slots))]),
            ),
        ),
        shape=(len(slots), dummy + len(slots)),
    )
    _, matched = min_weight_full_bipartite_matching(graph)
    return int((matched < dummy).sum())


# --- the table ---------------------------------------------------------------------------------
def table(results: list[Figures]) -> str:
    head = (
        "| participants | method | time | peak memory | pairs | repeats in window | broken exclusions "
        "| same-site | optimum same-site | longest sit-out run |"
    )
    lines = [head, "|" + "---|" * 10]
    for f in results:
        optimum = "" if f.optimum_same_site is None else f"{f.optimum_same_site:,}"
        lines.append(
            f"| {f.size:,} | {f.method} | {f.seconds * 1000:,.0f} ms | {f.peak_mb:,.1f} MB | {f.pairs:,} "
            f"| {f.repeats:,} | {f.excluded:,} | {f.same_site:,} ({f.same_site / max(f.pairs, 1):.1%}) "
            f"| {optimum} | {f.longest_sit_out} week(s) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--optimum-up-to", type=int, default=10_000, help="largest size to compute it for")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed calls of round 13; the fastest counts")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}; repeat window {REPEAT_WINDOW} weeks")
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        programme = build_programme(size, random.Random(args.seed))
        for method in METHODS:
            started = time.perf_counter()
            optimum = method == "Corridor" and size <= args.optimum_up_to
            figures = simulate(programme, method, args.seed, optimum, args.repeat)
            results.append(figures)
            print(
                f"  {size:,} {method}: {time.perf_counter() - started:.1f} s for 13 weeks; "
                f"repeats per week {figures.repeats_per_week}",
                flush=True,
            )
    print(table(results))


if __name__ == "__main__":
    main()
