"""The app package: a manifest Teams accepts, icons of the right sizes, commands from `help`."""

from __future__ import annotations

import io
import json
import zipfile

import jsonschema
import pytest
from PIL import Image

from adapters.teams import TeamsConfig, build_package
from adapters.teams.package import MANIFEST_VERSION
from bot.commands import HELP
from bot.errors import CorridorError
from tests.adapters.teams.conftest import dev_config, schema

APP_ID = "9e4c2f1a-0d3b-4c5e-8f70-123456789abc"


@pytest.fixture
def package(tmp_path):
    config = TeamsConfig.from_env(
        {
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": "not-a-real-secret",
            "CORRIDOR_TEAMS_APP_NAME": "Corridor (St Mary's)",
            "CORRIDOR_TEAMS_APP_VERSION": "1.4.2",
            "CORRIDOR_TEAMS_WEBSITE_URL": "https://intranet.example.nhs.uk/corridor",
        }
    )
    path = build_package(config, tmp_path / "out" / "corridor-teams.zip")
    return zipfile.ZipFile(path)


def test_the_manifest_validates_against_the_teams_schema(package):
    manifest = json.loads(package.read("manifest.json"))
    jsonschema.Draft4Validator(schema("teams", f"MicrosoftTeams.v{MANIFEST_VERSION}.schema.json")).validate(
        manifest
    )
    assert manifest["manifestVersion"] == MANIFEST_VERSION
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["name"]["short"] == "Corridor (St Mary's)" and manifest["version"] == "1.4.2"
    assert manifest["developer"]["websiteUrl"] == "https://intranet.example.nhs.uk/corridor"
    assert manifest["bots"][0]["scopes"] == ["personal", "team"]


def test_the_command_lists_come_from_help(package):
    manifest = json.loads(package.read("manifest.json"))
    personal, team = manifest["bots"][0]["commandLists"]
    assert personal["scopes"] == ["personal"] and team["scopes"] == ["team"]
    titles = [c["title"] for c in personal["commands"]]
    assert titles[:3] == ["join clinician", "join manager", "pause 2w"] and "forget-me" in titles
    pause = next(c for c in personal["commands"] if c["title"] == "pause 2w")
    assert pause["description"] in HELP
    assert "admin channel here" in [c["title"] for c in team["commands"]]


def test_the_icons_are_real_pngs_of_the_sizes_teams_wants(package):
    manifest = json.loads(package.read("manifest.json"))
    colour = Image.open(io.BytesIO(package.read(manifest["icons"]["color"])))
    outline = Image.open(io.BytesIO(package.read(manifest["icons"]["outline"])))
    assert (colour.format, colour.size) == ("PNG", (192, 192))
    assert (outline.format, outline.size, outline.mode) == ("PNG", (32, 32), "RGBA")
    assert outline.getchannel("A").getextrema()[0] == 0  # a transparent background
    raw = outline.tobytes()
    pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
    opaque = [p for p in pixels if p[3] > 200]
    assert opaque and all(min(p[:3]) >= 240 for p in opaque)  # drawn in white


def test_a_dev_mode_bot_has_no_app_id_to_package(tmp_path):
    with pytest.raises(CorridorError, match="MICROSOFT_APP_ID"):
        build_package(dev_config(), tmp_path / "x.zip")
