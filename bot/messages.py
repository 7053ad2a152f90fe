"""Platform-neutral messages: what an intro, follow-up, sit-out notice or digest says.

Each is stored in the outbox as a JSON payload; every adapter has one renderer that turns
a payload into Block Kit, an Adaptive Card or console text. A change to what an intro
says is made here once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.model import OutcomeKind, Participant, Reason, Role, Site
from bot.wording import period_phrase

INTRO = "intro"
FOLLOWUP = "followup"
SIT_OUT = "sit_out"
DIGEST = "digest"
NOTICE = "notice"
REDACTION = "redaction"
# What a posted copy says instead of the name of someone who asked to be forgotten.
LEFT_CORRIDOR = "a colleague who has since left Corridor"


@dataclass(frozen=True)
class PersonCard:
    participant_id: int
    name: str
    role: str
    site: str
    platform: str
    user_id: str
    workspace_id: str = ""
    department: str | None = None
    email: str | None = None
    # The Teams user principal name, which Teams' chat and meeting links address people by.
    upn: str | None = None

    @classmethod
    def of(cls, person: Participant, sites: dict[int, Site]) -> PersonCard:
        return cls(
            participant_id=person.saved_id,
            name=person.display_name,
            role=person.role.value,
            site=sites[person.site_id].name if person.site_id in sites else "",
            platform=person.platform,
            user_id=person.user_id,
            workspace_id=person.workspace_id,
            department=person.department,
            email=person.email,
            upn=person.upn,
        )

    def to_dict(self) -> dict[str, Any]:
        # Written out rather than dataclasses.asdict: a 100k round builds 150k of these.
        return {
            "participant_id": self.participant_id,
            "name": self.name,
            "role": self.role,
            "site": self.site,
            "platform": self.platform,
            "user_id": self.user_id,
            "workspace_id": self.workspace_id,
            "department": self.department,
            "email": self.email,
            "upn": self.upn,
        }

    def describe(self, name: Callable[[PersonCard], str] | None = None) -> str:
        """ "Dr Amara Okafor, clinician, Cardiology, St Mary's"; `name` shows the name another way
        (a Slack mention)."""
        parts = [name(self) if name else self.name, self.role]
        if self.department:
            parts.append(self.department)
        if self.site:
            parts.append(self.site)
        return ", ".join(parts)


class Intent(StrEnum):
    """How much a button stands out: the one most people should press, or one that destroys."""

    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    label: str
    command: str  # fed back through the same grammar when clicked; only the core reads it
    intent: Intent = Intent.DEFAULT


def outcome_buttons(pair_id: int) -> list[Button]:
    return [
        Button(
            kind.label,
            f"outcome {pair_id} {kind.value}",
            Intent.PRIMARY if kind is OutcomeKind.MET else Intent.DEFAULT,
        )
        for kind in OutcomeKind
    ]


SHIFTS_BUTTON = Button("My usual shifts", "shifts")


def time_label(local: str) -> str:
    """ "Tue 5 May 07:30" for a local time written "2026-05-05T07:30"."""
    moment = datetime.fromisoformat(local)
    return f"{moment:%a} {moment.day} {moment:%b} {moment:%H:%M}"


def offered_time_buttons(pair_id: int, times: list[str]) -> list[Button]:
    """One button per offered time, then one to say your usual shifts so the times fit."""
    return [Button(time_label(t), f"time {pair_id} {t}") for t in times] + [SHIFTS_BUTTON]


def reason_buttons(pair_id: int) -> list[Button]:
    return [
        Button(
            reason.label.capitalize(), f"outcome {pair_id} {OutcomeKind.COULD_NOT_MEET.value} {reason.value}"
        )
        for reason in Reason
    ]


@dataclass(frozen=True)
class Intro:
    """Sent once per pair when both share a group-capable platform, otherwise once per person."""

    pair_id: int
    week: str
    clinician: PersonCard
    manager: PersonCard
    recipients: list[PersonCard]
    place_name: str
    place_kind: str
    directions: str
    place_site: str
    other_site: str | None
    starter: str
    kind: str = INTRO
    # How many weeks a round lasts, so the words follow the cadence ("this fortnight").
    weeks: int = 1
    # Times both are likely on site ("2026-05-05T07:30", local wall-clock), or with
    # times_overlap False the nearest ones when their hours never meet.
    times: list[str] = field(default_factory=list)
    times_overlap: bool = True
    # Not stored in the payload: they follow from pair_id and times (see from_payload).
    buttons: list[Button] = field(default_factory=list)
    time_buttons: list[Button] = field(default_factory=list)

    def people(self) -> list[PersonCard]:
        return [self.clinician, self.manager]

    def partner_for(self, recipient: PersonCard) -> PersonCard:
        if recipient.participant_id == self.clinician.participant_id:
            return self.manager
        return self.clinician

    def headline(self) -> str:
        if self.kind == FOLLOWUP:
            return "Did you manage to meet?"
        return f"Coffee {period_phrase(self.weeks)}: {self.clinician.name} and {self.manager.name}"

    def notification(self, recipient: PersonCard | None = None) -> str:
        """The line a phone shows before the message is opened: who with, and where. One to one it
        names the partner, never the recipient's own name."""
        if recipient is None:
            who = f"{self.clinician.name} and {self.manager.name}"
        else:
            who = f"you and {self.partner_for(recipient).name}"
        if self.kind == FOLLOWUP:
            return self.headline()
        return f"Coffee {period_phrase(self.weeks)}: {who}, at {self.place_line()}"

    def place_line(self) -> str:
        """ "Level 2 staff kitchen, St Mary's"."""
        return f"{self.place_name}, {self.place_site}"

    def meeting_subject(self) -> str:
        return f"Coffee: {self.clinician.name} and {self.manager.name}"

    def chat_label(self, recipient: PersonCard) -> str:
        return f"Chat with {self.partner_for(recipient).name}"

    def lines(
        self, recipient: PersonCard | None = None, name: Callable[[PersonCard], str] | None = None
    ) -> list[str]:
        """The words of the message; `recipient` set means a one-to-one conversation, and `name`
        shows people's names another way (a Slack mention)."""
        if self.kind == FOLLOWUP:
            return self._followup_lines(recipient)
        if recipient is None:
            who = [
                f"Meet {self.clinician.describe(name)}.",
                f"Meet {self.manager.describe(name)}.",
            ]
        else:
            partner = self.partner_for(recipient)
            who = [f"{period_phrase(self.weeks).capitalize()} you're paired with {partner.describe(name)}."]
            if partner.platform != recipient.platform:
                contact = f" by email at {partner.email}" if partner.email else ""
                who.append(f"{partner.name} uses {partner.platform.capitalize()}; reach them{contact}.")
        place = f"Suggested spot: {self.place_line()}."
        if self.other_site:
            place += f" One of you is based at {self.other_site}, so agree a time that suits the walk."
        lines = [*who, place]
        if self.directions:
            lines.append(f"How to find it: {self.directions}")
        lines += self._time_lines(recipient)
        lines.append(f"Something to talk about: {self.starter}")
        lines.append("Ten minutes is plenty. Tap a button below to tell us how it went.")
        return lines

    def _time_lines(self, recipient: PersonCard | None) -> list[str]:
        if not self.times:
            return []
        other = "the other" if recipient is None else self.partner_for(recipient).name
        listed = ", ".join(time_label(t) for t in self.times)
        if self.times_overlap:
            return [
                f"When you're both likely on site: {listed}. Pick one below and we'll ask {other} to confirm."
            ]
        return [
            "Your usual hours don't overlap before the round ends, so here are the nearest times, "
            f"just before one of you finishes: {listed}. Pick one below, or agree another."
        ]

    def _followup_lines(self, recipient: PersonCard | None) -> list[str]:
        if recipient is None:
            names = f"{self.clinician.name} and {self.manager.name}"
        else:
            names = f"you and {self.partner_for(recipient).name}"
        return [
            f"Checking in: did {names} manage a coffee at {self.place_name}?",
            "One tap is enough; each of you can answer for yourself.",
        ]

    def to_payload(self) -> dict[str, Any]:
        """Recipients are stored as ids and buttons not at all: both follow from the rest."""
        return {
            "kind": self.kind,
            "pair_id": self.pair_id,
            "week": self.week,
            "clinician": self.clinician.to_dict(),
            "manager": self.manager.to_dict(),
            "recipient_ids": [r.participant_id for r in self.recipients],
            "place_name": self.place_name,
            "place_kind": self.place_kind,
            "directions": self.directions,
            "place_site": self.place_site,
            "other_site": self.other_site,
            "starter": self.starter,
            "weeks": self.weeks,
            "times": list(self.times),
            "times_overlap": self.times_overlap,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Intro:
        data = dict(payload)
        clinician, manager = PersonCard(**data.pop("clinician")), PersonCard(**data.pop("manager"))
        wanted = data.pop("recipient_ids")
        recipients = [card for card in (clinician, manager) if card.participant_id in wanted]
        buttons = outcome_buttons(data["pair_id"])
        times = list(data.pop("times", []))
        chosen = offered_time_buttons(data["pair_id"], times) if data.get("kind", INTRO) == INTRO else []
        return cls(
            clinician=clinician,
            manager=manager,
            recipients=recipients,
            buttons=buttons,
            times=times,
            time_buttons=chosen,
            **data,
        )


@dataclass(frozen=True)
class SitOutNotice:
    week: str
    recipient: PersonCard
    kind: str = SIT_OUT
    weeks: int = 1

    def headline(self) -> str:
        return f"No partner for you {period_phrase(self.weeks)}"

    def lines(self) -> list[str]:
        other = Role.MANAGER if self.recipient.role == Role.CLINICIAN.value else Role.CLINICIAN
        return [
            f"There weren't enough {other.value}s free to pair everyone {period_phrase(self.weeks)}.",
            "You're first in line for the next round, so nothing for you to do.",
        ]

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "week": self.week,
            "recipient": self.recipient.to_dict(),
            "weeks": self.weeks,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> SitOutNotice:
        data = dict(payload)
        data["recipient"] = PersonCard(**data["recipient"])
        return cls(**data)


SUGGEST_A_TIME = "Suggest a time"
WELCOME = "welcome"
AUTO_PAUSE = "auto_pause"
TIME_ASKED = "time_asked"
TIME_AGREED = "time_agreed"


@dataclass(frozen=True)
class CalendarEntry:
    """An agreed coffee as a calendar entry: an .ics file on Slack, a Teams meeting link on Teams.
    Times are ISO 8601 with the programme's UTC offset."""

    uid: str
    start: str
    end: str
    subject: str
    location: str
    attendees: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Notice:
    """A message to one person about themselves, not a pair: the welcome before a first round, or
    word that Corridor paused someone who has gone quiet. Words and buttons travel in the payload."""

    topic: str
    recipient: PersonCard
    title: str
    body: list[str]
    buttons: list[Button] = field(default_factory=list)
    kind: str = NOTICE
    calendar: CalendarEntry | None = None

    def headline(self) -> str:
        return self.title

    def lines(self) -> list[str]:
        return list(self.body)

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "topic": self.topic,
            "recipient": self.recipient.to_dict(),
            "title": self.title,
            "body": list(self.body),
            "buttons": [[b.label, b.command, b.intent.value] for b in self.buttons],
            "calendar": self.calendar.to_dict() if self.calendar else None,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Notice:
        return cls(
            topic=payload["topic"],
            recipient=PersonCard(**payload["recipient"]),
            title=payload["title"],
            body=list(payload["body"]),
            buttons=[Button(label, command, Intent(intent)) for label, command, intent in payload["buttons"]],
            calendar=CalendarEntry(**payload["calendar"]) if payload.get("calendar") else None,
        )


@dataclass(frozen=True)
class DigestMessage:
    """The monthly participation digest: counts only, small numbers suppressed, nobody named."""

    month: str
    title: str
    rows: list[list[str]]  # [label, value]
    sites: list[list[str]]  # [site, pairs, confirmed]
    places: list[str]
    reasons: list[list[str]]
    channel: str
    chart_png_base64: str | None = None
    kind: str = DIGEST
    # In the digest of a quarter's last month: the relationship pulse and shadowing, as lines.
    pulse: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [self.title, ""]
        lines += [f"{label}: {value}" for label, value in self.rows]
        lines += self.pulse
        if self.reasons:
            lines.append("Why meetings didn't happen: " + "; ".join(f"{r} {n}" for r, n in self.reasons))
        if self.sites:
            lines.append("By site (pairs / confirmed):")
            lines += [f"  {site}: {pairs} / {confirmed}" for site, pairs, confirmed in self.sites]
        if self.places:
            lines.append("Most used places: " + ", ".join(self.places))
        return lines

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> DigestMessage:
        return cls(**payload)


@dataclass(frozen=True)
class Redaction:
    """Rewrites an intro or follow-up already posted, once someone it named is erased.

    It carries where the copy is (`ref`, the platform's own reference) and who still reads it
    (their platform ids, so Teams can find their chat), never who was erased.
    """

    ref: str
    replaces: str
    week: str
    reader_user_ids: list[str]
    kind: str = REDACTION

    def headline(self) -> str:
        return f"Coffee in week {self.week}: with {LEFT_CORRIDOR}"

    def lines(self) -> list[str]:
        about = "asked how your coffee went" if self.replaces == FOLLOWUP else "introduced you"
        return [
            f"Corridor's message here {about} with {LEFT_CORRIDOR}. At their request, "
            "their name and details have been taken out of it."
        ]

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Redaction:
        return cls(**payload)


Message = Intro | SitOutNotice | Notice | DigestMessage | Redaction


def message_from_payload(payload: dict[str, Any]) -> Message:
    kind = payload.get("kind")
    if kind == NOTICE:
        return Notice.from_payload(payload)
    if kind in (INTRO, FOLLOWUP):
        return Intro.from_payload(payload)
    if kind == SIT_OUT:
        return SitOutNotice.from_payload(payload)
    if kind == DIGEST:
        return DigestMessage.from_payload(payload)
    if kind == REDACTION:
        return Redaction.from_payload(payload)
    raise ValueError(f"unknown message kind {kind!r}")
