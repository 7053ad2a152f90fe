"""A signed request is acted on once: sent again within Slack's five minutes, it is
acknowledged and ignored; an event Slack retries (signed afresh) is not acted on twice."""

from __future__ import annotations

import json
import time

from tests.adapters.slack.conftest import MANAGERS
from tests.adapters.slack.slack_side import home_opened, signature_headers

SAM = MANAGERS[0][0]


async def test_a_replayed_pause_does_nothing_the_second_time(slack):
    await slack.side.command(SAM, "join manager St Mary's")
    body, token = slack.side.command_body(SAM, "pause 2w")
    headers = signature_headers(body)
    assert (await slack.side.post(body, headers=headers)).status == 200
    await slack.adapter.idle()
    assert slack.side.reply(token)["text"].startswith("Paused")
    await slack.side.command(SAM, "resume")
    assert slack.participant(SAM).paused_until is None

    for _ in range(20):
        assert (await slack.side.post(body, headers=headers)).status == 200
    await slack.adapter.idle()

    assert slack.participant(SAM).paused_until is None
    assert len(slack.fake.responses[token]) == 1


async def test_a_retried_event_is_answered_without_acting_twice(slack):
    body = json.dumps(home_opened(SAM))
    first = signature_headers(body, timestamp=int(time.time()) - 3)
    retry = {**signature_headers(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    for headers in (first, retry):
        assert (await slack.side.post(body, "application/json", headers=headers)).status == 200
    await slack.adapter.idle()
    assert len(slack.fake.calls_to("views.publish")) == 1


async def test_old_records_are_purged_once_the_window_has_passed(slack):
    store = slack.store
    for seconds_ago in (30, 0):
        body, _ = slack.side.command_body(SAM, "status")
        stamp = int(time.time()) - seconds_ago
        slack.adapter.wall_clock = lambda stamp=stamp: float(stamp)
        assert (await slack.side.post(body, headers=signature_headers(body, timestamp=stamp))).status == 200
        await slack.adapter.idle()
    assert len(store().seen_requests) == 2

    later = int(time.time()) + 11 * 60
    slack.adapter.wall_clock = lambda: float(later)
    body, _ = slack.side.command_body(SAM, "status")
    assert (await slack.side.post(body, headers=signature_headers(body, timestamp=later))).status == 200
    await slack.adapter.idle()
    assert len(store().seen_requests) == 1
