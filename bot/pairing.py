"""Who meets whom this week: a pure function from candidates, history and a seed to pairs.

The rules, in priority order:
 1. every pair is one clinician and one manager;
 2. a manager gets at most their capacity of clinicians, each a separate one-to-one pair;
 3. no pair repeats within the repeat window whenever a non-repeating assignment exists,
    and when a repeat is unavoidable the oldest meeting is preferred;
 4. as many same-site pairs as possible, so the kitchen or corridor is really shared;
 5. do-not-pair exclusions are never broken;
 6. whoever sat out last round is paired first;
 7. only available people are candidates (the caller filters paused and departed people);
 8. the same inputs and seed give the same pairs.

How: managers are laid out as capacity "slots" (everyone's first slot before anyone's
second). Clinicians are taken in priority order (last round's sit-outs first, then a seeded
shuffle) and matched by augmenting paths (Kuhn's algorithm), which never unmatches someone
already matched, so priority holds. Phase one matches within each site, phase two across
sites, both without repeats or exclusions; phase three allows repeats, oldest first. In a
hospital-shaped graph nearly every clinician finds a free slot at once, so the augmenting
search only runs for the rare person whose every free slot is barred.
"""

from __future__ import annotations

import heapq
import itertools
import random
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

_KEY_SHIFT = 32
_MAX_DEPTH = 400
_CLINICIAN, _SLOT = 0, 1
_SOURCE = (2, 0)


def meeting_key(clinician_id: int, manager_id: int) -> int:
    """A compact key for a (clinician, manager) pair; ints are far smaller than tuples."""
    return (clinician_id << _KEY_SHIFT) | manager_id


@dataclass(frozen=True)
class Candidate:
    id: int
    site_id: int
    capacity: int = 1


@dataclass
class PairingInput:
    clinicians: list[Candidate]
    managers: list[Candidate]
    seed: int
    # meeting_key -> how many rounds ago they last met (1 = last round)
    rounds_since_met: Mapping[int, int] = field(default_factory=dict)
    repeat_window: int = 12
    exclusions: frozenset[int] = frozenset()  # meeting keys that must never be paired
    sat_out_last: frozenset[int] = frozenset()


@dataclass
class PairingResult:
    pairs: list[tuple[int, int]]  # (clinician_id, manager_id)
    sat_out: list[int]
    repeats: int
    same_site: int


def pair_round(job: PairingInput) -> PairingResult:
    return _Matcher(job).run()


