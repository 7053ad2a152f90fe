"""Where the bot can reach people and channels later: conversation references kept in the platform store.

A person's reference is tied to their participant row once they have joined, so
`forget-me` deletes it with everything else. These functions block on the store, like the
core's unit of work; async callers wrap them in `asyncio.to_thread`.
"""

from __future__ import annotations

from copy import copy

from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from bot.gateway import PlatformStore, StateDocument


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


def remember_person(
    store: PlatformStore, aad_object_id: str, reference: ConversationReference, tenant: str
) -> None:
    reference = with_tenant(proactive(reference), tenant)
    person = StateDocument(person_key(aad_object_id), _dump(reference), owner_user_id=aad_object_id)
    store.put_many([person, *_tenant_documents(reference)])


def forget_person(store: PlatformStore, aad_object_id: str) -> None:
    """Delete the reference of someone who asked to be forgotten but never joined (a member's is
    already gone: erasure deletes state tied to the participant)."""
    store.delete(person_key(aad_object_id))


def remember_channel(
    store: PlatformStore, channel_id: str, reference: ConversationReference, tenant: str
) -> None:
    """A channel's reference, pointing at the channel itself so a digest starts a new post,
    and without the person who happened to speak there."""
    reference = proactive(reference)
    reference.user = None
    reference.conversation = ConversationAccount(
        id=channel_id, is_group=True, conversation_type="channel", tenant_id=tenant
    )
    store.put_many([StateDocument(channel_key(channel_id), _dump(reference)), *_tenant_documents(reference)])


def load_person(store: PlatformStore, aad_object_id: str) -> ConversationReference | None:
    return _load(store, person_key(aad_object_id))


def load_channel(store: PlatformStore, channel_id: str) -> ConversationReference | None:
    return _load(store, channel_key(channel_id))


def load_tenant(store: PlatformStore, tenant_id: str) -> dict:
    """The service address and bot account last seen in a tenant: what starting a new chat needs."""
    return store.get(tenant_key(tenant_id)) or {}


def _tenant_documents(reference: ConversationReference) -> list[StateDocument]:
    tenant = tenant_of(reference)
    if not (tenant and reference.service_url and reference.bot is not None):
        return []
    bot = ChannelAccount(id=reference.bot.id, name=reference.bot.name)
    return [StateDocument(tenant_key(tenant), {"service_url": reference.service_url, "bot": bot.serialize()})]


def _load(store: PlatformStore, key: str) -> ConversationReference | None:
    found = store.get(key)
    return ConversationReference.deserialize(found) if found else None


def _dump(reference: ConversationReference) -> dict:
    return reference.serialize()
