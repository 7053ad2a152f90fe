"""The relationship pulse and shadowing as a quarter's counts: what boards see of them, and how.

Answers are grouped the way the national survey reported them (a partnership with tensions or
tolerance with frequent tensions; persistent and unresolved tensions; the same or worse in five
years), so a trust can set itself beside it. The counts become cells of the same publication as
the digests (bot/published.py), with the sums that tie them: a question's groups add up to its
answers, clinicians' and managers' to everyone's, and the baseline at this quarter's end is the
baseline at the last one's plus those who joined since. Nothing here names anyone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.figures import UNKNOWN_SITE
from bot.model import ERASED_NAME, Programme, Role, Site
from bot.ports import UnitOfWork
from bot.weeks import month_bounds

BASELINE = "baseline"
GROWN = "grown:"  # marks the never-printed count of baseline answers added since the last report
WAVE = "wave"  # the quarter's own pulse
# Answer -> the group it is counted in, per question, in the order boards read them.
GROUPS: dict[str, dict[str, str]] = {
    "relationship": {
        "partnership": "partnership",
        "tension": "tension_or_tolerance",
        "tolerance": "tension_or_tolerance",
        "unresolved": "unresolved",
    },
    "outlook": {"better": "better", "same": "same_or_worse", "worse": "same_or_worse"},
    "understanding": {"1": "less", "2": "less", "3": "less", "4": "well", "5": "well"},
    "leadership": {"yes": "yes", "maybe": "maybe", "not_now": "not_now"},
}
ROLES = (Role.CLINICIAN.value, Role.MANAGER.value)
# Who answers each question: the leadership question is put to clinicians only.
ANSWERED_BY = {q: ROLES if q != "leadership" else (Role.CLINICIAN.value,) for q in GROUPS}
SHADOW_MEASURES = ("offered", "agreed", "done")
# Counted role by role: the relationship, whose national figure is managers'. The rest are
# counted for everyone together, which keeps the sums to protect few.
BY_ROLE = ("relationship",)


@dataclass(frozen=True)
class National:
    label: str
    question: str
    groups: tuple[str, ...]
    percent: int


# The IHM survey of managers (seed paper "Creating stronger relationships between managers and
# clinicians"): 74% tension or tolerance, 14% persistent and unresolved, 73% same or worse.
NATIONAL = (
    National(
        "A partnership with areas of tension, or tolerance with frequent tensions",
        "relationship",
        ("tension_or_tolerance",),
        74,
    ),
    National("Persistent and unresolved tensions", "relationship", ("unresolved",), 14),
    National("Expect it to stay the same or get worse in five years", "outlook", ("same_or_worse",), 73),
)
OWN_MEASURES = (
    ("Understand the other role's day-to-day work well (4 or 5 of 5)", "understanding", "well"),
    ("Clinicians who would consider a management or leadership role", "leadership", "yes"),
    ("Clinicians who might (maybe)", "leadership", "maybe"),
)


@dataclass
class QuarterEvidence:
    """Raw counts for one quarter: pulse answers by (question, answer, role) for the baseline as it
    stood at the quarter's end and for the quarter's own wave; shadowing by (measure, site, role)."""

    quarter: str
    baseline: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    wave: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    shadow: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    sites: list[str] = field(default_factory=list)


def pulse_key(quarter: str, wave: str, question: str, part: str, role: str | None = None) -> str:
    who = f":{role}" if role else ""
    return f"{quarter}|pulse:{wave}:{question}{who}:{part}"


def shadow_key(quarter: str, measure: str, site: str | None = None, role: str | None = None) -> str:
    where = f"site:{site}:" if site is not None else ""
    who = f":{role}" if role else ""
    return f"{quarter}|shadow:{where}{measure}{who}"


def pulse_cells(
    quarter: str, wave: str, answers: Counter[tuple[str, str, str]]
) -> tuple[dict[str, int], list[dict[str, int]]]:
    cells: dict[str, int] = {}
    relations: list[dict[str, int]] = []
    for question, groups in GROUPS.items():
        parts = sorted(set(groups.values()))
        roles = ANSWERED_BY[question] if question in BY_ROLE else ANSWERED_BY[question][:1]
        if question not in BY_ROLE and len(ANSWERED_BY[question]) > 1:
            _everyone(cells, relations, quarter, wave, question, groups, answers)
            continue
        for role in roles:
            for part in parts:
                cells[pulse_key(quarter, wave, question, part, role)] = sum(
                    n
                    for (q, a, r), n in answers.items()
                    if q == question and r == role and groups.get(a) == part
                )
            answered = pulse_key(quarter, wave, question, "answered", role)
            cells[answered] = sum(cells[pulse_key(quarter, wave, question, p, role)] for p in parts)
            relations.append(
                {answered: 1, **{pulse_key(quarter, wave, question, p, role): -1 for p in parts}}
            )
        # No everyone-together counts beside the roles': each would add a sum to protect, and a
        # board reads this question role by role anyway (the national figure is managers').
    return cells, relations


def _everyone(
    cells: dict[str, int],
    relations: list[dict[str, int]],
    quarter: str,
    wave: str,
    question: str,
    groups: dict[str, str],
    answers: Counter[tuple[str, str, str]],
) -> None:
    """A question counted over both roles together: its groups and how many answered."""
    parts = sorted(set(groups.values()))
    for part in parts:
        cells[pulse_key(quarter, wave, question, part)] = sum(
            n for (q, a, _), n in answers.items() if q == question and groups.get(a) == part
        )
    answered = pulse_key(quarter, wave, question, "answered")
    cells[answered] = sum(cells[pulse_key(quarter, wave, question, p)] for p in parts)
    relations.append({answered: 1, **{pulse_key(quarter, wave, question, p): -1 for p in parts}})


def evidence_cells(
    evidence: QuarterEvidence, before: str | None, earlier_values: Mapping[str, int]
) -> tuple[dict[str, int], list[dict[str, int]]]:
    """The quarter's cells and the sums tying them, to the last quarter's baseline (in `earlier`) too."""
    q = evidence.quarter
    cells, relations = pulse_cells(q, BASELINE, evidence.baseline)
    wave, wave_relations = pulse_cells(q, WAVE, evidence.wave)
    cells |= wave
    relations += wave_relations
    if before is not None:
        # The baseline grows by the answers of people who joined this quarter: that growth is a
        # count too, and must stay as hidden as any other, so it is a cell of its own.
        for key in [k for k in cells if "|pulse:baseline:" in k]:
            name = key.split("|", 1)[1]
            grown = f"{q}|{GROWN}{name}"
            earlier = f"{before}|{name}"
            cells[grown] = cells[key] - earlier_values.get(earlier, 0)
            relations.append({key: 1, earlier: -1, grown: -1})
    shadow = evidence.shadow
    for measure in SHADOW_MEASURES:
        total = shadow_key(q, measure)
        cells[total] = sum(n for (m, _, _), n in shadow.items() if m == measure)
        parts = {}
        for site in evidence.sites:
            key = shadow_key(q, measure, site)
            parts[key] = cells[key] = sum(n for (m, s, _), n in shadow.items() if m == measure and s == site)
        relations.append({total: 1, **{k: -1 for k in parts}})
    for role in ROLES:
        cells[shadow_key(q, "yes", role=role)] = shadow[("yes", "", role)]
    return cells, relations


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    year, number = (int(part) for part in quarter.split("-Q"))
    start = datetime.combine(month_bounds(f"{year}-{3 * number - 2:02d}")[0], datetime.min.time(), UTC)
    end = datetime.combine(month_bounds(f"{year}-{3 * number:02d}")[1], datetime.min.time(), UTC)
    return start, end


def read_evidence(
    uow: UnitOfWork, programme: Programme, quarters: dict[str, list[str]], sites: list[Site]
) -> dict[str, QuarterEvidence]:
    """Each quarter's pulse and shadowing counts (quarters oldest first, each with the sites to show
    by name even with nothing to count), added up by the database: the pulse in one pass."""
    found = {quarter: QuarterEvidence(quarter) for quarter in quarters}
    order = list(quarters)
    ends = [quarter_bounds(quarter)[1] for quarter in order]
    for wave, question, answer, role, period, count in uow.pulse.tally(programme.saved_id, ends):
        if wave == BASELINE:
            for quarter in order[period:]:  # the baseline as it stood at each later quarter's end too
                found[quarter].baseline[(question, answer, role)] += count
        elif wave == order[period]:
            found[wave].wave[(question, answer, role)] += count
    names = {s.saved_id: s.name for s in sites}
    for quarter, open_sites in quarters.items():
        evidence = found[quarter]
        for measure, site_id, role, count in uow.shadowing.tally(
            programme.saved_id, *quarter_bounds(quarter)
        ):
            site = names.get(site_id, UNKNOWN_SITE) if site_id is not None else ""
            if measure != "yes" and site in ("", ERASED_NAME):
                site = UNKNOWN_SITE
            evidence.shadow[(measure, site, role)] += count
        evidence.sites = sorted(set(open_sites) | {s for (m, s, _) in evidence.shadow if m != "yes"})
    return found
