"""The outbox: idempotent by key, leased to one worker at a time, retried, and forgettable."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.model import OutboxMessage, OutboxStatus, Role

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def message(programme_id: int, key: str, *, mentions=(), due: datetime = NOW) -> OutboxMessage:
    return OutboxMessage(
        programme_id=programme_id,
        key=key,
        kind="intro",
        platform="slack",
        payload={"text": f"Meet your pair ({key})", "blocks": [{"type": "section"}]},
        created_at=NOW,
        next_attempt_at=due,
        mentions=list(mentions),
    )


def queue(uow_factory, messages: list[OutboxMessage]) -> int:
    with uow_factory() as uow:
        added = uow.outbox.add_many_if_absent(messages)
        uow.commit()
    return added


def claim(uow_factory, at: datetime, limit: int = 100) -> list[OutboxMessage]:
    with uow_factory() as uow:
        claimed = uow.outbox.claim(at, at + LEASE, limit, "test-worker")
        uow.commit()
    return claimed


def test_rerunning_a_job_never_queues_a_message_twice(uow_factory, hospital):
    programme_id = hospital.programme.id
    intro = message(programme_id, "2026-W10:intro:1")
    with uow_factory() as uow:
        assert uow.outbox.add_if_absent(intro) is True
        assert intro.id is not None
        assert uow.outbox.add_if_absent(message(programme_id, "2026-W10:intro:1")) is False
        uow.commit()

    batch = [message(programme_id, f"2026-W10:intro:{n}") for n in range(1, 6)]
    assert queue(uow_factory, batch) == 4
    assert queue(uow_factory, batch) == 0
    # Duplicates inside one batch count once.
    assert queue(uow_factory, [message(programme_id, "dup"), message(programme_id, "dup")]) == 1
    assert queue(uow_factory, []) == 0

    with uow_factory() as uow:
        assert uow.outbox.counts(programme_id) == {"pending": 6, "sent": 0, "failed": 0}


def test_a_queued_message_reads_back_exactly(uow_factory, hospital):
    original = message(hospital.programme.id, "k", mentions=[3, 14])
    queue(uow_factory, [original])
    [claimed] = claim(uow_factory, NOW)
    assert claimed.payload == original.payload
    assert claimed.mentions == [3, 14]
    assert claimed.status is OutboxStatus.PENDING
    assert (claimed.attempts, claimed.last_error, claimed.sent_at) == (0, None, None)
    assert claimed.created_at == NOW and claimed.created_at.tzinfo is not None
    assert claimed.claimed_until == NOW + LEASE
    assert claimed.claimed_by == "test-worker"


def test_a_whole_rounds_messages_are_queued_once_and_in_order(uow_factory, hospital):
    # Big enough for PostgreSQL's COPY path as well as the plain batched INSERT.
    programme_id = hospital.programme.id
    keys = [f"2026-W10:intro:{n:04d}" for n in reversed(range(1200))]
    assert queue(uow_factory, [message(programme_id, key) for key in keys[:100]]) == 100
    everyone = [message(programme_id, key, mentions=[n]) for n, key in enumerate(keys)]
    assert queue(uow_factory, [*everyone, *everyone[:50]]) == 1100
    assert queue(uow_factory, everyone) == 0

    claimed = claim(uow_factory, NOW, limit=5000)
    assert [m.key for m in claimed] == keys
    assert claimed[-1].payload == everyone[-1].payload
    assert claimed[-1].mentions == [1199]
    assert claimed[-1].created_at == NOW


def test_a_claimed_message_is_not_claimed_again_until_its_lease_runs_out(uow_factory, hospital):
    programme_id = hospital.programme.id
    queue(uow_factory, [message(programme_id, "a"), message(programme_id, "b")])
    queue(uow_factory, [message(programme_id, "later", due=NOW + timedelta(hours=1))])

    first = claim(uow_factory, NOW, limit=1)
    assert [m.key for m in first] == ["a"]
    assert [m.key for m in claim(uow_factory, NOW + timedelta(seconds=1))] == ["b"]
    assert claim(uow_factory, NOW + timedelta(seconds=30)) == []
    # The worker holding "a" died; once the lease runs out someone else may take it.
    assert [m.key for m in claim(uow_factory, NOW + LEASE)] == ["a"]
    # An hour on, every lease has run out and "later" is due too.
    assert [m.key for m in claim(uow_factory, NOW + timedelta(hours=1))] == ["a", "b", "later"]


def test_workers_claiming_at_once_never_share_a_message(uow_factory, hospital):
    programme_id = hospital.programme.id
    queue(uow_factory, [message(programme_id, f"m{n:03d}") for n in range(200)])
    taken: list[list[int]] = [[] for _ in range(4)]
    errors: list[BaseException] = []

    def work(mine: list[int]) -> None:
        try:
            while batch := claim(uow_factory, NOW, limit=7):
                mine.extend(m.id for m in batch)
        except BaseException as error:  # surfaced to the test below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(mine,)) for mine in taken]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)

    assert not errors
    everything = [message_id for mine in taken for message_id in mine]
    assert len(everything) == len(set(everything)) == 200


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_skip_locked_passes_over_rows_another_worker_is_still_claiming(uow_factory, hospital, database_url):
    # PostgreSQL's alone: SQLite lets one writer in at a time, so there is nothing to skip over.
    programme_id = hospital.programme.id
    queue(uow_factory, [message(programme_id, f"m{n}") for n in range(10)])
    first_has_claimed, second_is_done = threading.Event(), threading.Event()
    claims: dict[str, list[str]] = {}

    def first_worker() -> None:
        with uow_factory() as uow:
            claims["first"] = [m.key for m in uow.outbox.claim(NOW, NOW + LEASE, 4, "test-worker")]
            first_has_claimed.set()
            # Hold the row locks, uncommitted, while the second worker claims.
            second_is_done.wait(10)
            uow.commit()

    thread = threading.Thread(target=first_worker)
    thread.start()
    assert first_has_claimed.wait(10)
    with uow_factory() as uow:
        claims["second"] = [m.key for m in uow.outbox.claim(NOW, NOW + LEASE, 4, "test-worker")]
        uow.commit()
    second_is_done.set()
    thread.join(10)

    assert claims == {"first": ["m0", "m1", "m2", "m3"], "second": ["m4", "m5", "m6", "m7"]}


def test_a_failing_message_is_retried_then_given_up(uow_factory, hospital):
    programme_id = hospital.programme.id
    queue(uow_factory, [message(programme_id, "flaky"), message(programme_id, "fine")])
    flaky, fine = claim(uow_factory, NOW)

    with uow_factory() as uow:
        uow.outbox.mark_retry(flaky.id, attempts=1, next_at=NOW + timedelta(minutes=5), error="ratelimited")
        uow.outbox.mark_sent(fine.id, at=NOW + timedelta(seconds=2))
        uow.commit()

    # Released from its lease but not due until the retry time.
    assert claim(uow_factory, NOW + timedelta(minutes=4)) == []
    [again] = claim(uow_factory, NOW + timedelta(minutes=5))
    assert (again.attempts, again.last_error) == (1, "ratelimited")

    with uow_factory() as uow:
        uow.outbox.mark_failed(again.id, attempts=2, error="user_not_found")
        uow.commit()

    assert claim(uow_factory, NOW + timedelta(days=1)) == []
    with uow_factory() as uow:
        assert uow.outbox.counts(programme_id) == {"pending": 0, "sent": 1, "failed": 1}
        [failed] = uow.outbox.failed(programme_id)
        assert (failed.key, failed.status, failed.attempts, failed.last_error) == (
            "flaky",
            OutboxStatus.FAILED,
            2,
            "user_not_found",
        )
        assert failed.claimed_until is None


def test_sent_messages_are_purged_after_a_while(uow_factory, hospital):
    programme_id = hospital.programme.id
    queue(uow_factory, [message(programme_id, key) for key in ("old", "recent", "waiting")])
    old, recent, _waiting = claim(uow_factory, NOW)
    with uow_factory() as uow:
        uow.outbox.mark_sent(old.id, at=NOW)
        uow.outbox.mark_sent(recent.id, at=NOW + timedelta(days=20))
        uow.commit()

    with uow_factory() as uow:
        assert uow.outbox.purge_sent_before(NOW + timedelta(days=10)) == 1
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.counts(programme_id) == {"pending": 1, "sent": 1, "failed": 0}


def test_erasing_a_person_finds_every_message_that_mentions_them(uow_factory, hospital):
    programme_id = hospital.programme.id
    ann, bob = hospital.join(Role.CLINICIAN, "Ann"), hospital.join(Role.MANAGER, "Bob")
    lookalike = 10 * ann.id + ann.id  # contains Ann's id as text, e.g. 11 for 1
    queue(
        uow_factory,
        [
            message(programme_id, "intro:ann", mentions=[ann.id, bob.id]),
            message(programme_id, "intro:bob", mentions=[bob.id]),
            message(programme_id, "lookalike", mentions=[lookalike, 100 + ann.id]),
            message(programme_id, "digest", mentions=[]),
        ],
    )

    with uow_factory() as uow:
        about_ann = uow.outbox.mentioning(ann.id)
        assert [m.key for m in about_ann] == ["intro:ann"]
        for found in about_ann:
            uow.outbox.erase(found.id)
        uow.commit()

    with uow_factory() as uow:
        assert uow.outbox.mentioning(ann.id) == []
        assert [m.key for m in uow.outbox.mentioning(bob.id)] == ["intro:bob"]
        assert uow.outbox.counts(programme_id)["pending"] == 3


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_when_another_process_queued_the_same_keys_meanwhile_the_slow_route_skips_them(
    uow_factory, hospital, database_url
):
    # The race the COPY fast path cannot survive: keys that appear between our check and
    # our COPY. The staging route it falls back to must skip them, not fail.
    from storage.repositories.bulk import _stage_outbox_if_absent
    from storage.repositories.outbox import _values

    programme_id = hospital.programme.id
    keys = [f"2026-W11:intro:{n:04d}" for n in range(600)]
    assert queue(uow_factory, [message(programme_id, key) for key in keys[:200]]) == 200
    with uow_factory() as uow:
        rows = [_values(message(programme_id, key)) for key in keys]
        assert _stage_outbox_if_absent(uow._require_session(), rows) == 400
        uow.commit()
    assert len(claim(uow_factory, NOW, limit=5000)) == 600
