"""Bolt listeners: acknowledge at once, then hand the payload to Interactions in the background.

The same listeners serve HTTP mode and Socket Mode. Nothing here touches the database,
so the acknowledgement never waits for it (Slack allows three seconds).
"""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from adapters.slack import render
from adapters.slack.interactions import Interactions
from adapters.slack.tasks import Background


def register(bolt: AsyncApp, interactions: Interactions, background: Background) -> None:
    # Any slash command routed to this app is Corridor's (/coffee, or whatever a workspace renamed it to).
    @bolt.command(re.compile(r"^/"))
    async def on_command(ack, body):
        await ack()
        background.spawn(interactions.command(body), "slash command")

    @bolt.action(re.compile("^" + re.escape(render.ACTION_PREFIX)))
    async def on_action(ack, body):
        await ack()
        background.spawn(interactions.action(body), "button click")

    @bolt.event("app_home_opened")
    async def on_home_opened(body):
        background.spawn(interactions.home_opened(body), "App Home")
