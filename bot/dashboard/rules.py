"""Do-not-pair rules, as organisers keep them: a clinician and a manager who must never be
paired (a clinician and their own line manager, say). The next round reads them as it pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context, default_programme
from bot.dashboard.audit import record
from bot.dashboard.sites import Change
from bot.errors import Conflict
from bot.model import Exclusion, Organiser, Participant, Role
from bot.ports import UnitOfWork

OFFERED = 200


@dataclass(frozen=True)
class RuleView:
    clinician_id: int
    clinician: str
    manager_id: int
    manager: str


@dataclass(frozen=True)
class Choice:
    id: int
    label: str  # name, site and email, so two people with one name can be told apart


@dataclass(frozen=True)
class RuleChoices:
    clinicians: list[Choice]
    managers: list[Choice]
    clinicians_matched: int  # may be more than are offered
    managers_matched: int


def list_rules(ctx: Context) -> list[RuleView]:
    """Rules naming an erased person are left out: there is nobody left to name."""
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        rules = uow.exclusions.list(programme.saved_id)
        people = uow.participants.get_many({i for r in rules for i in (r.clinician_id, r.manager_id)})
    views = []
    for rule in rules:
        clinician, manager = people.get(rule.clinician_id), people.get(rule.manager_id)
        if clinician and manager and not (clinician.erased or manager.erased):
            views.append(RuleView(clinician.saved_id, _name(clinician), manager.saved_id, _name(manager)))
    return sorted(views, key=lambda r: (r.clinician.casefold(), r.manager.casefold()))


def rule_choices(ctx: Context, clinician_query: str = "", manager_query: str = "") -> RuleChoices:
    """Everyone still in the programme, by role, narrowed to names or emails containing the words."""
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        people = [p for p in uow.participants.list(programme.saved_id) if not p.erased and p.left_at is None]
        sites = {s.saved_id: s.name for s in uow.sites.list(programme.saved_id)}
    clinicians = _matching(people, Role.CLINICIAN, clinician_query)
    managers = _matching(people, Role.MANAGER, manager_query)
    return RuleChoices(
        [_choice(p, sites) for p in clinicians[:OFFERED]],
        [_choice(p, sites) for p in managers[:OFFERED]],
        len(clinicians),
        len(managers),
    )


def add_rule(ctx: Context, who: Organiser, clinician_id: str, manager_id: str) -> Change:
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        clinician = _member(uow, programme.saved_id, clinician_id, Role.CLINICIAN)
        manager = _member(uow, programme.saved_id, manager_id, Role.MANAGER)
        problems = {}
        if clinician is None:
            problems["clinician"] = "Choose the clinician from the list."
        if manager is None:
            problems["manager"] = "Choose the manager from the list."
        if clinician is None or manager is None:
            return Change(problems=problems)
        rule = Exclusion(programme.saved_id, clinician.saved_id, manager.saved_id)
        names = f"{clinician.display_name} and {manager.display_name}"
        if rule in uow.exclusions.list(programme.saved_id):
            return Change(problems={"clinician": f"{names} are already never paired; choose another pair."})
        uow.exclusions.add(rule)
        record(uow, ctx, programme, who, "Added a do-not-pair rule", names)
        return _commit(uow, f"{names} will not be paired from the next round on.", "clinician")


def remove_rule(ctx: Context, who: Organiser, clinician_id: str, manager_id: str) -> Change:
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        ids = (clinician_id, manager_id)
        if not all(i.isdigit() for i in ids):
            return Change(problems={"rules": "That rule no longer exists."})
        rule = Exclusion(programme.saved_id, int(clinician_id), int(manager_id))
        people = uow.participants.get_many(rule_ids := (rule.clinician_id, rule.manager_id))
        if not uow.exclusions.remove(rule) or len(people) != len(rule_ids):
            return Change(problems={"rules": "That rule no longer exists; someone may have removed it."})
        names = " and ".join(people[i].display_name for i in rule_ids)
        record(uow, ctx, programme, who, "Removed a do-not-pair rule", names)
        return _commit(uow, f"Removed the rule: {names} may be paired again.", "rules")


def _matching(people: list[Participant], role: Role, query: str) -> list[Participant]:
    wanted = " ".join(query.split()).casefold()
    found = [
        p
        for p in people
        if p.role is role and (wanted in p.display_name.casefold() or wanted in (p.email or "").casefold())
    ]
    return sorted(found, key=lambda p: (p.display_name.casefold(), p.saved_id))


def _choice(person: Participant, sites: dict[int, str]) -> Choice:
    where = sites.get(person.site_id, "no site")
    return Choice(
        person.saved_id, f"{person.display_name}, {where}" + (f" ({person.email})" if person.email else "")
    )


def _member(uow: UnitOfWork, programme_id: int, person_id: str, role: Role) -> Participant | None:
    person = uow.participants.get(int(person_id)) if person_id.isdigit() else None
    if person is None or person.programme_id != programme_id or person.erased or person.left_at:
        return None
    return person if person.role is role else None


def _name(person: Participant) -> str:
    return person.display_name + (" (left)" if person.left_at is not None else "")


def _commit(uow: UnitOfWork, done: str, field_name: str) -> Change:
    try:
        uow.commit()
    except Conflict:
        return Change(problems={field_name: "Someone else changed this just now; try again."})
    return Change(done=done)
