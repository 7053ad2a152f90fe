"""The Teams bot, kept thin: an activity in, the core's reply out.

Typed text and card clicks take the same road: a button's data carries a command string
(`outcome 12 met`), which the core reads exactly as if it had been typed. The only
Teams-specific work is who is speaking, where, and how to answer: a plain message, a
card, or an update to the card that was clicked. What to redraw comes from the reply's
typed result, never from reading the command.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.schema import AdaptiveCardInvokeResponse, ChannelAccount

from adapters.teams import activities as a
from adapters.teams import references
from adapters.teams.cards import CONTENT_TYPE, recorded_card, reply_card, team_welcome_card, welcome_card
from adapters.teams.config import TeamsConfig
from adapters.teams.people import NOBODY, Directory
from bot.context import Reply, Sender
from bot.gateway import Chat, PlatformStore
from bot.results import ONE_TAP, DigestChannelSet, Forgotten, OutcomeRecorded

log = logging.getLogger("corridor.teams")


class CorridorTeamsBot(ActivityHandler):
    def __init__(self, chat: Chat, state: PlatformStore, config: TeamsConfig):
        self.chat = chat
        self.state = state
        self.config = config
        self.directory = Directory()

    async def on_message_activity(self, turn: TurnContext) -> None:
        activity = turn.activity
        clicked = activity.value if isinstance(activity.value, dict) else None
        if clicked is not None:  # an Action.Submit click: the command is in the card's data
            text = str(clicked.get("command") or "")
        else:
            text = TurnContext.remove_recipient_mention(activity) or ""
        sender, reply = await self._answer(turn, text.strip())
        if clicked and activity.reply_to_id:
            updated = await self._recorded(sender, reply, clicked.get("card"))
            if updated is not None and await self._redraw(turn, updated, reply):
                return
        await turn.send_activity(a.reply_message(reply))

    async def _redraw(self, turn: TurnContext, card: dict, reply: Reply) -> bool:
        """Replace the clicked card; if Teams refuses, the answer goes into the chat instead."""
        message = a.card_message(card, reply.text)
        message.id = turn.activity.reply_to_id
        try:
            await turn.update_activity(message)
        except Exception as problem:  # the answer is recorded either way; only the drawing failed
            log.warning("could not update a clicked card: %s", type(problem).__name__)
            return False
        return True

    async def on_invoke_activity(self, turn: TurnContext) -> InvokeResponse:
        if turn.activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn)
        # Answered here rather than in on_adaptive_card_invoke: that path serialises the body
        # twice, which CloudAdapter cannot send. Handing it the model keeps it to once.
        return InvokeResponse(status=200, body=await self._card_action(turn))

    async def _card_action(self, turn: TurnContext) -> AdaptiveCardInvokeResponse:
        """An Action.Execute click: the answer replaces the clicked card (the redrawn intro for
        an outcome, otherwise the reply as a card)."""
        value = _mapping(turn.activity.value)
        action = _mapping(value.get("action"))
        data = _mapping(action.get("data"))
        text = str(data.get("command") or action.get("verb") or "")
        sender, reply = await self._answer(turn, text.strip())
        updated = await self._recorded(sender, reply, data.get("card"))
        return AdaptiveCardInvokeResponse(
            status_code=200, type=CONTENT_TYPE, value=updated or reply_card(reply)
        )

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn: TurnContext) -> None:
        activity = turn.activity
        if not any(member.id == activity.recipient.id for member in members_added):
            return  # people joining a team the app is already in: not ours to greet
        if a.is_personal(activity):
            reference = TurnContext.get_conversation_reference(activity)
            await asyncio.to_thread(
                references.remember_person, self.state, a.user_id(activity), reference, a.tenant_id(activity)
            )
            await turn.send_activity(a.card_message(welcome_card(), "Welcome to Corridor"))
        else:
            await turn.send_activity(a.card_message(team_welcome_card(), "Corridor is here"))

    async def _answer(self, turn: TurnContext, text: str) -> tuple[Sender, Reply]:
        activity = turn.activity
        personal = a.is_personal(activity)
        member = await self.directory.member(turn, a.user_id(activity)) if personal else NOBODY
        sender = a.sender_from(activity, self.config, member.email, member.upn)
        reply = await asyncio.to_thread(self.chat.handle, sender, text)
        await asyncio.to_thread(self._keep_reference, turn, reply)
        return sender, reply

    def _keep_reference(self, turn: TurnContext, reply: Reply) -> None:
        """After each message: keep the way back to this person (tied to their participant row
        once they have joined) or to the channel that will get the digest; drop the person's
        when they ask to be forgotten."""
        activity = turn.activity
        reference = TurnContext.get_conversation_reference(activity)
        tenant = a.tenant_id(activity)
        if isinstance(reply.result, DigestChannelSet) and not a.is_personal(activity):
            references.remember_channel(self.state, reply.result.channel_id, reference, tenant)
        if not a.is_personal(activity):
            return
        who = a.user_id(activity)
        if isinstance(reply.result, Forgotten):
            references.forget_person(self.state, who)
            self.directory.forget(who)
        else:
            references.remember_person(self.state, who, reference, tenant)

    async def _recorded(self, sender: Sender, reply: Reply, kind: str | None) -> dict | None:
        """The clicked intro or follow-up redrawn with the answer, a one-tap question (pulse,
        shadowing) replaced by its answer, or None when there is nothing to redraw."""
        if isinstance(reply.result, ONE_TAP):
            return reply_card(reply)
        if not isinstance(reply.result, OutcomeRecorded) or kind is None:
            return None
        found = await asyncio.to_thread(self.chat.answered_intro, sender, reply.result.pair_id, kind)
        return recorded_card(found, reply) if found else None


def _mapping(value: object) -> dict[str, Any]:
    """Part of a clicked card's payload, or nothing when a client sent something else there."""
    return value if isinstance(value, dict) else {}
