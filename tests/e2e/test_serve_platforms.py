"""The whole of `corridor serve` wired to both platforms at once: a Slack slash command and a
Teams message reach the one engine through the one port, and no secret reaches the log."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from tests.adapters.fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack
from tests.adapters.slack.slack_side import SIGNING_SECRET, signature_headers
from tests.e2e.test_serve import _env, _free_port, _wait_for_health

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


async def test_one_serve_process_answers_slack_and_teams(tmp_path):
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
    subprocess.run([CORRIDOR, "places", "import", "places.yml"], cwd=tmp_path, env=env, check=True)
    process = subprocess.Popen(
        [CORRIDOR, "serve"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        await asyncio.to_thread(_wait_for_health, port, process)
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
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
            ) as answer:
                assert answer.status == 200
            reply = await _reply_on(fake, response_url.rsplit("/", 1)[1])
            assert "You're in" in str(reply) and reply.get("response_type", "ephemeral") == "ephemeral"
            forged = {**headers, "X-Slack-Signature": "v0=" + "0" * 64}
            async with session.post(
                f"http://127.0.0.1:{port}/slack/events", data=body, headers=forged
            ) as answer:
                assert answer.status == 401
            async with session.post(f"http://127.0.0.1:{port}/api/messages", json={}) as answer:
                assert answer.status != 404  # the Teams endpoint is there, in dev mode
    finally:
        process.send_signal(signal.SIGTERM)
        _, log = await asyncio.to_thread(process.communicate, timeout=30)
        await fake.stop()
    assert process.returncode == 0, log
    assert "unauthenticated" in log.lower()  # dev mode says so loudly
    assert BOT_TOKEN not in log and SIGNING_SECRET not in log
