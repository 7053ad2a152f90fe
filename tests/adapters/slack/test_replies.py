"""Replies on Slack name the whole slash command, because a bare `pause 2w` typed there does nothing."""

from __future__ import annotations

from tests.adapters.slack.conftest import CLINICIANS

AMARA = CLINICIANS[0][0]


async def test_every_command_a_reply_mentions_is_the_full_slash_command(slack):
    joined = await slack.side.command(AMARA, "join clinician St Mary's")
    assert "Type `/coffee pause 2w` for a break or `/coffee leave` to stop." in joined["text"]
    words = "\n".join(b["text"]["text"] for b in joined["blocks"] if b["type"] == "section")
    assert "`/coffee pause 2w`" in words and "`pause 2w`" not in words.replace("/coffee pause 2w", "")

    asked = await slack.side.command(AMARA, "pause")
    assert "`/coffee pause 2w`, `/coffee pause 3d` or `/coffee pause until 2026-12-24`" in asked["text"]
