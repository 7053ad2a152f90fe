"""What happens after Slack has its acknowledgement: run the core command, show the result.

Everything a person sees in reply is ephemeral (only they see it), sent to the payload's
response_url, except on App Home, which has no response_url and is republished instead.
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import render
from adapters.slack.answers import Answers
from adapters.slack.core import Core
from adapters.slack.home import Home
from adapters.slack.people import Senders
from bot.context import Reply, Sender
from bot.gateway import Chat
from bot.results import ONE_TAP, Forgotten, OutcomeRecorded

log = logging.getLogger("corridor.slack")

SORRY = "Corridor couldn't finish that just now. Please try again in a minute."


class Interactions:
    def __init__(self, chat: Chat, client: AsyncWebClient, senders: Senders, core: Core):
        self.chat = chat
        self.client = client
        self.senders = senders
        self.core = core
        self.home = Home(chat, client, self.core)
        self.answers = Answers(chat, client, self.core)

    async def command(self, body: dict) -> None:
        """/coffee with any text: the core's grammar decides, including help for unknown words."""
        sender = await self.senders.from_command(body)
        reply = await self.run(sender, unescape(body.get("text") or ""))
        await self.respond(body.get("response_url"), reply)

    async def action(self, body: dict) -> None:
        """A button or menu choice: its value is a core command, fed back like typed text."""
        action = (body.get("actions") or [{}])[0]
        command = action.get("value") or (action.get("selected_option") or {}).get("value")
        if not command:
            return
        sender = await self.senders.from_action(body)
        reply = await self.run(sender, command)
        container = body.get("container") or {}
        if container.get("type") == "view":
            await self.home.publish(sender, notice=reply)
            return
        private = bool(container.get("is_ephemeral"))
        if not private and isinstance(reply.result, OutcomeRecorded):
            await self._show_answers(body, reply.result)
        # A click on a private reply (site picker, forget-me) replaces it; on an intro, adds one;
        # on a one-tap question (pulse, shadowing) the answer takes the question's place.
        answered = isinstance(reply.result, ONE_TAP)
        await self.respond(body.get("response_url"), reply, replace_original=private or answered)

    async def home_opened(self, body: dict) -> None:
        if (body.get("event") or {}).get("tab", "home") != "home":
            return
        await self.home.publish(await self.senders.from_event(body))

    async def run(self, sender: Sender, text: str) -> Reply:
        try:
            reply = await self.core(self.chat.handle, sender, text)
        except Exception:
            log.exception("the core failed on a Slack command from %s", sender.user_id)
            return Reply(SORRY, rejected=True)
        if isinstance(reply.result, Forgotten):
            self.senders.directory.forget(sender.user_id)
        return reply

    async def respond(self, url: str | None, reply: Reply, *, replace_original: bool = False) -> None:
        if not url:
            log.warning("no response_url to answer on")
            return
        webhook = AsyncWebhookClient(
            url, session=self.client.session, retry_handlers=self.client.retry_handlers
        )
        response = await webhook.send_dict(render.ephemeral(reply, replace_original=replace_original))
        if response.status_code != 200:
            log.warning("Slack refused a reply (HTTP %s): %s", response.status_code, response.body)

    async def _show_answers(self, body: dict, recorded: OutcomeRecorded) -> None:
        try:
            await self.answers.show(body, recorded)
        except Exception as problem:  # the answer is recorded; only its display failed
            log.warning("could not update the intro to show an answer: %s", type(problem).__name__)


def unescape(text: str) -> str:
    """Slack escapes &, < and > in what people type; the core should see what they typed (A&E)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
