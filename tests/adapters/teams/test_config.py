"""Teams settings from the environment: off unless asked, clear errors, secrets never shown."""

from __future__ import annotations

import asyncio
import logging

import pytest

from adapters.teams import TeamsConfig
from bot.context import Context
from bot.errors import CorridorError
from corridor_cli.wiring import teams_adapter
from tests.adapters.teams.conftest import MONDAY_9AM
from tests.fakes import FakeClock, FakeUnitOfWorkFactory, FixedSeeds

APP_ID = "9E4C2F1A-0D3B-4C5E-8F70-123456789ABC"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def test_without_an_app_id_or_dev_mode_teams_is_off():
    assert TeamsConfig.from_env({}) is None
    assert TeamsConfig.from_env({"CORRIDOR_TEAMS_DEV_MODE": "0", "MICROSOFT_APP_PASSWORD": "x"}) is None


def test_a_multi_tenant_bot():
    config = TeamsConfig.from_env(
        {
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": "p@ss",
            "CORRIDOR_TEAMS_ORGANISERS": f" {TENANT.upper()} , 0b5d3c2a-1111-4a4a-9b9b-aaaaaaaaaaaa",
        }
    )
    assert config.authenticated and not config.dev_mode
    assert config.app_id == APP_ID.lower() and config.app_type == "MultiTenant"
    assert config.is_organiser(TENANT) and not config.is_organiser("someone-else")
    assert config.app_name == "Corridor" and config.manifest_id == APP_ID.lower()


def test_the_package_can_be_built_without_the_bots_secret():
    with pytest.raises(CorridorError, match="MICROSOFT_APP_PASSWORD"):
        TeamsConfig.from_env({"MICROSOFT_APP_ID": APP_ID})
    config = TeamsConfig.from_env({"MICROSOFT_APP_ID": APP_ID}, for_package=True)
    assert config.manifest_id == APP_ID.lower() and config.app_password == ""


def test_single_tenant_and_managed_identity_need_the_tenant():
    env = {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TYPE": "singletenant"}
    with pytest.raises(CorridorError, match="MICROSOFT_APP_TENANT_ID"):
        TeamsConfig.from_env(env)
    assert TeamsConfig.from_env({**env, "MICROSOFT_APP_TENANT_ID": TENANT}).app_type == "SingleTenant"
    msi = {
        "MICROSOFT_APP_ID": APP_ID,
        "MICROSOFT_APP_TYPE": "UserAssignedMSI",
        "MICROSOFT_APP_TENANT_ID": TENANT,
    }
    assert TeamsConfig.from_env(msi).app_password == ""


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MICROSOFT_APP_ID": "my-bot"}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": APP_ID}, "MICROSOFT_APP_PASSWORD"),
        (
            {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TYPE": "Personal"},
            "MICROSOFT_APP_TYPE",
        ),
        ({"CORRIDOR_TEAMS_DEV_MODE": "maybe"}, "CORRIDOR_TEAMS_DEV_MODE"),
        (
            {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "p", "CORRIDOR_TEAMS_DEV_MODE": "1"},
            "CORRIDOR_TEAMS_DEV_MODE",
        ),
        (
            {"CORRIDOR_TEAMS_DEV_MODE": "1", "CORRIDOR_TEAMS_ORGANISERS": "olivia@nhs.net"},
            "CORRIDOR_TEAMS_ORGANISERS",
        ),
        ({"CORRIDOR_TEAMS_DEV_MODE": "1", "CORRIDOR_TEAMS_APP_VERSION": "v2"}, "CORRIDOR_TEAMS_APP_VERSION"),
        ({"CORRIDOR_TEAMS_DEV_MODE": "1", "CORRIDOR_TEAMS_APP_NAME": "C" * 31}, "CORRIDOR_TEAMS_APP_NAME"),
        (
            {"CORRIDOR_TEAMS_DEV_MODE": "1", "CORRIDOR_TEAMS_PRIVACY_URL": "http://x"},
            "CORRIDOR_TEAMS_PRIVACY_URL",
        ),
        (
            {"CORRIDOR_TEAMS_DEV_MODE": "1", "CORRIDOR_TEAMS_ACCENT_COLOUR": "green"},
            "CORRIDOR_TEAMS_ACCENT_COLOUR",
        ),
    ],
)
def test_bad_settings_name_the_variable(env, named):
    with pytest.raises(CorridorError, match=named):
        TeamsConfig.from_env(env)


def test_the_secret_is_never_shown():
    config = TeamsConfig.from_env({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "hunter2-secret"})
    assert "hunter2-secret" not in repr(config) and "***" in repr(config)
    assert "hunter2-secret" not in str(config) and "hunter2-secret" not in repr(config.sdk_settings())


def context() -> Context:
    return Context(FakeUnitOfWorkFactory(), FakeClock(MONDAY_9AM), FixedSeeds())


def test_dev_mode_warns_loudly_at_start_up(caplog):
    ctx = context()
    teams = teams_adapter(ctx, TeamsConfig.from_env({"CORRIDOR_TEAMS_DEV_MODE": "1"}))
    with caplog.at_level(logging.WARNING, "corridor.teams"):
        asyncio.run(teams.start())
    [record] = caplog.records
    assert record.levelno == logging.WARNING and "UNAUTHENTICATED" in record.getMessage()


def test_no_endpoint_is_built_without_an_app_id_or_dev_mode():
    ctx = context()
    with pytest.raises(CorridorError, match="MICROSOFT_APP_ID"):
        teams_adapter(ctx, TeamsConfig())
