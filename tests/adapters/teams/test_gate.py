"""Only Teams, only our tenants, only the Bot Framework's addresses: an activity from WebChat,
from another tenant, or naming another serviceUrl is refused before anything is sent anywhere,
and a body that is no activity at all is a 400, not a 500."""

from __future__ import annotations

import logging

import pytest

from adapters.teams import TeamsConfig
from adapters.teams.gate import refusal
from tests.adapters.fake_connector import FakeBotConnector
from tests.adapters.teams.conftest import TENANT, TeamsHospital, person
from tests.adapters.teams.fake_identity import EMULATOR_ISSUER, FakeIdentityProvider
from tests.adapters.teams.test_auth import APP_ID, authentication, bearer, guarded_config

ANOTHER_TENANT = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
async def identity():
    async with FakeIdentityProvider() as fake:
        yield fake


@pytest.fixture
async def elsewhere():
    """Where an attacker would like the bot's replies, and its bearer token, to go."""
    async with FakeBotConnector() as fake:
        yield fake


async def world_with(connector, identity, **env: str) -> TeamsHospital:
    config = guarded_config(connector.url, **env)
    world = TeamsHospital(connector, config, auth=authentication(identity.metadata_url, config))
    await world.start()
    return world


def assert_refused_and_nothing_sent(world, status, *connectors) -> None:
    assert status == 401
    assert not world.store().participants
    assert not world.store().platform_state
    for connector in connectors:
        assert connector.calls == []


async def test_an_activity_from_webchat_is_refused_and_nothing_is_sent(connector, identity, caplog):
    world = await world_with(connector, identity)
    try:
        activity = world.message(person("Amara"), "join clinician St Mary's")
        activity["channelId"] = "webchat"
        status, _ = await world.post(activity, bearer(identity.token(APP_ID, connector.url)))
        assert_refused_and_nothing_sent(world, status, connector)
        assert "not from Teams" in caplog.text
    finally:
        await world.close()


async def test_a_single_tenant_bot_refuses_another_tenant(connector, identity):
    world = await world_with(
        connector, identity, MICROSOFT_APP_TYPE="SingleTenant", MICROSOFT_APP_TENANT_ID=TENANT
    )
    try:
        ours = world.message(person("Ben"), "join manager St Mary's")
        theirs = world.message(stranger := person("Cat"), "join manager St Mary's")
        theirs["conversation"]["tenantId"] = ANOTHER_TENANT
        theirs["channelData"]["tenant"]["id"] = ANOTHER_TENANT
        token = bearer(identity.token(APP_ID, connector.url))
        status, _ = await world.post(theirs, token)
        assert_refused_and_nothing_sent(world, status, connector)
        assert world.participant(stranger) is None
        status, _ = await world.post(ours, token)
        assert status in (200, 201)
        assert len(world.store().participants) == 1
    finally:
        await world.close()


async def test_the_tenant_allow_list_is_kept_by_a_multi_tenant_bot_too(connector, identity):
    world = await world_with(connector, identity, CORRIDOR_TEAMS_TENANTS=f"{ANOTHER_TENANT}")
    try:
        activity = world.message(person("Dee"), "join manager St Mary's")  # from TENANT, not listed
        status, _ = await world.post(activity, bearer(identity.token(APP_ID, connector.url)))
        assert_refused_and_nothing_sent(world, status, connector)
    finally:
        await world.close()


async def test_an_emulator_form_token_cannot_send_the_bot_to_another_service_url(
    connector, identity, elsewhere
):
    """The Emulator's tokens carry no serviceurl claim to compare: the host list still holds."""
    world = await world_with(connector, identity)
    try:
        activity = world.message(person("Eve"), "status")
        activity["serviceUrl"] = elsewhere.url
        token = identity.token(
            APP_ID, elsewhere.url, iss=EMULATOR_ISSUER, ver="1.0", appid=APP_ID, serviceurl=None
        )
        for _ in range(20):
            status, _ = await world.post(activity, bearer(token))
            assert_refused_and_nothing_sent(world, status, connector, elsewhere)
    finally:
        await world.close()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://smba.trafficmanager.net/teams/", True),
        ("https://smba.trafficmanager.net/emea/", True),
        ("https://smba.infra.gcc.teams.microsoft.com/teams", True),
        ("https://smba.infra.gov.teams.microsoft.us/teams", True),
        ("https://smba.infra.dod.teams.microsoft.us/teams", True),
        ("http://smba.trafficmanager.net/teams/", False),
        ("https://smba.trafficmanager.net.example.org/teams/", False),
        ("https://evil.example@smba.trafficmanager.net/teams/", False),
        ("https://smba.trafficmanager.net:8443/teams/", False),
        ("https://example.org/teams/", False),
        ("http://127.0.0.1:3978/", False),
        ("not a url", False),
        ("", False),
    ],
)
def test_which_service_urls_a_bot_with_an_app_id_accepts(url, allowed):
    config = TeamsConfig.from_env({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "x"})
    activity = _activity(service_url=url)
    assert (refusal(activity, config) is None) is allowed


