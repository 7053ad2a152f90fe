"""The core as an adapter sees it: three small ports, each built from the core's Context.

An adapter is never handed the Context, a unit of work or a repository. It gets a `Chat`
(commands in, typed replies out, and what it needs to redraw a message), a
`PlatformStore` for its own small documents (a Teams conversation reference, a Slack DM
id) and `SeenRequests`, which says whether a signed request is new or a replay. The
composition root builds them; tests build them over the fake unit of work or use the
hand-written fakes in tests/fakes.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.answers import Answer, AnsweredIntro, answered_intro, recorded_answers
from bot.chat import handle
from bot.context import Context, Reply, Sender, default_programme
from bot.status import PersonalStatus, personal_status


class Chat(Protocol):
    def handle(self, sender: Sender, text: str) -> Reply: ...
    def personal_status(self, sender: Sender) -> PersonalStatus: ...
    def answers(self, pair_id: int) -> list[Answer]: ...
    def answered_intro(self, sender: Sender, pair_id: int, kind: str) -> AnsweredIntro | None: ...


@dataclass(frozen=True)
class StateDocument:
    """One small document; erased with its owner, named by participant id or, for someone who
    may not have joined yet, by their platform user id."""

    key: str
    value: dict[str, Any]
    participant_id: int | None = None
    owner_user_id: str | None = None


class PlatformStore(Protocol):
    """One platform's documents. Calls block on the database: async callers run them in a thread."""

    def get(self, key: str) -> dict[str, Any] | None: ...
    def put_many(self, documents: Sequence[StateDocument]) -> None: ...
    def delete(self, key: str) -> None: ...


class CoreChat:
    def __init__(self, ctx: Context):
        self._ctx = ctx

    def handle(self, sender: Sender, text: str) -> Reply:
        return handle(self._ctx, sender, text)

    def personal_status(self, sender: Sender) -> PersonalStatus:
        return personal_status(self._ctx, sender)

    def answers(self, pair_id: int) -> list[Answer]:
        return recorded_answers(self._ctx, pair_id)

    def answered_intro(self, sender: Sender, pair_id: int, kind: str) -> AnsweredIntro | None:
        return answered_intro(self._ctx, sender, pair_id, kind)


class StoredPlatformState:
    def __init__(self, ctx: Context, platform: str):
        self._ctx = ctx
        self.platform = platform

    def get(self, key: str) -> dict[str, Any] | None:
        with self._ctx.uow() as uow:
            return uow.platform_state.get(self.platform, key)

    def put_many(self, documents: Sequence[StateDocument]) -> None:
        with self._ctx.uow() as uow:
            programme_id = None
            for document in documents:
                owner = document.participant_id
                if owner is None and document.owner_user_id is not None:
                    if programme_id is None:
                        programme_id = default_programme(uow, self._ctx.settings).saved_id
                    person = uow.participants.find(programme_id, self.platform, document.owner_user_id)
                    owner = person.id if person is not None and not person.erased else None
                uow.platform_state.put(self.platform, document.key, document.value, owner)
            uow.commit()

    def delete(self, key: str) -> None:
        with self._ctx.uow() as uow:
            uow.platform_state.delete(self.platform, key)
            uow.commit()


class SeenRequests(Protocol):
    """Blocks on the database: async callers run it in a thread."""

    def first_time(self, keys: Sequence[str], signed_at: datetime) -> bool:
        """Records the keys; True only when none was recorded before, by any serve process."""


class StoredSeenRequests:
    """Keys are kept `keep` past their signing time (twice the platform's window, so that a
    request signed at the window's far edge is still remembered when it is refused as stale),
    and purged at most once a `purge_every` of signing time."""

    def __init__(
        self,
        ctx: Context,
        platform: str,
        keep: timedelta = timedelta(minutes=10),
        purge_every: timedelta = timedelta(minutes=1),
    ):
        self._ctx = ctx
        self.platform = platform
        self.keep = keep
        self.purge_every = purge_every
        self._purged_up_to: datetime | None = None

    def first_time(self, keys: Sequence[str], signed_at: datetime) -> bool:
        with self._ctx.uow() as uow:
            # Every key is recorded, even after one was seen: a retry's new signature is a replay too.
            fresh = [uow.seen_requests.first_time(f"{self.platform}:{key}", signed_at) for key in keys]
            if self._purged_up_to is None or signed_at - self._purged_up_to > self.purge_every:
                self._purged_up_to = signed_at
                uow.seen_requests.purge_before(signed_at - self.keep)
            uow.commit()
        return all(fresh)
