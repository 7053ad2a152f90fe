"""The Bot Framework adapter's authentication: incoming tokens checked by Corridor, outgoing
calls by the SDK with two changes to its HTTP clients.

Incoming activities must first pass `gate.refusal` (Teams only, our tenants, a Bot Framework
serviceUrl). Their tokens are then checked by `TokenCheck` under the SDK's rules, with signing keys fetched
over aiohttp within TOKEN_CHECK_TIMEOUT_SECONDS and kept for a day (the SDK's own check
fetches them with blocking calls and no timeout, and lets a malformed or expired token escape
as HTTP 500). With an app id, a request without a valid token raises PermissionError, which
CloudAdapter turns into 401, after one WARNING line that names the reason and never the token.
With no app id (dev mode) a request without a token is let in, as the SDK lets it in.
Outgoing calls carry a token for the app id; with no app id they carry none, as the Bot
Framework Emulator expects.

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

import logging

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)

from adapters.quiet import QuietWarnings
from adapters.teams.config import TeamsConfig
from adapters.teams.gate import refusal
from adapters.teams.tokens import Refused, TokenCheck

log = logging.getLogger("corridor.teams")
REQUEST_TIMEOUT_SECONDS = 30
# Bot Framework gives up on a bot after about 15 s; an identity provider that has not answered in 3 s
# will not, and the request is refused rather than held.
TOKEN_CHECK_TIMEOUT_SECONDS = 3.0
CHANNEL_METADATA_URL = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
EMULATOR_METADATA_URL = AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
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
    """The metadata URLs are the identity providers' OpenID configuration documents; tests
    point them at a loopback server. `credentials_factory` (default: the SDK's, from the
    config) makes the tokens outgoing calls carry; tests give one that needs no network."""

    def __init__(
        self,
        config: TeamsConfig,
        timeout: float = REQUEST_TIMEOUT_SECONDS,
        *,
        channel_metadata_url: str = CHANNEL_METADATA_URL,
        emulator_metadata_url: str = EMULATOR_METADATA_URL,
        token_timeout: float = TOKEN_CHECK_TIMEOUT_SECONDS,
        credentials_factory: ServiceClientCredentialsFactory | None = None,
    ):
        super().__init__(config.sdk_settings(), credentials_factory=credentials_factory)
        self.config = config
        self.timeout = timeout
        self.tokens = TokenCheck(
            config.app_id,
            channel_metadata_url=channel_metadata_url,
            emulator_metadata_url=emulator_metadata_url,
            timeout=token_timeout,
        )
        # Refusals are anyone's to send: one line per reason a minute (the endpoint shares it).
        self.warnings = QuietWarnings(log)
        self._clients: dict[tuple[str, str | None], ConnectorClient] = {}
        self._token_clients: dict[str | None, UserTokenClient] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        refused = refusal(activity, self.config)
        if refused is not None:  # before the token: nothing is fetched, and nothing sent, for it
            self.warnings.warn(f"Teams request refused with 401: {refused}")
            raise PermissionError(refused)
        if not auth_header and not self.config.authenticated:  # dev mode: the SDK's anonymous identity
            result = await super().authenticate_request(activity, auth_header)
            result.connector_factory = _ReusedConnectorFactory(
                result.connector_factory, self._clients, self.timeout
            )
            return result
        identity = ClaimsIdentity(await self._verified_claims(activity, auth_header), True)
        # What the SDK's public-cloud authentication returns for a channel or Emulator token.
        result = AuthenticateRequestResult()
        result.claims_identity = identity
        result.audience = self.get_originating_audience()
        result.caller_id = CallerIdConstants.public_azure_channel
        result.connector_factory = self.create_connector_factory(identity)
        return result

    async def _verified_claims(self, activity: Activity, auth_header: str) -> dict:
        try:
            return await self.tokens.claims(auth_header, activity.channel_id, activity.service_url)
        except Refused as refusal:
            reason = refusal.reason
        except Exception as problem:  # a token shaped to trip the checks is still only a refusal
            reason = f"the token could not be checked ({type(problem).__name__})"
        self.warnings.warn(f"Teams request refused with 401: {reason}")
        raise PermissionError(reason)

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
        """Close the kept clients' HTTP sessions and the identity providers'."""
        await self.tokens.close()
        clients = list(self._clients.values())
        self._clients.clear()
        for client in clients:
            await client.__aexit__(None, None, None)
