"""With an app id, only a request carrying a token really signed for this bot gets in. Any other
gets 401 and changes nothing, leaving one WARNING line that does not hold the token, even while
the identity provider hangs, and the server answers everyone else meanwhile."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import random
import socket
import string
import time
from dataclasses import replace

import jwt
import pytest
from botframework.connector.auth import MicrosoftAppCredentials, PasswordServiceClientCredentialFactory
from cryptography.hazmat.primitives import serialization

from adapters.slack.app import EVENTS_PATH
from adapters.slack.config import SlackConfig
from adapters.teams import TeamsConfig
from adapters.teams.auth import TOKEN_CHECK_TIMEOUT_SECONDS, CorridorAuthentication
from corridor_cli.wiring import slack_adapter
from tests.adapters.fake_slack import FakeSlack
from tests.adapters.slack.conftest import slack_env
from tests.adapters.slack.slack_side import SlackSide
from tests.adapters.teams.conftest import TeamsHospital, person
from tests.adapters.teams.fake_identity import EMULATOR_ISSUER, FakeIdentityProvider, new_key

APP_ID = "9e4c2f1a-0d3b-4c5e-8f70-123456789abc"
ANOTHER_APP = "5d1e0b7c-2f4a-4d6e-9a8b-fedcba987654"
SECRET = "not-a-real-secret"


class OfflineCredentials(MicrosoftAppCredentials):
    """Outgoing calls carry a made-up token: the fake connector does not check it, and no test
    asks Azure AD for a real one."""

    def get_access_token(self, force_refresh: bool = False) -> str:
        return "outgoing-test-token"


class OfflineCredentialFactory(PasswordServiceClientCredentialFactory):
    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):
        assert await self.is_valid_app_id(app_id)
        return OfflineCredentials(app_id, self.password, oauth_scope=oauth_scope)


def guarded_config(connector_url: str, **env: str) -> TeamsConfig:
    """The bot with an app id; the fake connector stands where a sovereign cloud's would be
    (CORRIDOR_TEAMS_SERVICE_URL), since a loopback http:// address is no Bot Framework host."""
    config = TeamsConfig.from_env({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": SECRET, **env})
    assert config is not None
    return replace(config, service_url=connector_url)


def authentication(metadata_url: str, config: TeamsConfig, **options) -> CorridorAuthentication:
    return CorridorAuthentication(
        config,
        channel_metadata_url=metadata_url,
        emulator_metadata_url=metadata_url,
        credentials_factory=OfflineCredentialFactory(APP_ID, SECRET),
        **options,
    )


@pytest.fixture
async def identity():
    async with FakeIdentityProvider() as fake:
        yield fake


@pytest.fixture
async def guarded(connector, identity):
    config = guarded_config(connector.url)
    world = TeamsHospital(connector, config, auth=authentication(identity.metadata_url, config))
    await world.start()
    yield world
    await world.close()


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_nothing_recorded(world: TeamsHospital, connector) -> None:
    store = world.store()
    assert not store.participants
    assert not store.outbox
    assert not store.platform_state
    assert connector.calls == []  # and nothing was said to anyone


def assert_one_quiet_warning(log, headers: dict, *, repeat: bool = False) -> None:
    """One WARNING naming the refusal; none for a `repeat` of a reason already written this minute."""
    warnings = [r for r in log.records if r.levelno >= logging.WARNING]
    expected = [] if repeat else [("corridor.teams", "WARNING")]
    assert [(r.name, r.levelname) for r in warnings] == expected, log.text
    assert all("refused with 401" in r.getMessage() for r in warnings)
    assert not any(r.exc_info for r in log.records)
    assert "Traceback" not in log.text
    token = headers.get("Authorization", "").partition(" ")[2]
    for part in [token, *token.split(".")]:
        if len(part) >= 8:
            assert part not in log.text


async def join_with(world: TeamsHospital, headers: dict, log) -> int:
    log.clear()
    status, _ = await world.post(world.message(person("Amara"), "join clinician St Mary's"), headers)
    return status


# --- the tokens a bot may be sent ----------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_keyed_with_the_public_key(identity: FakeIdentityProvider, claims: dict) -> str:
    """The old algorithm-confusion attack: HMAC 'signed' with the provider's public key."""
    pem = identity.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "kid": identity.key_id}
    signed = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signed}.{_b64(hmac.new(pem, signed.encode(), hashlib.sha256).digest())}"


def _signed(**changes):
    return lambda identity, url: bearer(identity.token(APP_ID, url, **changes))


def _plain(headers: dict):
    return lambda identity, url: headers


def _alg_none(identity, url):
    claims = identity.claims(APP_ID, url)
    return bearer(jwt.encode(claims, None, algorithm="none", headers={"kid": identity.key_id}))


