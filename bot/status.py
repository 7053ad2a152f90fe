"""What Corridor knows about one person: shown by `status` and on Slack's App Home."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.context import Context, Reply, Sender, programme_settings_in
from bot.messages import Button
from bot.model import UNTIL_RESUMED, Pair, Status
from bot.people import JOIN_BUTTONS, NOT_JOINED, find_sender
from bot.ports import UnitOfWork
from bot.shifts import WorkingPattern
from bot.wording import plural
from bot.working_patterns import every_words

RECENT = 3


@dataclass(frozen=True)
class PastPairing:
    week: str
    partner: str
    place: str
    outcome: str


@dataclass(frozen=True)
class PersonalStatus:
    joined: bool
    role: str = ""
    site: str = ""
    department: str | None = None
    capacity: int = 1
    status: str = ""
    paused_until: date | None = None
    recent: list[PastPairing] = field(default_factory=list)
    # "nights (19:30–08:00), off Monday": their usual shifts as Corridor takes them.
    shifts: str = ""
    every_weeks: int = 1
    cadence_weeks: int = 1

    def lines(self) -> list[str]:
        if not self.joined:
            return [NOT_JOINED]
        if self.status == Status.PAUSED.value and self.paused_until == UNTIL_RESUMED:
            state = "paused until you resume"
        elif self.status == Status.PAUSED.value:
            state = f"paused until {self.paused_until:%d %B %Y}"
        elif self.status == Status.LEFT.value:
            state = "left: type `join` to come back"
        else:
            state = "active: you're in the next round"
        about = f"You take part as a {self.role} at {self.site}"
        if self.department:
            about += f" ({self.department})"
        lines = [about + ".", f"Status: {state}."]
        if self.role == "manager":
            lines.append(f"You meet up to {plural(self.capacity, 'clinician')} a week.")
        if self.shifts:
            lines.append(f"Usual shifts: {self.shifts}. Change them with `shifts nights` or `off mon tue`.")
        if self.every_weeks > 1:
            lines.append(every_words(self.every_weeks, self.cadence_weeks))
        if self.recent:
            lines.append("Recent pairings:")
            lines += [f"  {p.week}: {p.partner} at {p.place} ({p.outcome})" for p in self.recent]
        else:
            lines.append("No pairings yet.")
        return lines

    def buttons(self) -> list[Button]:
        """What a person can do next from where they stand (Slack's App Home shows these)."""
        if not self.joined or self.status == Status.LEFT.value:
            return list(JOIN_BUTTONS)
        if self.status == Status.PAUSED.value:
            return [Button("Resume", "resume"), Button("Leave", "leave")]
        return [Button("Pause 2 weeks", "pause 2w"), Button("Leave", "leave")]


def personal_status(ctx: Context, sender: Sender) -> PersonalStatus:
    with ctx.uow() as uow:
        person = find_sender(uow, ctx, sender)
        if person is None:
            return PersonalStatus(joined=False)
        sites = {s.id: s for s in uow.sites.list(person.programme_id)}
        pairs = uow.pairs.for_participant(person.saved_id, RECENT)
        partners = uow.participants.get_many([p.partner_of(person.saved_id) for p in pairs])
        outcomes = {
            (o.pair_id, o.participant_id): o for o in uow.outcomes.for_pairs([p.saved_id for p in pairs])
        }
        weeks = _weeks_of(uow, person.programme_id, pairs)
        recent = []
        for pair in pairs:
            outcome = outcomes.get((pair.saved_id, person.saved_id))
            recent.append(
                PastPairing(
                    week=weeks.get(pair.round_id, ""),
                    partner=partners[pair.partner_of(person.saved_id)].display_name,
                    place=pair.place_text,
                    outcome=outcome.kind.label if outcome else "no answer yet",
                )
            )
        return PersonalStatus(
            joined=True,
            role=person.role.value,
            site=sites[person.site_id].name,
            department=person.department,
            capacity=person.capacity,
            status=person.status_on(ctx.today()).value,
            paused_until=person.paused_until,
            recent=recent,
            shifts=WorkingPattern.stored(person.shift_pattern, person.days_off).describe(person.role.value),
            every_weeks=person.every_weeks,
            cadence_weeks=programme_settings_in(uow, ctx.settings).cadence_weeks,
        )


def _weeks_of(uow: UnitOfWork, programme_id: int, pairs: list[Pair]) -> dict[int, str]:
    wanted = {p.round_id for p in pairs}
    if not wanted:
        return {}
    return {r.saved_id: r.week for r in uow.rounds.by_ids(wanted)}


def status_reply(ctx: Context, sender: Sender) -> Reply:
    return Reply("\n".join(personal_status(ctx, sender).lines()))
