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


# Libraries that, below WARNING, log whole request and response bodies: every name, email, job
# title, message and response URL Corridor sends or receives (slack_sdk at DEBUG, Bolt's
# bad-signature notice at INFO, the Bot Framework's and msrest's HTTP traces). They are held
# at WARNING whatever CORRIDOR_LOG_LEVEL says; Corridor's own loggers say what happened in ids.
QUIET_LIBRARIES = (
    "slack_sdk",
    "slack_bolt",
    "botbuilder",
    "botframework",
    "msrest",
    "msal",
    "urllib3",
    "aiohttp.client",
    "aiohttp.web",
    "matplotlib",
    "PIL",
)
# What a library's warning may still carry: a payload ({...} or [...]) or a trailing `body: ...`.
_PAYLOAD = re.compile(r"\{.*\}|\[\{.*\}\]", re.DOTALL)
_BODY = re.compile(r"(\bbody\b\s*[:=]\s*).*", re.DOTALL | re.IGNORECASE)
_RESPONSE_URL = re.compile(r"https?://\S*/(?:response|actions|commands)/\S*")


class PayloadFilter(logging.Filter):
    """Strips request and response bodies from what libraries log at WARNING and above.

    Bolt, for one, logs the raw body of a request no middleware answered, as a warning.
    Corridor's own records ("corridor.*") are left alone: they carry ids, never content.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "corridor" or record.name.startswith("corridor."):
            return True
        message = record.getMessage()
        cleaned = strip_payloads(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = strip_payloads(logging.Formatter().formatException(record.exc_info))
        return True


def strip_payloads(text: str) -> str:
    text = _BODY.sub(r"\1[not logged]", text)
    text = _PAYLOAD.sub("{not logged}", text)
    return _RESPONSE_URL.sub("[response url]", text)


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
    handler.addFilter(PayloadFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic narrates every plugin it loads at INFO; an operator needs only its warnings.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for library in QUIET_LIBRARIES:
        logging.getLogger(library).setLevel(max(logging.WARNING, logging.getLevelName(level)))
