"""Microsoft Teams: the same coffee roulette in personal chats, Adaptive Cards and a channel digest.

The composition root builds ``TeamsConfig.from_env(os.environ)``; when that is not None,
``TeamsAdapter(config, chat=..., state=...)`` gives an endpoint to ``attach`` to the aiohttp
app and a ``notifier`` for the delivery worker. ``build_package`` writes the app package.
The names load on first use, so reading `adapters.teams.config` does not import botbuilder.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "TeamsAdapter": "adapters.teams.adapter",
    "TeamsConfig": "adapters.teams.config",
    "build_package": "adapters.teams.package",
}
__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(import_module(_WHERE[name]), name)
