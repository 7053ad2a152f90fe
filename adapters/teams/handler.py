"""The Teams bot, kept thin: an activity in, the core's `handle`, the reply out.

Typed text and card clicks take the same road: a button's data carries a command string
(`outcome 12 met`), which goes through `handle` exactly as if it had been typed. The only
Teams-specific work is who is speaking, where, and how to answer: a plain message, a
card, or an update to the card that was clicked.
"""

from __future__ import annotations

import asyncio
import logging

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse, ChannelAccount

from adapters.teams import activities as a
from adapters.teams import references
from adapters.teams.cards import CONTENT_TYPE, recorded_card, reply_card, team_welcome_card, welcome_card
from adapters.teams.config import TeamsConfig
from bot import commands as c
from bot.chat import handle
from bot.context import Context, Reply, default_programme
from bot.messages import Intro, PersonCard

log = logging.getLogger("corridor.teams")

# In a team channel everyone can read the answer, so only these are taken there.
CHANNEL_COMMANDS = (c.Help, c.AdminChannelHere, c.AdminDigestNow, c.AdminStats, c.AdminRoundNow)
ONE_TO_ONE = (
    "I only take that in a one-to-one chat, so nothing was changed here. "
    "Open a chat with me and type it there."
)


class CorridorTeamsBot(ActivityHandler):
    def __init__(self, ctx: Context, config: TeamsConfig):
        self.ctx = ctx
        self.config = config

    async def on_message_activity(self, turn: TurnContext) -> None:
        activity = turn.activity
        clicked = activity.value if isinstance(activity.value, dict) else None
        if clicked is not None:  # an Action.Submit click: the command is in the card's data
            text = str(clicked.get("command") or "")
        else:
            text = TurnContext.remove_recipient_mention(activity) or ""
        command, reply = await self._answer(turn, text.strip())
        if clicked and activity.reply_to_id:
            updated = await self._recorded(activity, command, reply, clicked.get("card"))
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
        value = turn.activity.value if isinstance(turn.activity.value, dict) else {}
        action = value.get("action") if isinstance(value.get("action"), dict) else {}
        data = action.get("data") if isinstance(action.get("data"), dict) else {}
        text = str(data.get("command") or action.get("verb") or "")
        command, reply = await self._answer(turn, text.strip())
        updated = await self._recorded(turn.activity, command, reply, data.get("card"))
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
                references.remember_person, self.ctx, a.user_id(activity), reference, a.tenant_id(activity)
            )
            await turn.send_activity(a.card_message(welcome_card(), "Welcome to Corridor"))
        else:
            await turn.send_activity(a.card_message(team_welcome_card(), "Corridor is here"))

    async def _answer(self, turn: TurnContext, text: str) -> tuple[c.Command | None, Reply]:
        activity = turn.activity
        command = self._parse(text)
        if not a.is_personal(activity):
            if command is not None and not isinstance(command, CHANNEL_COMMANDS):
                return command, Reply(ONE_TO_ONE, rejected=True)
            if isinstance(command, c.AdminChannelHere):
                reference = TurnContext.get_conversation_reference(activity)
                channel = a.channel_id(activity)
                tenant = a.tenant_id(activity)
                await asyncio.to_thread(references.remember_channel, self.ctx, channel, reference, tenant)
        email = await self._email(turn) if isinstance(command, c.Join) else None
        organisers = self.ctx.settings.organisers.get(a.PLATFORM, frozenset())
        sender = a.sender_from(activity, self.config, organisers, email)
        reply = await asyncio.to_thread(handle, self.ctx, sender, text)
        if a.is_personal(activity):
            await asyncio.to_thread(self._keep_reference, activity, command)
        return command, reply

    def _parse(self, text: str) -> c.Command | None:
        try:
            return c.parse(text, self.ctx.today())
        except c.ParseError:
            return None  # `handle` parses again and explains what was wrong

    def _keep_reference(self, activity: Activity, command: c.Command | None) -> None:
        """After each personal message: keep the way back to this person, tied to their
        participant row once they have joined; drop it when they ask to be forgotten."""
        who = a.user_id(activity)
        if isinstance(command, c.ForgetMe) and command.confirmed:
            references.forget_person(self.ctx, who)
        else:
            reference = TurnContext.get_conversation_reference(activity)
            references.remember_person(self.ctx, who, reference, a.tenant_id(activity))

    async def _email(self, turn: TurnContext) -> str | None:
        """Their work email, so a partner on Slack can reach them; Teams knows it, the message doesn't."""
        try:
            member = await TeamsInfo.get_member(turn, turn.activity.from_property.id)
        except Exception as problem:  # best effort: joining must not fail for want of an address
            log.info("could not look up a Teams member's email: %s", type(problem).__name__)
            return None
        return getattr(member, "email", None) or getattr(member, "user_principal_name", None)

    async def _recorded(
        self, activity: Activity, command: c.Command | None, reply: Reply, kind: str | None
    ) -> dict | None:
        """The clicked intro or follow-up redrawn with the answer, or None when there is none to redraw."""
        if not isinstance(command, c.RecordOutcome) or reply.rejected or kind is None:
            return None
        found = await asyncio.to_thread(clicked_intro, self.ctx, a.user_id(activity), command.pair_id, kind)
        return recorded_card(found[0], found[1], reply) if found else None


def clicked_intro(
    ctx: Context, aad_object_id: str, pair_id: int, kind: str
) -> tuple[Intro, PersonCard] | None:
    """The intro (or follow-up) this person was sent for the pair, found in the outbox.

    The outbox already holds exactly what was sent and forgets it when the person asks to be
    forgotten, so nothing more needs keeping to redraw a clicked card.
    """
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        person = uow.participants.find(programme.id, a.PLATFORM, aad_object_id)
        if person is None:
            return None
        for message in uow.outbox.mentioning(person.id):
            payload = message.payload
            if message.platform != a.PLATFORM or payload.get("kind") != kind:
                continue
            if payload.get("pair_id") != pair_id:
                continue
            intro = Intro.from_payload(payload)
            if intro.recipients[0].participant_id == person.id:
                return intro, intro.recipients[0]
    return None
