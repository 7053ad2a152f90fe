"""With an app id, the endpoint is authenticated by the SDK: no token, no entry, no change."""

from __future__ import annotations

import pytest

from adapters.teams import TeamsConfig
from tests.adapters.teams.conftest import TeamsHospital, person

APP_ID = "9e4c2f1a-0d3b-4c5e-8f70-123456789abc"


@pytest.fixture
async def guarded(connector):
    config = TeamsConfig.from_env({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "not-a-real-secret"})
    world = TeamsHospital(connector, config)
    await world.start()
    yield world
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
