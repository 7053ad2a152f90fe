"""Microsoft Teams: the same coffee roulette in personal chats, Adaptive Cards and a channel digest.

The composition root builds ``TeamsConfig.from_env(os.environ)``; when that is not None,
``TeamsAdapter(ctx, config)`` gives an endpoint to ``attach`` to the aiohttp app and a
``notifier`` for the delivery worker. ``build_package`` writes the app package.
"""

from adapters.teams.adapter import TeamsAdapter
from adapters.teams.config import TeamsConfig
from adapters.teams.package import build_package

__all__ = ["TeamsAdapter", "TeamsConfig", "build_package"]
