"""The weekly round: pair everyone available, suggest places, queue the intros, all at once.

One transaction writes the round, its pairs, its sit-outs and every message to send, so a
crash leaves either a whole round or none. A second run in the same week is a top-up: it
pairs only active people not yet paired that week (someone who joined on Tuesday).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.context import Context, default_programme, programme_settings_in
from bot.errors import Conflict
from bot.meeting_times import RoundTimes
from bot.meetups import Meetup, MeetupPlanner
from bot.memory import collector_paused
from bot.messages import INTRO, PersonCard
from bot.model import UNTIL_RESUMED, OutboxMessage, Pair, Participant, Programme, Role, Round, SitOut
from bot.outbox import pair_messages, sit_out_message
from bot.pairing import Candidate, PairingInput, meeting_key, pair_round
from bot.ports import UnitOfWork
from bot.quiet import auto_pause_notice, notice_message, silent_people
from bot.shifts import pattern_fitting
from bot.starters import choose_starter
from bot.weeks import monday_of, week_of
from bot.wording import plural


@dataclass
class PlannedPair:
    clinician: PersonCard
    manager: PersonCard
    meetup: Meetup
    starter: str
    # Times to offer them (local, "2026-05-05T07:30"), and whether those are shared hours.
    times: list[str] = field(default_factory=list)
    times_overlap: bool = True


@dataclass
class RoundReport:
    week: str
    pairs: list[PlannedPair] = field(default_factory=list)
    sat_out: list[PersonCard] = field(default_factory=list)
    top_up: bool = False
    already_done: bool = False
    recorded: bool = False
    dry_run: bool = False
    repeats: int = 0
    same_site: int = 0
    messages_queued: int = 0
    available: dict[str, int] = field(default_factory=dict)
    # Paused this round for answering none of their last intros.
    paused_for_silence: int = 0
    # Left out because they asked to be paired less often than the rounds run.
    resting: int = 0

    def summary(self) -> str:
        if self.already_done:
            return f"The round for {self.week} has already run; nothing new to do."
        if not self.pairs:
            counts = (
                f"{plural(self.available.get('clinician', 0), 'clinician')} and "
                f"{plural(self.available.get('manager', 0), 'manager')} with room"
            )
            if self.top_up:
                return (
                    f"This week's round ({self.week}) already ran; the top-up found nobody new to pair "
                    f"({counts} not yet paired). Nothing changed."
                )
            if self.paused_for_silence:
                return f"Nobody could be paired for {self.week}: {counts} available.{self._quiet()}"
            return f"Nobody could be paired for {self.week}: {counts} available. Nothing was recorded."
        kind = "Top-up for" if self.top_up else "Round"
        verb = "would pair" if self.dry_run else "paired"
        text = (
            f"{kind} {self.week}: {verb} {plural(len(self.pairs), 'clinician-manager pair')}, "
            f"{self.same_site} on the same site; {len(self.sat_out)} without a partner this time."
        )
        if self.top_up:
            text += " (This week already had a round, so only people not yet paired were included.)"
        text += self._quiet()
        if self.resting:
            who = plural(self.resting, "person", "people")
            text += f" {who} who asked to be paired less often sat this round out."
        if self.repeats:
            text += f" {plural(self.repeats, 'pair')} had met recently; there was no other way to pair them."
        return text

    def _quiet(self) -> str:
        if not self.paused_for_silence:
            return ""
        who = plural(self.paused_for_silence, "person", "people")
        return f" {who} who had answered none of their recent intros paused and told how to resume."


def run_round(
    ctx: Context, week: str | None = None, *, dry_run: bool = False, scheduled: bool = False
) -> RoundReport:
    today = ctx.today()
    week = week or week_of(today)
    held_on = today if week_of(today) == week else monday_of(week)
    with ctx.uow(read_only=dry_run) as uow, collector_paused():
        programme = default_programme(uow, ctx.settings)
        existing = uow.rounds.get(programme.saved_id, week)
        if existing is not None and scheduled:
            return RoundReport(week=week, already_done=True)
        plan = _plan(uow, ctx, programme, week, held_on, existing)
        if dry_run or not plan.report.pairs:
            plan.report.dry_run = dry_run
            if plan.silent and not dry_run:  # nobody to pair, but the quiet are still told
                uow.outbox.add_many_if_absent(_pause_the_silent(uow, ctx, programme, week, plan))
                uow.commit()
            return plan.report
        try:
            _record(uow, ctx, programme, plan, existing)
            uow.commit()
        except Conflict:
            # Another process recorded this week's round first; theirs stands.
            return RoundReport(week=week, already_done=True)
    plan.report.recorded = True
    return plan.report


@dataclass
class _Plan:
    report: RoundReport
    round_: Round
    cards: dict[int, PersonCard]
    sat_out: list[int]
    silent: list[Participant] = field(default_factory=list)


def _plan(
    uow: UnitOfWork, ctx: Context, programme: Programme, week: str, held_on: date, existing: Round | None
) -> _Plan:
    people = {p.saved_id: p for p in uow.participants.list(programme.saved_id) if p.is_available_on(held_on)}
    already_paired, load = _this_week(uow, existing)
    # Meetings older than the window are no repeat at all, so only the window's rounds matter.
    previous = uow.rounds.recent(programme.saved_id, max(programme.repeat_window, 1), week)
    quiet = ctx.settings.auto_pause_after_rounds
    silent = (
        [people.pop(pid) for pid in sorted(silent_people(uow, people, previous, quiet))]
        if not existing
        else []
    )
    resting = _resting(uow, programme, people, held_on)
    for pid in resting:
        del people[pid]
    seed = existing.seed ^ len(already_paired) if existing else ctx.seeds.new_seed()
    job = _pairing_input(uow, programme, people, already_paired, load, previous, seed)
    result = pair_round(job)
    sites = {s.saved_id: s for s in uow.sites.list(programme.saved_id)}
    cards = {pid: PersonCard.of(p, sites) for pid, p in people.items()}
    report = RoundReport(
        week=week,
        top_up=existing is not None,
        repeats=result.repeats,
        same_site=result.same_site,
        available={"clinician": len(job.clinicians), "manager": len(job.managers)},
    )
    report.resting = len(resting)
    in_use = [p for p in uow.places.list(programme.saved_id) if not p.retired]
    planner = MeetupPlanner(list(sites.values()), in_use, int(week[-2:]))
    weeks = programme_settings_in(uow, ctx.settings).cadence_weeks
    times = RoundTimes.for_round(ctx.clock.now(), held_on, weeks, ctx.settings.timezone)
    last_starters = _last_starters(uow, previous[:1])
    for index, (clinician, manager) in enumerate(result.pairs):
        avoid = {last_starters[p] for p in (clinician, manager) if p in last_starters}
        meetup = planner.suggest(people[clinician].site_id, people[manager].site_id)
        offered, overlap = times.offer(people[clinician], people[manager], meetup.hours)
        report.pairs.append(
            PlannedPair(
                clinician=cards[clinician],
                manager=cards[manager],
                meetup=meetup,
                starter=choose_starter(seed % 1000 + index, avoid),
                times=offered,
                times_overlap=overlap,
            )
        )
    # In a top-up, a manager with a spare slot already has a partner this week: not a sit-out.
    sat_out = [p for p in result.sat_out if p not in load]
    report.sat_out = [cards[p] for p in sat_out]
    round_ = existing or Round(programme.saved_id, week, seed, held_on, ctx.clock.now())
    report.paused_for_silence = len(silent)
    silent_cards = {p.saved_id: PersonCard.of(p, sites) for p in silent}
    return _Plan(report, round_, cards | silent_cards, sat_out, silent)


def _pairing_input(
    uow: UnitOfWork,
    programme: Programme,
    people: dict[int, Participant],
    already_paired: set[int],
    load: dict[int, int],
    previous: list[Round],
    seed: int,
) -> PairingInput:
    clinicians = [
        Candidate(p.saved_id, p.site_id, pattern=p.shift_pattern or "")
        for p in people.values()
        if p.role is Role.CLINICIAN and p.saved_id not in already_paired
    ]
    managers = [
        Candidate(p.saved_id, p.site_id, p.capacity - load.get(p.saved_id, 0), p.shift_pattern or "")
        for p in people.values()
        if p.role is Role.MANAGER and p.capacity - load.get(p.saved_id, 0) > 0
    ]
    declared = any(p.shift_pattern for p in people.values())
    last_round = [previous[0].saved_id] if previous else []
    exclusions = uow.exclusions.list(programme.saved_id)
    return PairingInput(
        clinicians=clinicians,
        managers=managers,
        seed=seed,
        rounds_since_met=_rounds_since_met(uow, previous),
        repeat_window=programme.repeat_window,
        exclusions=frozenset(meeting_key(e.clinician_id, e.manager_id) for e in exclusions),
        sat_out_last=frozenset(s.participant_id for s in uow.sit_outs.for_rounds(last_round)),
        fitting=pattern_fitting() if declared else frozenset(),
    )


# Rounds on the same weekday are whole weeks apart; a round moved by a day or two still counts.
_ROUND_SLACK_DAYS = 3


def _resting(
    uow: UnitOfWork, programme: Programme, people: dict[int, Participant], held_on: date
) -> set[int]:
    """Who asked to be paired less often (`every 2w`) and was paired too recently for their asking."""
    wanting = {pid: p.every_weeks for pid, p in people.items() if p.every_weeks > 1}
    if not wanting:
        return set()
    since = held_on - timedelta(days=7 * max(wanting.values()) - _ROUND_SLACK_DAYS)
    held = {r.saved_id: r.held_on for r in uow.rounds.held_between(programme.saved_id, since, held_on)}
    resting: set[int] = set()
    for clinician, manager, round_id in uow.pairs.meetings(list(held)):
        for pid in (clinician, manager):
            weeks = wanting.get(pid)
            if weeks and (held_on - held[round_id]).days < 7 * weeks - _ROUND_SLACK_DAYS:
                resting.add(pid)
    return resting


def _this_week(uow: UnitOfWork, existing: Round | None) -> tuple[set[int], dict[int, int]]:
    if existing is None:
        return set(), {}
    paired: set[int] = set()
    load: dict[int, int] = {}
    for pair in uow.pairs.for_rounds([existing.saved_id]):
        paired.add(pair.clinician_id)
        load[pair.manager_id] = load.get(pair.manager_id, 0) + 1
    return paired, load


def _rounds_since_met(uow: UnitOfWork, previous: list[Round]) -> dict[int, int]:
    age_of_round = {r.saved_id: age for age, r in enumerate(previous, start=1)}
    since: dict[int, int] = {}
    for clinician, manager, round_id in uow.pairs.meetings(list(age_of_round)):
        key = meeting_key(clinician, manager)
        age = age_of_round[round_id]
        if age < since.get(key, age + 1):
            since[key] = age
    return since


def _last_starters(uow: UnitOfWork, rounds: list[Round]) -> dict[int, str]:
    starters: dict[int, str] = {}
    for pair in uow.pairs.for_rounds([r.saved_id for r in rounds]):
        starters[pair.clinician_id] = pair.starter
        starters[pair.manager_id] = pair.starter
    return starters


def _record(uow: UnitOfWork, ctx: Context, programme: Programme, plan: _Plan, existing: Round | None) -> None:
    now = ctx.clock.now()
    weeks = programme_settings_in(uow, ctx.settings).cadence_weeks  # the words follow the cadence
    round_ = existing or uow.rounds.add(plan.round_)
    planned = plan.report.pairs
    pairs = uow.pairs.add_many(
        [
            Pair(
                round_id=round_.saved_id,
                clinician_id=p.clinician.participant_id,
                manager_id=p.manager.participant_id,
                place_id=p.meetup.place_id,
                place_text=p.meetup.summary(),
                starter=p.starter,
                created_at=now,
            )
            for p in planned
        ]
    )
    recorded = {s.participant_id for s in uow.sit_outs.for_rounds([round_.saved_id])} if existing else set()
    uow.sit_outs.add_many([SitOut(round_.saved_id, pid) for pid in plan.sat_out if pid not in recorded])
    messages: list[OutboxMessage] = []
    for pair, plan_pair in zip(pairs, planned, strict=True):
        messages += pair_messages(
            programme_id=programme.saved_id,
            week=round_.week,
            kind=INTRO,
            pair=pair,
            clinician=plan_pair.clinician,
            manager=plan_pair.manager,
            meetup=plan_pair.meetup,
            settings=ctx.settings,
            now=now,
            weeks=weeks,
            times=plan_pair.times,
            times_overlap=plan_pair.times_overlap,
        )
    messages += [
        sit_out_message(programme.saved_id, round_.week, plan.cards[pid], now, weeks) for pid in plan.sat_out
    ]
    messages += _pause_the_silent(uow, ctx, programme, round_.week, plan)
    plan.report.messages_queued = uow.outbox.add_many_if_absent(messages)


def _pause_the_silent(
    uow: UnitOfWork, ctx: Context, programme: Programme, week: str, plan: _Plan
) -> list[OutboxMessage]:
    rounds = ctx.settings.auto_pause_after_rounds
    for person in plan.silent:
        person.paused_until = UNTIL_RESUMED
        uow.participants.save(person)
    return [
        notice_message(
            programme.saved_id, week, auto_pause_notice(plan.cards[p.saved_id], rounds), ctx.clock.now()
        )
        for p in plan.silent
    ]
