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
_Node = tuple[int, int]  # (_CLINICIAN, clinician id) or (_SLOT, slot index)


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
        self.slots_by_site: dict[int, list[int]] = {}
        for slot, manager in enumerate(self.slot_manager):
            self.slots_by_site.setdefault(self.site_of[manager], []).append(slot)
        self.slot_of: dict[int, int] = {}  # clinician -> slot
        self.holder: dict[int, int] = {}  # slot -> clinician
        self.free: deque[int] = deque()
        # Costs for phase three, in whole numbers ordered like the rules: any repeat outweighs
        # all staleness together, and any staleness outweighs all cross-site pairs together.
        slots = len(self.slot_manager)
        self.stale_cost = slots + 1
        self.repeat_cost = (job.repeat_window * slots + 1) * self.stale_cost

    def run(self) -> PairingResult:
        previous_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous_limit, _MAX_DEPTH * 4))
        try:
            self._match_within_sites()
            crossed = self._take_free_slots_across_sites()
            self._move_people_along(crossed)
        finally:
            sys.setrecursionlimit(previous_limit)
        return self._result()

    # --- the rules about a single pairing -------------------------------------------------
    def _allowed(self, clinician: int, slot: int) -> bool:
        """A fresh pair: not excluded, and not met within the repeat window."""
        key = meeting_key(clinician, self.slot_manager[slot])
        if key in self.job.exclusions:
            return False
        age = self.job.rounds_since_met.get(key)
        return age is None or age > self.job.repeat_window

    def _cost(self, clinician: int, slot: int) -> int | None:
        """None when excluded; otherwise repeats, then their recency, then crossing sites."""
        manager = self.slot_manager[slot]
        key = meeting_key(clinician, manager)
        if key in self.job.exclusions:
            return None
        cost = int(self.site_of[clinician] != self.site_of[manager])
        age = self.job.rounds_since_met.get(key)
        window = self.job.repeat_window
        if age is not None and age <= window:
            cost += self.repeat_cost + (window + 1 - age) * self.stale_cost
        return cost

    # --- phase one: fresh pairs within each site ------------------------------------------
    def _match_within_sites(self) -> None:
        slots_by_site = self.slots_by_site
        free_by_site = {site: deque(slots) for site, slots in slots_by_site.items()}
        dead_by_site: dict[int, set[int]] = {site: set() for site in slots_by_site}
        for clinician in self.clinicians:
            site = self.site_of[clinician]
            if site in free_by_site:
                self._match(clinician, free_by_site[site], slots_by_site[site], dead_by_site[site])
        self.free = deque(s for s in range(len(self.slot_manager)) if s not in self.holder)

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

    # --- phase two: fresh pairs across sites, straight into free slots ---------------------
    def _take_free_slots_across_sites(self) -> list[int]:
        """Whoever can simply take a free slot does, in priority order; nobody is moved.

        Each such pair is the cheapest way to add one (it costs one cross-site pair and no
        same-site pair can be added any more), so this is phase three's work done quickly.
        """
        crossed: list[int] = []
        for clinician in self.clinicians:
            if not self.free:
                break
            if clinician in self.slot_of:
                continue
            slot = _take_first(self.free, lambda s, c=clinician: self._allowed(c, s))
            if slot is not None:
                self._assign(clinician, slot)
                crossed.append(clinician)
        return crossed

    # --- phase three: move people along, cheapest first -----------------------------------
    def _move_people_along(self, crossed: list[int]) -> None:
        """Pair whoever still waits while slots stay free, by cheapest augmenting paths.

        Successive shortest paths (min-cost flow) with `_cost`: each step adds one pair at
        the least extra cost, so the matching is always the cheapest of its size: as many
        pairs as possible, then the fewest and oldest repeats, then the most same-site
        pairs. In a large programme this phase has almost nobody to place; each search
        scans every slot for each person it reaches.
        """
        waiting = [c for c in self.clinicians if c not in self.slot_of]
        if not waiting or not self.free:
            return
        potential = self._starting_potentials(crossed)
        while waiting and self.free:
            path = self._cheapest_augmenting_path(waiting, potential)
            if path is None:
                return
            self.free.remove(path[-1][1])
            waiting.remove(path[0][0])
            for clinician, slot in path:
                self._assign(clinician, slot)

    def _starting_potentials(self, crossed: list[int]) -> dict[_Node, int]:
        """Potentials that make every reduced cost non-negative for the first search.

        Phase one's pairs cost 0 and phase two's cost 1 (one cross-site pair each). Give -1
        to phase two's clinicians and to everything they reach through fresh same-site
        pairs and phase one's holders (a closed set, as phase one's matching is maximum);
        0 to the rest. Each site's slots are visited once: a slot is checked against a
        clinician only while unreached, so the work is linear in slots plus barred pairs.
        """
        potential: dict[_Node, int] = {}
        unreached: dict[int, set[int]] = {}
        queue = list(crossed)
        while queue:
            clinician = queue.pop()
            potential[(_CLINICIAN, clinician)] = -1
            site = self.site_of[clinician]
            left = unreached.setdefault(site, set(self.slots_by_site.get(site, ())))
            for slot in [s for s in left if self._allowed(clinician, s)]:
                left.discard(slot)
                potential[(_SLOT, slot)] = -1
                if slot in self.holder:
                    queue.append(self.holder[slot])
        return potential

    def _cheapest_augmenting_path(
        self, waiting: list[int], potential: dict[_Node, int]
    ) -> list[tuple[int, int]] | None:
        """Dijkstra with Johnson's potentials from every waiting clinician to a free slot.

        Returns the (clinician, slot) pairs to make along the cheapest path, from a waiting
        clinician to a free slot, or None when no path exists (the matching is maximum).
        Ties go depth first and to the earlier clinician in priority order.
        """
        pot = potential.get
        dist: dict[_Node, int] = {}
        reached_by: dict[int, int] = {}  # slot -> the clinician who reaches it cheapest
        settled: list[_Node] = []
        done: set[_Node] = set()
        heap: list[tuple[int, int, _Node]] = []
        order = itertools.count(0, -1)  # later pushes first among equals: depth first

        def push(node: _Node, d: int) -> None:
            dist[node] = d
            heapq.heappush(heap, (d, next(order), node))

        for clinician in reversed(waiting):
            push((_CLINICIAN, clinician), -pot((_CLINICIAN, clinician), 0))
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
                    push(nxt, nd)
                continue
            base = d + pot(node, 0)
            own = self.slot_of.get(ident)
            for slot in itertools.chain(self.holder, self.free):
                nxt = (_SLOT, slot)
                cost = self._cost(ident, slot) if slot != own and nxt not in done else None
                if cost is not None and (nd := base + cost - pot(nxt, 0)) < dist.get(nxt, nd + 1):
                    reached_by[slot] = ident
                    push(nxt, nd)
        if target is None:
            return None
        reach = dist[(_SLOT, target)]
        for node in settled:  # Johnson: keep every reduced cost non-negative next time
            potential[node] = pot(node, 0) + dist[node] - reach
        path, slot = [], target
        while True:
            clinician = reached_by[slot]
            path.append((clinician, slot))
            if clinician not in self.slot_of:
                return path[::-1]
            slot = self.slot_of[clinician]

    # --- bookkeeping ----------------------------------------------------------------------
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
