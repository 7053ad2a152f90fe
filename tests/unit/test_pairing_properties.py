"""Every rule of `bot.pairing`, checked over random small programmes.

A programme here has 1-4 sites, 0-25 clinicians and 0-10 managers (capacity 1-3), a
random meeting history with ages inside and beyond the repeat window, random do-not-pair
exclusions and a random set of people who sat out last round; in most, some or all of them
have declared working patterns, which pairing prefers last of all (rule 9).

The optimality rules (as many pairs as possible, then as few repeats, then the oldest
repeats, then as many same-site pairs) are checked against an exact reference:
scipy's `linear_sum_assignment` on the clinician x manager-slot matrix, with one weight per
edge that orders those goals lexicographically. The reference knows nothing of the
matcher's phases, so any shortcut that costs a pair, a repeat or a shared kitchen shows up.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from bot.pairing import SHARED, Candidate, PairingInput, PairingResult, meeting_key, pair_round, pattern_score
from bot.shifts import Pattern, pattern_fitting

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CLINICIAN_IDS = range(1, 26)
MANAGER_IDS = range(101, 111)

# Counterexamples hypothesis found against the matcher as first written, kept as examples.
# 1. Clinician 4 met 101-103 last week and may not meet 104: pairing all five needs someone
#    moved to 104 and 4 given a repeat; the matcher left 4 out instead.
LEFT_OUT_TO_AVOID_A_REPEAT = PairingInput(
    clinicians=[Candidate(i, 0) for i in range(1, 6)],
    managers=[Candidate(101, 0), Candidate(102, 0), Candidate(103, 0), Candidate(104, 0, 2)],
    seed=0,
    rounds_since_met={meeting_key(4, 101): 1, meeting_key(4, 102): 1, meeting_key(4, 103): 1},
    repeat_window=1,
    exclusions=frozenset({meeting_key(4, 104)}),
)
# 2. Clinician 8 (site 3) had 103 on her own site; to place 3, who sat out but met 101, the
#    matcher moved 8 across to 101, so 1, who also sat out, stayed out and a kitchen was lost.
SAT_OUT_PASSED_OVER = PairingInput(
    clinicians=[Candidate(i, 0) for i in range(1, 8)] + [Candidate(8, 3)],
    managers=[Candidate(101, 1), Candidate(102, 0), Candidate(103, 3)],
    seed=0,
    rounds_since_met={meeting_key(3, 101): 1},
    repeat_window=1,
    sat_out_last=frozenset({1, 2, 3}),
)
# 3. Clinician 3's site has no managers and she met 102 last week; the matcher moved 2 off
#    her own site's 103 to make room, where moving 1 within site 0 would have done.
CROSSED_SITES_NEEDLESSLY = PairingInput(
    clinicians=[Candidate(1, 0), Candidate(2, 1), Candidate(3, 2)],
    managers=[Candidate(103, 1), Candidate(101, 0), Candidate(102, 0)],
    seed=1,
    rounds_since_met={meeting_key(3, 102): 1},
    repeat_window=4,
)


# --- random programmes ------------------------------------------------------------------------
PATTERNS = ["", *(p.value for p in Pattern)]
FITTING = pattern_fitting()


@st.composite
def programmes(draw, *, constrained: bool = True) -> PairingInput:
    site = st.integers(0, draw(st.integers(1, 4)) - 1)
    # Most programmes have some declared patterns; "" is someone who said nothing.
    declared = draw(st.sampled_from([[""], ["", "days", "nights"], PATTERNS, PATTERNS[1:]]))
    pattern = st.sampled_from(declared)
    managers = [
        Candidate(i, draw(site), draw(st.integers(1, 3)), draw(pattern))
        for i in MANAGER_IDS[: draw(st.integers(0, 10))]
    ]
    slots = sum(m.capacity for m in managers)
    # Half the time about as many clinicians as slots: where pairing is tight, rules collide.
    balanced = st.integers(max(0, slots - 3), min(25, slots + 3))
    clinicians = [
        Candidate(i, draw(site), pattern=draw(pattern))
        for i in CLINICIAN_IDS[: draw(st.integers(0, 25) | balanced)]
    ]
    window = draw(st.integers(1, 6))
    history: dict[int, int] = {}
    exclusions: frozenset[int] = frozenset()
    if constrained and clinicians and managers:
        # Who met whom: each possible pair with a drawn likelihood, from a drawn seed (one
        # draw each, so examples stay quick to make; both shrink towards no history).
        # Ages 1..window are repeats; window+1..window+3 are old news, free to meet again.
        likelihood = draw(st.sampled_from([0.0, 0.1, 0.3, 0.6, 0.9]))
        rnd = random.Random(draw(st.integers(0, 2**16)))
        for c in clinicians:
            for m in managers:
                if rnd.random() < likelihood:
                    history[meeting_key(c.id, m.id)] = rnd.randint(1, window + 3)
        manager_ids = st.sampled_from([m.id for m in managers])
        pair = st.builds(meeting_key, st.sampled_from([c.id for c in clinicians]), manager_ids)
        exclusions = draw(st.frozensets(pair, max_size=12))
    everyone = [p.id for p in clinicians + managers]
    sat_out = draw(st.frozensets(st.sampled_from(everyone))) if everyone else frozenset()
    return PairingInput(
        clinicians=clinicians,
        managers=managers,
        seed=draw(st.integers(0, 2**32 - 1)),
        rounds_since_met=history,
        repeat_window=window,
        exclusions=exclusions,
        sat_out_last=sat_out,
        fitting=FITTING if declared != [""] else frozenset(),
    )


# --- what a pairing costs, and the exact best --------------------------------------------------
@dataclass(frozen=True, order=True)
class Score:
    """Better is larger: more pairs, fewer repeats, older repeats, more same-site pairs."""

    pairs: int
    fewer_repeats: int  # -repeats
    older_repeats: int  # -sum over repeats of (window + 1 - age)
    same_site: int


def is_repeat(job: PairingInput, clinician: int, manager: int) -> bool:
    age = job.rounds_since_met.get(meeting_key(clinician, manager))
    return age is not None and age <= job.repeat_window


def staleness(job: PairingInput, clinician: int, manager: int) -> int:
    """0 for a fresh pair; 1 for a repeat at the edge of the window ... window for last week's."""
    if not is_repeat(job, clinician, manager):
        return 0
    return job.repeat_window + 1 - job.rounds_since_met[meeting_key(clinician, manager)]


