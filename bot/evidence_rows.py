"""The pulse and shadowing as rows a digest or board report shows, from the publication's decisions."""

from __future__ import annotations

from bot.evidence import (
    BASELINE,
    BY_ROLE,
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
    quarters = {quarter_of(month): history.site_names(month) for month in ended}
    return read_evidence(uow, programme, quarters, history.sites)


def percent(published: Publication, part: str, whole: str) -> str:
    """A share, shown only when both of its counts are: otherwise it could reveal them."""
    if published.values[whole] == 0:
        return NO_ANSWERS
    if not (published.shows(part) and published.shows(whole)):
        return HIDDEN_RATE
    return f"{100 * published.values[part] / published.values[whole]:.0f}%"


def _share(
    published: Publication, quarter: str, wave: str, question: str, group: str, role: str | None
) -> str:
    return percent(
        published,
        pulse_key(quarter, wave, question, group, role),
        pulse_key(quarter, wave, question, "answered", role),
    )


def pulse_rows(published: Publication, quarter: str) -> list[list[str]]:
    """[measure, this quarter, baseline, national survey] for each measure a board reads. The
    relationship is shown role by role: the national survey asked managers."""
    if quarter not in published.evidence_quarters:
        return []
    rows = []
    for national in NATIONAL:
        (group,) = national.groups
        if national.question in BY_ROLE:
            for role in reversed(ROLES):  # managers first, beside the managers' survey
                rows.append(
                    [
                        f"{role.capitalize()}s: {national.label[0].lower()}{national.label[1:]}",
                        *(
                            _share(published, quarter, w, national.question, group, role)
                            for w in (WAVE, BASELINE)
                        ),
                        f"{national.percent}%" if role == "manager" else "",
                    ]
                )
            continue
        rows.append(
            [
                national.label,
                *(_share(published, quarter, w, national.question, group, None) for w in (WAVE, BASELINE)),
                f"{national.percent}%",
            ]
        )
    for label, question, group in OWN_MEASURES:
        who = "clinician" if question == "leadership" else None
        rows.append(
            [label, *(_share(published, quarter, w, question, group, who) for w in (WAVE, BASELINE)), ""]
        )
    for role in reversed(ROLES):
        rows.append(
            [
                f"{role.capitalize()}s who answered the relationship question",
                *(
                    published.text(pulse_key(quarter, w, "relationship", "answered", role))
                    for w in (WAVE, BASELINE)
                ),
                "",
            ]
        )
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
