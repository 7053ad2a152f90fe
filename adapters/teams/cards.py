"""The one renderer for Teams: Corridor's messages and replies as Adaptive Cards 1.5.

Every word comes from the core (`Intro.lines`, `DigestMessage.lines`, `Reply.text`), so a
change to what an intro says is made once, in `bot/messages.py`. Cards are plain dicts
here; `activities.py` wraps them for the Bot Framework.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from bot.answers import AnsweredIntro
from bot.commands import HELP
from bot.context import Reply
from bot.messages import (
    INTRO,
    SUGGEST_A_TIME,
    Button,
    CalendarEntry,
    DigestMessage,
    Intent,
    Intro,
    Message,
    Notice,
    PersonCard,
    Redaction,
    SitOutNotice,
)
from bot.people import JOIN_BUTTONS

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
# Teams shows at most six actions on a card; longer choices (a big trust's site list) become a picker.
MAX_BUTTONS = 6
_CODE = re.compile(r"`([^`]+)`")
ACTION_STYLES = {Intent.PRIMARY: "positive", Intent.DANGER: "destructive"}
CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0?users={users}"
MEETING_LINK = (
    "https://teams.microsoft.com/l/meeting/new?subject={subject}&attendees={attendees}&content={content}"
)
# The same link for an agreed time: Teams opens a new meeting already set for it.
TIMED_MEETING = MEETING_LINK + "&startTime={start}&endTime={end}"
ADD_TO_CALENDAR = "Add to Teams calendar"


def adaptive_card(body: list[dict], actions: list[dict] | None = None, fallback: str = "") -> dict:
    card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        card["actions"] = actions
    if fallback:
        card["fallbackText"] = fallback
    return card


def text(words: str, **style: str) -> dict:
    block = {"type": "TextBlock", "text": _markdown(words), "wrap": True}
    block.update(style)
    return block


def column_line(words: str) -> dict:
    """One line of a part the core says lines up in columns (the command list): fixed width, as typed."""
    return {
        "type": "TextBlock",
        "text": words.strip(),
        "wrap": True,
        "fontType": "Monospace",
        "spacing": "None",
    }


def heading(words: str) -> dict:
    return text(words, size="Medium", weight="Bolder")


def _markdown(words: str) -> str:
    # Card text has no inline code, and Teams would show the backticks; bold reads the same.
    return _CODE.sub(r"**\1**", words)


def _lines(words: str) -> list[str]:
    return [line for line in words.splitlines() if line.strip()] or [""]


def submit(button: Button, card: str | None = None) -> dict:
    """A click sends back the command string, which goes through the same grammar as typing."""
    data = {"command": button.command}
    if card:
        data["card"] = card  # which card was clicked, so it can be redrawn with the answer
    action = {"type": "Action.Submit", "title": button.label, "data": data}
    if button.intent in ACTION_STYLES:
        action["style"] = ACTION_STYLES[button.intent]
    return action


def choices(buttons: list[Button], card: str | None = None) -> tuple[list[dict], list[dict]]:
    """(extra body, actions) offering the buttons: as buttons when few, as a picker when many."""
    if len(buttons) <= MAX_BUTTONS:
        return [], [submit(b, card) for b in buttons]
    picker = {
        "type": "Input.ChoiceSet",
        "id": "command",  # the chosen command lands in the submitted data under this name
        "style": "compact",
        "value": buttons[0].command,
        "choices": [{"title": b.label, "value": b.command} for b in buttons],
    }
    ok = {"type": "Action.Submit", "title": "OK", "data": {"card": card} if card else {}}
    return [picker], [ok]


def intro_card(intro: Intro, recipient: PersonCard) -> dict:
    """An intro or a follow-up, as one person sees it in their chat with the bot."""
    body = [heading(intro.headline()), *(text(line) for line in intro.lines(recipient))]
    body += time_choices(intro)
    extra, actions = choices(intro.buttons, intro.kind)
    return adaptive_card(body + extra, actions + reach_actions(intro, recipient), fallback=intro.headline())


def time_choices(intro: Intro) -> list[dict]:
    """The offered times (and "My usual shifts") as buttons in the card's body: the card's own
    actions are the answers and the links, and Teams shows at most six of those."""
    if not intro.time_buttons:
        return []
    return [{"type": "ActionSet", "actions": [submit(b) for b in intro.time_buttons[:MAX_BUTTONS]]}]


def reach_actions(intro: Intro, recipient: PersonCard) -> list[dict]:
    """On an intro: "Chat with NAME" (a one-to-one Teams chat) when the partner is on Teams, and
    "Suggest a time" (a new Teams meeting with both invited, the place as its note)."""
    if intro.kind != INTRO:
        return []
    partner = intro.partner_for(recipient)
    found = []
    if partner.platform == recipient.platform and partner.upn:
        chat = CHAT_LINK.format(users=_q(partner.upn))
        found.append(open_url(intro.chat_label(recipient), chat))
    attendees = [a for a in (recipient.upn or recipient.email, partner.upn or partner.email) if a]
    meeting = MEETING_LINK.format(
        subject=_q(intro.meeting_subject()),
        attendees=",".join(_q(a) for a in attendees),
        content=_q(intro.place_line()),
    )
    return [*found, open_url(SUGGEST_A_TIME, meeting)]


def open_url(title: str, url: str) -> dict:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def _q(value: str) -> str:
    return quote(value, safe="@")


def recorded_card(answered: AnsweredIntro, reply: Reply) -> dict:
    """The clicked card again, saying what was recorded and who has answered so far; the
    buttons stay so a mind can change."""
    intro, recipient = answered.intro, answered.recipient
    recorded = [text(line, color="Good", weight="Bolder") for line in _lines(reply.text)]
    recorded[0]["separator"] = True
    body = [heading(intro.headline()), *(text(line) for line in intro.lines(recipient))]
    body += [*time_choices(intro), *recorded]
    if answered.answers:
        facts = [{"title": a.name, "value": a.kind.label} for a in answered.answers]
        body.append({"type": "FactSet", "facts": facts})
    extra, actions = choices(reply.buttons or intro.buttons, intro.kind)
    if len(actions) < MAX_BUTTONS:
        actions += reach_actions(intro, recipient)[: MAX_BUTTONS - len(actions)]
    return adaptive_card(body + extra, actions, fallback=_lines(reply.text)[0])


def sit_out_card(notice: SitOutNotice | Notice) -> dict:
    body = [heading(notice.headline()), *(text(line) for line in notice.lines())]
    buttons = notice.buttons if isinstance(notice, Notice) else []
    extra, actions = choices(buttons)
    if isinstance(notice, Notice) and notice.calendar is not None:
        actions.append(open_url(ADD_TO_CALENDAR, timed_meeting(notice.calendar)))
    return adaptive_card(body + extra, actions, fallback=notice.headline())


def timed_meeting(entry: CalendarEntry) -> str:
    """A Teams meeting deep link set for the agreed time, with both invited and the place as its note."""
    return TIMED_MEETING.format(
        subject=_q(entry.subject),
        attendees=",".join(_q(a) for a in entry.attendees),
        content=_q(entry.location),
        start=_q(entry.start),
        end=_q(entry.end),
    )


def digest_card(digest: DigestMessage) -> dict:
    """The figures as facts, the rest of the digest's lines as text, then the chart."""
    body = [
        heading(digest.title),
        {"type": "FactSet", "facts": [{"title": label, "value": value} for label, value in digest.rows]},
    ]
    # lines() is [title, blank, one line per row, then reasons, sites and places]; the rows are above.
    body += [text(line.strip()) for line in digest.lines()[2 + len(digest.rows) :] if line.strip()]
    if digest.chart_png_base64:
        body.append(
            {
                "type": "Image",
                "url": f"data:image/png;base64,{digest.chart_png_base64}",
                "altText": f"Chart: pairs made and meetings confirmed, months up to {digest.month}",
                "size": "Stretch",
            }
        )
    return adaptive_card(body, fallback=digest.title)