class _Matcher:
    def __init__(self, job: PairingInput):
        self.job = job
        rng = random.Random(job.seed)
        self.clinicians = [c.id for c in _in_priority_order(job.clinicians, job.sat_out_last, rng)]
        managers = _in_priority_order(job.managers, job.sat_out_last, rng)
        self.slot_manager = _slots(managers)
        self.site_of = {c.id: c.site_id for c in job.clinicians}
        self.site_of.update({m.id: m.site_id for m in job.managers})
        self.slot_of: dict[int, int] = {}  # clinician -> slot
        self.holder: dict[int, int] = {}  # slot -> clinician
        self.slots_by_site: dict[int, list[int]] = {}
        self.strict = True

    def run(self) -> PairingResult:
        previous_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous_limit, _MAX_DEPTH * 4))
        try:
            self._match_within_sites()
            self._match_across_sites()
            self._allow_unavoidable_repeats()
        finally:
            sys.setrecursionlimit(previous_limit)
        return self._result()

    # --- the rules about a single pairing -------------------------------------------------
    def _allowed(self, clinician: int, slot: int) -> bool:
        key = meeting_key(clinician, self.slot_manager[slot])
        if key in self.job.exclusions:
            return False
        if not self.strict:
            return True
        age = self.job.rounds_since_met.get(key)
        return age is None or age > self.job.repeat_window

    # --- phases ---------------------------------------------------------------------------
    def _match_within_sites(self) -> None:
        slots_by_site = self.slots_by_site
        for slot, manager in enumerate(self.slot_manager):
            slots_by_site.setdefault(self.site_of[manager], []).append(slot)
        free_by_site = {site: deque(slots) for site, slots in slots_by_site.items()}
        dead_by_site: dict[int, set[int]] = {site: set() for site in slots_by_site}
        for clinician in self.clinicians:
            site = self.site_of[clinician]
            if site in free_by_site:
                self._match(clinician, free_by_site[site], slots_by_site[site], dead_by_site[site])
        self.free = deque(s for s in range(len(self.slot_manager)) if s not in self.holder)

    def _match_across_sites(self) -> None:
        waiting = [c for c in self.clinicians if c not in self.slot_of]
        # Everyone who can simply take a free slot does so first, in priority order; only then
        # are people moved along. Moving first could take someone off a same-site slot, or
        # place a later clinician where an earlier one could have gone.
        for clinician in waiting:
            if not self.free:
                return
            slot = _take_first(self.free, lambda s, c=clinician: self._allowed(c, s))
            if slot is not None:
                self._assign(clinician, slot)
        every_slot = range(len(self.slot_manager))
        dead: set[int] = set()
        for clinician in waiting:
            if clinician not in self.slot_of:
                self._match(clinician, self.free, every_slot, dead)

    def _allow_unavoidable_repeats(self) -> None:
        """Pair whoever is still waiting, through the fewest repeats and then the oldest.

        Successive cheapest augmenting paths (min-cost flow): a repeat costs more than any
        sum of staleness, so each step adds a pair with the fewest extra repeats, and the
        matching stays the cheapest of its size. Phases one and two leave a maximum
        repeat-free matching, which costs nothing, so the potentials start at zero.
        This phase runs only when people wait while slots stay free, which in a large
        programme means almost nobody; its searches scan every slot per person reached.
        """
        self.strict = False
        waiting = [c for c in self.clinicians if c not in self.slot_of]
        potential: dict[tuple[int, int], int] = {}
        while waiting and self.free:
            path = self._cheapest_augmenting_path(waiting, potential)
            if path is None:
                return
            self.free.remove(path[-1][1])
            waiting.remove(path[0][0])
            for clinician, slot in path:
                self._assign(clinician, slot)

    def _cost(self, clinician: int, slot: int) -> int | None:
        """None when barred; 0 for a fresh pair; a repeat costs more the more recent it is."""
        key = meeting_key(clinician, self.slot_manager[slot])
        if key in self.job.exclusions:
            return None
        age = self.job.rounds_since_met.get(key)
        window = self.job.repeat_window
        if age is None or age > window:
            return 0
        return window * len(self.slot_manager) + 1 + (window + 1 - age)

    def _cheapest_augmenting_path(
        self, waiting: list[int], potential: dict[tuple[int, int], int]
    ) -> list[tuple[int, int]] | None:
        """Dijkstra with potentials from every waiting clinician to the nearest free slot.

        Nodes are (_CLINICIAN, id), (_SLOT, index) and _SOURCE. Returns the new
        (clinician, slot) pairs along the path, from the waiting clinician to the free slot.
        """
        pot = potential.get
        dist: dict[tuple[int, int], int] = {}
        reached_by: dict[int, int] = {}  # slot -> clinician who reaches it cheapest
        settled: list[tuple[int, int]] = []
        done: set[tuple[int, int]] = set()
        heap: list[tuple[int, int, tuple[int, int]]] = []
        order = itertools.count()
        for clinician in waiting:
            node = (_CLINICIAN, clinician)
            dist[node] = pot(_SOURCE, 0) - pot(node, 0)
            heapq.heappush(heap, (dist[node], next(order), node))
        target = None
        while heap:
            d, _, node = heapq.heappop(heap)
            if node in done or d > dist[node]:
                continue
            done.add(node)
            settled.append(node)
            kind, ident = node
            if kind == _SLOT:
                holder = self.holder.get(ident)
                if holder is None:
                    target = ident
                    break
                nxt = (_CLINICIAN, holder)
                nd = d - self._cost(holder, ident) + pot(node, 0) - pot(nxt, 0)
                if nd < dist.get(nxt, nd + 1):
                    dist[nxt] = nd
                    heapq.heappush(heap, (nd, next(order), nxt))
                continue
            own = self.slot_of.get(ident)
            base = d + pot(node, 0)
            for slot in self._slots_nearest_first(ident):
                cost = self._cost(ident, slot)
                nxt = (_SLOT, slot)
                if slot == own or cost is None or nxt in done:
                    continue
                nd = base + cost - pot(nxt, 0)
                if nd < dist.get(nxt, nd + 1):
                    dist[nxt] = nd
                    reached_by[slot] = ident
                    heapq.heappush(heap, (nd, next(order), nxt))
        if target is None:
            return None
        # Keep every reduced cost non-negative for the next search (Johnson's potentials).
        reach = dist[(_SLOT, target)]
        potential[_SOURCE] = pot(_SOURCE, 0) - reach
        for node in settled:
            potential[node] = pot(node, 0) + dist[node] - reach
        path, slot = [], target
        while True:
            clinician = reached_by[slot]
            path.append((clinician, slot))
            if clinician not in self.slot_of:
                return path[::-1]
            slot = self.slot_of[clinician]

    def _slots_nearest_first(self, clinician: int) -> Iterator[int]:
        """Same-site slots first, so that of two equally good paths the shared kitchen wins."""
        site = self.site_of[clinician]
        yield from self.slots_by_site.get(site, ())
        for slot, manager in enumerate(self.slot_manager):
            if self.site_of[manager] != site:
                yield slot

    # --- matching -------------------------------------------------------------------------
    def _match(self, clinician: int, free: deque[int], scope: Iterable[int], dead: set[int]) -> None:
        """Give `clinician` a slot if any augmenting path reaches a free one.

        `dead` holds slots a failed search already proved lead nowhere; that stays true
        until the matching changes, so it is only cleared after a success (Kuhn's trick
        that keeps a run of hopeless searches linear rather than quadratic).
        """
        if not free:
            return
        slot = _take_first(free, lambda s: self._allowed(clinician, s))
        if slot is not None:
            self._assign(clinician, slot)
            return
        if self._augment(clinician, free, scope, dead, 0):
            dead.clear()

    def _augment(self, clinician: int, free: deque[int], scope, visited: set[int], depth: int) -> bool:
        """Kuhn's step: find a slot for `clinician`, moving others along if they can move."""
        if depth > _MAX_DEPTH:
            return False
        for slot in self._neighbours(clinician, free, scope, visited):
            visited.add(slot)
            current = self.holder.get(slot)
            if current is None:
                free.remove(slot)
                self._assign(clinician, slot)
                return True
            if self._augment(current, free, scope, visited, depth + 1):
                self._assign(clinician, slot)
                return True
        return False

    def _neighbours(self, clinician: int, free: deque[int], scope, visited: set[int]) -> Iterator[int]:
        for slot in list(free):
            if slot not in visited and self._allowed(clinician, slot):
                yield slot
        for slot in scope:
            if slot in self.holder and slot not in visited and self._allowed(clinician, slot):
                yield slot

    def _assign(self, clinician: int, slot: int) -> None:
        self.slot_of[clinician] = slot
        self.holder[slot] = clinician

    def _result(self) -> PairingResult:
        pairs, repeats, same_site = [], 0, 0
        for clinician in self.clinicians:
            slot = self.slot_of.get(clinician)
            if slot is None:
                continue
            manager = self.slot_manager[slot]
            pairs.append((clinician, manager))
            age = self.job.rounds_since_met.get(meeting_key(clinician, manager))
            repeats += age is not None and age <= self.job.repeat_window
            same_site += self.site_of[clinician] == self.site_of[manager]
        paired = {m for _, m in pairs} | {c for c, _ in pairs}
        everyone = [c.id for c in self.job.clinicians] + [m.id for m in self.job.managers]
        sat_out = sorted(p for p in set(everyone) if p not in paired)
        return PairingResult(pairs=pairs, sat_out=sat_out, repeats=repeats, same_site=same_site)


def _in_priority_order(
    people: list[Candidate], sat_out_last: frozenset[int], rng: random.Random
) -> list[Candidate]:
    ordered = sorted(people, key=lambda p: p.id)
    rng.shuffle(ordered)
    ordered.sort(key=lambda p: p.id not in sat_out_last)
    return ordered


def _slots(managers: list[Candidate]) -> list[int]:
    """Everyone's first slot, then everyone's second, so load spreads before it stacks."""
    slots: list[int] = []
    for level in range(max((m.capacity for m in managers), default=0)):
        slots.extend(m.id for m in managers if m.capacity > level)
    return slots


def _take_first(free: deque[int], allowed) -> int | None:
    skipped: list[int] = []
    found = None
    while free:
        slot = free.popleft()
        if allowed(slot):
            found = slot
            break
        skipped.append(slot)
    free.extendleft(reversed(skipped))
    return found
