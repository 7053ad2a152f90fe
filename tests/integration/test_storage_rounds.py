"""Weekly rounds, their pairs and sit-outs, what people said, and monthly digests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.errors import Conflict
from bot.model import DigestRecord, Outcome, OutcomeKind, Pair, Place, PlaceKind, Reason, Role, Round, SitOut

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def hold_round(uow_factory, programme_id: int, week: str, held_on: date, seed: int = 7) -> Round:
    with uow_factory() as uow:
        round_ = uow.rounds.add(
            Round(programme_id=programme_id, week=week, seed=seed, held_on=held_on, created_at=MONDAY)
        )
        uow.commit()
    return round_


def pair_up(round_: Round, clinician, manager, *, at: datetime = MONDAY, place_id=None) -> Pair:
    return Pair(
        round_id=round_.id,
        clinician_id=clinician.id,
        manager_id=manager.id,
        place_id=place_id,
        place_text="Ward 7 kitchen",
        starter="What made you smile this week?",
        created_at=at,
    )


def test_a_round_is_held_once_a_week(uow_factory, hospital):
    programme_id = hospital.programme.id
    first = hold_round(uow_factory, programme_id, "2026-W10", date(2026, 3, 2), seed=2**62 + 5)

    with uow_factory() as uow:
        assert uow.rounds.get(programme_id, "2026-W10") == first
        assert uow.rounds.get(programme_id, "2026-W11") is None
        again = Round(
            programme_id=programme_id, week="2026-W10", seed=1, held_on=date(2026, 3, 3), created_at=MONDAY
        )
        with pytest.raises(Conflict):
            uow.rounds.add(again)
        # After the conflict the same unit of work can still read and write.
        assert uow.rounds.get(programme_id, "2026-W10").seed == 2**62 + 5
        uow.settings.put(programme_id, "last_attempt", "2026-W10")
        uow.commit()

    with uow_factory() as uow:
        assert uow.settings.get(programme_id, "last_attempt") == "2026-W10"


def test_recent_rounds_come_newest_first(uow_factory, hospital):
    programme_id = hospital.programme.id
    for week, monday in [
        ("2026-W08", date(2026, 2, 16)),
        ("2026-W10", date(2026, 3, 2)),
        ("2026-W09", date(2026, 2, 23)),
    ]:
        hold_round(uow_factory, programme_id, week, monday)

    with uow_factory() as uow:
        assert [r.week for r in uow.rounds.recent(programme_id, 10)] == ["2026-W10", "2026-W09", "2026-W08"]
        assert [r.week for r in uow.rounds.recent(programme_id, 2)] == ["2026-W10", "2026-W09"]
        assert [r.week for r in uow.rounds.recent(programme_id, 5, before_week="2026-W10")] == [
            "2026-W09",
            "2026-W08",
        ]
        in_february = uow.rounds.held_between(programme_id, date(2026, 2, 1), date(2026, 3, 1))
        assert [r.week for r in in_february] == ["2026-W08", "2026-W09"]
        assert uow.rounds.held_between(programme_id, date(2026, 3, 2), date(2026, 3, 2)) == []


def test_pairs_are_made_read_back_and_followed_up(uow_factory, hospital):
    ann, bob = hospital.join(Role.CLINICIAN, "Ann"), hospital.join(Role.MANAGER, "Bob")
    with uow_factory() as uow:
        kitchen = uow.places.add(
            Place(site_id=hospital.site.id, name="Ward 7 kitchen", kind=PlaceKind.KITCHEN)
        )
        uow.commit()
    round_ = hold_round(uow_factory, hospital.programme.id, "2026-W10", date(2026, 3, 2))

    with uow_factory() as uow:
        [pair] = uow.pairs.add_many([pair_up(round_, ann, bob, place_id=kitchen.id)])
        uow.commit()

    with uow_factory() as uow:
        stored = uow.pairs.get(pair.id)
        assert stored == pair
        assert stored.partner_of(ann.id) == bob.id
        stored.followup_sent_at = MONDAY + timedelta(days=4)
        uow.pairs.save(stored)
        uow.commit()

    with uow_factory() as uow:
        assert uow.pairs.for_rounds([round_.id])[0].followup_sent_at == MONDAY + timedelta(days=4)
        assert uow.pairs.get(424242) is None
        assert uow.pairs.for_rounds([]) == []


def test_a_persons_pairs_come_newest_first(uow_factory, hospital):
    ann = hospital.join(Role.CLINICIAN, "Ann")
    managers = [hospital.join(Role.MANAGER) for _ in range(3)]
    weeks = [("2026-W09", date(2026, 2, 23)), ("2026-W11", date(2026, 3, 9)), ("2026-W10", date(2026, 3, 2))]
    for (week, monday), manager in zip(weeks, managers, strict=True):
        round_ = hold_round(uow_factory, hospital.programme.id, week, monday)
        with uow_factory() as uow:
            uow.pairs.add_many([pair_up(round_, ann, manager)])
            uow.commit()

    with uow_factory() as uow:
        latest_two = uow.pairs.for_participant(ann.id, limit=2)
        bobs = uow.pairs.for_participant(managers[0].id, limit=10)
    assert [p.manager_id for p in latest_two] == [managers[1].id, managers[2].id]
    assert [p.manager_id for p in bobs] == [managers[0].id]


def test_follow_ups_go_only_to_quiet_pairs_introduced_long_enough_ago(uow_factory, hospital):
    people = [hospital.join(Role.CLINICIAN if i % 2 == 0 else Role.MANAGER) for i in range(10)]
    clinicians, managers = people[0::2], people[1::2]
    round_ = hold_round(uow_factory, hospital.programme.id, "2026-W10", date(2026, 3, 2))
    other_round = hold_round(uow_factory, hospital.programme.id, "2026-W11", date(2026, 3, 9))
    with uow_factory() as uow:
        quiet, answered, followed_up, too_recent = uow.pairs.add_many(
            [
                pair_up(round_, clinicians[0], managers[0]),
                pair_up(round_, clinicians[1], managers[1]),
                pair_up(round_, clinicians[2], managers[2]),
                pair_up(round_, clinicians[3], managers[3], at=MONDAY + timedelta(days=3)),
            ]
        )
        [elsewhere] = uow.pairs.add_many([pair_up(other_round, clinicians[4], managers[4])])
        uow.outcomes.save(
            Outcome(
                pair_id=answered.id,
                participant_id=managers[1].id,
                kind=OutcomeKind.NOT_YET,
                recorded_at=MONDAY,
            )
        )
        followed_up.followup_sent_at = MONDAY + timedelta(days=1)
        uow.pairs.save(followed_up)
        uow.commit()

    with uow_factory() as uow:
        due = uow.pairs.awaiting_followup([round_.id], intro_before=MONDAY + timedelta(days=2))
        assert [p.id for p in due] == [quiet.id]
        # The cutoff is inclusive: a pair introduced exactly then is due.
        due = uow.pairs.awaiting_followup(
            [round_.id, other_round.id], intro_before=MONDAY + timedelta(days=3)
        )
        assert [p.id for p in due] == [quiet.id, too_recent.id, elsewhere.id]
        assert uow.pairs.awaiting_followup([], intro_before=MONDAY) == []


def test_a_person_changes_their_answer_and_the_latest_stands(uow_factory, hospital):
    ann, bob = hospital.join(Role.CLINICIAN, "Ann"), hospital.join(Role.MANAGER, "Bob")
    round_ = hold_round(uow_factory, hospital.programme.id, "2026-W10", date(2026, 3, 2))
    with uow_factory() as uow:
        [pair] = uow.pairs.add_many([pair_up(round_, ann, bob)])
        uow.outcomes.save(
            Outcome(pair.id, ann.id, OutcomeKind.COULD_NOT_MEET, MONDAY, reason=Reason.CLINICAL_PRESSURE)
        )
        uow.commit()
    with uow_factory() as uow:
        first = uow.outcomes.get(pair.id, ann.id)
        assert (first.kind, first.reason) == (OutcomeKind.COULD_NOT_MEET, Reason.CLINICAL_PRESSURE)
        uow.outcomes.save(Outcome(pair.id, ann.id, OutcomeKind.MET, MONDAY + timedelta(days=2)))
        uow.outcomes.save(Outcome(pair.id, bob.id, OutcomeKind.MET, MONDAY + timedelta(days=2)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.outcomes.get(pair.id, ann.id) == Outcome(
            pair.id, ann.id, OutcomeKind.MET, MONDAY + timedelta(days=2)
        )
        assert {o.participant_id for o in uow.outcomes.for_pairs([pair.id])} == {ann.id, bob.id}
        assert uow.outcomes.get(pair.id, 424242) is None
        assert uow.outcomes.for_pairs([]) == []


def test_who_sat_out_is_remembered_for_next_week(uow_factory, hospital):
    ann, cat = hospital.join(Role.CLINICIAN, "Ann"), hospital.join(Role.CLINICIAN, "Cat")
    round_ = hold_round(uow_factory, hospital.programme.id, "2026-W10", date(2026, 3, 2))
    with uow_factory() as uow:
        uow.sit_outs.add_many([SitOut(round_.id, ann.id), SitOut(round_.id, cat.id)])
        uow.sit_outs.add_many([])
        uow.commit()
    with uow_factory() as uow:
        assert sorted(s.participant_id for s in uow.sit_outs.for_rounds([round_.id])) == [ann.id, cat.id]
        with pytest.raises(Conflict):
            uow.sit_outs.add_many([SitOut(round_.id, ann.id)])


def test_a_monthly_digest_is_recorded_once(uow_factory, hospital):
    programme_id = hospital.programme.id
    record = DigestRecord(programme_id=programme_id, month="2026-02", created_at=MONDAY)
    with uow_factory() as uow:
        assert uow.digests.get(programme_id, "2026-02") is None
        uow.digests.add(record)
        uow.commit()
    with uow_factory() as uow:
        assert uow.digests.get(programme_id, "2026-02") == record
        with pytest.raises(Conflict):
            uow.digests.add(DigestRecord(programme_id=programme_id, month="2026-02", created_at=MONDAY))


def test_a_big_round_stores_5000_pairs_with_ids_in_order(uow_factory, hospital):
    clinicians = [hospital.join(Role.CLINICIAN) for _ in range(50)]
    managers = [hospital.join(Role.MANAGER) for _ in range(50)]
    round_ = hold_round(uow_factory, hospital.programme.id, "2026-W10", date(2026, 3, 2))
    wanted = [
        pair_up(round_, clinicians[i % 50], managers[(i // 50) % 50], at=MONDAY + timedelta(seconds=i))
        for i in range(5000)
    ]
    with uow_factory() as uow:
        made = uow.pairs.add_many(wanted)
        uow.commit()

    ids = [pair.id for pair in made]
    assert len(set(ids)) == 5000
    assert ids == sorted(ids)
    with uow_factory() as uow:
        stored = {pair.id: pair for pair in uow.pairs.for_rounds([round_.id])}
    assert [stored[pair.id] for pair in made] == wanted
    # The pairs handed in carry their new ids too, so callers may use either.
    assert made == wanted and all(pair.id is not None for pair in wanted)


def test_past_meetings_are_read_back_as_who_met_whom_and_when(uow_factory, hospital):
    ann, cat = hospital.join(Role.CLINICIAN, "Ann"), hospital.join(Role.CLINICIAN, "Cat")
    bob = hospital.join(Role.MANAGER, "Bob")
    first = hold_round(uow_factory, hospital.programme.id, "2026-W09", date(2026, 2, 23))
    second = hold_round(uow_factory, hospital.programme.id, "2026-W10", date(2026, 3, 2))
    third = hold_round(uow_factory, hospital.programme.id, "2026-W11", date(2026, 3, 9))
    with uow_factory() as uow:
        uow.pairs.add_many([pair_up(first, ann, bob), pair_up(second, cat, bob), pair_up(third, ann, bob)])
        uow.commit()
    with uow_factory() as uow:
        met = uow.pairs.meetings([first.id, second.id])
    assert sorted(met) == sorted([(ann.id, bob.id, first.id), (cat.id, bob.id, second.id)])
    assert all(type(value) is int for row in met for value in row)
