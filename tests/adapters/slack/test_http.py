"""/slack/events in HTTP mode: signed slash commands, buttons, App Home, over real HTTP."""

from __future__ import annotations

import asyncio
import json
import threading
import time

from bot.commands import HELP
from bot.context import default_programme
from bot.digest import DIGEST_CHANNEL_KEY
from bot.model import Site
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS, ORGANISER
from tests.adapters.slack.slack_side import signature_headers

AMARA, AMARA_NAME, AMARA_TITLE = CLINICIANS[0]
SAM = MANAGERS[0][0]


def texts(reply: dict) -> str:
    return "\n".join(b["text"]["text"] for b in reply["blocks"] if b["type"] == "section")


async def test_url_verification_answers_the_challenge(slack):
    body = json.dumps(
        {
            "token": "x",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    answer = await slack.side.post(body, "application/json")
    assert answer.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in answer.text


async def test_join_with_a_site_uses_the_slack_profile(slack):
    reply = await slack.side.command(AMARA, "join clinician St Mary's")
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("You're in: you'll be paired as a clinician at St Mary's")
    person = slack.participant(AMARA)
    assert (person.display_name, person.department) == (AMARA_NAME, AMARA_TITLE)
    assert person.email == "dr.amara.okafor@hospital.example"
    assert person.workspace_id == "T0HOSPITAL"


async def test_join_without_a_site_offers_a_site_picker(slack):
    reply = await slack.side.command(AMARA, "join clinician")
    menu = reply["blocks"][-1]["elements"][0]
    assert menu["type"] == "static_select"
    assert [o["value"] for o in menu["options"]] == [
        "join clinician St Mary's",
        "join clinician Charing Cross",
    ]
    assert slack.participant(AMARA) is None

    picked = await slack.side.click(AMARA, reply, "Charing Cross", ephemeral=True)
    assert picked["replace_original"] is True
    assert "at Charing Cross" in picked["text"]
    assert slack.participant(AMARA).site_id is not None


async def test_users_info_failure_falls_back_to_the_handle(slack):
    slack.fake.refuse("users.info", "missing_scope")
    reply = await slack.side.command("U0STRANGER", "join manager St Mary's")
    assert reply["text"].startswith("You're in")
    assert slack.participant("U0STRANGER").display_name == "user.u0stranger"


async def test_profiles_are_remembered(slack):
    await slack.side.command(AMARA, "status")
    await slack.side.command(AMARA, "join clinician St Mary's")
    await slack.side.command(AMARA, "status")
    assert len(slack.fake.calls_to("users.info")) == 1


async def test_unknown_words_get_the_help_text_in_a_fixed_width_block(slack):
    reply = await slack.side.command(AMARA, "make me a latte")
    assert "I don't know the word 'make'" in reply["text"]
    assert HELP in reply["text"]
    assert any(b["text"]["text"].startswith("```") for b in reply["blocks"] if b["type"] == "section")


async def test_empty_command_is_help(slack):
    reply = await slack.side.command(AMARA, "")
    assert reply["text"] == HELP


async def test_a_non_organiser_cannot_use_admin_commands(slack):
    reply = await slack.side.command(AMARA, "admin channel here", channel_id="C0GENERAL")
    assert "Only organisers" in reply["text"]
    assert slack.store().settings == {}


async def test_an_organiser_sets_the_digest_channel_here(slack):
    reply = await slack.side.command(ORGANISER, "admin channel here", channel_id="C0ORGANISERS")
    assert reply["text"].startswith("Done: the monthly digest will be posted in this channel")
    assert list(slack.store().settings.values()) == ["C0ORGANISERS"]
    assert next(iter(slack.store().settings))[1] == DIGEST_CHANNEL_KEY + "slack"


async def test_forget_me_asks_for_confirmation_then_erases(slack):
    await slack.side.command(AMARA, "join clinician St Mary's")
    ask = await slack.side.command(AMARA, "forget-me")
    button = ask["blocks"][-1]["elements"][0]
    assert (button["value"], button["style"]) == ("forget-me confirm", "danger")

    done = await slack.side.click(AMARA, ask, "Yes, forget me", ephemeral=True)
    assert done["replace_original"] is True
    assert done["text"].startswith("Done: Corridor no longer holds your details")
    assert slack.participant(AMARA) is None  # user id replaced by an erased marker


async def test_forged_signature_and_stale_timestamp_are_refused_and_change_nothing(slack):
    body, token = slack.side.command_body(AMARA, "join clinician St Mary's")
    forged = signature_headers(body, secret="not-the-signing-secret")
    stale = signature_headers(body, timestamp=int(time.time()) - 6 * 60)
    for headers in (forged, stale, {}):
        answer = await slack.side.post(body, headers=headers or {"X-Slack-Request-Timestamp": "0"})
        assert answer.status == 401
    await slack.adapter.idle()
    assert slack.fake.responses[token] == []
    assert slack.participant(AMARA) is None
    assert slack.fake.calls_to("users.info") == []


async def test_acknowledged_at_once_while_the_database_is_busy(slack):
    """The ack never waits for the database; the reply follows when it is free."""
    held, release = threading.Event(), threading.Event()

    def busy_database():
        with slack.ctx.uow():
            held.set()
            release.wait(10)

    blocker = threading.Thread(target=busy_database)
    blocker.start()
    held.wait(5)
    try:
        body, token = slack.side.command_body(AMARA, "join clinician St Mary's")
        started = time.perf_counter()
        answer = await slack.side.post(body)
        elapsed = time.perf_counter() - started
        assert answer.status == 200
        assert elapsed < 1.0
        assert slack.fake.responses[token] == []
    finally:
        release.set()
        await asyncio.to_thread(blocker.join)
    await slack.adapter.idle()
    assert slack.side.reply(token)["text"].startswith("You're in")


async def test_app_home_shows_status_and_buttons(slack):
    view = await slack.side.open_home(AMARA)
    assert view["type"] == "home"
    assert "You haven't joined yet" in texts(view)
    buttons = [e["value"] for e in view["blocks"][-1]["elements"]]
    assert buttons == ["join clinician", "join manager"]

    await slack.side.command(AMARA, "join clinician St Mary's")
    view = await slack.side.open_home(AMARA)
    assert "You take part as a clinician at St Mary's (Cardiology registrar)." in texts(view)
    assert "No pairings yet." in texts(view)
    assert [e["value"] for e in view["blocks"][-1]["elements"]] == ["pause 2w", "leave"]


async def test_a_home_button_runs_its_command_and_republishes(slack):
    await slack.side.command(SAM, "join manager Charing Cross")
    await slack.side.open_home(SAM)
    view = await slack.side.click_home(SAM, "Pause 2 weeks")
    assert "Paused: no pairing until Monday 18 May 2026" in texts(view)
    assert "Status: paused until 18 May 2026." in texts(view)
    assert [e["value"] for e in view["blocks"][-1]["elements"]] == ["resume", "leave"]
    assert str(slack.participant(SAM).paused_until) == "2026-05-18"


async def test_join_from_home_with_two_sites_shows_the_picker_on_home(slack):
    await slack.side.open_home(AMARA)
    view = await slack.side.click_home(AMARA, "Join as manager")
    assert "Which site are you based at?" in texts(view)
    view = await slack.side.click_home(AMARA, "St Mary's")
    assert "You're in" in texts(view)
    assert slack.participant(AMARA).role.value == "manager"


async def test_home_tab_messages_is_ignored(slack):
    body = {
        "team_id": "T0HOSPITAL",
        "api_app_id": "A0CORRIDOR",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": 1,
        "event": {
            "type": "app_home_opened",
            "user": AMARA,
            "channel": "D1",
            "tab": "messages",
            "event_ts": "1.0",
        },
    }
    answer = await slack.side.post(json.dumps(body), "application/json")
    await slack.adapter.idle()
    assert answer.status == 200
    assert slack.fake.calls_to("views.publish") == []


async def test_slacks_escaping_is_undone_so_a_site_with_an_ampersand_matches(slack):
    with slack.ctx.uow() as uow:
        uow.sites.add(Site(default_programme(uow, slack.ctx.settings).id, "A&E Annexe"))
        uow.commit()
    reply = await slack.side.command(AMARA, "join clinician A&amp;E Annexe")  # as Slack sends it
    assert "at A&E Annexe" in reply["text"]
    assert "A&amp;E Annexe" in texts(reply)  # and escaped again for mrkdwn
