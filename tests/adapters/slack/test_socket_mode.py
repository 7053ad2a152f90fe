"""Socket Mode against a loopback WebSocket playing Slack's side: hello, an envelope, the ack."""

from __future__ import annotations

from tests.adapters.fake_slack import APP_TOKEN, TEAM_ID
from tests.adapters.slack.conftest import CLINICIANS

AMARA, AMARA_NAME, _ = CLINICIANS[0]


def slash_command_envelope(fake, text: str, envelope_id: str) -> tuple[dict, str]:
    response_url = fake.response_url()
    payload = {
        "token": "bHKJ2n9AW6Ju3MjciOHfbA1b",
        "team_id": TEAM_ID,
        "team_domain": "hospital",
        "channel_id": "C0GENERAL",
        "channel_name": "general",
        "user_id": AMARA,
        "user_name": "amara",
        "command": "/coffee",
        "text": text,
        "api_app_id": "A0CORRIDOR",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "3051582249.3052016946.0b5b1cbd3f",
    }
    envelope = {
        "envelope_id": envelope_id,
        "payload": payload,
        "type": "slash_commands",
        "accepts_response_payload": True,
    }
    return envelope, response_url.rsplit("/", 1)[1]


async def test_a_slash_command_over_the_socket_is_acked_and_answered(socket_slack):
    fake = socket_slack.fake
    await fake.socket_connected()
    (opened,) = fake.calls_to("apps.connections.open")
    assert opened.ok  # called with the app-level token, not the bot token
    assert fake.bot_token != APP_TOKEN

    envelope, token = slash_command_envelope(fake, "join clinician St Mary's", "57d6a792-4d35-4d0b-b6aa")
    await fake.socket_send(envelope)
    ack = await fake.socket_next()
    assert ack["envelope_id"] == "57d6a792-4d35-4d0b-b6aa"

    await socket_slack.adapter.idle()
    (reply,) = fake.responses[token]
    assert reply["text"].startswith("You're in: you'll be paired as a clinician at St Mary's")
    assert socket_slack.participant(AMARA).display_name == AMARA_NAME


async def test_socket_mode_needs_no_signature_and_serves_app_home(socket_slack):
    fake = socket_slack.fake
    await fake.socket_connected()
    event = {
        "envelope_id": "e-home-1",
        "type": "events_api",
        "accepts_response_payload": False,
        "payload": {
            "team_id": TEAM_ID,
            "api_app_id": "A0CORRIDOR",
            "type": "event_callback",
            "event_id": "Ev0SOCKET",
            "event_time": 1780000000,
            "event": {
                "type": "app_home_opened",
                "user": AMARA,
                "channel": "D0",
                "tab": "home",
                "event_ts": "1780000000.1",
            },
        },
    }
    await fake.socket_send(event)
    assert (await fake.socket_next())["envelope_id"] == "e-home-1"
    await socket_slack.adapter.idle()
    assert fake.views[AMARA]["type"] == "home"
