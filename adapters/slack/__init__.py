"""The Slack adapter: /coffee, buttons, App Home and outbox delivery, on slack-bolt's AsyncApp.

The names below load on first use, so that reading `adapters.slack.config` (every CLI
command does, for the organisers) does not pay for importing slack-bolt.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "SlackAdapter": "adapters.slack.app",
    "SlackConfig": "adapters.slack.config",
    "SlackNotifier": "adapters.slack.notifier",
}
__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(import_module(_WHERE[name]), name)
