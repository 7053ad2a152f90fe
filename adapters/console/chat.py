"""Typing commands as a named person: the console's side of a chat, used by the demo and tests.

chat = ConsoleChat(CoreChat(ctx))
assert "You're in" in chat.send("amara", "/coffee join clinician St Mary's")
"""

from __future__ import annotations

from typing import Any

from bot.context import Reply, Sender
from bot.gateway import Chat


class ConsoleChat:
    platform = "console"

    def __init__(self, chat: Chat, organisers: frozenset[str] = frozenset()):
        self.chat = chat
        self.organisers = organisers
        self.names: dict[str, str] = {}

    def sender(self, user_id: str, name: str | None = None, **details: Any) -> Sender:
        if name:
            self.names[user_id] = name
        return Sender(
            platform=self.platform,
            user_id=user_id,
            display_name=self.names.get(user_id, user_id),
            is_organiser=user_id in self.organisers,
            channel_id=details.pop("channel_id", "console"),
            **details,
        )

    def ask(self, user_id: str, text: str, *, name: str | None = None, **details: Any) -> Reply:
        return self.chat.handle(self.sender(user_id, name, **details), text)

    def send(self, user_id: str, text: str, **kwargs: Any) -> str:
        """The reply text, with any buttons shown as [label]."""
        reply = self.ask(user_id, text, **kwargs)
        buttons = " ".join(f"[{b.label}]" for b in reply.buttons)
        return reply.text + (f"\n{buttons}" if buttons else "")
