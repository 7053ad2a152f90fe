"""The organiser's monthly digest, and a person asking to be forgotten."""

import base64

from bot.context import default_programme
from bot.digest import month_figures, send_digest
from bot.messages import DigestMessage
from bot.rounds import run_round


def _month_of_rounds(hospital, clinicians=6, managers=6, weeks=2):
    for i in range(clinicians):
        hospital.join(f"c{i}", "clinician", name=f"Sister Clinician {i}")
    for i in range(managers):
        hospital.join(f"m{i}", "manager", name=f"Manager {i}")
    hospital.chat.send("olivia", "admin channel here")
    for _ in range(weeks):
        run_round(hospital.ctx)
        for pair in hospital.pairs():
            user = hospital.store().participants[pair.clinician_id].user_id
            hospital.chat.send(user, f"outcome {pair.id} met")
        hospital.clock.advance(days=7)


def test_the_digest_counts_but_never_names_and_hides_small_numbers(hospital):
    hospital.join("m9", "manager")
    hospital.chat.send("m9", "leave")  # one leaver in November: too few to show
    _month_of_rounds(hospital)
    hospital.clock.advance(days=14)  # into December
    report = send_digest(hospital.ctx)
    assert report.month == "2026-11"
    message = DigestMessage.from_payload(hospital.outbox("digest")[0].payload)
    rows = dict(message.rows)
    assert rows["Pairs made"] == "12" and rows["Meetings confirmed"] == "12"
    assert rows["Confirmation rate"] == "100%"
    assert rows["Left this month"] == "fewer than 5"
    text = "\n".join(message.lines())
    assert "Clinician" not in text and "Manager 0" not in text
    assert base64.b64decode(message.chart_png_base64).startswith(b"\x89PNG")


def test_the_monthly_digest_is_sent_once(hospital):
    _month_of_rounds(hospital, weeks=1)
    hospital.clock.advance(days=14)
    send_digest(hospital.ctx, scheduled=True)
    again = send_digest(hospital.ctx, scheduled=True)
    assert again.already_sent and len(hospital.outbox("digest")) == 1


def test_forget_me_asks_first_then_erases_but_keeps_the_counts(hospital):
    _month_of_rounds(hospital, weeks=1)
    with hospital.uow() as uow:
        programme = default_programme(uow, hospital.ctx.settings)
        before = month_figures(uow, programme, "2026-11")
    ask = hospital.chat.ask("c0", "forget-me")
    assert ask.buttons[0].command == "forget-me confirm"
    assert hospital.person("c0").display_name == "Sister Clinician 0"
    assert "no longer holds your details" in hospital.chat.send("c0", "forget-me confirm")
    erased = next(p for p in hospital.store().participants.values() if p.erased)
    assert erased.display_name == "(erased)" and erased.email is None and erased.user_id.startswith("erased-")
    assert all(erased.id not in m.mentions for m in hospital.outbox())
    with hospital.uow() as uow:
        after = month_figures(uow, programme, "2026-11")
    assert (after.pairs, after.confirmed) == (before.pairs, before.confirmed)
    assert "haven't joined" in hospital.chat.send("c0", "status")


def test_a_digest_with_no_channel_set_is_not_marked_sent(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    run_round(hospital.ctx)
    hospital.clock.advance(days=14)
    report = send_digest(hospital.ctx, scheduled=True)
    assert "no digest channel is set" in report.summary() and "admin channel here" in report.summary()
    assert not hospital.store().digests and not hospital.outbox("digest")
    hospital.chat.send("olivia", "admin channel here")
    assert send_digest(hospital.ctx, scheduled=True).channels == ["console console"]
    assert len(hospital.outbox("digest")) == 1
