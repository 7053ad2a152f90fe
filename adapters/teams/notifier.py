"""Proactive delivery on Teams: one outbox message, one Adaptive Card, one Bot Connector call.

A person is reached through the conversation reference kept from their chat with the bot;
someone enrolled without ever chatting (a CSV import) gets a new one-to-one chat created
with their tenant and Entra object id first. Failures are raised to the delivery worker
as RetryLater or PermanentFailure, never swallowed by the adapter's turn-error handler.
"""

from __future__ import annotations

import asyncio
import logging

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)

from adapters.teams import references
from adapters.teams.activities import PLATFORM, card_message
from adapters.teams.cards import render, summary
from adapters.teams.config import TeamsConfig
from adapters.teams.failures import classify
from adapters.teams.limiter import TeamsRateLimiter
from bot.gateway import PlatformStore
from bot.messages import (
    DigestMessage,
    Intro,
    Notice,
    PersonCard,
    Redaction,
    SitOutNotice,
    message_from_payload,
)
from bot.model import OutboxMessage
from bot.ports import Delivered, PermanentFailure

log = logging.getLogger("corridor.teams")
TEAMS_CHANNEL = "msteams"
# Between the conversation id and the activity id in a Teams reference (neither contains it).
REF_SEPARATOR = "|"


class TeamsNotifier:
    platform = PLATFORM

    def __init__(
        self,
        state: PlatformStore,
        config: TeamsConfig,
        adapter: CloudAdapter,
        limiter: TeamsRateLimiter | None = None,
    ):
        self.state = state
        self.config = config
        self.adapter = adapter
        self.limiter = limiter or TeamsRateLimiter()

    async def send(self, message: OutboxMessage) -> Delivered:
        content = message_from_payload(message.payload)
        activity = card_message(render(content), summary(content))
        try:
            if isinstance(content, Redaction):
                return await self._redact(content, activity)
            reference = await self._reference(content)
            async with self.limiter.slot(reference.conversation.id, references.tenant_of(reference) or "?"):
                posted = await self._continue(reference, activity)
            # Kept by the outbox, so erasure can find this copy again and rewrite it.
            return Delivered(f"{reference.conversation.id}{REF_SEPARATOR}{posted}" if posted else None)
        except Exception as error:
            outcome = classify(error)
            if outcome is None:
                raise
            raise outcome from error

    async def _reference(
        self, content: Intro | SitOutNotice | Notice | DigestMessage
    ) -> ConversationReference:
        if isinstance(content, DigestMessage):
            found = await asyncio.to_thread(references.load_channel, self.state, content.channel)
            if found is None:
                raise PermanentFailure(
                    f"Corridor has no way into Teams channel {content.channel} yet: an organiser "
                    "should mention the bot there with `admin channel here`."
                )
            return found
        person = content.recipients[0] if isinstance(content, Intro) else content.recipient
        found = await asyncio.to_thread(references.load_person, self.state, person.user_id)
        return found if found is not None else await self._start_chat(person)

    async def _redact(self, redaction: Redaction, activity: Activity) -> Delivered:
        """Replace a posted intro or follow-up with its redacted card (PUT .../activities/{id}).
        A 403 or 404 (the chat or the message is gone, the app removed) is permanent, so the
        outbox records it as a copy that could not be redacted."""
        conversation_id, _, activity_id = redaction.ref.rpartition(REF_SEPARATOR)
        reader = redaction.reader_user_ids[0] if redaction.reader_user_ids else None
        reference = await asyncio.to_thread(references.load_person, self.state, reader) if reader else None
        if reference is None or not conversation_id or not activity_id:
            raise PermanentFailure("Teams: no way back into the chat holding this copy")
        reference.conversation = ConversationAccount(
            id=conversation_id,
            conversation_type=reference.conversation.conversation_type,
            tenant_id=references.tenant_of(reference),
        )
        async with self.limiter.slot(conversation_id, references.tenant_of(reference) or "?"):
            await self._update(reference, activity, activity_id)
        return Delivered(redaction.ref)

    async def _update(self, reference: ConversationReference, activity: Activity, activity_id: str) -> None:
        result: dict = {}

        async def update(turn: TurnContext) -> None:
            try:
                outgoing = TurnContext.apply_conversation_reference(activity, reference)
                outgoing.id = activity_id
                outgoing.reply_to_id = None
                await turn.adapter.update_activity(turn, outgoing)
            except Exception as error:
                result["error"] = error

        await self.adapter.continue_conversation(reference, update, self.config.app_id)
        if "error" in result:
            raise result["error"]

    async def _start_chat(self, person: PersonCard) -> ConversationReference:
        """Create the one-to-one chat with someone the bot has never heard from, and keep it."""
        if not person.workspace_id:
            raise PermanentFailure(f"no Teams tenant is known for participant {person.participant_id}")
        known = await asyncio.to_thread(references.load_tenant, self.state, person.workspace_id)
        service_url = known.get("service_url") or self.config.service_url
        bot = ChannelAccount.deserialize(known["bot"]) if "bot" in known else self._bot_account()
        parameters = ConversationParameters(
            is_group=False,
            bot=bot,
            members=[ChannelAccount(id=person.user_id, aad_object_id=person.user_id)],
            tenant_id=person.workspace_id,
            channel_data={"tenant": {"id": person.workspace_id}},
        )
        created: list[ConversationReference] = []

        async def keep(turn: TurnContext) -> None:
            created.append(TurnContext.get_conversation_reference(turn.activity))

        async with self.limiter.slot(f"new-chat:{person.user_id}", person.workspace_id):
            await self.adapter.create_conversation(
                self.config.app_id, keep, parameters, TEAMS_CHANNEL, service_url
            )
        reference = created[0]
        reference.user = ChannelAccount(id=person.user_id, aad_object_id=person.user_id, name=person.name)
        reference.conversation = ConversationAccount(
            id=reference.conversation.id, conversation_type="personal"
        )
        tenant = person.workspace_id
        await asyncio.to_thread(references.remember_person, self.state, person.user_id, reference, tenant)
        reference = references.with_tenant(reference, tenant)
        return reference

    def _bot_account(self) -> ChannelAccount:
        # Teams addresses a bot as 28:<app id>.
        return ChannelAccount(id=f"28:{self.config.app_id}", name=self.config.app_name)

    async def _continue(self, reference: ConversationReference, activity: Activity) -> str | None:
        """Send one activity into a known conversation as a new message, and return its id.

        `turn.send_activity` would make it a reply to the SDK's made-up continuation id; in a
        channel that is not where a digest belongs, so the activity is addressed here and
        handed to the adapter directly. The send happens inside the SDK's turn pipeline,
        which passes exceptions to on_turn_error; catching them here lets them reach the outbox.
        """
        result: dict = {}

        async def send(turn: TurnContext) -> None:
            try:
                outgoing = TurnContext.apply_conversation_reference(activity, reference)
                outgoing.reply_to_id = None
                [response] = await turn.adapter.send_activities(turn, [outgoing])
                result["id"] = response.id if response else None
            except Exception as error:
                result["error"] = error

        await self.adapter.continue_conversation(reference, send, self.config.app_id)
        if "error" in result:
            raise result["error"]
        return result.get("id")