def score(job: PairingInput, pairs: list[tuple[int, int]]) -> Score:
    site = {p.id: p.site_id for p in job.clinicians + job.managers}
    return Score(
        pairs=len(pairs),
        fewer_repeats=-sum(is_repeat(job, c, m) for c, m in pairs),
        older_repeats=-sum(staleness(job, c, m) for c, m in pairs),
        same_site=sum(site[c] == site[m] for c, m in pairs),
    )


def best_score(job: PairingInput) -> Score:
    """The lexicographically best Score over all valid pairings, by one assignment problem."""
    slots = [m for m in job.managers for _ in range(m.capacity)]
    if not job.clinicians or not slots:
        return Score(0, 0, 0, 0)
    n = len(slots) + 1
    w_site = 1
    w_stale = n * w_site
    w_repeat = (job.repeat_window * n + 1) * w_stale
    w_pair = (n + 1) * w_repeat
    weight = np.zeros((len(job.clinicians), len(slots)))
    for i, c in enumerate(job.clinicians):
        for j, m in enumerate(slots):
            if meeting_key(c.id, m.id) in job.exclusions:
                continue  # weight 0: "not paired", worse than any real pair
            weight[i, j] = (
                w_pair
                - w_repeat * is_repeat(job, c.id, m.id)
                - w_stale * staleness(job, c.id, m.id)
                + w_site * (c.site_id == m.site_id)
            )
    rows, cols = linear_sum_assignment(weight, maximize=True)
    chosen = [
        (job.clinicians[i].id, slots[j].id) for i, j in zip(rows, cols, strict=True) if weight[i, j] > 0
    ]
    return score(job, chosen)


