"""The whole of `corridor serve` wired to both platforms at once: a Slack slash command and a
Teams message reach the one engine through the one port and are answered, and no secret
reaches the log. Both fakes run in this process on loopback; the serve process calls them."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from tests.adapters.fake_connector import FakeBotConnector
from tests.adapters.fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack
from tests.adapters.slack.slack_side import SIGNING_SECRET, signature_headers
from tests.e2e.test_serve import _env, _free_port, _wait_for_health

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
AMARA_AAD = "6b1a3f0e-2c4d-4e5f-8a9b-0c1d2e3f4a5b"
TEAMS_CHAT = "a:1personal-chat-amara"
CORRIDOR = str(Path(sys.executable).with_name("corridor"))
PLACES = (
    "sites:\n  - name: St Mary's\n    places:\n      - name: Level 2 staff kitchen\n        kind: kitchen\n"
)


async def _reply_on(fake: FakeSlack, token: str, within: float = 20) -> dict:
    for _ in range(int(within / 0.05)):
        if fake.responses.get(token):
            return fake.responses[token][0]
        await asyncio.sleep(0.05)  # the reply comes from another process; wait for it, briefly
    raise AssertionError("no reply reached the response_url")


def teams_message(service_url: str, text: str) -> dict:
    """A personal-chat message as Bot Framework documents it for Teams; replies go to service_url."""
    return {
        "type": "message",
        "id": "1485983408511",
        "timestamp": "2026-11-23T09:00:00.000Z",
        "localTimestamp": "2026-11-23T09:00:00.000+00:00",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": "29:1teams-user-amara", "name": "Sister Amara Okafor", "aadObjectId": AMARA_AAD},
        "conversation": {"conversationType": "personal", "tenantId": TENANT, "id": TEAMS_CHAT},
        "recipient": {"id": "28:9e4c2f1a-0d3b-4c5e-8f70-123456789abc", "name": "Corridor"},
        "locale": "en-GB",
        "channelData": {"tenant": {"id": TENANT}},
        "entities": [{"locale": "en-GB", "country": "GB", "platform": "Web", "type": "clientInfo"}],
        "text": text,
        "textFormat": "plain",
    }


async def test_one_serve_process_answers_slack_and_teams(tmp_path):
    async with FakeBotConnector() as connector:  # the Bot Connector the serve process replies to
        fake = await FakeSlack().start()
        fake.add_user("U1", "Sister Amara Okafor", email="amara@example.nhs.uk", title="Ward sister")
        port = _free_port()
        env = _env(
            tmp_path,
            CORRIDOR_PORT=str(port),
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            CORRIDOR_SLACK_API_URL=fake.api_url,
            CORRIDOR_TEAMS_DEV_MODE="1",
        )
        (tmp_path / "places.yml").write_text(PLACES)
        subprocess.run([CORRIDOR, "db", "upgrade"], cwd=tmp_path, env=env, check=True)
        imported = [CORRIDOR, "places", "import", "places.yml", "--yes"]
        subprocess.run(imported, cwd=tmp_path, env=env, check=True)
        process = subprocess.Popen(
            [CORRIDOR, "serve"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            await asyncio.to_thread(_wait_for_health, port, process)
            async with aiohttp.ClientSession() as session:
                await _join_on_slack(session, f"http://127.0.0.1:{port}/slack/events", fake)
                await _join_on_teams(session, f"http://127.0.0.1:{port}/api/messages", connector)
        finally:
            process.send_signal(signal.SIGTERM)
            _, log = await asyncio.to_thread(process.communicate, timeout=30)
            await fake.stop()
    assert process.returncode == 0, log
    status = subprocess.run(
        [CORRIDOR, "status"], cwd=tmp_path, env=env, check=True, capture_output=True, text=True
    ).stdout
    assert "Active: 2 clinicians, 0 managers" in status  # one joined on Slack, one on Teams
    assert "unauthenticated" in log.lower()  # dev mode says so loudly
    assert BOT_TOKEN not in log and SIGNING_SECRET not in log


async def _join_on_slack(session: aiohttp.ClientSession, events_url: str, fake: FakeSlack) -> None:
    response_url = fake.response_url()
    body = urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C0GENERAL",
            "user_id": "U1",
            "user_name": "amara",
            "command": "/coffee",
            "text": "join clinician",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signature_headers(body)}
    async with session.post(events_url, data=body, headers=headers) as answer:
        assert answer.status == 200
    reply = await _reply_on(fake, response_url.rsplit("/", 1)[1])
    assert "You're in" in str(reply) and reply.get("response_type", "ephemeral") == "ephemeral"
    forged = {**headers, "X-Slack-Signature": "v0=" + "0" * 64}
    async with session.post(events_url, data=body, headers=forged) as answer:
        assert answer.status == 401


async def _join_on_teams(
    session: aiohttp.ClientSession, messages_url: str, connector: FakeBotConnector
) -> None:
    activity = teams_message(connector.url, "join clinician")
    async with session.post(messages_url, json=activity) as answer:
        assert answer.status in (200, 201)
    # The bot replies inside the turn, so the reply has reached the connector by now.
    [reply] = [c.body for c in connector.accepted() if c.kind in ("reply", "send")]
    assert reply["text"].startswith("You're in: you'll be paired as a clinician at St Mary's.")
    assert reply["conversation"]["id"] == TEAMS_CHAT
