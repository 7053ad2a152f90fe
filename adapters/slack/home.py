"""The App Home tab: a person's status, their last three pairings and Join / Pause / Leave buttons."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.core import Core
from bot.context import Reply, Sender
from bot.gateway import Chat


class Home:
    def __init__(self, chat: Chat, client: AsyncWebClient, core: Core):
        self.chat = chat
        self.client = client
        self.core = core

    async def publish(self, sender: Sender, notice: Reply | None = None) -> None:
        """Show the tab afresh; `notice` is the answer to a button pressed on it (Home has no
        response_url, so the answer is shown at the top of the tab instead)."""
        status = await self.core(self.chat.personal_status, sender)
        await self.client.views_publish(user_id=sender.user_id, view=render.home_view(status, notice))
