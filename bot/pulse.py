"""The relationship pulse: four short questions, asked when someone joins and then each quarter.

The first answers a person gives are their baseline; each later wave is named by its quarter
("2026-Q4"), so a board can set this quarter beside the baseline and beside the national survey
the first two questions come from. One question per message, one tap per question, Skip on
every one, and never more than one question message a week to anyone. The sweep runs through
the working day, so a newcomer's first baseline question comes within the hour. People who are paused
(Corridor pauses the quiet ones), have left or were erased are not asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import commands as c
from bot.context import Context, Reply, Sender, default_programme, programme_settings_in
from bot.messages import Button, Intent, Notice, PersonCard
from bot.model import PulseAnswer, Role, Site, Status
from bot.outbox import to_one_person
from bot.people import find_sender
from bot.ports import UnitOfWork
from bot.programme import ProgrammeSettings
from bot.results import PulseRecorded
from bot.weeks import month_of

BASELINE = "baseline"
PULSE = "pulse"
SKIP = "skip"
# At most one pulse question message a week to anyone.
QUESTION_GAP = timedelta(days=7)


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    options: tuple[tuple[str, str], ...]  # (code, label), in the order they are offered
    roles: tuple[Role, ...] = (Role.CLINICIAN, Role.MANAGER)

    def label(self, answer: str) -> str:
        return dict(self.options)[answer]


RELATIONSHIP = Question(
    "relationship",
    "How would you describe the relationship between clinicians and managers here?",
    (
        ("partnership", "A partnership"),
        ("tension", "A partnership with areas of tension"),
        ("tolerance", "A relationship of tolerance with frequent tensions"),
        ("unresolved", "Persistent and unresolved tensions"),
    ),
)
OUTLOOK = Question(
    "outlook",
    "Over the next five years, do you expect it to get better, stay the same, or get worse?",
    (("better", "Get better"), ("same", "Stay the same"), ("worse", "Get worse")),
)
UNDERSTANDING = Question(
    "understanding",
    "How well do you understand the day-to-day work of the other role? (1 = hardly at all, 5 = very well)",
    tuple((str(n), str(n)) for n in range(1, 6)),
)
LEADERSHIP = Question(
    "leadership",
    "Would you consider a management or leadership role?",
    (("yes", "Yes"), ("maybe", "Maybe"), ("not_now", "Not now")),
    roles=(Role.CLINICIAN,),
)
QUESTIONS = (RELATIONSHIP, OUTLOOK, UNDERSTANDING, LEADERSHIP)
BY_CODE = {q.code: q for q in QUESTIONS}
# How often organisers can have the pulse come round after the baseline (0: no pulse at all).
PULSE_EVERY = {3: "Every quarter", 6: "Every 6 months", 12: "Once a year", 0: "Off (never asked)"}


def questions_for(role: Role) -> list[Question]:
    return [q for q in QUESTIONS if role in q.roles]


def quarter_of_day(moment: datetime) -> str:
    year, month = month_of(moment.date()).split("-")
    return f"{year}-Q{(int(month) - 1) // 3 + 1}"


def wave_due(quarter: str, every_months: int) -> bool:
    """Whether this quarter has a wave: every quarter, every other one (Q1, Q3) or once a year (Q1)."""
    if every_months <= 0:
        return False
    year, number = quarter.split("-Q")
    return (int(year) * 4 + int(number) - 1) % (every_months // 3) == 0


def next_question(
    role: Role, asked: list[PulseAnswer], now: datetime, chosen: ProgrammeSettings
) -> tuple[str, Question] | None:
    """The one question to put to this person now, or None: nothing due, or asked within the week."""
    if chosen.pulse_every_months <= 0:
        return None
    if any(now - a.asked_at < QUESTION_GAP for a in asked):
        return None
    waves = {(a.wave, a.question) for a in asked}
    mine = questions_for(role)
    for question in mine:
        if (BASELINE, question.code) not in waves:
            return BASELINE, question
    started = min(a.asked_at for a in asked if a.wave == BASELINE)
    quarter = quarter_of_day(now)
    # The baseline's own quarter has no second wave: a new joiner is not asked twice running.
    if quarter == quarter_of_day(started) or not wave_due(quarter, chosen.pulse_every_months):
        return None
    for question in mine:
        if (quarter, question.code) not in waves:
            return quarter, question
    return None


def question_notice(person: PersonCard, wave: str, question: Question) -> Notice:
    title = "A quick question" if wave == BASELINE else f"This quarter's pulse ({wave})"
    buttons = [Button(label, f"pulse {wave} {question.code} {code}") for code, label in question.options]
    buttons.append(Button("Skip", f"pulse {wave} {question.code} {SKIP}", Intent.DEFAULT))
    return Notice(
        topic=f"{PULSE}:{wave}:{question.code}",
        recipient=person,
        title=title,
        body=[
            question.text,
            "One tap is enough, and Skip is always fine. Organisers only ever see anonymous counts, "
            "never who said what; `forget-me` erases your answers.",
        ],
        buttons=buttons,
    )


def ask_if_due(
    uow: UnitOfWork,
    ctx: Context,
    programme_id: int,
    person_id: int,
    asked: list[PulseAnswer],
    sites: dict[int, Site],
    chosen: ProgrammeSettings,
) -> bool:
    """Queues this person's next question if one is due; True when it did."""
    person = uow.participants.get(person_id)
    now = ctx.clock.now()
    if person is None or person.erased or person.status_on(ctx.today()) is not Status.ACTIVE:
        return False
    found = next_question(person.role, asked, now, chosen)
    if found is None:
        return False
    wave, question = found
    if not uow.pulse.add(PulseAnswer(person.saved_id, wave, question.code, now)):
        return False
    notice = question_notice(PersonCard.of(person, sites), wave, question)
    uow.outbox.add_many_if_absent(
        [to_one_person(programme_id, notice.topic, notice.kind, notice.recipient, notice.to_payload(), now)]
    )
    return True


