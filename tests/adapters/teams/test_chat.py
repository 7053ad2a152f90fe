"""People talk to the bot in Teams: install, join, help, bad input, organisers in a channel."""

from __future__ import annotations

from adapters.teams.references import channel_key, person_key
from bot.digest import DIGEST_CHANNEL_KEY
from tests.adapters.teams.conftest import (
    BOT,
    ORGANISER_AAD,
    TENANT,
    assert_valid_card,
    commands,
    person,
    texts,
)


async def test_installing_the_app_greets_with_a_card_and_keeps_the_way_back(hospital, connector):
    amara = person("Sister Amara Okafor")
    await hospital.install(amara)
    [welcome] = connector.cards(amara.chat)
    assert_valid_card(welcome)
    assert texts(welcome)[0] == "Welcome to Corridor"
    assert commands(welcome) == ["join clinician", "join manager"]
    stored, owner = hospital.state(person_key(amara.aad))
    assert stored["conversation"]["id"] == amara.chat and stored["serviceUrl"] == connector.url
    assert owner is None  # not joined yet
    assert hospital.state(f"tenant:{TENANT}")[0]["bot"]["id"] == BOT["id"]


async def test_joining_by_message_replies_in_the_same_words_as_slack(hospital, connector):
    amara = person("Sister Amara Okafor", email="amara.okafor@nhs.net")
    [reply] = await hospital.join(amara, "clinician", "st mary's")
    assert reply["text"].startswith("You're in: you'll be paired as a clinician at St Mary's.")
    joined = hospital.participant(amara)
    assert joined.display_name == "Sister Amara Okafor" and joined.workspace_id == TENANT
    assert joined.email == "amara.okafor@nhs.net"  # looked up from Teams, for partners on Slack
    _, owner = hospital.state(person_key(amara.aad))
    assert owner == joined.id  # so forget-me erases the conversation reference too


async def test_a_click_on_the_welcome_card_joins_and_a_site_picker_follows(hospital, connector):
    ben = person("Ben Adeyemi")
    await hospital.install(ben)
    [welcome] = connector.accepted("send", ben.chat) or connector.accepted("reply", ben.chat)
    status, _ = await hospital.post(hospital.submit(ben, {"command": "join manager"}, welcome.new_id))
    assert status in (200, 201)
    picker = connector.cards(ben.chat)[-1]
    assert_valid_card(picker)
    assert "Which site are you based at?" in texts(picker)[0]
    assert commands(picker) == ["join manager St Mary's", "join manager Charing Cross"]
    status, _ = await hospital.post(hospital.submit(ben, {"command": "join manager Charing Cross"}, "42"))
    assert hospital.participant(ben).site_id is not None


async def test_help_comes_as_a_card_with_the_commands_in_columns(hospital):
    cat = person("Cat")
    [reply] = await hospital.say(cat, "help")
    card = reply["attachments"][0]["content"]
    assert_valid_card(card)
    lines = texts(card)
    assert lines[0].startswith("Corridor pairs a clinician with a manager")
    assert any(line.startswith("pause 2w") for line in lines)
    assert any(block.get("fontType") == "Monospace" for block in card["body"])


async def test_bad_input_is_explained_and_changes_nothing(hospital):
    cat = person("Cat")
    [reply] = await hospital.say(cat, "join porter")
    assert "'porter' is not a role" in reply["text"]
    [reply] = await hospital.say(cat, "join clinician Hammersmith")
    assert "There is no site called 'Hammersmith'" in reply["text"]
    assert hospital.participant(cat) is None


async def test_an_organiser_picks_the_digest_channel_with_a_mention(hospital, connector):
    olivia = person("Olivia Organiser", aad=ORGANISER_AAD)
    status, _ = await hospital.post(hospital.channel_message(olivia, "admin channel here"))
    assert status in (200, 201)
    [reply] = connector.accepted("reply")
    assert reply.body["text"] == "Done: the monthly digest will be posted in this channel."
    settings = hospital.store().settings
    assert (
        next(v for (_, k), v in settings.items() if k == DIGEST_CHANNEL_KEY + "teams")
        == "19:digest@thread.tacv2"
    )
    reference, _ = hospital.state(channel_key("19:digest@thread.tacv2"))
    assert reference["conversation"]["id"] == "19:digest@thread.tacv2"  # a new post, not a reply
    assert "user" not in reference or reference["user"] is None  # nobody's identity kept for a channel


async def test_in_a_channel_only_organisers_run_admin_commands_and_nobody_joins(hospital, connector):
    dan = person("Dan")
    await hospital.post(hospital.channel_message(dan, "admin channel here"))
    await hospital.post(hospital.channel_message(dan, "join clinician"))
    first, second = (c.body["text"] for c in connector.accepted("reply"))
    assert first.startswith("Only organisers can use `admin` commands")
    assert "one-to-one chat" in second
    assert hospital.participant(dan) is None
    assert not hospital.store().settings or all("digest" not in k for (_, k) in hospital.store().settings)


async def test_forget_me_erases_the_conversation_reference(hospital, connector):
    amara = person("Amara")
    await hospital.join(amara, "clinician")
    [confirm] = await hospital.say(amara, "forget-me")
    assert commands(confirm["attachments"][0]["content"]) == ["forget-me confirm"]
    [done] = await hospital.say(amara, "forget-me confirm")
    assert done["text"].startswith("Done: Corridor no longer holds your details.")
    assert hospital.participant(amara) is None  # the row is anonymous now
    assert hospital.state(person_key(amara.aad)) is None


class ChatOnFire:
    """A core whose every call fails, as when the database is gone."""

    def __getattr__(self, _name):
        def broken(*_):
            raise RuntimeError("database on fire")

        return broken


async def test_an_error_in_a_turn_is_apologised_for(hospital, connector):
    hospital.teams.bot.chat = ChatOnFire()
    [reply] = await hospital.say(person("Eve"), "status")
    assert reply["text"].startswith("Sorry, something went wrong")


async def test_a_request_that_is_not_json_is_refused(hospital):
    response = await hospital.client.post(
        "/api/messages", data="hello", headers={"Content-Type": "text/plain"}
    )
    assert response.status == 415


async def test_forget_me_before_joining_deletes_the_reference_kept_at_install(hospital):
    cat = person("Cat")
    await hospital.install(cat)
    assert hospital.state(person_key(cat.aad)) is not None
    await hospital.say(cat, "forget-me confirm")
    assert hospital.state(person_key(cat.aad)) is None


async def test_adding_the_app_to_a_team_posts_a_welcome_in_the_channel(hospital, connector):
    olivia = person("Olivia Organiser", aad=ORGANISER_AAD)
    activity = hospital.channel_message(olivia, "")
    activity.update(type="conversationUpdate", membersAdded=[{"id": BOT["id"]}], text=None, entities=[])
    activity["conversation"]["id"] = "19:general@thread.tacv2"
    status, _ = await hospital.post(activity)
    assert status in (200, 201)
    [post] = connector.accepted("send", "19:general@thread.tacv2")
    assert_valid_card(post.cards[0])
    assert "admin channel here" in " ".join(texts(post.cards[0]))
    assert not hospital.store().platform_state  # nobody's chat to remember in a channel


async def test_people_joining_a_team_are_not_greeted(hospital, connector):
    dan = person("Dan")
    activity = hospital.channel_message(dan, "")
    activity.update(type="conversationUpdate", membersAdded=[{"id": dan.teams_id}], text=None, entities=[])
    await hospital.post(activity)
    assert connector.calls == []
