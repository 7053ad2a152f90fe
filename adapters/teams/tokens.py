"""Who may post to /api/messages: the checks the SDK makes on an incoming bearer token, made here.

The rules are the SDK's (`JwtTokenValidation.validate_auth_header` for the public cloud):
a token from the Bot Framework channel (issuer https://api.botframework.com) must name this
bot's app id as its audience and carry the activity's serviceUrl; a token from the Bot
Framework Emulator (Azure AD issuers) must name the app id in `appid` (v1.0) or `azp`
(v2.0); both are RS256, signed by a key their provider publishes (endorsed for the channel
when the key lists endorsements), and unexpired within five minutes. Skill tokens are refused,
as the SDK refuses them without a claims validator, which Corridor has none of.

They are made here because the SDK fetches keys with blocking calls and turns most bad tokens
into an exception that escapes as HTTP 500. Every refusal here is a `Refused` whose reason is
a fixed phrase: it never holds the token or its claims.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import jwt
from botframework.connector.auth import AuthenticationConstants, EmulatorValidation, SkillValidation

from adapters.teams.signing_keys import SigningKeys, SigningKeysUnavailable

CHANNEL_ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
EMULATOR_ISSUERS = frozenset(EmulatorValidation.TO_BOT_FROM_EMULATOR_TOKEN_VALIDATION_PARAMETERS.issuer)
CLOCK_TOLERANCE_SECONDS = 5 * 60  # the SDK's
ALGORITHM = "RS256"  # the SDK lists RS384/RS512 too, then decodes with RS256 alone


class Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Provider:
    keys: SigningKeys
    issuers: frozenset[str]
    app_id_of: Callable[[dict], str | None]
    is_channel: bool  # the Bot Framework channel: the audience is the app id, serviceurl must match


class TokenCheck:
    """`await claims(auth_header, channel_id, service_url)`: the verified claims, or Refused."""

    def __init__(self, app_id: str, *, channel_metadata_url: str, emulator_metadata_url: str, timeout: float):
        self.app_id = app_id
        self.timeout = timeout
        channel_keys = SigningKeys(channel_metadata_url, timeout=timeout)
        emulator_keys = SigningKeys(emulator_metadata_url, timeout=timeout)
        self._channel = _Provider(channel_keys, frozenset([CHANNEL_ISSUER]), _audience, True)
        self._emulator = _Provider(emulator_keys, EMULATOR_ISSUERS, _emulator_app_id, False)

    async def claims(self, auth_header: str, channel_id: str | None, service_url: str | None) -> dict:
        token = _bearer(auth_header)
        if not self.app_id:
            raise Refused("a token came, but without an app id none can be checked")
        header, unverified = _unverified(token)
        provider = self._provider_for(unverified)
        try:
            async with asyncio.timeout(self.timeout):
                key = await provider.keys.find(header["kid"])
        except (TimeoutError, SigningKeysUnavailable):
            raise Refused("the identity provider gave no signing keys in time") from None
        if key is None:
            raise Refused("signed with a key the identity provider does not publish")
        if key.endorsements and channel_id not in key.endorsements:
            raise Refused("the signing key is not endorsed for this channel")
        claims = _verified(
            token, key.public_key, provider.issuers, self.app_id if provider.is_channel else None
        )
        if provider.app_id_of(claims) != self.app_id:
            raise Refused("issued for another app id")
        if provider.is_channel and service_url is not None and claims.get("serviceurl") != service_url:
            raise Refused("the serviceurl claim does not match the activity")
        return claims

    def _provider_for(self, unverified: dict) -> _Provider:
        if SkillValidation.is_skill_claim(unverified):
            raise Refused("skill tokens are not accepted")
        issuer = unverified.get("iss")
        if issuer == CHANNEL_ISSUER:
            return self._channel
        if isinstance(issuer, str) and issuer in EMULATOR_ISSUERS:
            return self._emulator
        raise Refused("issuer not trusted")

    async def close(self) -> None:
        await self._channel.keys.close()
        await self._emulator.keys.close()


def _bearer(auth_header: str) -> str:
    parts = (auth_header or "").split(" ")
    if len(parts) != 2 or parts[0] != "Bearer" or not parts[1]:
        raise Refused("no bearer token" if not auth_header else "not a bearer token")
    return parts[1]


def _unverified(token: str) -> tuple[dict, dict]:
    """The header and claims, unchecked: enough to pick the provider without fetching anything."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise Refused("not a JWT") from None
    if header.get("alg") != ALGORITHM:
        raise Refused("signing algorithm not allowed")
    if not isinstance(header.get("kid"), str):
        raise Refused("no key id")
    return header, claims


_REASONS = {
    jwt.ExpiredSignatureError: "expired",
    jwt.ImmatureSignatureError: "not valid yet",
    jwt.InvalidAudienceError: "issued for another app id",
    jwt.InvalidIssuerError: "issuer not trusted",
    jwt.InvalidSignatureError: "signature does not verify",
    jwt.MissingRequiredClaimError: "a required claim is missing",
}


def _verified(token: str, public_key, issuers: frozenset[str], audience: str | None) -> dict:
    try:
        return jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=sorted(issuers),
            leeway=CLOCK_TOLERANCE_SECONDS,
            options={"require": ["exp", "iss"], "verify_aud": audience is not None},
        )
    except jwt.InvalidTokenError as problem:
        reason = next((text for kind, text in _REASONS.items() if isinstance(problem, kind)), None)
        raise Refused(reason or f"invalid token ({type(problem).__name__})") from None


def _audience(claims: dict) -> str | None:
    return claims.get("aud")


def _emulator_app_id(claims: dict) -> str | None:
    version = claims.get("ver")
    if version == "1.0":
        return claims.get("appid")
    if version == "2.0":
        return claims.get("azp")
    return None  # the SDK asks every Emulator token for a version
