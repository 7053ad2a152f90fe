"""Teams settings, read from the environment under the Bot Framework's own variable names.

`MICROSOFT_APP_ID`, `MICROSOFT_APP_PASSWORD`, `MICROSOFT_APP_TENANT_ID` and
`MICROSOFT_APP_TYPE` mean what the Bot Framework documents; the `CORRIDOR_TEAMS_*`
variables are ours. Without an app id Corridor opens no Teams endpoint at all, unless
`CORRIDOR_TEAMS_DEV_MODE=1` asks for an unauthenticated one for the Bot Framework Emulator.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

from bot.errors import CorridorError

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
APP_TYPES = {t.lower(): t for t in ("MultiTenant", "SingleTenant", "UserAssignedMSI")}
# Where Teams sends traffic for the public cloud; only used to start a chat with someone
# the bot has never heard from (every activity carries its own serviceUrl otherwise).
PUBLIC_SERVICE_URL = "https://smba.trafficmanager.net/teams/"
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


@dataclass(frozen=True, repr=False)
class TeamsConfig:
    app_id: str = ""
    app_password: str = field(default="", compare=False)
    tenant_id: str = ""
    app_type: str = "MultiTenant"
    dev_mode: bool = False
    organisers: frozenset[str] = frozenset()
    app_name: str = "Corridor"
    app_full_name: str = "Corridor: coffee roulette for clinicians and managers"
    app_version: str = "1.0.0"
    package_id: str = ""
    developer_name: str = "Corridor"
    website_url: str = "https://example.org/corridor"
    privacy_url: str = "https://example.org/corridor/privacy"
    terms_url: str = "https://example.org/corridor/terms"
    accent_colour: str = "#2E7D6B"
    service_url: str = PUBLIC_SERVICE_URL
    tenants: frozenset[str] = frozenset()

    @property
    def allowed_tenants(self) -> frozenset[str] | None:
        """CORRIDOR_TEAMS_TENANTS if set; else a single-tenant bot's own tenant; else None: any."""
        if self.tenants:
            return self.tenants
        if self.app_type == "SingleTenant" and self.tenant_id:
            return frozenset({self.tenant_id})
        return None

    @property
    def authenticated(self) -> bool:
        return bool(self.app_id)

    @property
    def manifest_id(self) -> str:
        return self.package_id or self.app_id

    def is_organiser(self, aad_object_id: str | None) -> bool:
        return aad_object_id is not None and aad_object_id.lower() in self.organisers

    def sdk_settings(self) -> SimpleNamespace:
        """The attribute names ConfigurationBotFrameworkAuthentication looks for."""
        return _SdkSettings(
            APP_ID=self.app_id,
            APP_PASSWORD=self.app_password,
            APP_TYPE=self.app_type,
            APP_TENANTID=self.tenant_id,
        )

    def __repr__(self) -> str:
        secret = "'***'" if self.app_password else "''"
        return (
            f"TeamsConfig(app_id={self.app_id!r}, app_password={secret}, tenant_id={self.tenant_id!r}, "
            f"app_type={self.app_type!r}, dev_mode={self.dev_mode}, organisers={len(self.organisers)}, "
            f"tenants={sorted(self.tenants)!r}, "
            f"app_name={self.app_name!r}, app_version={self.app_version!r})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, for_package: bool = False) -> TeamsConfig | None:
        """None when Teams is not configured at all; CorridorError naming the variable when it is
        configured wrongly. `for_package`: only what the app package needs, so a Teams admin
        can build it without being given the bot's secret."""
        app_id = env.get("MICROSOFT_APP_ID", "").strip()
        dev_mode = _flag(env, "CORRIDOR_TEAMS_DEV_MODE")
        if not app_id and not dev_mode:
            return None
        if app_id and dev_mode:
            raise CorridorError(
                "CORRIDOR_TEAMS_DEV_MODE=1 is only for running without MICROSOFT_APP_ID; "
                "unset one of them (with an app id every request is authenticated)."
            )
        config = cls(
            app_id=_guid(app_id, "MICROSOFT_APP_ID") if app_id else "",
            app_password=env.get("MICROSOFT_APP_PASSWORD", ""),
            tenant_id=_optional_guid(env, "MICROSOFT_APP_TENANT_ID"),
            app_type=_app_type(env),
            dev_mode=dev_mode,
            organisers=organisers_from_env(env),
            tenants=_tenants(env),
            **_package_settings(env, dev_mode),
        )
        if app_id and not for_package:
            _check_credentials(config)
        return config


class _SdkSettings(SimpleNamespace):
    def __repr__(self) -> str:  # the SDK may log its configuration object; never show the secret
        return f"TeamsSdkSettings(APP_ID={self.APP_ID!r}, APP_TYPE={self.APP_TYPE!r})"


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CorridorError(f"{name} must be 1 or 0, not {value!r}.")


def _guid(value: str, name: str) -> str:
    if not GUID.match(value):
        raise CorridorError(
            f"{name} must be a GUID like 00000000-0000-0000-0000-000000000000, not {value!r}."
        )
    return value.lower()


def _optional_guid(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    return _guid(value, name) if value else ""


def _app_type(env: Mapping[str, str]) -> str:
    value = env.get("MICROSOFT_APP_TYPE", "").strip() or "MultiTenant"
    if value.lower() not in APP_TYPES:
        raise CorridorError(
            f"MICROSOFT_APP_TYPE must be one of {', '.join(APP_TYPES.values())}, not {value!r}."
        )
    return APP_TYPES[value.lower()]


def organisers_from_env(env: Mapping[str, str]) -> frozenset[str]:
    """CORRIDOR_TEAMS_ORGANISERS, read by this one rule whether or not Teams is switched on."""
    ids = [part.strip() for part in env.get("CORRIDOR_TEAMS_ORGANISERS", "").split(",") if part.strip()]
    return frozenset(_guid(i, "CORRIDOR_TEAMS_ORGANISERS (Entra object ids, comma-separated)") for i in ids)


def _tenants(env: Mapping[str, str]) -> frozenset[str]:
    ids = [part.strip() for part in env.get("CORRIDOR_TEAMS_TENANTS", "").split(",") if part.strip()]
    return frozenset(_guid(i, "CORRIDOR_TEAMS_TENANTS (Entra tenant ids, comma-separated)") for i in ids)


def _check_credentials(config: TeamsConfig) -> None:
    if config.app_type != "UserAssignedMSI" and not config.app_password:
        raise CorridorError(f"MICROSOFT_APP_PASSWORD is required for a {config.app_type} bot.")
    if config.app_type != "MultiTenant" and not config.tenant_id:
        raise CorridorError(f"MICROSOFT_APP_TENANT_ID is required for a {config.app_type} bot.")


def _package_settings(env: Mapping[str, str], dev_mode: bool) -> dict:
    """What goes into the app package a Teams admin uploads."""
    defaults = TeamsConfig()
    values = {
        "app_name": env.get("CORRIDOR_TEAMS_APP_NAME", "").strip() or defaults.app_name,
        "app_full_name": env.get("CORRIDOR_TEAMS_APP_FULL_NAME", "").strip() or defaults.app_full_name,
        "app_version": env.get("CORRIDOR_TEAMS_APP_VERSION", "").strip() or defaults.app_version,
        "package_id": _optional_guid(env, "CORRIDOR_TEAMS_PACKAGE_ID"),
        "developer_name": env.get("CORRIDOR_TEAMS_DEVELOPER_NAME", "").strip() or defaults.developer_name,
        "website_url": env.get("CORRIDOR_TEAMS_WEBSITE_URL", "").strip() or defaults.website_url,
        "privacy_url": env.get("CORRIDOR_TEAMS_PRIVACY_URL", "").strip() or defaults.privacy_url,
        "terms_url": env.get("CORRIDOR_TEAMS_TERMS_URL", "").strip() or defaults.terms_url,
        "accent_colour": env.get("CORRIDOR_TEAMS_ACCENT_COLOUR", "").strip() or defaults.accent_colour,
        "service_url": env.get("CORRIDOR_TEAMS_SERVICE_URL", "").strip() or defaults.service_url,
    }
    _check_package_settings(values, dev_mode)
    return values


_LIMITS = {
    "app_name": ("CORRIDOR_TEAMS_APP_NAME", 30),
    "app_full_name": ("CORRIDOR_TEAMS_APP_FULL_NAME", 100),
    "developer_name": ("CORRIDOR_TEAMS_DEVELOPER_NAME", 32),
}
_URLS = {
    "website_url": "CORRIDOR_TEAMS_WEBSITE_URL",
    "privacy_url": "CORRIDOR_TEAMS_PRIVACY_URL",
    "terms_url": "CORRIDOR_TEAMS_TERMS_URL",
    "service_url": "CORRIDOR_TEAMS_SERVICE_URL",
}


def _check_package_settings(values: dict, dev_mode: bool) -> None:
    # Teams rejects a package whose manifest breaks these rules, long after start-up; say so now.
    for key, (name, limit) in _LIMITS.items():
        if len(values[key]) > limit:
            raise CorridorError(f"{name} can be at most {limit} characters long.")
    for key, name in _URLS.items():
        schemes = ("https://", "http://") if dev_mode and key == "service_url" else ("https://",)
        if not values[key].lower().startswith(schemes):  # the Emulator listens on plain http
            raise CorridorError(f"{name} must be an https:// address, not {values[key]!r}.")
    if not SEMVER.match(values["app_version"]):
        raise CorridorError(
            f"CORRIDOR_TEAMS_APP_VERSION must look like 1.2.3, not {values['app_version']!r}."
        )
    if not COLOUR.match(values["accent_colour"]):
        raise CorridorError(
            f"CORRIDOR_TEAMS_ACCENT_COLOUR must look like #2E7D6B, not {values['accent_colour']!r}."
        )
