"""The quarterly board report's figures: the quarter, by site and role, trends since launch.

Computed from the same month-by-month publication as the digests (bot/published.py), so the
report hides what the digests hid and nothing in it undoes them. Drawing it is an adapter's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.chart import Bar, ChartFigures, Series
from bot.context import Context, default_programme
from bot.digest import NOT_RUNNING, month_name, programme_history, share
from bot.evidence_rows import (
    evidence_by_quarter,
    pulse_rows,
    shadowing_by_site,
    shadowing_rows,
)
from bot.published import Publication, cell, publish
from bot.suppression import Visibility

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")

METHOD = [
    "What is counted: people who joined and left; pairs made in weekly rounds; meetings confirmed "
    "when either person answered 'We met'; sit-outs (a person without a partner in a round); the "
    "share of paired people who answered at all.",
    "What is hidden and why: any count from 1 to 4 is shown as 'fewer than 5', so nobody can be "
    "picked out. Where a hidden count could be worked out by adding or subtracting other figures "
    "in this report or in earlier digests, another figure is hidden too and marked 'not shown'. "
    "Zero is shown as 'none'. Percentages are shown only when both of their counts are.",
    "The relationship pulse: each person is asked four one-tap questions when they join (their "
    "baseline) and again each quarter (managers three: the leadership question is for clinicians), "
    "one question a week at most, always skippable. The first two questions use the scale of the IHM "
    "national survey of managers, whose figures are shown beside ours: 74% 'a partnership with areas "
    "of tension' or 'tolerance with frequent tensions', 14% 'persistent and unresolved tensions', 73% "
    "expecting the relationship to stay the same or get worse over five years. 'This quarter' is the "
    "answers to this quarter's pulse; 'at baseline' is everyone's first answers given by the quarter's "
    "end. Skipped questions are not counted. The same small-number rules apply to every pulse count "
    "and to the growth of the baseline from one report to the next.",
    "Shadowing: when both people of a pair say 'We met', each is offered an hour shadowing the other. "
    "Offers are counted in the quarter they were made, agreements (both said yes) in the quarter the "
    "second yes came, and shadowing done in the quarter someone first said it happened.",
    "Nobody is named. Counts of pairs survive a person's erasure; their details, pulse answers and "
    "shadowing answers do not, so a later report can count a little less than an earlier one.",
]


def quarter_months(quarter: str) -> list[str]:
    match = _QUARTER.match(quarter)
    if not match:
        raise ValueError(f"'{quarter}' is not a quarter; write it like 2026-Q4.")
    year, number = int(match[1]), int(match[2])
    return [f"{year}-{3 * (number - 1) + k:02d}" for k in (1, 2, 3)]


@dataclass(frozen=True)
class BoardReport:
    programme: str
    quarter: str
    title: str
    headline: list[list[str]]  # [label, value]
    by_site: list[list[str]]  # [site, pairs, confirmed]
    by_role: list[list[str]]  # [role, active at the quarter's end]
    charts: list[ChartFigures] = field(default_factory=list)
    method: list[str] = field(default_factory=lambda: list(METHOD))
    pulse: list[list[str]] = field(default_factory=list)  # [measure, this quarter, baseline, national]
    shadowing: list[list[str]] = field(default_factory=list)  # [label, value]
    shadowing_by_site: list[list[str]] = field(default_factory=list)  # [site, offered, agreed, done]

    def lines(self) -> list[str]:
        lines = [self.title, ""]
        lines += [f"{label}: {value}" for label, value in self.headline]
        lines += ["By site (pairs / confirmed):"] + [f"  {s}: {p} / {c}" for s, p, c in self.by_site]
        lines += ["By role (active at the quarter's end):"]
        lines += [f"  {r}: {' / '.join(rest)}" for r, *rest in self.by_role]
        if self.pulse:
            lines += ["Relationship pulse (this quarter / at baseline / national survey):"]
            lines += [f"  {label}: {' / '.join(v for v in rest if v)}" for label, *rest in self.pulse]
        if self.shadowing:
            lines += ["Shadowing:"] + [f"  {label}: {value}" for label, value in self.shadowing]
            lines += ["Shadowing by site (offered / agreed / done):"]
            lines += [f"  {s}: {' / '.join(rest)}" for s, *rest in self.shadowing_by_site]
        return lines


def board_report(ctx: Context, quarter: str) -> BoardReport:
    months = quarter_months(quarter)
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        history, running = programme_history(uow, programme, months[-1])
        evidence = evidence_by_quarter(uow, programme, history, running)
        published = publish([history.month(m) for m in running], evidence)
    title = f"{programme.name}: board report for {quarter}"
    if quarter not in published.quarters:
        return BoardReport(programme.name, quarter, title, [["Programme", NOT_RUNNING]], [], [])
    last = running[-1]
    return BoardReport(
        programme.name,
        quarter,
        title,
        _headline(published, quarter, last),
        _by_site(published, quarter),
        _by_role(published, last),
        [_meetings_chart(programme.name, published), _people_chart(programme.name, published)],
        pulse=pulse_rows(published, quarter),
        shadowing=shadowing_rows(published, quarter),
        shadowing_by_site=shadowing_by_site(published, quarter),
    )


def _headline(published: Publication, quarter: str, last: str) -> list[list[str]]:
    def q(name: str) -> str:
        return cell(quarter, name)

    return [
        ["Pairs made", published.text(q("pairs"))],
        ["Meetings confirmed", published.text(q("confirmed"))],
        ["Confirmation rate", share(published, q("confirmed"), q("pairs"))],
        ["Answer rate", share(published, q("answered"), q("pairs"), per_pair=2)],
        ["Joined", published.text(q("joiners"))],
        ["Left", published.text(q("leavers"))],
        ["Sit-outs (a week without a partner)", published.text(q("sit_outs"))],
        ["Active clinicians at the quarter's end", published.text(cell(last, "clinicians"))],
        ["Active managers at the quarter's end", published.text(cell(last, "managers"))],
        [
            f"Pairs made since launch ({month_name(published.months[0])})",
            published.text(cell(last, "total_pairs")),
        ],
        ["Meetings confirmed since launch", published.text(cell(last, "total_confirmed"))],
    ]


def _by_site(published: Publication, quarter: str) -> list[list[str]]:
    prefix = cell(quarter, "site:")
    sites = sorted(
        {key[len(prefix) :].rsplit(":", 1)[0] for key in published.values if key.startswith(prefix)}
    )
    return [
        [
            site,
            published.text(cell(quarter, f"site:{site}:pairs")),
            published.text(cell(quarter, f"site:{site}:confirmed")),
        ]
        for site in sites
    ]


def _by_role(published: Publication, last: str) -> list[list[str]]:
    # Joiners, leavers and sit-outs split by role are left out for now: two "fewer than 5" that
    # must add up to a published quarter total can pin each other (issue 10, still open).
    return [
        ["Clinicians", published.text(cell(last, "clinicians"))],
        ["Managers", published.text(cell(last, "managers"))],
    ]


def _bar(published: Publication, key: str) -> Bar:
    if published.shows(key):
        return Bar(published.values[key])
    return Bar(None, "<5" if published.state[key] is Visibility.SMALL else "hidden")


def _meetings_chart(name: str, published: Publication) -> ChartFigures:
    months = published.months[-12:]
    return ChartFigures.of(
        f"{name}: pairs made and meetings confirmed since launch",
        months,
        [_bar(published, cell(m, "pairs")) for m in months],
        [_bar(published, cell(m, "confirmed")) for m in months],
    )


def _people_chart(name: str, published: Publication) -> ChartFigures:
    months = published.months[-12:]
    series = [
        Series(label, [_bar(published, cell(m, key)) for m in months])
        for label, key in (("Clinicians", "clinicians"), ("Managers", "managers"))
    ]
    return ChartFigures(
        f"{name}: active clinicians and managers at each month's end", months, [], [], 0, series
    )
