"""The database tables, as SQLAlchemy Core. Repositories map rows to bot.model dataclasses.

Migrations (storage/migrations) create these; tests check the two stay identical.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

from bot.model import OutboxStatus, OutcomeKind, PlaceKind, Reason, Role
from storage.column_types import JsonDocument, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

NAME = 200
IDENTIFIER = 255


def one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    """Enums are stored as their string values; the database still refuses strangers."""
    listed = ", ".join(f"'{member.value}'" for member in values)
    return CheckConstraint(f"{column} IN ({listed})", name=column)


def _id() -> Column:
    return Column("id", Integer, primary_key=True)


def _programme_id() -> Column:
    return Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), nullable=False)


def _participant_id(name: str, *, nullable: bool = False) -> Column:
    return Column(name, ForeignKey("participants.id", ondelete="CASCADE"), nullable=nullable)


programmes = Table(
    "programmes",
    metadata,
    _id(),
    Column("name", String(NAME), nullable=False, unique=True),
    Column("repeat_window", Integer, nullable=False),
)

sites = Table(
    "sites",
    metadata,
    _id(),
    _programme_id(),
    Column("name", String(NAME), nullable=False),
    Column("retired_at", UtcDateTime),
)
# Case-insensitive uniqueness, so "North Wing" and "north wing" cannot both exist.
Index("uq_sites_programme_id_lower_name", sites.c.programme_id, func.lower(sites.c.name), unique=True)

places = Table(
    "places",
    metadata,
    _id(),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(NAME), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("directions", Text, nullable=False),
    Column("retired_at", UtcDateTime),
    Column("hours", String(20)),
    one_of("kind", PlaceKind),
)

participants = Table(
    "participants",
    metadata,
    _id(),
    _programme_id(),
    Column("platform", String(20), nullable=False),
    Column("user_id", String(IDENTIFIER), nullable=False),
    Column("workspace_id", String(IDENTIFIER), nullable=False),
    Column("display_name", String(NAME), nullable=False),
    Column("role", String(20), nullable=False),
    Column("site_id", ForeignKey("sites.id"), nullable=False, index=True),
    Column("email", String(IDENTIFIER)),
    Column("department", String(NAME)),
    Column("capacity", Integer, nullable=False),
    Column("paused_until", Date),
    Column("joined_at", UtcDateTime),
    Column("left_at", UtcDateTime),
    Column("erased", Boolean, nullable=False),
    Column("upn", String(IDENTIFIER)),
    Column("active_since", UtcDateTime),
    Column("shift_pattern", String(20)),
    Column("days_off", String(40), nullable=False, server_default=""),
    Column("every_weeks", Integer, nullable=False, server_default="1"),
    UniqueConstraint("programme_id", "platform", "user_id"),
    one_of("role", Role),
)

exclusions = Table(
    "exclusions",
    metadata,
    _id(),
    _programme_id(),
    _participant_id("clinician_id"),
    _participant_id("manager_id"),
    UniqueConstraint("programme_id", "clinician_id", "manager_id"),
)

rounds = Table(
    "rounds",
    metadata,
    _id(),
    _programme_id(),
    Column("week", String(8), nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("held_on", Date, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("programme_id", "week"),
)

pairs = Table(
    "pairs",
    metadata,
    _id(),
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False, index=True),
    _participant_id("clinician_id"),
    _participant_id("manager_id"),
    Column("place_id", ForeignKey("places.id", ondelete="SET NULL")),
    Column("place_text", Text, nullable=False),
    Column("starter", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("followup_sent_at", UtcDateTime),
    Column("meeting_at", UtcDateTime),
    Column("meeting_proposed_by", ForeignKey("participants.id", ondelete="SET NULL")),
    Column("meeting_agreed_at", UtcDateTime),
)
Index("ix_pairs_clinician_id", pairs.c.clinician_id)
Index("ix_pairs_manager_id", pairs.c.manager_id)

sit_outs = Table(
    "sit_outs",
    metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    _participant_id("participant_id"),
    PrimaryKeyConstraint("round_id", "participant_id"),
)

outcomes = Table(
    "outcomes",
    metadata,
    Column("pair_id", ForeignKey("pairs.id", ondelete="CASCADE"), nullable=False),
    _participant_id("participant_id"),
    Column("kind", String(20), nullable=False),
    Column("reason", String(30)),
    Column("recorded_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("pair_id", "participant_id"),
    one_of("kind", OutcomeKind),
    one_of("reason", Reason),
)

outbox = Table(
    "outbox",
    metadata,
    _id(),
    _programme_id(),
    Column("key", String(IDENTIFIER), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("platform", String(20), nullable=False),
    Column("payload", JsonDocument, nullable=False),
    Column("mentions", JsonDocument, nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claimed_until", UtcDateTime),
    # The delivery worker holding the lease (corridor_cli/worker_identity.py): on start-up a
    # worker takes back its own predecessor's leases at once instead of waiting them out.
    Column("claimed_by", String(IDENTIFIER)),
    Column("sent_at", UtcDateTime),
    # The platform's reference to the posted copy (Slack channel/ts, Teams conversation/activity).
    Column("delivered_ref", Text),
    one_of("status", OutboxStatus),
)
# The delivery worker's question ("what is due?") and the organiser's ("how many failed?").
Index("ix_outbox_status_next_attempt_at", outbox.c.status, outbox.c.next_attempt_at)
Index("ix_outbox_programme_id_status", outbox.c.programme_id, outbox.c.status)

digests = Table(
    "digests",
    metadata,
    _programme_id(),
    Column("month", String(7), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("programme_id", "month"),
)

settings = Table(
    "settings",
    metadata,
    _programme_id(),
    Column("key", String(100), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("programme_id", "key"),
)

platform_state = Table(
    "platform_state",
    metadata,
    Column("platform", String(20), nullable=False),
    Column("key", String(IDENTIFIER), nullable=False),
    Column("value", JsonDocument, nullable=False),
    _participant_id("participant_id", nullable=True),
    PrimaryKeyConstraint("platform", "key"),
)
Index("ix_platform_state_participant_id", platform_state.c.participant_id)


def _organiser_columns() -> list[Column]:
    return [
        Column("platform", String(20), nullable=False),
        Column("user_id", String(IDENTIFIER), nullable=False),
        Column("display_name", String(NAME), nullable=False),
    ]


# The dashboard's one-time links and sessions: the secret itself is never stored, only its sha256.
sign_in_tokens = Table(
    "sign_in_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    *_organiser_columns(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
)

organiser_sessions = Table(
    "organiser_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    *_organiser_columns(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
)

audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    _programme_id(),
    Column("at", UtcDateTime, nullable=False),
    *_organiser_columns(),
    Column("action", String(NAME), nullable=False),
    Column("detail", Text, nullable=False),
)
Index("ix_audit_log_programme_id_at", audit_log.c.programme_id, audit_log.c.at)


# Who asked to be erased, as keyed digests of their platform id and email (bot/pseudonyms.py);
# `entry` groups one person's digests so joining again takes all of them off together.
erasure_register = Table(
    "erasure_register",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("entry", String(64), nullable=False, index=True),
)

# Signed platform requests already taken (a Slack request's signature), so a replay within the
# signing window is refused by every serve process alike. Rows older than the window are purged.
seen_requests = Table(
    "seen_requests",
    metadata,
    Column("key", String(IDENTIFIER), primary_key=True),
    Column("signed_at", UtcDateTime, nullable=False, index=True),
)

# The relationship pulse (bot/pulse.py): one row per person, wave and question, written when
# the question is asked; erased with the person.
pulse_answers = Table(
    "pulse_answers",
    metadata,
    _participant_id("participant_id"),
    Column("wave", String(10), nullable=False),
    Column("question", String(20), nullable=False),
    Column("asked_at", UtcDateTime, nullable=False),
    Column("answer", String(20)),
    Column("answered_at", UtcDateTime),
    PrimaryKeyConstraint("participant_id", "wave", "question"),
)
Index("ix_pulse_answers_answered_at", pulse_answers.c.answered_at)

# Shadowing offers (bot/shadowing.py): one per pair, with the site it counts under.
shadowing_offers = Table(
    "shadowing_offers",
    metadata,
    Column("pair_id", ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="SET NULL")),
    Column("offered_at", UtcDateTime, nullable=False),
    Column("agreed_at", UtcDateTime),
    Column("check_sent_at", UtcDateTime),
)

shadowing_answers = Table(
    "shadowing_answers",
    metadata,
    Column("pair_id", ForeignKey("shadowing_offers.pair_id", ondelete="CASCADE"), nullable=False),
    _participant_id("participant_id"),
    Column("question", String(10), nullable=False),
    Column("answer", String(10), nullable=False),
    Column("answered_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("pair_id", "participant_id", "question"),
)
Index("ix_shadowing_answers_participant_id", shadowing_answers.c.participant_id)