# --- the rules ---------------------------------------------------------------------------------
def check_structure(job: PairingInput, result: PairingResult) -> None:
    clinician_ids = {c.id for c in job.clinicians}
    manager_ids = {m.id for m in job.managers}
    assert all(c in clinician_ids and m in manager_ids for c, m in result.pairs)  # rules 1 and 7
    assert len({c for c, _ in result.pairs}) == len(result.pairs)  # each clinician at most once
    capacity = {m.id: m.capacity for m in job.managers}
    load = Counter(m for _, m in result.pairs)
    assert all(load[m] <= capacity[m] for m in load)  # rule 2
    assert not {meeting_key(c, m) for c, m in result.pairs} & job.exclusions  # rule 5
    paired = {c for c, _ in result.pairs} | set(load)
    assert result.sat_out == sorted((clinician_ids | manager_ids) - paired)
    achieved = score(job, result.pairs)
    assert result.repeats == -achieved.fewer_repeats
    assert result.same_site == achieved.same_site


@SETTINGS
@given(programmes())
def test_pairs_are_one_clinician_one_manager_within_capacity_and_never_excluded(job):
    check_structure(job, pair_round(job))


@SETTINGS
@given(programmes())
@example(LEFT_OUT_TO_AVOID_A_REPEAT)
def test_as_many_pairs_as_any_valid_pairing_and_no_avoidable_repeat(job):
    """Rules 1-3 and 5: a maximum matching over non-excluded pairs, with the fewest repeats
    any maximum matching can have, and among those the oldest meetings."""
    achieved, best = score(job, pair_round(job).pairs), best_score(job)
    assert achieved.pairs == best.pairs
    assert achieved.fewer_repeats == best.fewer_repeats
    assert achieved.older_repeats == best.older_repeats


def matching_size(job: PairingInput, fresh_only: bool) -> int:
    """Largest matching of clinicians to manager slots over allowed (or only fresh) pairs,
    by scipy's Hopcroft-Karp: a second reference, independent of the weights above."""
    slots = [m for m in job.managers for _ in range(m.capacity)]
    if not job.clinicians or not slots:
        return 0
    rows, cols = [], []
    for i, c in enumerate(job.clinicians):
        for j, m in enumerate(slots):
            barred = meeting_key(c.id, m.id) in job.exclusions or (fresh_only and is_repeat(job, c.id, m.id))
            if not barred:
                rows.append(i)
                cols.append(j)
    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(job.clinicians), len(slots)))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


@SETTINGS
@given(programmes())
@example(LEFT_OUT_TO_AVOID_A_REPEAT)
def test_pair_count_is_a_maximum_matching_and_repeats_only_pair_the_surplus(job):
    """Rules 3 and 5 by plain matching sizes: every pair the exclusions allow is made; the
    repeats cover at least what the largest repeat-free matching falls short by, and there
    are none at all when a repeat-free matching is as large as any."""
    result = pair_round(job)
    largest, largest_fresh = matching_size(job, fresh_only=False), matching_size(job, fresh_only=True)
    assert len(result.pairs) == largest
    assert result.repeats >= largest - largest_fresh
    if largest_fresh == largest:
        assert result.repeats == 0


@SETTINGS
@given(programmes(constrained=False))
def test_without_history_or_exclusions_every_site_shares_as_many_kitchens_as_it_can(job):
    """Rule 4 in its plainest form: per site, min(clinicians, manager slots) same-site pairs."""
    result = pair_round(job)
    clinicians = Counter(c.site_id for c in job.clinicians)
    slots = Counter()
    for m in job.managers:
        slots[m.site_id] += m.capacity
    assert result.same_site == sum(min(clinicians[s], slots[s]) for s in clinicians)
    assert result.repeats == 0
    assert len(result.pairs) == min(len(job.clinicians), sum(slots.values()))


