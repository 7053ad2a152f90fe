"""The core says what happened: each reply carries a typed result, so no adapter reads command text."""

from bot.answers import answered_intro, recorded_answers
from bot.context import Sender
from bot.delivery import DeliveryWorker
from bot.messages import Intent
from bot.model import OutcomeKind, Reason, Role
from bot.results import DigestChannelSet, Forgotten, Joined, OutcomeRecorded
from bot.rounds import run_round
from bot.status import personal_status


def _paired(hospital):
    hospital.join("amara", "clinician", name="Sister Amara Okafor")
    hospital.join("ben", "manager", name="Ben Walsh")
    run_round(hospital.ctx)
    return hospital.pairs()[0].id


def test_joining_says_who_joined_where(hospital):
    reply = hospital.chat.ask("amara", "join clinician St Mary's", name="Amara")
    assert reply.result == Joined(hospital.person("amara").id, Role.CLINICIAN, "St Mary's", rejoined=False)
    hospital.chat.send("amara", "leave")
    again = hospital.chat.ask("amara", "join clinician Charing Cross")
    assert isinstance(again.result, Joined) and again.result.rejoined and again.result.site == "Charing Cross"


def test_the_site_question_is_offered_as_one_choice_of_several(hospital):
    reply = hospital.chat.ask("amara", "join clinician")
    assert reply.pick_one and reply.result is None
    assert [b.command for b in reply.buttons] == ["join clinician St Mary's", "join clinician Charing Cross"]


def test_an_answer_says_which_intro_it_belongs_to_and_what_was_recorded(hospital):
    pair_id = _paired(hospital)
    amara = hospital.person("amara")
    reply = hospital.chat.ask("amara", f"outcome {pair_id} could_not_meet")
    assert reply.result == OutcomeRecorded(pair_id, amara.id, OutcomeKind.COULD_NOT_MEET, None)
    reason = hospital.chat.ask("amara", f"outcome {pair_id} could_not_meet shift_clash")
    assert reason.result == OutcomeRecorded(pair_id, amara.id, OutcomeKind.COULD_NOT_MEET, Reason.SHIFT_CLASH)
    refused = hospital.chat.ask("amara", f"outcome {pair_id + 100} met")
    assert refused.rejected and refused.result is None


def test_forgetting_says_so_even_for_someone_who_never_joined(hospital):
    hospital.join("amara", "clinician")
    asked = hospital.chat.ask("amara", "forget-me")
    assert asked.result is None and [b.intent for b in asked.buttons] == [Intent.DANGER]
    done = hospital.chat.ask("amara", "forget-me confirm")
    assert done.result == Forgotten("console", "amara", erased=True)
    stranger = hospital.chat.ask("stranger", "forget-me confirm")
    assert stranger.result == Forgotten("console", "stranger", erased=False)


def test_setting_the_digest_channel_names_it(hospital):
    reply = hospital.chat.ask("olivia", "admin channel here", channel_id="C0DIGEST")
    assert reply.result == DigestChannelSet("console", "C0DIGEST")


def test_in_a_shared_channel_only_the_channel_commands_are_taken(hospital):
    chat = hospital.chat
    refused = chat.chat.handle(Sender("console", "amara", "Amara", shared=True), "join clinician St Mary's")
    assert refused.rejected and "one-to-one chat" in refused.text
    assert not hospital.store().participants
    helped = chat.chat.handle(Sender("console", "amara", "Amara", shared=True), "help")
    assert not helped.rejected


def test_the_answers_on_an_intro_come_from_what_is_recorded_clinician_first(hospital):
    pair_id = _paired(hospital)
    assert recorded_answers(hospital.ctx, pair_id) == []
    hospital.chat.send("ben", f"outcome {pair_id} not_yet")
    hospital.chat.send("amara", f"outcome {pair_id} met")
    assert [a.line() for a in recorded_answers(hospital.ctx, pair_id)] == [
        "Sister Amara Okafor: We met",
        "Ben Walsh: Not yet",
    ]


async def test_the_intro_a_person_was_sent_is_found_again_with_its_answers(hospital):
    pair_id = _paired(hospital)
    await DeliveryWorker(hospital.ctx, {"console": hospital.notifier}).drain()
    hospital.chat.send("amara", f"outcome {pair_id} met")
    amara = hospital.chat.sender("amara")
    found = answered_intro(hospital.ctx, amara, pair_id, "intro")
    assert found is not None and found.recipient.participant_id == hospital.person("amara").id
    assert found.intro.pair_id == pair_id and [a.name for a in found.answers] == ["Sister Amara Okafor"]
    assert answered_intro(hospital.ctx, amara, pair_id, "followup") is None
    assert answered_intro(hospital.ctx, hospital.chat.sender("nobody"), pair_id, "intro") is None


def test_what_a_person_can_do_next_comes_with_their_status(hospital):
    assert [b.command for b in personal_status(hospital.ctx, hospital.chat.sender("amara")).buttons()] == [
        "join clinician",
        "join manager",
    ]
    hospital.join("amara", "clinician")
    assert [b.label for b in personal_status(hospital.ctx, hospital.chat.sender("amara")).buttons()] == [
        "Pause 2 weeks",
        "Leave",
    ]
    hospital.chat.send("amara", "pause 2w")
    assert personal_status(hospital.ctx, hospital.chat.sender("amara")).buttons()[0].command == "resume"