def test_a_sovereign_cloud_is_one_setting_away():
    config = TeamsConfig.from_env(
        {
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": "x",
            "CORRIDOR_TEAMS_SERVICE_URL": "https://smba.sovereign.example/teams/",
        }
    )
    assert refusal(_activity(service_url="https://smba.sovereign.example/teams/"), config) is None
    assert refusal(_activity(service_url="https://smba.other.example/teams/"), config) is not None


async def test_dev_mode_takes_the_emulator_but_not_webchat(hospital):
    emulator = hospital.message(person("Fay"), "status")
    emulator["channelId"] = "emulator"
    status, _ = await hospital.post(emulator)
    assert status in (200, 201)
    webchat = {**emulator, "channelId": "webchat"}
    status, _ = await hospital.post(webchat)
    assert status == 401


def _activity(service_url: str):
    from botbuilder.schema import Activity

    return Activity().deserialize(
        {
            "type": "message",
            "channelId": "msteams",
            "serviceUrl": service_url,
            "conversation": {"id": "a:1", "tenantId": TENANT},
            "channelData": {"tenant": {"id": TENANT}},
        }
    )


NOT_ACTIVITIES = {
    "not JSON": b"{this is not json",
    "a JSON list": b"[1, 2, 3]",
    "a JSON string": b'"message"',
    "no type": b'{"text": "hi"}',
    "deeply nested": b'{"type": "message", "value": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    "not UTF-8": b'{"type": "message", "text": "\xff\xfe"}',
    "a type that is a list": b'{"type": ["message"]}',
    "from a list": b'{"type": "message", "from": [1], "conversation": 5}',
}


@pytest.mark.parametrize("shape", list(NOT_ACTIVITIES))
async def test_a_body_that_is_no_activity_gets_400_and_no_traceback(hospital, caplog, shape):
    caplog.set_level(logging.INFO)
    response = await hospital.client.post(
        "/api/messages", data=NOT_ACTIVITIES[shape], headers={"Content-Type": "application/json"}
    )
    assert response.status in (400, 401)
    assert not any(r.exc_info for r in caplog.records)
    assert hospital.connector.calls == []


def refusal_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("corridor") and "refused" in r.getMessage()]


async def test_forty_refused_activities_write_one_line_per_reason_and_no_traceback(
    connector, identity, caplog
):
    caplog.set_level(logging.INFO)
    world = await world_with(
        connector, identity, MICROSOFT_APP_TYPE="SingleTenant", MICROSOFT_APP_TENANT_ID=TENANT
    )
    try:
        statuses = []
        for _ in range(40):
            activity = world.message(person("Amara"), "status")
            activity["channelId"] = "webchat"
            statuses.append((await world.post(activity, bearer(identity.token(APP_ID, connector.url))))[0])
        for _ in range(40):
            activity = world.message(person("Amara"), "status")
            activity["channelData"] = {"tenant": {"id": ANOTHER_TENANT}}
            activity["conversation"]["tenantId"] = ANOTHER_TENANT
            statuses.append((await world.post(activity, bearer(identity.token(APP_ID, connector.url))))[0])
        assert statuses == [401] * 80
        assert connector.calls == []
    finally:
        await world.close()
    lines = [r.getMessage() for r in refusal_lines(caplog)]
    assert lines == [
        "Teams request refused with 401: the activity is not from Teams",
        "Teams request refused with 401: the activity is from a tenant this bot does not serve",
    ], "the other 39 of each are counted, not written"
    assert not any(r.exc_info for r in caplog.records)


async def test_forty_bodies_that_are_no_activity_write_one_line(hospital, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(40):
        response = await hospital.client.post(
            "/api/messages", data=NOT_ACTIVITIES["not JSON"], headers={"Content-Type": "application/json"}
        )
        assert response.status == 400
    lines = [r.getMessage() for r in refusal_lines(caplog)]
    assert lines == ["Teams request refused with 400: the body is not JSON"]