@SETTINGS
@given(programmes())
@example(LEFT_OUT_TO_AVOID_A_REPEAT)
@example(SAT_OUT_PASSED_OVER)
@example(CROSSED_SITES_NEEDLESSLY)
def test_same_site_pairs_are_the_most_possible_after_pairs_and_repeats(job):
    """Rule 4 with history and exclusions: no valid pairing with as many pairs and no worse
    repeats has more same-site pairs."""
    assert score(job, pair_round(job).pairs) == best_score(job)


def _could_take(job: PairingInput, site: dict[int, int], newcomer: int, holder: int, manager: int) -> bool:
    """Would giving `holder`'s place with `manager` to `newcomer` break none of rules 1-5?

    The newcomer must be allowed to meet the manager, must not have met them within the
    window, and must keep the pair on one site if it was. Such a swap keeps the pair count,
    never adds a repeat (nor makes one more recent) and never loses a same-site pair.
    """
    return (
        meeting_key(newcomer, manager) not in job.exclusions
        and not is_repeat(job, newcomer, manager)
        and (site[newcomer] == site[manager] or site[holder] != site[manager])
    )


@SETTINGS
@given(programmes())
@example(SAT_OUT_PASSED_OVER)
def test_a_clinician_who_sat_out_is_not_passed_over_for_someone_who_did_not(job):
    """Rule 6, as a swap: if a clinician who sat out last round is unpaired again, no
    clinician who was paired last round holds a place she could have taken."""
    result = pair_round(job)
    site = {p.id: p.site_id for p in job.clinicians + job.managers}
    unpaired_again = [c.id for c in job.clinicians if c.id in job.sat_out_last and c.id in result.sat_out]
    for waiting in unpaired_again:
        for holder, manager in result.pairs:
            if holder not in job.sat_out_last:
                assert not _could_take(job, site, waiting, holder, manager), (waiting, holder, manager)


@SETTINGS
@given(programmes())
def test_a_manager_who_sat_out_is_not_passed_over_for_someone_who_did_not(job):
    """Rule 6 for managers: a manager who sat out last round and is unpaired again could not
    have taken any clinician from a manager who was paired last round."""
    result = pair_round(job)
    site = {p.id: p.site_id for p in job.clinicians + job.managers}
    waiting = [m.id for m in job.managers if m.id in job.sat_out_last and m.id in result.sat_out]
    for manager in waiting:
        for clinician, other in result.pairs:
            if other not in job.sat_out_last:
                moves = (
                    meeting_key(clinician, manager) not in job.exclusions
                    and not is_repeat(job, clinician, manager)
                    and (site[clinician] == site[manager] or site[clinician] != site[other])
                )
                assert not moves, (manager, clinician, other)


@SETTINGS
@given(programmes(), st.randoms(use_true_random=False))
def test_same_input_and_seed_give_the_same_pairs_whatever_the_order(job, rnd):
    """Rule 8: the candidates' order in the input does not matter, only the seed does."""
    shuffled = replace(job, clinicians=list(job.clinicians), managers=list(job.managers))
    rnd.shuffle(shuffled.clinicians)
    rnd.shuffle(shuffled.managers)
    first, again = pair_round(job), pair_round(shuffled)
    assert first.pairs == again.pairs
    assert first.sat_out == again.sat_out
    assert pair_round(job) == first


def test_the_reference_agrees_with_a_hand_count():
    """The reference itself: two clinicians who both met the only manager recently, one
    longer ago; the manager has one slot."""
    job = PairingInput(
        clinicians=[Candidate(1, 0), Candidate(2, 0)],
        managers=[Candidate(101, 1)],
        seed=0,
        rounds_since_met={meeting_key(1, 101): 1, meeting_key(2, 101): 3},
        repeat_window=4,
    )
    assert best_score(job) == Score(pairs=1, fewer_repeats=-1, older_repeats=-2, same_site=0)


