"""The Bot Framework adapter, with the SDK's own settings and one change: no hidden retries.

Incoming requests are checked by the SDK (`ConfigurationBotFrameworkAuthentication`): with
an app id, a request without a valid token raises PermissionError, which CloudAdapter turns
into 401. Outgoing calls carry a token for the app id; with no app id (dev mode) they carry
none, as the Bot Framework Emulator expects.

The SDK's HTTP client (msrest over requests) retries 5xx responses three times by itself,
sleeping between tries and honouring Retry-After inside a worker thread. Corridor's outbox
owns retries instead, so each connector client is made to try once and give up quickly.
"""

from __future__ import annotations

from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity, ConnectorFactory

from adapters.teams.config import TeamsConfig

REQUEST_TIMEOUT_SECONDS = 30


class _SingleTryConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, timeout: float):
        self.inner = inner
        self.timeout = timeout

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        client = await self.inner.create(service_url, audience)
        # The client's HTTP session already holds this Retry object, so it is changed in place.
        retry = client.config.retry_policy
        retry.retries = 0
        retry.policy.status_forcelist = frozenset()
        client.config.connection.timeout = self.timeout
        return client


class CorridorAuthentication(ConfigurationBotFrameworkAuthentication):
    def __init__(self, config: TeamsConfig, timeout: float = REQUEST_TIMEOUT_SECONDS):
        super().__init__(config.sdk_settings())
        self.timeout = timeout

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        result.connector_factory = _SingleTryConnectorFactory(result.connector_factory, self.timeout)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = super().create_connector_factory(claims_identity)
        return _SingleTryConnectorFactory(inner, self.timeout)


def cloud_adapter(config: TeamsConfig) -> CloudAdapter:
    return CloudAdapter(CorridorAuthentication(config))
