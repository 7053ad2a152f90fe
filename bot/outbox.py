"""Turning pairs and notices into outbox rows, each keyed so it can only be queued once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.config import EngineSettings
from bot.meetups import Meetup
from bot.messages import FOLLOWUP, INTRO, Intro, PersonCard, SitOutNotice
from bot.model import OutboxMessage, Pair


def conversations_for(
    clinician: PersonCard, manager: PersonCard, settings: EngineSettings
) -> list[list[PersonCard]]:
    """One shared conversation where the platform allows it, otherwise one each."""
    shared = (
        clinician.platform == manager.platform
        and clinician.workspace_id == manager.workspace_id
        and clinician.platform in settings.group_intro_platforms
    )
    return [[clinician, manager]] if shared else [[clinician], [manager]]


def recipient_key(recipients: list[PersonCard], pair_id: int) -> str:
    """Per pair and per person: a manager with two clinicians has two pairs, so two intros."""
    if len(recipients) > 1:
        return f"pair:{pair_id}"
    return f"pair:{pair_id}:person:{recipients[0].participant_id}"


def pair_messages(
    *,
    programme_id: int,
    week: str,
    kind: str,
    pair: Pair,
    clinician: PersonCard,
    manager: PersonCard,
    meetup: Meetup,
    settings: EngineSettings,
    now: datetime,
    weeks: int = 1,
    times: list[str] | None = None,
    times_overlap: bool = True,
) -> list[OutboxMessage]:
    if kind not in (INTRO, FOLLOWUP):
        raise ValueError(f"a pair is sent an intro or a follow-up, not {kind!r}")
    conversations = conversations_for(clinician, manager, settings)
    payload = Intro(
        pair_id=pair.saved_id,
        week=week,
        clinician=clinician,
        manager=manager,
        recipients=conversations[0],
        place_name=meetup.place_name,
        place_kind=meetup.kind,
        directions=meetup.directions,
        place_site=meetup.site_name,
        other_site=meetup.other_site,
        starter=pair.starter,
        kind=kind,
        weeks=weeks,
        times=times or [],
        times_overlap=times_overlap,
    ).to_payload()
    mentions = [clinician.participant_id, manager.participant_id]
    return [
        OutboxMessage(
            programme_id=programme_id,
            key=f"{programme_id}:{week}:{kind}:{recipient_key(recipients, pair.saved_id)}",
            kind=kind,
            platform=recipients[0].platform,
            # The conversations differ only in who receives it.
            payload={**payload, "recipient_ids": [r.participant_id for r in recipients]},
            created_at=now,
            next_attempt_at=now,
            mentions=mentions,
        )
        for recipients in conversations
    ]


def sit_out_message(
    programme_id: int, week: str, person: PersonCard, now: datetime, weeks: int = 1
) -> OutboxMessage:
    notice = SitOutNotice(week=week, recipient=person, weeks=weeks)
    return to_one_person(programme_id, f"{week}:sit_out", notice.kind, person, notice.to_payload(), now)


def to_one_person(
    programme_id: int, topic: str, kind: str, person: PersonCard, payload: dict[str, Any], now: datetime
) -> OutboxMessage:
    """A message for one person alone, queued once per topic: erased with them (it mentions them)."""
    return OutboxMessage(
        programme_id=programme_id,
        key=f"{programme_id}:{topic}:person:{person.participant_id}",
        kind=kind,
        platform=person.platform,
        payload=payload,
        created_at=now,
        next_attempt_at=now,
        mentions=[person.participant_id],
    )
