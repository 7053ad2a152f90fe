"""Signing in to the dashboard without a new identity system: the chat platform vouches.

An organiser asks their chat bot for a link; the link carries a one-time secret valid for
ten minutes. Opening it shows a "Sign in" button (a GET changes nothing, so a mail scanner or
link preview fetching the link cannot use it up); pressing it swaps the secret for a session
lasting a working day. Only sha256
digests of either secret are stored, so a copy of the database signs nobody in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.context import Context, Reply, Sender, programme_settings, programme_settings_in
from bot.errors import CorridorError
from bot.model import Organiser, OrganiserSession, SignInToken

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=10)
SIGN_IN_PATH = "/admin/signin"


class NotAnOrganiser(CorridorError):
    def __init__(self, organiser: Organiser):
        super().__init__(
            f"{organiser.platform} user {organiser.user_id} is not an organiser, so no sign-in link was made."
        )


@dataclass(frozen=True)
class SignInLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class StartedSession:
    """A new session; ``secret`` goes into the cookie and is never seen again on the server."""

    secret: str
    organiser: Organiser
    expires_at: datetime
    lifetime_seconds: int = int(SESSION_LIFETIME.total_seconds())


@dataclass(frozen=True)
class DeskSession:
    """A live session, as each page request finds it."""

    organiser: Organiser
    csrf_token: str
    expires_at: datetime


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def csrf_token_for(session_secret: str) -> str:
    """Derived from the session's own secret, so a form token is useless without the cookie."""
    return hmac.new(session_secret.encode("utf-8"), b"corridor-dashboard-form", hashlib.sha256).hexdigest()


def _organiser(ctx: Context, organiser: Organiser) -> bool:
    # The Settings page's list once saved; until then, the organisers the environment names.
    return programme_settings(ctx).is_organiser(organiser.platform, organiser.user_id)


def issue_link(ctx: Context, organiser: Organiser) -> SignInLink:
    if not _organiser(ctx, organiser):
        raise NotAnOrganiser(organiser)
    secret = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        uow.sign_ins.add(SignInToken(digest(secret), organiser, now, now + LINK_LIFETIME))
        uow.commit()
    base = ctx.settings.public_url.rstrip("/")
    return SignInLink(f"{base}{SIGN_IN_PATH}?token={secret}", now + LINK_LIFETIME)


def link_works(ctx: Context, token: str) -> bool:
    """Whether the link would sign its organiser in now; only looks (opening a link is a GET)."""
    if not token:
        return False
    with ctx.uow(read_only=True) as uow:
        found = uow.sign_ins.get(digest(token))
        if found is None or found.used_at is not None or found.expires_at <= ctx.clock.now():
            return False
        organiser = found.organiser
        return programme_settings_in(uow, ctx.settings).is_organiser(organiser.platform, organiser.user_id)


def start_session(ctx: Context, token: str) -> StartedSession | None:
    """None when the link is unknown, used, expired, or its organiser no longer is one."""
    if not token:
        return None
    now = ctx.clock.now()
    with ctx.uow() as uow:
        found = uow.sign_ins.get(digest(token))
        if found is None or found.used_at is not None or found.expires_at <= now:
            return None
        organiser = found.organiser
        if not programme_settings_in(uow, ctx.settings).is_organiser(organiser.platform, organiser.user_id):
            return None
        if not uow.sign_ins.use(found.token_hash, now):
            return None
        secret = secrets.token_urlsafe(32)
        expires = now + SESSION_LIFETIME
        uow.organiser_sessions.add(OrganiserSession(digest(secret), organiser, now, expires))
        uow.commit()
    return StartedSession(secret, organiser, expires)


def current_session(ctx: Context, secret: str) -> DeskSession | None:
    if not secret:
        return None
    with ctx.uow(read_only=True) as uow:  # every page asks: one short read, no write lock
        found = uow.organiser_sessions.get(digest(secret))
        if found is None or found.ended_at is not None or found.expires_at <= ctx.clock.now():
            return None
        organiser = found.organiser
        if not programme_settings_in(uow, ctx.settings).is_organiser(organiser.platform, organiser.user_id):
            return None  # removed from the organisers since signing in
    return DeskSession(organiser, csrf_token_for(secret), found.expires_at)


def end_session(ctx: Context, secret: str) -> None:
    with ctx.uow() as uow:
        uow.organiser_sessions.end(digest(secret), ctx.clock.now())
        uow.commit()


def dashboard_link_reply(ctx: Context, sender: Sender) -> Reply:
    """`admin dashboard`: the chat platform has told us who this is; they get a link of their own."""
    organiser = Organiser(sender.platform, sender.user_id, sender.display_name or sender.user_id)
    link = issue_link(ctx, organiser)
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    return Reply(
        f"Here is your sign-in link for the organisers' dashboard. It works once, only for you, "
        f"for the next {minutes} minutes; please don't forward it.\n{link.url}"
    )
