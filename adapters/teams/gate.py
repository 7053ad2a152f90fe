"""Which activities Corridor takes at all, decided before any token is checked or reply sent.

Only Teams (the Emulator too, in dev mode), only the tenants the bot serves, and only a
serviceUrl on the Bot Framework's own hosts: the bot sends its bearer token to the
activity's serviceUrl, so an activity naming another host would have it sent there,
whatever form the token that let the activity in had taken.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from botbuilder.schema import Activity

from adapters.teams.config import TeamsConfig

TEAMS = "msteams"
EMULATOR = "emulator"
# The Bot Framework's Teams hosts: the public cloud (its regional paths /amer/, /emea/ ... are on
# the same host), GCC, GCC High and DoD. Another sovereign cloud: CORRIDOR_TEAMS_SERVICE_URL.
BOT_FRAMEWORK_HOSTS = frozenset(
    {
        "smba.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
        "smba.infra.dod.teams.microsoft.us",
    }
)
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def refusal(activity: Activity, config: TeamsConfig) -> str | None:
    """None when the activity may go on; otherwise why not, as a fixed phrase."""
    channel = activity.channel_id
    if channel != TEAMS and not (config.dev_mode and channel == EMULATOR):
        return "the activity is not from Teams"
    if not _service_url_allowed(activity.service_url, config):
        return "the serviceUrl is not a Bot Framework address"
    tenants = config.allowed_tenants
    if tenants is not None and _tenant(activity) not in tenants:
        return "the activity is from a tenant this bot does not serve"
    return None


def _service_url_allowed(service_url: object, config: TeamsConfig) -> bool:
    if not isinstance(service_url, str):
        return False
    try:
        url = urlsplit(service_url)
        host, port = (url.hostname or "").lower(), url.port
    except ValueError:
        return False
    if url.username or url.password:
        return False
    if url.scheme == "https" and port in (None, 443) and host in BOT_FRAMEWORK_HOSTS:
        return True
    configured = urlsplit(config.service_url)
    if (url.scheme, host, port) == (configured.scheme, (configured.hostname or "").lower(), configured.port):
        return True
    return config.dev_mode and url.scheme in ("http", "https") and host in LOOPBACK


def _tenant(activity: Activity) -> str:
    conversation_tenant = getattr(activity.conversation, "tenant_id", None)
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    found = conversation_tenant or (tenant.get("id") if isinstance(tenant, dict) else None) or ""
    return found.lower() if isinstance(found, str) else ""
