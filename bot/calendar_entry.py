"""An agreed coffee as an iCalendar file (RFC 5545), the text Slack uploads as an .ics attachment.

Times are written in UTC, so any calendar shows them in its own zone without a VTIMEZONE block.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.messages import CalendarEntry

PRODUCT = "-//Corridor//Coffee pairing//EN"


def ics_text(entry: CalendarEntry, stamped: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{_escape(entry.uid)}",
        f"DTSTAMP:{_utc(stamped)}",
        f"DTSTART:{_utc(datetime.fromisoformat(entry.start))}",
        f"DTEND:{_utc(datetime.fromisoformat(entry.end))}",
        f"SUMMARY:{_escape(entry.subject)}",
        f"LOCATION:{_escape(entry.location)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    # RFC 5545 3.3.11: backslash, semicolon and comma are escaped; a newline becomes \n.
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str, limit: int = 75) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    data = line.encode()
    if len(data) <= limit:
        return line
    parts: list[str] = []
    start = 0
    while start < len(data):
        end = min(len(data), start + (limit if not parts else limit - 1))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(data[start:end].decode())
        start = end
    return "\r\n ".join(parts)
