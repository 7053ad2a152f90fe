"""Console renderer: an outbox payload as the plain text a person would read."""

from __future__ import annotations

from bot.messages import DigestMessage, Intro, Notice, Redaction, SitOutNotice, message_from_payload


def render(payload: dict) -> list[str]:
    message = message_from_payload(payload)
    if isinstance(message, Intro):
        recipient = message.recipients[0] if len(message.recipients) == 1 else None
        lines = [message.headline(), *message.lines(recipient)]
        if message.time_buttons:
            lines.append("  times: " + " | ".join(f"[{b.label}]" for b in message.time_buttons))
        lines.append("  buttons: " + " | ".join(f"[{b.label}]" for b in message.buttons))
        return lines
    if isinstance(message, Notice):
        lines = [message.headline(), *message.lines()]
        if message.buttons:
            lines.append("  buttons: " + " | ".join(f"[{b.label}]" for b in message.buttons))
        return lines
    if isinstance(message, SitOutNotice | Redaction):
        return [message.headline(), *message.lines()]
    assert isinstance(message, DigestMessage)
    return message.lines()


def addressees(payload: dict) -> str:
    message = message_from_payload(payload)
    if isinstance(message, Intro):
        return " & ".join(r.name for r in message.recipients)
    if isinstance(message, SitOutNotice | Notice):
        return message.recipient.name
    if isinstance(message, Redaction):
        return f"the copy at {message.ref}"
    return f"channel {message.channel or '(organisers)'}"
