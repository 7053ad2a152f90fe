"""Block Kit for everything Corridor shows on Slack.

The one place that decides how the core's words look on Slack; the words themselves come
from the core (bot.messages, bot.status, Reply) and are never rewritten here. Every
button carries a core command as its value, fed back through `bot.chat.handle` when clicked.
"""

from __future__ import annotations

import re

from bot.answers import Answer
from bot.context import Reply
from bot.messages import (
    Button,
    DigestMessage,
    Intent,
    Intro,
    Notice,
    PersonCard,
    Redaction,
    SitOutNotice,
)
from bot.status import PersonalStatus
from bot.wording import command_spans

ACTION_PREFIX = "corridor:"
ANSWERS_BLOCK = "corridor-answers"
TIMES_BLOCK = "corridor-times"
SECTION_LIMIT = 3000  # Slack's limits, from the Block Kit reference
HEADER_LIMIT = 150
LABEL_LIMIT = 75
OPTION_VALUE_LIMIT = 150
MAX_OPTIONS = 100
MAX_ACTIONS = 25
MAX_FIELDS = 10
RECENT_HEADING = "Recent pairings:"
SLASH_COMMAND = "/coffee"  # as manifest.yml names it
# Stands around a user id in the core's words until escaping is done, then becomes a mention.
_MARK = "\u2063"
_MENTION = re.compile(f"{_MARK}([A-Z0-9]+){_MARK}")


# --- the outbox's messages -------------------------------------------------------------


def intro_message(intro: Intro, recipient: PersonCard | None) -> dict:
    """An intro or follow-up; `recipient` is None in the group DM holding both people, who are
    then named as mentions. The notification names the partner and the place."""
    blocks = [header(intro.headline())]

    def mention(person: PersonCard) -> str:
        return f"{_MARK}{person.user_id}{_MARK}"

    blocks += [_with_mentions(line) for line in intro.lines(recipient, None if recipient else mention)]
    if intro.time_buttons:  # a row of its own above the answers: the times, then "My usual shifts"
        blocks.append(actions(intro.time_buttons, block_id=TIMES_BLOCK))
    if intro.buttons:
        blocks.append(actions(intro.buttons))
    return {"text": intro.notification(recipient), "blocks": blocks}


def _with_mentions(line: str) -> dict:
    return section(_MENTION.sub(lambda found: f"<@{found[1]}>", escape(line)), escaped=False)


def sit_out_message(notice: SitOutNotice | Notice) -> dict:
    lines = [with_slash(line) for line in notice.lines()]
    blocks = [header(notice.headline()), *(section(line) for line in lines)]
    if isinstance(notice, Notice) and notice.buttons:
        blocks.append(actions(notice.buttons))
    return {"text": notice.headline(), "blocks": blocks}


def redaction_message(redaction: Redaction) -> dict:
    """What a posted intro says once someone in it is erased: no name, mention or button left."""
    blocks = [header(redaction.headline()), *(section(line) for line in redaction.lines())]
    return {"text": redaction.headline(), "blocks": blocks}


def with_slash(text: str, commands: tuple[str, ...] | None = None) -> str:
    """The core's quoted commands as Slack needs them typed: `pause 2w` becomes `/coffee pause 2w`."""
    for command in dict.fromkeys(command_spans(text) if commands is None else commands):
        text = text.replace(f"`{command}`", f"`{SLASH_COMMAND} {command}`")
    return text


def digest_message(digest: DigestMessage) -> dict:
    """The figures as two-column fields, then whatever else the core says (reasons, sites, places)."""
    blocks = [header(digest.title)]
    fields = [f"*{escape(label)}*\n{escape(value)}" for label, value in digest.rows]
    for start in range(0, len(fields), MAX_FIELDS):
        chunk = fields[start : start + MAX_FIELDS]
        blocks.append({"type": "section", "fields": [_mrkdwn(f) for f in chunk]})
    shown = {f"{label}: {value}" for label, value in digest.rows}
    rest = [line for line in digest.lines()[1:] if line and line not in shown]
    if rest:
        blocks += [{"type": "divider"}, *sections("\n".join(rest))]
    return {"text": "\n".join(digest.lines()), "blocks": blocks}


# --- replies to a person ----------------------------------------------------------------


def ephemeral(reply: Reply, *, replace_original: bool = False) -> dict:
    """A response_url body: seen only by the person who typed or clicked."""
    return {
        "response_type": "ephemeral",
        "replace_original": replace_original,
        "text": with_slash(reply.text, reply.commands),
        "blocks": reply_blocks(reply),
    }


