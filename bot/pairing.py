"""Who meets whom this week: a pure function from candidates, history and a seed to pairs.

The rules, in priority order (before all of them: as many pairs as the exclusions allow,
so nobody sits out who could have had a partner):
 1. every pair is one clinician and one manager;
 2. a manager gets at most their capacity of clinicians, each a separate one-to-one pair;
 3. no pair repeats within the repeat window whenever a non-repeating assignment exists,
    and when a repeat is unavoidable the oldest meeting is preferred;
 4. as many same-site pairs as possible, so the kitchen or corridor is really shared;
 5. do-not-pair exclusions are never broken;
 6. whoever sat out last round is paired first;
 7. only available people are candidates (the caller filters paused and departed people);
 8. the same inputs and seed give the same pairs;
 9. last, working patterns: a pair sharing a declared pattern is best, one whose hours fit
    (bot.shifts.pattern_fitting) next, where everything above leaves a choice.

How: managers are laid out as capacity "slots" (everyone's first slot before anyone's
second) and clinicians are taken in priority order (last round's sit-outs first, then a
seeded shuffle). The result has as many pairs as the exclusions allow; among those, the
fewest repeats, then the oldest, then the most same-site pairs (the property tests check
this against an exact assignment solver); and nobody who sat out last round is left out
again where a swap with someone who did not would cost none of that.
 - Phase one matches fresh pairs (no repeat, no exclusion) within each site by augmenting
   paths (Kuhn's algorithm), which never unmatches anyone, so priority holds.
 - Phase two lets whoever can simply take a free fresh slot on another site do so, in
   priority order, moving nobody.
 - Phase three runs only if people still wait while slots stay free: successive cheapest
   augmenting paths (min-cost flow), where a repeat costs more than all staleness together
   and staleness more than all cross-site pairs. Phases one and two are exactly its first,
   cheapest steps, taken quickly.
In a hospital-shaped programme nearly every clinician finds a free slot at once, so phase
three has little or nothing to do.
 - Phase four, only when someone declared a pattern: two pairs on the same two sites, both
   fresh, trade partners whenever that makes more of them share or fit a pattern. The same
   people are paired in the same slots, so nothing above changes; it stops when no such trade
   is left (looking at most _TRADE_TRIES couples of pairs for each trade, so where nearly all
   of two kinds have met before, a rare allowed trade may be missed).
"""

from __future__ import annotations

import heapq
import itertools
import random
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

_KEY_SHIFT = 32
_MAX_DEPTH = 400
_FAR = 1 << 62  # beyond any path's cost
_TRADE_TRIES = 1024
_TRADE_PASSES = 20
SHARED, FITTING = 2, 1  # how well two patterns suit a pair, as phase four counts it


def meeting_key(clinician_id: int, manager_id: int) -> int:
    """A compact key for a (clinician, manager) pair; ints are far smaller than tuples."""
    return (clinician_id << _KEY_SHIFT) | manager_id


@dataclass(frozen=True)
class Candidate:
    id: int
    site_id: int
    capacity: int = 1
    # Their usual working pattern (a bot.shifts.Pattern value), "" when not said.
    pattern: str = ""


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
    # (clinician pattern, manager pattern) whose hours fit; empty: patterns are not considered.
    fitting: frozenset[tuple[str, str]] = frozenset()


@dataclass
class PairingResult:
    pairs: list[tuple[int, int]]  # (clinician_id, manager_id)
    sat_out: list[int]
    repeats: int
    same_site: int
    # Pairs where both declared the same working pattern.
    shared_pattern: int = 0


