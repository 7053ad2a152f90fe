"""manifest.yml creates the whole app, with the fewest scopes, and is valid by Slack's own schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT.parent / "shared" / "schemas" / "slack"
# Each scope and the feature that needs it; the README's table says the same.
SCOPES = {
    "commands": "/coffee",
    "chat:write": "intros, follow-ups, sit-out notices, the digest, and updating an intro after a click",
    "im:write": "conversations.open for a one-to-one DM (sit-outs, cross-platform intros)",
    "mpim:write": "conversations.open for the group DM with both people and the bot",
    "users:read": "users.info: real name and job title for the intro",
    "users:read.email": "users.info: email, shown to a partner on another platform",
    "files:write": "files_upload_v2 of the digest chart",
}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_is_valid_by_slacks_schema(manifest):
    version = manifest["_metadata"]["major_version"]
    schema_file = SCHEMAS / f"manifest.schema.{version}.0.0.json"
    if not schema_file.exists():
        pytest.skip(f"Slack's manifest schema is not at {schema_file} (../shared/schemas is absent)")
    schema = json.loads(schema_file.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(manifest)


def test_manifest_has_every_feature_the_adapter_uses(manifest):
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/coffee"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"] == "Corridor"
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True


def test_manifest_asks_for_exactly_the_scopes_the_features_need(manifest):
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(SCOPES)
    assert "user" not in manifest["oauth_config"]["scopes"]