def _hs256(identity, url):
    return bearer(hs256_keyed_with_the_public_key(identity, identity.claims(APP_ID, url)))


def _another_key(identity, url):
    return bearer(identity.token(APP_ID, url, key=new_key()))


def _key_not_endorsed_for_teams(identity, url):
    identity.endorsements = ["webchat"]  # before the keys are first fetched
    return bearer(identity.token(APP_ID, url))


NOW = int(time.time())
BAD_HEADERS = {  # name: (identity provider, the activity's serviceUrl) -> headers
    "missing header": _plain({}),
    "empty header": _plain({"Authorization": ""}),
    "not a JWT": _plain(bearer("this-is-not-a-jwt")),
    "garbage base64": _plain(bearer("eyJ!!!.@@@###.$$$%%%")),
    "three dots of nothing": _plain(bearer("..")),
    "basic scheme": _plain({"Authorization": "Basic " + _b64(b"amara:password")}),
    "bearer without a token": _plain({"Authorization": "Bearer "}),
    "alg none": _alg_none,
    "HS256 with the public key": _hs256,
    "expired": _signed(exp=NOW - 3600, nbf=NOW - 7200),
    "not valid yet": _signed(nbf=NOW + 3600),
    "no expiry": _signed(exp=None),
    "wrong audience": _signed(aud=ANOTHER_APP),
    "no audience": _signed(aud=None),
    "wrong issuer": _signed(iss="https://api.botframework.com.example"),
    "no issuer": _signed(iss=None),
    "unknown key id": _signed(kid="a-key-nobody-published"),
    "signed with another key": _another_key,
    "key not endorsed for Teams": _key_not_endorsed_for_teams,
    "another service url": _signed(serviceurl="http://127.0.0.1:9/"),
    "skill token": _signed(ver="1.0", appid=ANOTHER_APP),
    "emulator token for another app": _signed(
        iss=EMULATOR_ISSUER, ver="1.0", appid=ANOTHER_APP, aud=ANOTHER_APP, serviceurl=None
    ),
}


@pytest.mark.parametrize("case", list(BAD_HEADERS))
async def test_a_bad_token_gets_401_one_quiet_warning_and_changes_nothing(
    guarded, connector, identity, log, case
):
    headers = BAD_HEADERS[case](identity, connector.url)
    assert await join_with(guarded, headers, log) == 401
    assert_one_quiet_warning(log, headers)
    assert_nothing_recorded(guarded, connector)


async def test_a_correctly_signed_token_gets_in_and_the_keys_are_fetched_once(guarded, connector, identity):
    amara, ben = person("Sister Amara Okafor"), person("Ben Adeyemi")
    token = identity.token(APP_ID, connector.url)
    status, _ = await guarded.post(guarded.message(amara, "join clinician St Mary's"), bearer(token))
    assert status in (200, 201)
    assert guarded.participant(amara) is not None
    [reply] = connector.accepted("reply", amara.chat)
    assert reply.body["text"].startswith("You're in")
    asked = list(identity.asked)
    assert asked == ["/v1/.well-known/openidconfiguration", "/v1/.well-known/keys"]
    status, _ = await guarded.post(guarded.message(ben, "join manager St Mary's"), bearer(token))
    assert status in (200, 201) and guarded.participant(ben) is not None
    assert identity.asked == asked  # the second request used the kept keys


async def test_an_emulator_token_for_this_app_gets_in_as_the_sdk_lets_it(guarded, connector, identity):
    cat = person("Cat")
    token = identity.token(
        APP_ID, connector.url, iss=EMULATOR_ISSUER, ver="1.0", appid=APP_ID, serviceurl=None
    )
    status, _ = await guarded.post(guarded.message(cat, "join manager St Mary's"), bearer(token))
    assert status in (200, 201)
    assert guarded.participant(cat) is not None


async def test_mangled_copies_of_a_good_token_and_random_headers_all_get_401(
    guarded, connector, identity, log
):
    good = identity.token(APP_ID, connector.url)
    chooser = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "-_"
    headers = []
    for _ in range(40):
        # The last character of a segment may carry only padding bits; change one before it.
        segments = good.split(".")
        n = chooser.randrange(3)
        at = chooser.randrange(len(segments[n]) - 1)
        swapped = chooser.choice(alphabet.replace(segments[n][at], ""))
        segments[n] = segments[n][:at] + swapped + segments[n][at + 1 :]
        headers.append(bearer(".".join(segments)))
    for _ in range(20):
        noise = "".join(
            chooser.choice(string.ascii_letters + string.digits + string.punctuation + " ") for _ in range(60)
        )
        headers.append({"Authorization": chooser.choice(["Bearer ", "", "bearer "]) + noise.strip()})
    reasons: list[str] = []
    for header in headers:
        assert await join_with(guarded, header, log) == 401, header
        written = [r.getMessage() for r in log.records if r.levelno >= logging.WARNING]
        assert_one_quiet_warning(log, header, repeat=not written)
        reasons += written
    # Each reason is written once; its repeats within the minute are counted, not written.
    assert reasons and len(reasons) == len(set(reasons)), reasons
    assert_nothing_recorded(guarded, connector)


