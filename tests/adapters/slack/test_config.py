"""SlackConfig.from_env: modes, required variables, and secrets that never show."""

from __future__ import annotations

import pytest

from adapters.slack.config import DEFAULT_API_URL, SlackConfig
from bot.errors import CorridorError
from corridor_cli.settings import load

SECRETS = {"SLACK_BOT_TOKEN": "xoxb-111-secret", "SLACK_SIGNING_SECRET": "sign-me-secret"}


def test_slack_is_off_without_a_bot_token():
    assert SlackConfig.from_env({}) is None
    assert SlackConfig.from_env({"SLACK_BOT_TOKEN": "  ", "SLACK_APP_TOKEN": "xapp-1"}) is None


def test_http_mode_needs_the_signing_secret():
    with pytest.raises(CorridorError, match="SLACK_SIGNING_SECRET") as raised:
        SlackConfig.from_env({"SLACK_BOT_TOKEN": "xoxb-111-secret"})
    assert "xoxb-111-secret" not in str(raised.value)


def test_http_mode():
    config = SlackConfig.from_env(SECRETS)
    assert not config.socket_mode
    assert config.api_url == DEFAULT_API_URL
    assert config.organisers == frozenset()
    assert config.digest_channel is None


def test_an_app_token_selects_socket_mode_without_a_signing_secret():
    config = SlackConfig.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-secret"})
    assert config.socket_mode
    assert config.signing_secret is None


@pytest.mark.parametrize(
    ("name", "value"), [("SLACK_BOT_TOKEN", "xoxp-user-token"), ("SLACK_APP_TOKEN", "xoxb-wrong-kind")]
)
def test_the_wrong_kind_of_token_is_named_not_shown(name, value):
    with pytest.raises(CorridorError, match=name) as raised:
        SlackConfig.from_env({**SECRETS, name: value})
    assert value not in str(raised.value)


def test_other_variables():
    config = SlackConfig.from_env(
        {
            **SECRETS,
            "CORRIDOR_SLACK_API_URL": "https://slack-gov.com/api",
            "CORRIDOR_SLACK_ORGANISERS": " U1, U2 ,,U3",
            "CORRIDOR_SLACK_DIGEST_CHANNEL": "C0DIGEST",
        }
    )
    assert config.api_url == "https://slack-gov.com/api/"
    assert config.organisers == {"U1", "U2", "U3"}
    assert config.digest_channel == "C0DIGEST"


def test_secrets_never_appear_in_repr_or_str():
    config = SlackConfig.from_env({**SECRETS, "SLACK_APP_TOKEN": "xapp-1-secret"})
    for shown in (repr(config), str(config), f"{config}", repr([config])):
        assert "secret" not in shown.replace("signing_secret=", "")
        assert "(set)" in shown


def test_organisers_and_the_digest_channel_are_read_by_one_rule_wherever_they_are_read():
    """The engine's copy (for the CLI) and the adapter's come from the same function, so a
    value one accepts the other cannot refuse."""
    env = {**SECRETS, "CORRIDOR_SLACK_ORGANISERS": "U1", "CORRIDOR_SLACK_DIGEST_CHANNEL": "C0DIGEST"}
    config = SlackConfig.from_env(env)
    engine = load(env).engine
    assert config.organisers == engine.organisers["slack"] == {"U1"}
    assert engine.digest_channels == {"slack": config.digest_channel}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CORRIDOR_SLACK_ORGANISERS", "olivia@nhs.net"),
        ("CORRIDOR_SLACK_ORGANISERS", "U1, @olivia"),
        ("CORRIDOR_SLACK_DIGEST_CHANNEL", "#corridor organisers"),
    ],
)
def test_a_mistyped_organiser_or_channel_is_refused_the_same_way_with_or_without_slack(variable, value):
    for env in ({variable: value}, {**SECRETS, variable: value}):
        with pytest.raises(CorridorError, match=variable):
            load(env)
    with pytest.raises(CorridorError, match=variable):
        SlackConfig.from_env({**SECRETS, variable: value})


def test_core_threads():
    assert SlackConfig.from_env(SECRETS).core_threads is None  # the composition root chooses
    assert SlackConfig.from_env({**SECRETS, "CORRIDOR_SLACK_CORE_THREADS": "4"}).core_threads == 4
    with pytest.raises(CorridorError, match="CORRIDOR_SLACK_CORE_THREADS"):
        SlackConfig.from_env({**SECRETS, "CORRIDOR_SLACK_CORE_THREADS": "0"})