def send_pulse(ctx: Context) -> int:
    """The daily sweep: each person's next pulse question, where one is due. Returns how many."""
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        chosen = programme_settings_in(uow, ctx.settings)
        if chosen.pulse_every_months <= 0:
            return 0
        asked: dict[int, list[PulseAnswer]] = {}
        for answer in uow.pulse.for_programme(programme.saved_id):
            asked.setdefault(answer.participant_id, []).append(answer)
        sites = {s.saved_id: s for s in uow.sites.list(programme.saved_id)}
        queued = sum(
            ask_if_due(
                uow, ctx, programme.saved_id, person.saved_id, asked.get(person.saved_id, []), sites, chosen
            )
            for person in uow.participants.list(programme.saved_id)
            if not person.erased and person.left_at is None
        )
        uow.commit()
    return queued


THANKS = "Thank you: noted. Only anonymous counts ever leave Corridor."
SKIPPED = "No problem: skipped. You'll get the next question in a week or so."


def record_pulse(ctx: Context, sender: Sender, command: c.AnswerPulse) -> Reply:
    question = BY_CODE.get(command.question)
    if question is None or (command.answer is not None and command.answer not in dict(question.options)):
        return Reply(c.NOT_UNDERSTOOD, rejected=True)
    with ctx.uow() as uow:
        person = find_sender(uow, ctx, sender)
        asked = uow.pulse.get(person.saved_id, command.wave, question.code) if person else None
        if person is None or asked is None:
            return Reply("That question wasn't put to you, so nothing was recorded.", rejected=True)
        asked.answer = command.answer or SKIP
        asked.answered_at = ctx.clock.now()
        uow.pulse.save(asked)
        uow.commit()
    result = PulseRecorded(person.saved_id, command.wave, question.code, command.answer)
    if command.answer is None:
        return Reply(SKIPPED, result=result)
    return Reply(f"{THANKS} You said: {question.label(command.answer)}.", result=result)