async def test_while_the_identity_provider_hangs_teams_gets_401_in_time_and_healthz_still_answers(
    guarded, connector, identity, log
):
    identity.hanging = True
    token = identity.token(APP_ID, connector.url)
    started = time.monotonic()
    teams = [
        asyncio.ensure_future(
            guarded.post(guarded.message(person(f"Nurse {n}"), "join clinician St Mary's"), bearer(token))
        )
        for n in range(5)
    ]
    probes = []
    while not all(t.done() for t in teams) and len(probes) < 100:
        probe_started = time.monotonic()
        response = await guarded.client.get("/healthz")
        assert response.status == 200 and await response.text() == "ok"
        probes.append(time.monotonic() - probe_started)
        await asyncio.sleep(0.05)  # polling the loopback server, not timing anything
    statuses = [status for status, _ in await asyncio.gather(*teams)]
    took = time.monotonic() - started
    assert statuses == [401] * 5
    assert took < TOKEN_CHECK_TIMEOUT_SECONDS + 1
    assert len(probes) >= 10 and max(probes) < 1.0, probes
    assert identity.asked == ["/v1/.well-known/openidconfiguration"]  # one fetch, however many wait
    warnings = [r for r in log.records if r.levelno >= logging.WARNING]
    # Five refusals for one reason: one line, the other four counted for the next such line.
    assert len(warnings) == 1 and not any(r.exc_info for r in log.records)
    assert token not in log.text
    assert_nothing_recorded(guarded, connector)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_an_unreachable_identity_provider_means_401_at_once(connector, identity, log):
    nowhere = f"http://127.0.0.1:{_closed_port()}/v1/.well-known/openidconfiguration"
    config = guarded_config(connector.url)
    world = TeamsHospital(connector, config, auth=authentication(nowhere, config))
    await world.start()
    try:
        headers = bearer(identity.token(APP_ID, connector.url))
        started = time.monotonic()
        assert await join_with(world, headers, log) == 401
        assert time.monotonic() - started < 1.0
        assert_one_quiet_warning(log, headers)
        assert_nothing_recorded(world, connector)
    finally:
        await world.close()


async def test_a_request_without_a_token_gets_401_and_changes_nothing(guarded, connector):
    amara = person("Amara")
    status, _ = await guarded.post(guarded.message(amara, "join clinician St Mary's"))
    assert status == 401
    status, _ = await guarded.post(guarded.installed(amara))
    assert status == 401
    assert guarded.participant(amara) is None
    assert not guarded.store().platform_state
    assert connector.calls == []  # and nothing was said to anyone


async def test_while_the_identity_provider_hangs_slack_on_the_same_server_still_acks_at_once(
    connector, identity, log
):
    """One `corridor serve` answers both platforms: a hung Microsoft login must not hold up Slack."""
    slack_fake = await FakeSlack().start()
    config = guarded_config(connector.url)
    world = TeamsHospital(connector, config, auth=authentication(identity.metadata_url, config))
    slack = slack_adapter(world.ctx, SlackConfig.from_env(slack_env(slack_fake)))
    world.beside.append(slack)
    await world.start()
    try:
        identity.hanging = True
        token = identity.token(APP_ID, connector.url)
        teams = [
            asyncio.ensure_future(
                world.post(world.message(person(f"Nurse {n}"), "join clinician St Mary's"), bearer(token))
            )
            for n in range(3)
        ]
        side = SlackSide(world.client.session, str(world.client.make_url(EVENTS_PATH)), slack_fake, slack)
        acks = []
        while not all(t.done() for t in teams) and len(acks) < 50:
            body, _ = side.command_body("U0CLIN01", "status")
            started = time.monotonic()
            answer = await side.post(body)
            acks.append(time.monotonic() - started)
            assert answer.status == 200
            await asyncio.sleep(0.05)  # polling the loopback server, not timing anything
        assert [status for status, _ in await asyncio.gather(*teams)] == [401] * 3
        assert len(acks) >= 5 and max(acks) < 1.0, acks
        await slack.idle()
        assert len(slack_fake.responses) == len(acks)  # every command was answered too
    finally:
        await world.close()
        await slack.close()
        await slack_fake.stop()
