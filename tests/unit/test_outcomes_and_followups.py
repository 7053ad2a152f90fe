"""After the intro: buttons are clicked, the unanswered are nudged once."""

from bot.rounds import run_round


def _one_pair(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    run_round(hospital.ctx)
    return hospital.pairs()[0].id


def test_a_click_records_that_persons_outcome_and_is_idempotent(hospital):
    pair_id = _one_pair(hospital)
    assert "you met" in hospital.chat.send("amara", f"outcome {pair_id} met")
    assert "you met" in hospital.chat.send("amara", f"outcome {pair_id} met")
    assert len(hospital.store().outcomes) == 1
    assert "not yet" in hospital.chat.send("ben", f"outcome {pair_id} not_yet")
    assert len(hospital.store().outcomes) == 2


def test_cant_make_it_offers_reasons_and_keeps_the_one_chosen(hospital):
    pair_id = _one_pair(hospital)
    reply = hospital.chat.ask("amara", f"outcome {pair_id} could_not_meet")
    assert [b.label for b in reply.buttons] == ["Clinical pressure", "Shift clash", "No reply", "Other"]
    hospital.chat.send("amara", reply.buttons[1].command)
    outcome = next(iter(hospital.store().outcomes.values()))
    assert outcome.reason.value == "shift_clash"


def test_nobody_can_answer_for_a_pair_that_isnt_theirs(hospital):
    pair_id = _one_pair(hospital)
    hospital.join("mallory", "clinician")
    reply = hospital.chat.ask("mallory", f"outcome {pair_id} met")
    assert reply.rejected and not hospital.store().outcomes


def test_the_follow_up_goes_only_to_unanswered_pairs_and_only_once(hospital):
    for i in range(2):
        hospital.join(f"c{i}", "clinician")
        hospital.join(f"m{i}", "manager")
    run_round(hospital.ctx)
    answered, unanswered = hospital.pairs()
    clinician = hospital.store().participants[answered.clinician_id].user_id
    hospital.chat.send(clinician, f"outcome {answered.id} met")
    from bot.followups import send_followups

    hospital.clock.advance(days=2)
    assert send_followups(hospital.ctx) == 0  # too soon
    hospital.clock.advance(days=1, minutes=1)
    assert send_followups(hospital.ctx) == 1
    assert send_followups(hospital.ctx) == 0
    followups = hospital.outbox("followup")
    assert len(followups) == 2 and all(m.payload["pair_id"] == unanswered.id for m in followups)
