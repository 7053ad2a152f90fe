"""Where the bot can reach people and channels later: conversation references kept in platform_state.

A person's reference is tied to their participant row once they have joined, so
`forget-me` deletes it with everything else. These functions are synchronous, like the
core's unit of work; async callers wrap them in `asyncio.to_thread`.
"""

from __future__ import annotations

from copy import copy

from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from adapters.teams.activities import PLATFORM
from bot.context import Context, default_programme
from bot.ports import UnitOfWork


def person_key(aad_object_id: str) -> str:
    return f"ref:{aad_object_id}"


def channel_key(channel_id: str) -> str:
    return f"channel:{channel_id}"


def tenant_key(tenant_id: str) -> str:
    return f"tenant:{tenant_id}"


def proactive(reference: ConversationReference) -> ConversationReference:
    """A reference for starting a new message: with an activity id, sends become replies to it."""
    reference = copy(reference)
    reference.activity_id = None
    return reference


def with_tenant(reference: ConversationReference, tenant: str) -> ConversationReference:
    """Teams puts the tenant in channelData and in conversation.tenantId, but the SDK's model reads
    only `tenantID`; keep it on the reference ourselves so proactive sends know their tenant."""
    if tenant:
        reference.conversation = copy(reference.conversation)
        reference.conversation.tenant_id = tenant
    return reference


def tenant_of(reference: ConversationReference) -> str:
    return getattr(reference.conversation, "tenant_id", None) or ""


def remember_person(ctx: Context, aad_object_id: str, reference: ConversationReference, tenant: str) -> None:
    reference = with_tenant(proactive(reference), tenant)
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        person = uow.participants.find(programme.id, PLATFORM, aad_object_id)
        owner = person.id if person is not None and not person.erased else None
        uow.platform_state.put(PLATFORM, person_key(aad_object_id), _dump(reference), owner)
        _remember_tenant(uow, reference)
        uow.commit()


def forget_person(ctx: Context, aad_object_id: str) -> None:
    """Delete the reference of someone who asked to be forgotten but never joined (a member's is
    already gone: erasure deletes state tied to the participant)."""
    with ctx.uow() as uow:
        uow.platform_state.delete(PLATFORM, person_key(aad_object_id))
        uow.commit()


def remember_channel(ctx: Context, channel_id: str, reference: ConversationReference, tenant: str) -> None:
    """A channel's reference, pointing at the channel itself so a digest starts a new post,
    and without the person who happened to speak there."""
    reference = proactive(reference)
    reference.user = None
    reference.conversation = ConversationAccount(
        id=channel_id, is_group=True, conversation_type="channel", tenant_id=tenant
    )
    with ctx.uow() as uow:
        uow.platform_state.put(PLATFORM, channel_key(channel_id), _dump(reference), None)
        _remember_tenant(uow, reference)
        uow.commit()


def load_person(ctx: Context, aad_object_id: str) -> ConversationReference | None:
    return _load(ctx, person_key(aad_object_id))


def load_channel(ctx: Context, channel_id: str) -> ConversationReference | None:
    return _load(ctx, channel_key(channel_id))


def load_tenant(ctx: Context, tenant_id: str) -> dict:
    """The service address and bot account last seen in a tenant: what starting a new chat needs."""
    with ctx.uow() as uow:
        return uow.platform_state.get(PLATFORM, tenant_key(tenant_id)) or {}


def _remember_tenant(uow: UnitOfWork, reference: ConversationReference) -> None:
    tenant = tenant_of(reference)
    if tenant and reference.service_url and reference.bot is not None:
        bot = ChannelAccount(id=reference.bot.id, name=reference.bot.name)
        state = {"service_url": reference.service_url, "bot": bot.serialize()}
        uow.platform_state.put(PLATFORM, tenant_key(tenant), state, None)


def _load(ctx: Context, key: str) -> ConversationReference | None:
    with ctx.uow() as uow:
        found = uow.platform_state.get(PLATFORM, key)
    return ConversationReference.deserialize(found) if found else None


def _dump(reference: ConversationReference) -> dict:
    return reference.serialize()
