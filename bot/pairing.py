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

import random
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

_KEY_SHIFT = 32
_MAX_DEPTH = 400


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
        slots_by_site: dict[int, list[int]] = {}
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
        every_slot = range(len(self.slot_manager))
        dead: set[int] = set()
        for clinician in self.clinicians:
            if clinician not in self.slot_of:
                self._match(clinician, self.free, every_slot, dead)

    def _allow_unavoidable_repeats(self) -> None:
        self.strict = False
        for clinician in self.clinicians:
            if clinician in self.slot_of or not self.free:
                continue
            best = self._oldest_meeting_slot(clinician)
            if best is not None:
                self.free.remove(best)
                self._assign(clinician, best)

    def _oldest_meeting_slot(self, clinician: int) -> int | None:
        site = self.site_of[clinician]
        best, best_rank = None, None
        for slot in self.free:
            if not self._allowed(clinician, slot):
                continue
            manager = self.slot_manager[slot]
            age = self.job.rounds_since_met.get(meeting_key(clinician, manager), sys.maxsize)
            rank = (age, self.site_of[manager] == site)
            if best_rank is None or rank > best_rank:
                best, best_rank = slot, rank
        return best

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
