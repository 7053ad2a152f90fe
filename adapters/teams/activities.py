"""Reading who and where from a Teams activity, and building the activities we send back."""

from __future__ import annotations

from botbuilder.schema import Activity, ActivityTypes, Attachment

from adapters.teams.cards import CONTENT_TYPE, reply_card
from adapters.teams.config import TeamsConfig
from bot.context import Reply, Sender

PLATFORM = "teams"


def user_id(activity: Activity) -> str:
    """The person's Entra object id, which is what Corridor and organisers know them by.

    The Bot Framework Emulator sends no object id, so its user id stands in there.
    """
    person = activity.from_property
    return (getattr(person, "aad_object_id", None) or person.id or "").lower()


def tenant_id(activity: Activity) -> str:
    conversation_tenant = getattr(activity.conversation, "tenant_id", None)
    return conversation_tenant or _channel_data(activity).get("tenant", {}).get("id", "") or ""


def conversation_type(activity: Activity) -> str:
    return getattr(activity.conversation, "conversation_type", None) or "personal"


def is_personal(activity: Activity) -> bool:
    return conversation_type(activity) == "personal"


def channel_id(activity: Activity) -> str | None:
    """The team channel's id; a channel message's conversation id also names its reply thread."""
    if is_personal(activity):
        return None
    channel = _channel_data(activity).get("channel", {}).get("id")
    return channel or activity.conversation.id.split(";")[0]


def _channel_data(activity: Activity) -> dict:
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def sender_from(activity: Activity, config: TeamsConfig, email: str | None, upn: str | None = None) -> Sender:
    who = user_id(activity)
    return Sender.from_platform(
        PLATFORM,
        who,
        activity.from_property.name or "Teams user",
        workspace_id=tenant_id(activity),
        email=email,
        upn=upn,
        channel_id=channel_id(activity),
        is_organiser=config.is_organiser(who),
        # In a team channel everyone reads the answer: the core takes only a few commands there.
        shared=not is_personal(activity),
    )


def card_message(card: dict, summary: str = "") -> Activity:
    return Activity(
        type=ActivityTypes.message,
        summary=summary or None,
        attachments=[Attachment(content_type=CONTENT_TYPE, content=card)],
    )


def reply_message(reply: Reply) -> Activity:
    """A one-line answer stays a plain message; buttons or `help`'s columns need a card."""
    if not reply.buttons and "\n" not in reply.text:
        return Activity(type=ActivityTypes.message, text=reply.text, text_format="markdown")
    return card_message(reply_card(reply), reply.text.splitlines()[0])
