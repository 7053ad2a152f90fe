"""Whatever anyone types after /coffee, Slack gets a 200 at once and the person gets a reply."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.adapters.slack.conftest import CLINICIANS, ORGANISER

WORDS = [
    "join",
    "clinician",
    "manager",
    "St Mary's",
    "pause",
    "until",
    "2w",
    "resume",
    "leave",
    "status",
    "help",
    "forget-me",
    "confirm",
    "capacity",
    "outcome",
    "admin",
    "round",
    "now",
    "digest",
    "stats",
    "channel",
    "here",
    "met",
    "/coffee",
    "2026-12-24",
    "99999999999999999999",
]
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=5).map(" ".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, user=st.sampled_from([CLINICIANS[0][0], ORGANISER, "U0UNKNOWN"]))
async def test_any_text_gets_an_ack_and_a_reply(slack, text, user):
    body, token = slack.side.command_body(user, text)
    answer = await slack.side.post(body)
    assert answer.status == 200
    await slack.adapter.idle()
    reply = slack.side.reply(token)
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].strip()
    assert reply["blocks"]
    assert all(len(b["text"]["text"]) <= 3000 for b in reply["blocks"] if b["type"] == "section")
