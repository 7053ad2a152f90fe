"""The app package a Teams admin uploads: manifest.json and two icons in one zip.

The command list Teams shows under the compose box is taken from the core's `help`, so
what people see offered is what the bot understands.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from adapters.teams.config import TeamsConfig
from adapters.teams.icons import colour_icon, outline_icon
from bot.commands import HELP
from bot.errors import CorridorError

MANIFEST_VERSION = "1.25"
MANIFEST_SCHEMA = (
    f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
)
COLOUR_ICON, OUTLINE_ICON = "color.png", "outline.png"
# Organiser commands have no per-command line in `help`; these say what each does.
TEAM_COMMANDS = [
    ("admin channel here", "Organisers: post the monthly digest in this channel"),
    ("admin digest now", "Organisers: post this month's digest so far"),
    ("admin stats", "Organisers: how the programme is going"),
    ("help", "What Corridor understands"),
]


def build_package(config: TeamsConfig, out_path: str | Path) -> Path:
    """Write the zip and return its path; CorridorError if the settings cannot make a valid one."""
    if not config.app_id:
        raise CorridorError(
            "The Teams package needs the bot's MICROSOFT_APP_ID (a dev-mode bot has none to publish)."
        )
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest(config), indent=2))
        package.writestr(COLOUR_ICON, colour_icon(config.accent_colour))
        package.writestr(OUTLINE_ICON, outline_icon())
    return out


def manifest(config: TeamsConfig) -> dict:
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": config.app_version,
        "id": config.manifest_id,
        "developer": {
            "name": config.developer_name,
            "websiteUrl": config.website_url,
            "privacyUrl": config.privacy_url,
            "termsOfUseUrl": config.terms_url,
        },
        "name": {"short": config.app_name, "full": config.app_full_name},
        "description": {
            "short": "Weekly ten-minute coffee pairing a clinician with a manager",
            "full": HELP.splitlines()[0]
            + " It suggests a shared kitchen or corridor coffee point, asks afterwards whether you met, "
            "and sends organisers a monthly digest of counts only.",
        },
        "icons": {"color": COLOUR_ICON, "outline": OUTLINE_ICON},
        "accentColor": config.accent_colour,
        "bots": [
            {
                "botId": config.app_id,
                "scopes": ["personal", "team"],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": personal_commands()},
                    {"scopes": ["team"], "commands": _commands(TEAM_COMMANDS)},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def personal_commands() -> list[dict]:
    """One entry per line of `help`: "  pause 2w     skip the next two weeks ..." -> (pause 2w, ...)."""
    found = []
    for line in HELP.splitlines()[1:]:
        usage, _, description = line.strip().partition("  ")
        if not line.startswith("  ") or not description:
            continue
        title = re.sub(r"\s*\[.*?\]", "", usage).strip()  # "join clinician [site]" -> "join clinician"
        found.append((title, description.strip()))
    return _commands(found)


def _commands(pairs: list[tuple[str, str]]) -> list[dict]:
    # Teams shows at most ten commands per scope.
    return [{"title": title, "description": description} for title, description in pairs[:10]]
