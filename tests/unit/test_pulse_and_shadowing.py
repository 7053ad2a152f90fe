"""Stories of the relationship pulse and shadowing offers, over the console.

Amara joins and gets the baseline pulse, one question a week; a quarter later the pulse comes
again, once; she and Ben both say "We met", both accept shadowing, and a month later are asked
whether it happened.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from adapters.console.render import render
from bot.messages import Notice
from bot.pulse import send_pulse
from bot.rounds import run_round
from bot.shadowing import send_shadowing_checks


def deliver(hospital) -> list[tuple[str, list[str]]]:
    """What the console showed since last time: (who, lines) per message."""
    before = len(hospital.notifier.sent)
    asyncio.run(hospital.worker.drain())
    return [
        (Notice.from_payload(m.payload).recipient.name if m.kind == "notice" else "", render(m.payload))
        for m in hospital.notifier.sent[before:]
    ]


def pulse_questions(shown: list[tuple[str, list[str]]]) -> list[tuple[str, str]]:
    return [(who, lines[1]) for who, lines in shown if "pulse" in lines[0] or lines[0] == "A quick question"]


def buttons(hospital, user: str, title: str) -> list[tuple[str, str]]:
    """The buttons of the newest notice with this title sent to the user: (label, command)."""
    person = hospital.person(user)
    notices = [
        Notice.from_payload(m.payload)
        for m in hospital.outbox("notice")
        if m.payload["recipient"]["participant_id"] == person.id and m.payload["title"] == title
    ]
    return [(b.label, b.command) for b in notices[-1].buttons]


def tap(hospital, user: str, title: str, label: str) -> str:
    command = dict(buttons(hospital, user, title))[label]
    return hospital.chat.send(user, command)


def test_a_newcomer_gets_the_baseline_one_question_a_week_and_can_skip(hospital):
    hospital.join("amara", "clinician", name="Dr Amara Okafor")
    assert send_pulse(hospital.ctx) == 1
    [(who, question)] = pulse_questions(deliver(hospital))
    assert who == "Dr Amara Okafor"
    assert question == "How would you describe the relationship between clinicians and managers here?"
    labels = [label for label, _ in buttons(hospital, "amara", "A quick question")]
    assert labels == [
        "A partnership",
        "A partnership with areas of tension",
        "A relationship of tolerance with frequent tensions",
        "Persistent and unresolved tensions",
        "Skip",
    ]
    assert "You said: A partnership with areas of tension" in tap(
        hospital, "amara", "A quick question", "A partnership with areas of tension"
    )

    hospital.clock.advance(days=3)
    assert send_pulse(hospital.ctx) == 0  # never more than one question message a week
    hospital.clock.advance(days=4)
    assert send_pulse(hospital.ctx) == 1
    [(_, question)] = pulse_questions(deliver(hospital))
    assert question.startswith("Over the next five years")
    assert tap(hospital, "amara", "A quick question", "Skip").startswith("No problem: skipped.")

    for expected in ("How well do you understand", "Would you consider a management"):
        hospital.clock.advance(days=7)
        send_pulse(hospital.ctx)
        [(_, question)] = pulse_questions(deliver(hospital))
        assert question.startswith(expected)
    hospital.clock.advance(days=7)
    assert send_pulse(hospital.ctx) == 0  # the baseline is done, and this quarter has no other wave
    answers = {(a.question, a.answer) for a in hospital.store().pulse.values()}
    assert ("relationship", "tension") in answers and ("outlook", "skip") in answers


def test_a_manager_is_not_asked_the_leadership_question(hospital):
    hospital.join("ben", "manager", name="Ben Hughes")
    for _ in range(5):
        send_pulse(hospital.ctx)
        hospital.clock.advance(days=7)
    assert sorted(a.question for a in hospital.store().pulse.values()) == [
        "outlook",
        "relationship",
        "understanding",
    ]


def test_a_quarter_later_the_pulse_comes_again_once(hospital):
    hospital.join("amara", "clinician", name="Dr Amara Okafor")
    for _ in range(5):
        send_pulse(hospital.ctx)
        hospital.clock.advance(days=7)
    deliver(hospital)
    hospital.clock.set(datetime(2027, 1, 4, 10, 15, tzinfo=UTC))
    asked = []
    for _ in range(10):  # ten weeks of daily sweeps
        for _ in range(7):
            send_pulse(hospital.ctx)
            hospital.clock.advance(days=1)
        asked += pulse_questions(deliver(hospital))
    assert [question.split()[0:3] for _, question in asked] == [
        ["How", "would", "you"],
        ["Over", "the", "next"],
        ["How", "well", "do"],
        ["Would", "you", "consider"],
    ]
    waves = sorted({a.wave for a in hospital.store().pulse.values()})
    assert waves == ["2027-Q1", "baseline"]


def test_paused_and_departed_people_are_not_asked(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    hospital.chat.send("amara", "pause 2w")
    hospital.chat.send("ben", "leave")
    assert send_pulse(hospital.ctx) == 0
    hospital.clock.advance(days=15)
    assert send_pulse(hospital.ctx) == 1  # Amara's pause is over


def test_an_organiser_can_turn_the_pulse_off(hospital):
    from bot.programme import store, stored

    with hospital.uow() as uow:
        store(uow, hospital.programme_id, {**stored(uow, hospital.programme_id), "pulse_every_months": 0})
        uow.commit()
    hospital.join("amara", "clinician")
    assert send_pulse(hospital.ctx) == 0


def test_a_button_someone_forged_for_a_question_never_asked_records_nothing(hospital):
    hospital.join("amara", "clinician")
    assert "wasn't put to you" in hospital.chat.send("amara", "pulse 2026-Q4 relationship tension")
    assert "not understood" in hospital.chat.send("amara", "pulse baseline relationship maybe")
    assert "not understood" in hospital.chat.send("amara", "pulse yesterday relationship tension")
    assert not any(a.answer for a in hospital.store().pulse.values())


def test_both_say_we_met_both_accept_shadowing_and_a_month_later_are_asked(hospital):
    hospital.join("amara", "clinician", name="Dr Amara Okafor")
    hospital.join("ben", "manager", name="Ben Hughes")
    run_round(hospital.ctx)
    [pair] = hospital.pairs()
    deliver(hospital)
    hospital.chat.send("amara", f"outcome {pair.id} met")
    assert not hospital.store().shadowing_offers  # one "We met" is not both
    hospital.chat.send("ben", f"outcome {pair.id} met")
    offers = [
        (who, lines) for who, lines in deliver(hospital) if lines[0] == "Shadow each other for an hour?"
    ]
    assert sorted(who for who, _ in offers) == ["Ben Hughes", "Dr Amara Okafor"]
    assert "shadowing Ben Hughes's working day" in " ".join(dict(offers)["Dr Amara Okafor"])

    said = tap(hospital, "amara", "Shadow each other for an hour?", "Yes, I'd like that")
    assert "if your partner says yes too" in said
    assert deliver(hospital) == []
    said = tap(hospital, "ben", "Shadow each other for an hour?", "Yes, I'd like that")
    assert said.startswith("You both said yes: agree a date")
    told = deliver(hospital)
    assert sorted(who for who, lines in told if lines[0] == "You're both up for shadowing") == [
        "Ben Hughes",
        "Dr Amara Okafor",
    ]

    hospital.clock.advance(days=29)
    assert send_shadowing_checks(hospital.ctx) == 0
    hospital.clock.advance(days=1)
    assert send_shadowing_checks(hospital.ctx) == 1
    checks = [who for who, lines in deliver(hospital) if lines[0] == "Did the shadowing happen?"]
    assert sorted(checks) == ["Ben Hughes", "Dr Amara Okafor"]
    assert send_shadowing_checks(hospital.ctx) == 0  # asked once
    assert tap(hospital, "amara", "Did the shadowing happen?", "Yes, it happened") == "Thank you: noted."


def test_no_thanks_from_one_person_means_nobody_is_told_to_agree_a_date(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    run_round(hospital.ctx)
    [pair] = hospital.pairs()
    for user in ("amara", "ben"):
        hospital.chat.send(user, f"outcome {pair.id} met")
    hospital.chat.send("amara", f"shadow {pair.id} offer yes")
    assert hospital.chat.send("ben", f"shadow {pair.id} offer no").startswith("No problem")
    assert hospital.store().shadowing_offers[pair.id].agreed_at is None
    assert "wasn't put to you" in hospital.chat.send("amara", f"shadow {pair.id} happened yes")


def test_the_board_report_sets_the_pulse_beside_the_baseline_and_the_national_survey(hospital):
    from bot.report import board_report

    hospital.clock.set(datetime(2026, 10, 5, 10, 15, tzinfo=UTC))
    managers = [f"m{i}" for i in range(15)]
    for user in managers:
        hospital.join(user, "manager")
    send_pulse(hospital.ctx)
    for user in managers[:10]:  # ten of fifteen say tension; five a partnership
        hospital.chat.send(user, "pulse baseline relationship tension")
    for user in managers[10:]:
        hospital.chat.send(user, "pulse baseline relationship partnership")
    for _ in range(3):  # the rest of the baseline, a question a week, left unanswered
        hospital.clock.advance(days=7)
        send_pulse(hospital.ctx)
    hospital.clock.set(datetime(2027, 1, 11, 10, 15, tzinfo=UTC))
    send_pulse(hospital.ctx)  # the 2027-Q1 wave: after the quarter the report covers
    for user in managers:
        hospital.chat.send(user, "pulse 2027-Q1 relationship unresolved")

    report = board_report(hospital.ctx, "2026-Q4")
    rows = {label: rest for label, *rest in report.pulse}
    tension = "Managers: a partnership with areas of tension, or tolerance with frequent tensions"
    assert rows[tension] == ["no answers", "67%", "74%"]  # this quarter had no wave of its own
    assert rows["Managers who answered the relationship question"][:2] == ["none", "15"]
    assert rows["Clinicians who answered the relationship question"][:2] == ["none", "none"]
    assert "Relationship pulse (this quarter / at baseline / national survey):" in report.lines()
    assert ["Shadowing offers made (pairs who both said 'We met')", "none"] in report.shadowing

    later = {label: rest for label, *rest in board_report(hospital.ctx, "2027-Q1").pulse}
    assert later["Managers: persistent and unresolved tensions"] == ["100%", "0%", "14%"]

    # Two small counts (one partnership) are hidden, and so is enough else that 1 cannot be found.
    hospital.chat.send("m10", "pulse 2027-Q1 relationship partnership")
    later = {label: rest for label, *rest in board_report(hospital.ctx, "2027-Q1").pulse}
    assert later["Managers: persistent and unresolved tensions"][0] == "not shown (small numbers)"