def reply_blocks(reply: Reply) -> list[dict]:
    text = with_slash(reply.text, reply.commands)
    columns = with_slash(reply.columns, reply.commands) if reply.columns else None
    blocks = _text_blocks(text, columns)
    if reply.buttons:
        blocks.append(choices(reply))
    return blocks


def _text_blocks(text: str, columns: str | None) -> list[dict]:
    # A part that lines up in columns (the command list) is shown in a fixed-width block.
    before, found, after = text.partition(columns) if columns else (text, "", "")
    if not found:
        return sections(text)
    blocks = sections(before) if before.strip() else []
    blocks.append(section(f"```{escape(found)}```", escaped=False))
    if after.strip():
        blocks += sections(after)
    return blocks


def choices(reply: Reply) -> dict:
    """A select menu when the core offers alternatives to pick one of (a site), buttons otherwise."""
    if reply.pick_one and _fits_a_menu(reply.buttons):
        return picker(reply.buttons, reply.pick_one)
    return actions(reply.buttons)


def _fits_a_menu(buttons: list[Button]) -> bool:
    return len(buttons) <= MAX_OPTIONS and all(len(b.command) <= OPTION_VALUE_LIMIT for b in buttons)


# --- App Home ---------------------------------------------------------------------------


def home_view(status: PersonalStatus, notice: Reply | None = None) -> dict:
    blocks = [header("Corridor")]
    if notice is not None:
        blocks += [*reply_blocks(notice), {"type": "divider"}]
    lines = [with_slash(line) for line in status.lines()]
    mine, recent = _split_at(lines, RECENT_HEADING)
    blocks += sections("\n".join(mine))
    if recent:
        blocks += [{"type": "divider"}, *sections("\n".join(recent))]
    blocks.append(actions(status.buttons()))
    return {"type": "home", "blocks": blocks}


def _split_at(lines: list[str], heading: str) -> tuple[list[str], list[str]]:
    if heading not in lines:
        return lines, []
    at = lines.index(heading)
    return lines[:at], lines[at:]


# --- showing recorded answers on an intro -----------------------------------------------


def with_answers(blocks: list[dict], answers: list[Answer]) -> list[dict]:
    """The message's blocks with one context line per answer, just above the buttons,
    which stay so the partner can still answer."""
    kept = [b for b in blocks if b.get("block_id") != ANSWERS_BLOCK]
    if not answers:
        return kept
    line = {
        "type": "context",
        "block_id": ANSWERS_BLOCK,
        "elements": [_mrkdwn(escape(answer.line())) for answer in answers[:10]],
    }
    # Above the answer buttons, the last row (an intro's times have a row of their own above).
    at = next((i for i in reversed(range(len(kept))) if kept[i].get("type") == "actions"), len(kept))
    return [*kept[:at], line, *kept[at:]]


# --- building blocks --------------------------------------------------------------------


def header(text: str) -> dict:
    return {"type": "header", "text": _plain(text, HEADER_LIMIT)}


def section(text: str, *, escaped: bool = True) -> dict:
    body = escape(text) if escaped else text
    return {"type": "section", "text": _mrkdwn(_clip(body or " ", SECTION_LIMIT))}


def sections(text: str) -> list[dict]:
    """Long text split at line ends into sections Slack accepts."""
    chunks, current = [], ""
    for line in escape(text).split("\n"):
        if current and len(current) + 1 + len(line) > SECTION_LIMIT:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    chunks.append(current)
    return [section(chunk, escaped=False) for chunk in chunks if chunk.strip()] or [section(" ")]


def actions(buttons: list[Button], block_id: str | None = None) -> dict:
    block = {"type": "actions", "elements": [_button(b, i) for i, b in enumerate(buttons[:MAX_ACTIONS])]}
    if block_id:
        block["block_id"] = block_id
    return block


def picker(buttons: list[Button], placeholder: str) -> dict:
    options = [{"text": _plain(b.label, LABEL_LIMIT), "value": b.command} for b in buttons]
    menu = {
        "type": "static_select",
        "action_id": f"{ACTION_PREFIX}pick",
        "placeholder": _plain(placeholder, LABEL_LIMIT),
        "options": options,
    }
    return {"type": "actions", "elements": [menu]}


def _button(button: Button, index: int) -> dict:
    element = {
        "type": "button",
        "action_id": f"{ACTION_PREFIX}button:{index}",
        "text": _plain(button.label, LABEL_LIMIT),
        "value": button.command,
    }
    if button.intent is not Intent.DEFAULT:
        element["style"] = button.intent.value  # Slack's two styles share the core's names
    return element


def escape(text: str) -> str:
    # Slack's mrkdwn needs only these three escaped; names like "A&E <Resus>" then show as typed.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": _clip(text or " ", limit), "emoji": True}


def _mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
