"""The organisers' view: who is taking part, how rounds are going, what failed to send."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.context import Context, default_programme
from bot.digest import shown
from bot.model import Role, Status
from bot.redaction import refused_redactions
from bot.wording import plural


@dataclass
class ProgrammeStats:
    programme: str
    sites: int
    places: int
    people: dict[str, int]
    last_round: str | None
    last_round_pairs: int
    outbox: dict[str, int]
    failures: list[str] = field(default_factory=list)
    # Posted copies naming an erased person that the platform would not let Corridor rewrite.
    unredacted: int = 0

    def lines(self) -> list[str]:
        people = self.people
        lines = [
            f"Programme: {self.programme} ({plural(self.sites, 'site')}, "
            f"{plural(self.places, 'meeting place')})",
            f"Active: {plural(people['clinician'], 'clinician')}, {plural(people['manager'], 'manager')}; "
            f"paused: {people['paused']}; left: {people['left']}",
        ]
        if self.last_round:
            lines.append(f"Last round: {self.last_round}, {plural(self.last_round_pairs, 'pair')}")
        else:
            lines.append("No rounds yet.")
        out = self.outbox
        lines.append(
            f"Messages: {out.get('sent', 0)} sent, {out.get('pending', 0)} waiting, "
            f"{out.get('failed', 0)} failed"
        )
        lines += [f"  failed: {failure}" for failure in self.failures]
        if self.unredacted:
            lines.append(f"Erasure: {_unredacted(self.unredacted)}")
        return lines


def _unredacted(count: int) -> str:
    return (
        f"{plural(count, 'posted copy', 'posted copies')} naming an erased person could not be "
        "redacted: the platform refused the edit"
    )


def programme_stats(ctx: Context) -> ProgrammeStats:
    today = ctx.today()
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        people = {"clinician": 0, "manager": 0, "paused": 0, "left": 0}
        for person in uow.participants.list(programme.saved_id):
            state = person.status_on(today)
            if state is Status.ACTIVE:
                people[person.role.value] += 1
            else:
                people[state.value] += 1
        recent = uow.rounds.recent(programme.saved_id, 1)
        pairs = uow.pairs.for_rounds([recent[0].saved_id]) if recent else []
        failures = [
            f"{m.kind} on {m.platform} (key {m.key}): {m.last_error}"
            for m in uow.outbox.failed(programme.saved_id)
        ]
        return ProgrammeStats(
            programme=programme.name,
            sites=sum(not site.retired for site in uow.sites.list(programme.saved_id)),
            places=sum(not p.retired for p in uow.places.list(programme.saved_id)),
            people=people,
            last_round=recent[0].week if recent else None,
            last_round_pairs=len(pairs),
            outbox=uow.outbox.counts(programme.saved_id),
            failures=failures,
            unredacted=refused_redactions(uow, programme.saved_id),
        )


def organiser_summary(ctx: Context) -> str:
    """For `admin stats` in a chat: participation counts, small numbers suppressed."""
    stats = programme_stats(ctx)
    people = stats.people
    lines = [
        f"{stats.programme}: {shown(people[Role.CLINICIAN.value])} active clinicians, "
        f"{shown(people[Role.MANAGER.value])} active managers, {shown(people['paused'])} paused.",
        f"Last round: {stats.last_round or 'none yet'} with {plural(stats.last_round_pairs, 'pair')}.",
        f"Messages: {stats.outbox.get('pending', 0)} waiting, {stats.outbox.get('failed', 0)} failed "
        "(details: `corridor status`).",
    ]
    if stats.unredacted:
        # A count of messages, not of people: it names nobody, so it is not suppressed.
        lines.append(f"Erasure: {_unredacted(stats.unredacted)}.")
    return "\n".join(lines)