# --- rule 9: working patterns, where the rules before leave a choice ---------------------------
def trades_that_would_help(job: PairingInput, pairs: list[tuple[int, int]]) -> list[tuple]:
    """Every trade of partners between two pairs that the rules before 9 cannot tell apart from
    the pairing made (both pairs fresh before and after, clinicians on one site, managers on
    one site: same people, same slots, same counts) and that makes the patterns suit better."""
    site = {p.id: p.site_id for p in job.clinicians + job.managers}
    pattern = {p.id: p.pattern for p in job.clinicians + job.managers}

    def fresh(c: int, m: int) -> bool:
        return meeting_key(c, m) not in job.exclusions and not is_repeat(job, c, m)

    def suits(c: int, m: int) -> int:
        return pattern_score(pattern[c], pattern[m], job.fitting)

    found = []
    for i, (c1, m1) in enumerate(pairs):
        for c2, m2 in pairs[i + 1 :]:
            if site[c1] != site[c2] or site[m1] != site[m2]:
                continue
            if not (fresh(c1, m1) and fresh(c2, m2) and fresh(c1, m2) and fresh(c2, m1)):
                continue
            if suits(c1, m2) + suits(c2, m1) > suits(c1, m1) + suits(c2, m2):
                found.append((c1, m1, c2, m2))
    return found


@SETTINGS
@given(programmes())
def test_no_trade_the_earlier_rules_allow_would_make_patterns_suit_better(job):
    """Rule 9: wherever rules 1-8 leave two pairs free to trade partners, they already suit."""
    assert trades_that_would_help(job, pair_round(job).pairs) == []


def ward(clinicians: list[str], managers: list[str], **job) -> PairingInput:
    return PairingInput(
        clinicians=[Candidate(i, 0, pattern=p) for i, p in enumerate(clinicians, start=1)],
        managers=[Candidate(100 + i, 0, pattern=p) for i, p in enumerate(managers, start=1)],
        fitting=FITTING,
        **{"seed": 0, **job},
    )


@given(st.integers(0, 2**32 - 1))
def test_a_night_nurse_meets_the_night_manager_whatever_the_seed(seed):
    job = ward(["days", "nights", "lates"], ["nights", "lates", "days"], seed=seed)
    pattern = {c.id: c.pattern for c in job.clinicians + job.managers}
    result = pair_round(job)
    assert all(pattern[c] == pattern[m] for c, m in result.pairs) and result.shared_pattern == 3


def test_a_shared_pattern_never_outweighs_an_avoidable_repeat():
    # Nurse 2 on nights met the night manager last week: she meets the day manager instead.
    job = ward(["days", "nights"], ["nights", "days"], rounds_since_met={meeting_key(2, 101): 1})
    assert sorted(pair_round(job).pairs) == [(1, 101), (2, 102)]


def test_a_shared_pattern_never_outweighs_a_shared_kitchen():
    # The night manager works at the other site; the nurse on nights stays on her own.
    job = PairingInput(
        clinicians=[Candidate(1, 0, pattern="nights")],
        managers=[Candidate(101, 1, pattern="nights"), Candidate(102, 0, pattern="days")],
        seed=0,
        fitting=FITTING,
    )
    assert pair_round(job).pairs == [(1, 102)]


def test_a_shared_pattern_never_outweighs_sitting_out_last_round():
    # Two day nurses, one day manager: the one who sat out last round is paired, pattern or not.
    job = ward(["days", "nights"], ["days"], sat_out_last=frozenset({2}))
    assert pair_round(job).pairs == [(2, 101)]


def test_fitting_hours_are_preferred_when_nothing_is_shared():
    # Nights fits lates (19:30-21:30 together) but not office hours.
    job = ward(["nights", "office"], ["office", "lates"])
    assert sorted(pair_round(job).pairs) == [(1, 102), (2, 101)]
    assert pattern_score("nights", "lates", FITTING) == 1 and pattern_score("days", "days", FITTING) == SHARED


def test_the_trade_check_sees_a_pairing_that_ignores_patterns():
    """The rule 9 check itself: day nurse with the night manager and night nurse with the day
    manager is one helpful trade away from both sharing a pattern."""
    job = ward(["days", "nights"], ["nights", "days"])
    assert trades_that_would_help(job, [(1, 101), (2, 102)]) == [(1, 101, 2, 102)]
    assert trades_that_would_help(job, [(1, 102), (2, 101)]) == []
