"""A loopback stand-in for the identity providers that sign the tokens Teams sends a bot.

It serves an OpenID configuration document and its JWKS on 127.0.0.1 (a free port), as
login.botframework.com does, with a test RSA key it mints real RS256 tokens with. It counts
what it was asked for, and can hang (never answer) until it is closed.

    async with FakeIdentityProvider() as identity:
        auth = CorridorAuthentication(config, channel_metadata_url=identity.metadata_url, ...)
        headers = {"Authorization": f"Bearer {identity.token(APP_ID, service_url)}"}
"""

from __future__ import annotations

import asyncio
import functools
import json
import time

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CHANNEL_ISSUER = "https://api.botframework.com"
EMULATOR_ISSUER = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"
KEY_ID = "corridor-test-key-1"
ENDORSEMENTS = ["msteams", "emulator"]


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def shared_key() -> rsa.RSAPrivateKey:
    """One key for the whole run: making a 2048-bit key costs CPU the other tests share."""
    return new_key()


class FakeIdentityProvider:
    def __init__(self) -> None:
        self.key = shared_key()
        self.key_id = KEY_ID
        self.endorsements = list(ENDORSEMENTS)
        self.asked: list[str] = []  # the paths asked for, in order
        self.hanging = False
        self._closing = asyncio.Event()
        self._runner = web.AppRunner(self._app(), access_log=None, shutdown_timeout=0.5)
        self.url = ""

    @property
    def metadata_url(self) -> str:
        return f"{self.url}v1/.well-known/openidconfiguration"

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        return app

    async def __aenter__(self) -> FakeIdentityProvider:
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()  # lets a hanging answer end, so the server stops by itself
        await self._runner.cleanup()

    # --- tokens ------------------------------------------------------------------------------

    def claims(self, app_id: str, service_url: str, **changes) -> dict:
        """What the Bot Framework channel puts in a token for a bot, as its docs describe."""
        now = int(time.time())
        claims = {
            "serviceurl": service_url,
            "nbf": now - 60,
            "exp": now + 3600,
            "iss": CHANNEL_ISSUER,
            "aud": app_id,
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, app_id: str, service_url: str, *, key=None, kid: str | None = None, **changes) -> str:
        return jwt.encode(
            self.claims(app_id, service_url, **changes),
            key or self.key,
            algorithm="RS256",
            headers={"kid": kid or self.key_id, "x5t": kid or self.key_id},
        )

    # --- the provider --------------------------------------------------------------------------

    async def _metadata(self, request: web.Request) -> web.Response:
        self.asked.append(request.path)
        if self.hanging:
            await self._closing.wait()
        return web.json_response(
            {
                "issuer": CHANNEL_ISSUER,
                "jwks_uri": f"{self.url}v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        self.asked.append(request.path)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.key_id, use="sig", endorsements=self.endorsements)
        return web.json_response({"keys": [jwk]})
