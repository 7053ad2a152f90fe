"""The pulse and shadowing as rows a digest or board report shows, from the publication's decisions."""

from __future__ import annotations

from bot.evidence import (
    BASELINE,
    NATIONAL,
    OWN_MEASURES,
    ROLES,
    SHADOW_MEASURES,
    WAVE,
    QuarterEvidence,
    pulse_key,
    read_evidence,
    shadow_key,
)
from bot.figures import ProgrammeHistory
from bot.model import Programme
from bot.ports import UnitOfWork
from bot.published import HIDDEN_RATE, Publication, quarter_of

NO_ANSWERS = "no answers"
SHADOW_LABELS = {
    "offered": "Shadowing offers made (pairs who both said 'We met')",
    "agreed": "Pairs who both said yes to shadowing",
    "done": "Pairs who said the shadowing happened",
}


def evidence_by_quarter(
    uow: UnitOfWork, programme: Programme, history: ProgrammeHistory, months: list[str]
) -> dict[str, QuarterEvidence]:
    """Each quarter that ended within `months`, read from the database (a few grouped queries each)."""
    ended = [m for m in months if m.endswith(("-03", "-06", "-09", "-12"))]
    return {
        quarter_of(month): read_evidence(
            uow, programme, quarter_of(month), history.sites, history.site_names(month)
        )
        for month in ended
    }


def percent(published: Publication, part: str, whole: str) -> str:
    """A share, shown only when both of its counts are: otherwise it could reveal them."""
    if published.values[whole] == 0:
        return NO_ANSWERS
    if not (published.shows(part) and published.shows(whole)):
        return HIDDEN_RATE
    return f"{100 * published.values[part] / published.values[whole]:.0f}%"


def _share(published: Publication, quarter: str, wave: str, question: str, groups: tuple[str, ...]) -> str:
    (group,) = groups
    role = None if question != "leadership" else "clinician"
    return percent(
        published,
        pulse_key(quarter, wave, question, group, role),
        pulse_key(quarter, wave, question, "answered", role),
    )


def pulse_rows(published: Publication, quarter: str) -> list[list[str]]:
    """[measure, this quarter, baseline, national survey] for each measure a board reads."""
    if quarter not in published.evidence_quarters:
        return []
    rows = []
    for national in NATIONAL:
        rows.append(
            [
                national.label,
                _share(published, quarter, WAVE, national.question, national.groups),
                _share(published, quarter, BASELINE, national.question, national.groups),
                f"{national.percent}%",
            ]
        )
    for label, question, group in OWN_MEASURES:
        rows.append(
            [
                label,
                _share(published, quarter, WAVE, question, (group,)),
                _share(published, quarter, BASELINE, question, (group,)),
                "not asked",
            ]
        )
    rows.append(
        [
            "People who answered the relationship question",
            published.text(pulse_key(quarter, WAVE, "relationship", "answered")),
            published.text(pulse_key(quarter, BASELINE, "relationship", "answered")),
            "",
        ]
    )
    return rows


def pulse_by_role(published: Publication, quarter: str) -> list[list[str]]:
    """[role, tension or tolerance this quarter, at baseline]: the national figure is managers'."""
    if quarter not in published.evidence_quarters:
        return []
    rows = []
    for role in ROLES:
        shares = [
            percent(
                published,
                pulse_key(quarter, wave, "relationship", "tension_or_tolerance", role),
                pulse_key(quarter, wave, "relationship", "answered", role),
            )
            for wave in (WAVE, BASELINE)
        ]
        rows.append([f"{role.capitalize()}s", *shares])
    return rows


def shadowing_rows(published: Publication, quarter: str) -> list[list[str]]:
    if quarter not in published.evidence_quarters:
        return []
    rows = [[SHADOW_LABELS[m], published.text(shadow_key(quarter, m))] for m in SHADOW_MEASURES]
    rows += [
        [
            f"{role.capitalize()}s who said yes to shadowing",
            published.text(shadow_key(quarter, "yes", role=role)),
        ]
        for role in ROLES
    ]
    return rows


def shadowing_by_site(published: Publication, quarter: str) -> list[list[str]]:
    """[site, offered, agreed, done]."""
    if quarter not in published.evidence_quarters:
        return []
    prefix = f"{quarter}|shadow:site:"
    sites = sorted(
        {key[len(prefix) :].rsplit(":", 1)[0] for key in published.evidence_keys if key.startswith(prefix)}
    )
    return [
        [site, *(published.text(shadow_key(quarter, m, site)) for m in SHADOW_MEASURES)] for site in sites
    ]