def pattern_score(clinician: str, manager: str, fitting: frozenset[tuple[str, str]]) -> int:
    """SHARED for the same declared pattern, FITTING for hours that fit, else 0."""
    if clinician and clinician == manager:
        return SHARED
    return FITTING if (clinician, manager) in fitting else 0


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
        self.repeat_cost = ((job.repeat_window + 1) * slots + 1) * self.stale_cost

    def run(self) -> PairingResult:
        previous_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous_limit, _MAX_DEPTH * 4))
        try:
            self._match_within_sites()
            crossed = self._take_free_slots_across_sites()
            self._move_people_along(crossed)
            if self.job.fitting:
                _Trades(self).run()
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

    def _cost(self, clinician: int, slot: int) -> int:
        """Repeats, then their recency, then crossing sites. Only asked of pairs the matching
        holds, and none of those is ever excluded."""
        manager = self.slot_manager[slot]
        key = meeting_key(clinician, manager)
        if key in self.job.exclusions:
            raise ValueError(f"clinician {clinician} holds slot {slot}, which they are excluded from")
        age = self.job.rounds_since_met.get(key)
        recency = 0 if age is None else self._recency(age)
        return int(self.site_of[clinician] != self.site_of[manager]) + recency

    def _recency(self, age: int) -> int:
        """What meeting again costs: nothing beyond the window, and more the more recent."""
        window = self.job.repeat_window
        return 0 if age > window else self.repeat_cost + (window + 1 - age) * self.stale_cost

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

    def _augment(
        self, clinician: int, free: deque[int], scope: Iterable[int], visited: set[int], depth: int
    ) -> bool:
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

    def _neighbours(
        self, clinician: int, free: deque[int], scope: Iterable[int], visited: set[int]
    ) -> Iterator[int]:
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
            slot = _take_first(self.free, partial(self._allowed, clinician))
            if slot is not None:
                self._assign(clinician, slot)
                crossed.append(clinician)
        return crossed

    # --- phase three: move people along, cheapest first -----------------------------------
    def _move_people_along(self, crossed: list[int]) -> None:
        waiting = [c for c in self.clinicians if c not in self.slot_of]
        if waiting and self.free:
            _CheapestPaths(self, crossed).run(waiting)

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
        shared = _shared_patterns(self.job, pairs) if self.job.fitting else 0
        return PairingResult(
            pairs=pairs, sat_out=sat_out, repeats=repeats, same_site=same_site, shared_pattern=shared
        )


def _shared_patterns(job: PairingInput, pairs: list[tuple[int, int]]) -> int:
    declared = {c.id: c.pattern for c in job.clinicians if c.pattern}
    declared.update((m.id, m.pattern) for m in job.managers if m.pattern)
    return sum(1 for c, m in pairs if c in declared and declared[c] == declared.get(m))


class _Trades:
    """Phase four: two pairs trade partners when more of them then share or fit a pattern.

    Only fresh pairs trade, only for fresh pairs, and only between pairs whose clinicians share
    a site and whose managers share a site: the same people keep the same slots, so the pair
    count, repeats, same-site pairs, exclusions and sit-outs are exactly as before. Pairs are
    filed by (clinician's site, manager's site) and then by (clinician's pattern, manager's
    pattern), and trades are made kind by kind, the most helpful kinds first, so the work grows
    with the number of trades and kinds, not with pairs times pairs.
    """

    def __init__(self, matcher: _Matcher):
        self.m = matcher
        job = matcher.job
        self.pattern = {c.id: c.pattern for c in job.clinicians}
        self.pattern.update({m.id: m.pattern for m in job.managers})
        self.groups: dict[tuple[int, int], dict[tuple[str, str], dict[int, None]]] = {}
        # Filed without asking whether each pair is fresh (most are, and asking is the slow
        # part): a pair that is a repeat is found out, and skipped, only when a trade is tried.
        pattern, site, managers, groups = self.pattern, matcher.site_of, matcher.slot_manager, self.groups
        for clinician, slot in matcher.slot_of.items():
            manager = managers[slot]
            kinds = groups.get((site[clinician], site[manager]))
            if kinds is None:
                kinds = groups[(site[clinician], site[manager])] = {}
            kind = (pattern[clinician], pattern[manager])
            if kind in kinds:
                kinds[kind][clinician] = None
            else:
                kinds[kind] = {clinician: None}
        patterns = sorted(set(self.pattern.values()))
        score = partial(pattern_score, fitting=job.fitting)
        options = []
        for a, x, b, y in itertools.product(patterns, repeat=4):
            gain = score(a, y) + score(b, x) - score(a, x) - score(b, y)
            if gain > 0 and (a, x) < (b, y):
                options.append((-gain, (a, x), (b, y)))
        self.trades = [(one, other) for _, one, other in sorted(options)]

    def run(self) -> None:
        for _ in range(_TRADE_PASSES):
            traded = False
            for kinds in self.groups.values():
                for one, other in self.trades:
                    while kinds.get(one) and kinds.get(other):
                        found = self._pair_to_trade(kinds[one], kinds[other])
                        if found is None:
                            break
                        self._trade(kinds, one, other, *found)
                        traded = True
            if not traded:
                return

    def _pair_to_trade(self, ones: dict[int, None], others: dict[int, None]) -> tuple[int, int] | None:
        """Two clinicians, one of each kind, each in a fresh pair now and allowed to meet the
        other's manager. A repeat pair never trades, so it is taken off the files when met."""
        m, tries = self.m, 0
        for first in list(ones):
            if not m._allowed(first, m.slot_of[first]):
                del ones[first]
                continue
            for second in list(others):
                if not m._allowed(second, m.slot_of[second]):
                    del others[second]
                    continue
                if m._allowed(first, m.slot_of[second]) and m._allowed(second, m.slot_of[first]):
                    return first, second
                tries += 1
                if tries >= _TRADE_TRIES:
                    return None
        return None

    def _trade(
        self,
        kinds: dict[tuple[str, str], dict[int, None]],
        one: tuple[str, str],
        other: tuple[str, str],
        first: int,
        second: int,
    ) -> None:
        m = self.m
        del kinds[one][first]
        del kinds[other][second]
        slot_first, slot_second = m.slot_of[first], m.slot_of[second]
        m._assign(first, slot_second)
        m._assign(second, slot_first)
        kinds.setdefault((one[0], other[1]), {})[first] = None
        kinds.setdefault((other[0], one[1]), {})[second] = None


