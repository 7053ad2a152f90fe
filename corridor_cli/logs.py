"""Logging that never prints a secret, whatever a library decides to log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping

SECRET_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "MICROSOFT_APP_PASSWORD")
# Slack tokens have recognisable shapes even when they are not ours.
_TOKEN = re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
# The dashboard's one-time sign-in links carry their secret in the query string (access logs).
_SIGN_IN_TOKEN = re.compile(r"([?&]token=)[A-Za-z0-9_\-]+")


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    text = _TOKEN.sub("[redacted-token]", text)
    text = _SIGN_IN_TOKEN.sub(r"\1[redacted]", text)
    return _PASSWORD_IN_URL.sub(r"\1[redacted]@", text)


def configure(level: str, env: Mapping[str, str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(env.get(name, "") for name in SECRET_VARIABLES))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic narrates every plugin it loads at INFO; an operator needs only its warnings.
    logging.getLogger("alembic").setLevel(logging.WARNING)
