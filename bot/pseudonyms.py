"""Keyed digests of who asked to be erased, so a re-imported staff list cannot bring them back.

The erasure register holds only HMAC-SHA256 digests of a person's platform id and email,
keyed by a secret kept outside the database. Without the key a digest cannot be checked
against a guess, so the register names nobody even to someone holding a copy of the
database. Values are normalised first, the way each platform compares them, so "U103"
in a staff list and "u103" typed by hand are one person.
"""

from __future__ import annotations

import hmac
import secrets

USER_ID = "id"
EMAIL = "email"


def normalise_user_id(platform: str, user_id: str) -> str:
    """Teams compares Entra object ids (GUIDs) without regard to case and sends them in lower case;
    Slack's ids are upper case (U0123ABC). Anything else is compared as written."""
    text = user_id.strip()
    if platform == "teams":
        return text.lower()
    if platform == "slack":
        return text.upper()
    return text


def normalise_email(email: str) -> str:
    return email.strip().lower()


class KeyedDigests:
    """The Pseudonymiser the composition root builds from the key file."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("an erasure key needs at least 16 bytes")
        self._key = key

    @classmethod
    def for_this_process(cls) -> KeyedDigests:
        """A key that lives as long as the process: for tests and the demo, never for a real database."""
        return cls(secrets.token_bytes(32))

    def digest(self, kind: str, value: str) -> str:
        message = f"{kind}\x00{value}".encode()
        return hmac.digest(self._key, message, "sha256").hex()
