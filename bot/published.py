"""What each month's digest may show, decided month by month since launch.

Each month's counts become cells of one table, tied by the sums a reader could use against them:
the month's pairs are its sites' pairs added up, the people active now are last month's plus
joiners less leavers, and a running total is last month's plus this month's. Months are decided in
order, each with every earlier month's decision fixed, so a digest can never undo an earlier one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.evidence import GROWN, QuarterEvidence, evidence_cells
from bot.figures import MonthFigures
from bot.suppression import SMALL as SMALL_COUNT
from bot.suppression import Table, Visibility, decide

SMALL_TEXT = "fewer than 5"
GUARD_TEXT = "not shown (would reveal a small number)"
WITHHELD_TEXT = "withheld"
HIDDEN_RATE = "not shown (small numbers)"

PEOPLE = ("clinicians", "managers", "joiners", "leavers")
TOTALS = {"total_joined": "joiners", "total_pairs": "pairs", "total_confirmed": "confirmed"}


def cell(month: str, name: str) -> str:
    return f"{month}|{name}"


def month_cells(figures: MonthFigures) -> dict[str, int]:
    m = figures.month
    cells = {cell(m, name): getattr(figures, name) for name in (*PEOPLE, "pairs", "confirmed")}
    cells[cell(m, "answered")] = figures.answered
    cells[cell(m, "sit_outs")] = figures.sit_outs
    for site, (pairs, confirmed) in figures.sites.items():
        cells[cell(m, f"site:{site}:pairs")] = pairs
        cells[cell(m, f"site:{site}:confirmed")] = confirmed
    for reason, count in figures.reasons.items():
        cells[cell(m, f"reason:{reason}")] = count
    return cells


def month_relations(figures: MonthFigures, before: str | None) -> list[dict[str, int]]:
    m = figures.month
    relations = [
        {cell(m, "pairs"): 1, **{cell(m, f"site:{s}:pairs"): -1 for s in figures.sites}},
        {cell(m, "confirmed"): 1, **{cell(m, f"site:{s}:confirmed"): -1 for s in figures.sites}},
    ]
    people = {cell(m, "clinicians"): 1, cell(m, "managers"): 1, cell(m, "joiners"): -1, cell(m, "leavers"): 1}
    if before is not None:
        people |= {cell(before, "clinicians"): -1, cell(before, "managers"): -1}
    relations.append(people)
    for total, part in TOTALS.items():
        running = {cell(m, total): 1, cell(m, part): -1}
        if before is not None:
            running[cell(before, total)] = -1
        relations.append(running)
    return relations


def month_order(figures: MonthFigures) -> list[tuple[str, str]]:
    m = figures.month
    pairs = [(cell(m, "confirmed"), cell(m, "pairs"))]
    pairs += [(cell(m, f"site:{s}:confirmed"), cell(m, f"site:{s}:pairs")) for s in figures.sites]
    return pairs


@dataclass
class Publication:
    """Every cell's value and what may be shown of it, for a run of months since launch."""

    values: dict[str, int] = field(default_factory=dict)
    state: dict[str, Visibility] = field(default_factory=dict)
    relations: list[dict[str, int]] = field(default_factory=list)
    at_most: list[tuple[str, str]] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    quarters: list[str] = field(default_factory=list)
    # The pulse and shadowing (bot/evidence.py): no sum ties them to the participation counts, so
    # they are decided as a table of their own, which keeps each decision small.
    evidence_quarters: list[str] = field(default_factory=list)
    evidence_keys: set[str] = field(default_factory=set)
    _own_relations: dict[str, list[dict[str, int]]] = field(
        default_factory=lambda: {"counts": [], "evidence": []}
    )

    def add(
        self, cells: Mapping[str, int], relations: Iterable[dict[str, int]], part: str = "counts"
    ) -> None:
        """Decide new cells with everything already published held fixed."""
        relations = list(relations)
        self.values.update(cells)
        self.relations.extend(relations)
        self._own_relations[part].extend(relations)
        if part == "evidence":
            # Each question's counts (and each shadowing measure's) are tied only to each other,
            # so each group of tied counts is decided alone: much faster, and the same answer.
            for keys, tied in components(cells.keys(), self._own_relations[part]):
                values = {key: self.values[key] for key in keys}
                settled = {key: self.state[key] for key in keys if key in self.state}
                harmless = frozenset(k for k in keys if GROWN in k and not 0 < self.values[k] < SMALL_COUNT)
                self.state.update(decide(Table(values, tied, [], settled, harmless)))
            return
        keys = self.values.keys() - self.evidence_keys
        values = {key: self.values[key] for key in keys}
        settled = {key: self.state[key] for key in keys if key in self.state}
        self.state.update(decide(Table(values, self._own_relations[part], self.at_most, settled)))

    def add_evidence(self, evidence: QuarterEvidence) -> None:
        before = self.evidence_quarters[-1] if self.evidence_quarters else None
        cells, relations = evidence_cells(evidence, before, self.values)
        self.evidence_keys |= cells.keys()
        # How much the baseline grew is never printed: a reader knows it only by subtracting two
        # reports. So it starts as unknown, and only when it is small must it stay underivable.
        for key, value in cells.items():
            if GROWN in key and not 0 < value < SMALL_COUNT:
                self.state[key] = Visibility.WITHHELD
        self.add(cells, relations, part="evidence")
        self.evidence_quarters.append(evidence.quarter)

    def add_month(self, figures: MonthFigures) -> None:
        cells = month_cells(figures)
        for total, part in TOTALS.items():
            earlier = self.values.get(cell(self.months[-1], total), 0) if self.months else 0
            cells[cell(figures.month, total)] = earlier + cells[cell(figures.month, part)]
        self.at_most.extend(month_order(figures))
        self.add(cells, month_relations(figures, self.months[-1] if self.months else None))
        self.months.append(figures.month)

    def add_quarter(self, quarter: str, months: list[MonthFigures]) -> None:
        cells, relations = quarter_cells(quarter, months)
        self.at_most.append((cell(quarter, "confirmed"), cell(quarter, "pairs")))
        self.at_most.extend(
            (cell(quarter, f"site:{s}:confirmed"), cell(quarter, f"site:{s}:pairs"))
            for s in {site for f in months for site in f.sites}
        )
        self.add(cells, relations)
        self.quarters.append(quarter)

    def shows(self, key: str) -> bool:
        return self.state.get(key) is Visibility.SHOWN

    def text(self, key: str) -> str:
        seen = self.state[key]
        if seen is Visibility.SMALL:
            return SMALL_TEXT
        if seen is Visibility.GUARD:
            return GUARD_TEXT
        if seen is Visibility.WITHHELD:
            return WITHHELD_TEXT
        value = self.values[key]
        return "none" if value == 0 else str(value)

    def drawn(self, key: str) -> int | None:
        """The value to draw on a chart, or None where it is hidden."""
        return self.values[key] if self.shows(key) else None


