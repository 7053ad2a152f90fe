"""The erasure register: who asked to be forgotten, kept only as keyed digests.

An import, or anyone but the person themselves, must not bring an erased person back;
the person can, by joining from their own account, which takes them off the register.
"""

from __future__ import annotations

from bot.context import Context
from bot.model import Participant
from bot.ports import UnitOfWork
from bot.pseudonyms import EMAIL, USER_ID, normalise_email, normalise_user_id


def digests_of(ctx: Context, platform: str, user_id: str, email: str | None) -> list[str]:
    """The person's platform id first (it names their register entry), then their email if known."""
    found = [ctx.pseudonyms.digest(USER_ID, f"{platform}:{normalise_user_id(platform, user_id)}")]
    if email and email.strip():
        found.append(ctx.pseudonyms.digest(EMAIL, normalise_email(email)))
    return found


def put_on_register(uow: UnitOfWork, ctx: Context, person: Participant) -> None:
    """Called by erasure before the details are wiped: afterwards there is nothing left to hash."""
    digests = digests_of(ctx, person.platform, person.user_id, person.email)
    uow.erasure_register.add(digests[0], digests)


def is_erased(uow: UnitOfWork, ctx: Context, platform: str, user_id: str, email: str | None) -> bool:
    return bool(uow.erasure_register.registered(digests_of(ctx, platform, user_id, email)))


def take_off_register(uow: UnitOfWork, ctx: Context, platform: str, user_id: str, email: str | None) -> bool:
    """The person joined from their own account: they chose to come back. True if they were on it."""
    return uow.erasure_register.remove_entries(digests_of(ctx, platform, user_id, email)) > 0