class _CheapestPaths:
    """Phase three: pair whoever still waits while slots stay free, cheapest paths first.

    Successive shortest augmenting paths (min-cost flow) with `_Matcher._cost`: each step
    adds one pair at the least extra cost, so the matching stays the cheapest of its size:
    as many pairs as possible, then the fewest and oldest repeats, then the most same-site
    pairs. Dijkstra runs on reduced costs, kept non-negative by Johnson's potentials. In a
    large programme this phase has few people to place, but each search still scans every
    slot for each clinician it reaches, so it is kept lean: lists indexed by slot, clinicians
    on the heap as ~id, and a search stops as soon as a free slot is reached at no extra
    reduced cost.
    """

    def __init__(self, matcher: _Matcher, crossed: list[int]):
        self.m = matcher
        self.slot_site = [matcher.site_of[manager] for manager in matcher.slot_manager]
        self.pot_slot = [0] * len(matcher.slot_manager)
        self.pot_clinician: dict[int, int] = {}
        self._start_potentials(crossed)

    def run(self, waiting: list[int]) -> None:
        m = self.m
        while waiting and m.free:
            path = self._cheapest_path(waiting)
            if path is None:
                return  # nobody waiting can reach a free slot: the matching is maximum
            m.free.remove(path[-1][1])
            waiting.remove(path[0][0])
            for clinician, slot in path:
                m._assign(clinician, slot)

    def _start_potentials(self, crossed: list[int]) -> None:
        """Potentials that make every reduced cost non-negative for the first search.

        Phase one's pairs cost 0 and phase two's cost 1 (one cross-site pair each). Give -1
        to phase two's clinicians and to everything they reach through fresh same-site
        pairs and phase one's holders (a closed set, as phase one's matching is maximum);
        0 to the rest. A slot is checked against a clinician only while unreached, so this
        is linear in slots plus barred pairs.
        """
        m = self.m
        unreached: dict[int, set[int]] = {}
        queue = list(crossed)
        while queue:
            clinician = queue.pop()
            self.pot_clinician[clinician] = -1
            site = m.site_of[clinician]
            left = unreached.get(site)
            if left is None:
                left = unreached[site] = set(m.slots_by_site.get(site, ()))
            for slot in [s for s in left if m._allowed(clinician, s)] if left else ():
                left.discard(slot)
                self.pot_slot[slot] = -1
                if slot in m.holder:
                    queue.append(m.holder[slot])

    def _cheapest_path(self, waiting: list[int]) -> list[tuple[int, int]] | None:
        """The (clinician, slot) pairs to make along the cheapest path from a waiting
        clinician to a free slot, or None. Ties go depth first, earliest clinician first."""
        m, pot_slot, pot_clinician = self.m, self.pot_slot, self.pot_clinician
        dist_slot = [_FAR] * len(m.slot_manager)
        done_slot = bytearray(len(m.slot_manager))
        dist_clinician: dict[int, int] = {}
        done_clinician: set[int] = set()
        reached_by: dict[int, int] = {}  # slot -> the clinician who reaches it cheapest
        settled: list[int] = []  # slots as themselves, clinicians as ~id (ids are >= 0)
        heap: list[tuple[int, int, int]] = []
        order = itertools.count(0, -1)  # later pushes first among equals: depth first
        for clinician in reversed(waiting):
            dist_clinician[clinician] = -pot_clinician.get(clinician, 0)
            heapq.heappush(heap, (dist_clinician[clinician], next(order), ~clinician))
        held, free = list(m.holder), list(m.free)
        target = None
        while heap and target is None:
            d, _, node = heapq.heappop(heap)
            if node >= 0:  # a slot: on to whoever holds it
                if done_slot[node] or d > dist_slot[node]:
                    continue
                done_slot[node] = 1
                settled.append(node)
                holder = m.holder.get(node)
                if holder is None:
                    target = node
                    continue
                nd = d - m._cost(holder, node) + pot_slot[node] - pot_clinician.get(holder, 0)
                if nd < dist_clinician.get(holder, _FAR):
                    dist_clinician[holder] = nd
                    heapq.heappush(heap, (nd, next(order), ~holder))
                continue
            clinician = ~node
            if clinician in done_clinician or d > dist_clinician[clinician]:
                continue
            done_clinician.add(clinician)
            settled.append(node)
            base = d + pot_clinician.get(clinician, 0)
            relax = (clinician, base, dist_slot, done_slot, reached_by, heap, order)
            self._relax(free, *relax)
            for slot in free:  # a free slot at no extra reduced cost cannot be beaten
                if not done_slot[slot] and dist_slot[slot] == d:
                    done_slot[slot] = 1
                    settled.append(slot)
                    target = slot
                    break
            else:
                self._relax(held, *relax)
        if target is None:
            return None
        reach = dist_slot[target]
        for node in settled:  # Johnson: keep every reduced cost non-negative next time
            if node >= 0:
                pot_slot[node] += dist_slot[node] - reach
            else:
                pot_clinician[~node] = pot_clinician.get(~node, 0) + dist_clinician[~node] - reach
        path, slot = [], target
        while True:
            clinician = reached_by[slot]
            path.append((clinician, slot))
            if clinician not in m.slot_of:
                return path[::-1]
            slot = m.slot_of[clinician]

    def _relax(
        self,
        slots: list[int],
        clinician: int,
        base: int,
        dist_slot: list[int],
        done_slot: bytearray,
        reached_by: dict[int, int],
        heap: list[tuple[int, int, int]],
        order: Iterator[int],
    ) -> None:
        """Offer `clinician`'s edges to `slots`; the hot loop, so `_Matcher._cost` inlined."""
        m = self.m
        key_base = clinician << _KEY_SHIFT
        site, own = m.site_of[clinician], m.slot_of.get(clinician, -1)
        exclusions, age_of, recency = m.job.exclusions, m.job.rounds_since_met.get, m._recency
        slot_manager, slot_site, pot_slot = m.slot_manager, self.slot_site, self.pot_slot
        for slot in slots:
            if done_slot[slot] or slot == own:
                continue
            key = key_base | slot_manager[slot]
            if key in exclusions:
                continue
            nd = base + (slot_site[slot] != site) - pot_slot[slot]
            age = age_of(key)
            if age is not None:
                nd += recency(age)
            if nd < dist_slot[slot]:
                dist_slot[slot] = nd
                reached_by[slot] = clinician
                heapq.heappush(heap, (nd, next(order), slot))


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


def _take_first(free: deque[int], allowed: Callable[[int], bool]) -> int | None:
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
