"""The digest's month, added up by the database, is what counting the rows by hand gives."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.model import Outcome, OutcomeKind, Pair, Reason, Role, Round, SitOut

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_rounds_tally_counts_pairs_by_site_meetings_reasons_places_and_sit_outs(hospital, uow_factory):
    amara, grace, tom = (hospital.join(Role.CLINICIAN) for _ in range(3))
    ben, dev = hospital.join(Role.MANAGER), hospital.join(Role.MANAGER)
    with uow_factory() as uow:
        place = next(p for p in uow.places.list(hospital.programme.id) if p.site_id != hospital.site.id)
        week = uow.rounds.add(Round(hospital.programme.id, "2026-W48", 1, NOW.date(), NOW))
        sent, unsent = uow.pairs.add_many(
            [
                Pair(week.saved_id, amara.saved_id, ben.saved_id, place.id, "", "", NOW),
                Pair(week.saved_id, grace.saved_id, dev.saved_id, None, "the kitchen", "", NOW),
            ]
        )
        uow.outcomes.save(Outcome(sent.saved_id, amara.saved_id, OutcomeKind.MET, NOW))
        uow.outcomes.save(Outcome(sent.saved_id, ben.saved_id, OutcomeKind.MET, NOW))
        uow.outcomes.save(
            Outcome(unsent.saved_id, grace.saved_id, OutcomeKind.COULD_NOT_MEET, NOW, Reason.SHIFT_CLASH)
        )
        uow.sit_outs.add_many([SitOut(week.saved_id, tom.saved_id)])
        uow.commit()
    with uow_factory() as uow:
        tally = uow.pairs.tally([week.saved_id])
        nothing = uow.pairs.tally([])
    # The first pair counts at its place's site; the second, with no place, at Grace's.
    assert tally.by_site == {place.site_id: (1, 1), hospital.site.id: (1, 0)}
    assert tally.answered == 3
    assert tally.reasons == {"shift_clash": 1}
    assert tally.places == {place.id: 1}
    assert tally.sit_outs_by_role == {"clinician": 1}
    assert nothing.by_site == {} and nothing.answered == 0