def components(
    new: Iterable[str], relations: list[dict[str, int]]
) -> list[tuple[set[str], list[dict[str, int]]]]:
    """The groups of keys that sums tie together (through any chain of sums), each with its sums,
    for the groups holding a new key."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for relation in relations:
        first, *rest = relation
        for key in rest:
            parent[root(key)] = root(first)
    wanted = {root(key) for key in new}
    groups: dict[str, tuple[set[str], list[dict[str, int]]]] = {}
    for key in list(parent):
        if root(key) in wanted:
            groups.setdefault(root(key), (set(), []))[0].add(key)
    for key in new:
        groups.setdefault(root(key), (set(), []))[0].add(key)
    for relation in relations:
        group = groups.get(root(next(iter(relation))))
        if group is not None:
            group[1].append(relation)
    return list(groups.values())


QUARTER_SUMS = ("pairs", "confirmed", "answered", "joiners", "leavers", "sit_outs")


def quarter_of(month: str) -> str:
    year, number = month.split("-")
    return f"{year}-Q{(int(number) - 1) // 3 + 1}"


def quarter_cells(quarter: str, months: list[MonthFigures]) -> tuple[dict[str, int], list[dict[str, int]]]:
    """A quarter's counts: each the sum of the months it had (the months' digests already went out)."""
    cells: dict[str, int] = {}
    relations: list[dict[str, int]] = []
    for name in QUARTER_SUMS:
        cells[cell(quarter, name)] = sum(getattr(f, name) for f in months)
        relations.append({cell(quarter, name): 1, **{cell(f.month, name): -1 for f in months}})
    sites = sorted({site for f in months for site in f.sites})
    for site in sites:
        for index, name in enumerate(("pairs", "confirmed")):
            key = cell(quarter, f"site:{site}:{name}")
            cells[key] = sum(f.sites[site][index] for f in months if site in f.sites)
            relations.append(
                {key: 1, **{cell(f.month, f"site:{site}:{name}"): -1 for f in months if site in f.sites}}
            )
    for name in ("pairs", "confirmed"):
        relations.append({cell(quarter, name): 1, **{cell(quarter, f"site:{s}:{name}"): -1 for s in sites}})
    return cells, relations


def publish(
    history: Iterable[MonthFigures], evidence: Mapping[str, QuarterEvidence] | None = None
) -> Publication:
    """Each month's digest in turn, and each quarter's board report when its last month is out,
    with the quarter's pulse and shadowing where `evidence` has them."""
    publication = Publication()
    quarter: list[MonthFigures] = []
    for figures in history:
        publication.add_month(figures)
        quarter.append(figures)
        if figures.month.endswith(("-03", "-06", "-09", "-12")):
            name = quarter_of(figures.month)
            publication.add_quarter(name, quarter)
            if evidence and name in evidence:
                publication.add_evidence(evidence[name])
            quarter = []
    return publication
