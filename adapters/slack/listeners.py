"""Bolt listeners: acknowledge at once, then hand the payload to Interactions in the background.

The same listeners serve HTTP mode and Socket Mode. Nothing here touches the database,
so the acknowledgement never waits for it (Slack allows three seconds). In the
background, a request seen before (a replay, or Slack retrying an event) stops there.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp

from adapters.slack import render
from adapters.slack.interactions import Interactions
from adapters.slack.replays import TICKET, Replays
from adapters.slack.tasks import Background


def register(bolt: AsyncApp, interactions: Interactions, background: Background, replays: Replays) -> None:
    async def once(context, work: Callable[[], Awaitable[None]]) -> None:
        if await replays.first_time(context.get(TICKET)):
            await work()

    # Any slash command routed to this app is Corridor's (/coffee, or whatever a workspace renamed it to).
    @bolt.command(re.compile(r"^/"))
    async def on_command(ack, body, context):
        await ack()
        background.spawn(once(context, lambda: interactions.command(body)), "slash command")

    @bolt.action(re.compile("^" + re.escape(render.ACTION_PREFIX)))
    async def on_action(ack, body, context):
        await ack()
        background.spawn(once(context, lambda: interactions.action(body)), "button click")

    @bolt.event("app_home_opened")
    async def on_home_opened(body, context):
        background.spawn(once(context, lambda: interactions.home_opened(body)), "App Home")
