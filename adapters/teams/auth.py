"""The Bot Framework adapter, with the SDK's own authentication and two changes to its HTTP clients.

Incoming requests are checked by the SDK (`ConfigurationBotFrameworkAuthentication`): with
an app id, a request without a valid token raises PermissionError, which CloudAdapter turns
into 401. Outgoing calls carry a token for the app id; with no app id (dev mode) they carry
none, as the Bot Framework Emulator expects.

1. No hidden retries. The SDK's HTTP client (msrest over requests) retries failed
   connections by itself, sleeping in a worker thread. Corridor's outbox owns retries, so
   each connector client tries once and gives up after a timeout.
2. Clients are reused. The SDK builds a new connector client (and a token client) for
   every turn and every proactive send; building one costs about 10 ms of CPU (msrest
   recomputes its retry status list each time) and a new TCP connection. A weekly fan-out
   of thousands of intros would spend most of its time there, so clients are kept per
   service address. A Corridor deployment is one bot with one app id, so the address and
   audience are all that distinguish them.
"""

from __future__ import annotations

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

from adapters.teams.config import TeamsConfig

REQUEST_TIMEOUT_SECONDS = 30
MAX_CLIENTS = 64  # service addresses are few: one per region Teams routes the tenant through


class _ReusedConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, clients: dict, timeout: float):
        self.inner = inner
        self.clients = clients
        self.timeout = timeout

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (service_url, audience)
        if key not in self.clients:
            if len(self.clients) >= MAX_CLIENTS:  # the oldest may still be in use: let it go, not close it
                self.clients.pop(next(iter(self.clients)))
            self.clients[key] = _single_try(await self.inner.create(service_url, audience), self.timeout)
        return self.clients[key]


def _single_try(client: ConnectorClient, timeout: float) -> ConnectorClient:
    # The client's HTTP session already holds this Retry object, so it is changed in place.
    retry = client.config.retry_policy
    retry.retries = 0
    retry.policy.status_forcelist = frozenset()
    client.config.connection.timeout = timeout
    return client


class CorridorAuthentication(ConfigurationBotFrameworkAuthentication):
    def __init__(self, config: TeamsConfig, timeout: float = REQUEST_TIMEOUT_SECONDS):
        super().__init__(config.sdk_settings())
        self.timeout = timeout
        self._clients: dict[tuple[str, str | None], ConnectorClient] = {}
        self._token_clients: dict[str | None, UserTokenClient] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        result.connector_factory = _ReusedConnectorFactory(
            result.connector_factory, self._clients, self.timeout
        )
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = super().create_connector_factory(claims_identity)
        return _ReusedConnectorFactory(inner, self._clients, self.timeout)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """Corridor never signs anyone in, but the SDK builds one of these every turn: keep one."""
        app_id = claims_identity.get_claim_value(
            AuthenticationConstants.AUDIENCE_CLAIM
        ) or claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
        if app_id not in self._token_clients:
            self._token_clients[app_id] = await super().create_user_token_client(claims_identity)
        return self._token_clients[app_id]

    async def close(self) -> None:
        """Close the kept clients' HTTP sessions."""
        clients = list(self._clients.values())
        self._clients.clear()
        for client in clients:
            await client.__aexit__(None, None, None)