def reply_card(reply: Reply) -> dict:
    """A reply that needs more than one plain line: buttons to click, or `help`'s columns."""
    columns = set(reply.columns.splitlines()[1:]) if reply.columns else set()
    body = [column_line(line) if line in columns else text(line) for line in _lines(reply.text)]
    extra, actions = choices(reply.buttons)
    return adaptive_card(body + extra, actions, fallback=_lines(reply.text)[0])


WELCOME_BUTTONS = JOIN_BUTTONS


def welcome_card() -> dict:
    """Sent when someone installs the app: what Corridor is, and the two ways in."""
    body = [
        heading("Welcome to Corridor"),
        text(HELP.splitlines()[0]),
        text(
            "Each week you'll get a partner from the other side of the hospital, a kitchen or "
            "corridor coffee point to meet at, and something to talk about."
        ),
        text("Pick your role to take part. Type `help` any time to see everything I understand."),
    ]
    return adaptive_card(body, [submit(b) for b in WELCOME_BUTTONS], fallback="Welcome to Corridor")


def team_welcome_card() -> dict:
    """Sent to a team's channel when the app is added: the digest lives in channels, pairing in chats."""
    body = [
        heading("Corridor is here"),
        text(HELP.splitlines()[0]),
        text("To take part, open a one-to-one chat with me and type `join clinician` or `join manager`."),
        text(
            "Organisers: mention me with `admin channel here` in the channel where the monthly "
            "digest should be posted."
        ),
    ]
    return adaptive_card(body, fallback="Corridor is here")


def redaction_card(redaction: Redaction) -> dict:
    """A posted intro once someone in it is erased: no name, link or button left."""
    body = [heading(redaction.headline()), *(text(line) for line in redaction.lines())]
    return adaptive_card(body, [], fallback=redaction.headline())


def render(message: Message) -> dict:
    """The card for an outbox message; on Teams an intro always has exactly one recipient."""
    if isinstance(message, Intro):
        return intro_card(message, message.recipients[0])
    if isinstance(message, SitOutNotice | Notice):
        return sit_out_card(message)
    if isinstance(message, Redaction):
        return redaction_card(message)
    return digest_card(message)


def summary(message: Message) -> str:
    """The line Teams shows in the notification and the chat list: for an intro, who and where."""
    if isinstance(message, Intro):
        return message.notification(message.recipients[0])
    return message.title if isinstance(message, DigestMessage) else message.headline()
