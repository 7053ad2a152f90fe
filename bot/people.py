"""Use cases a person runs on themselves: join, leave, pause, resume, capacity, status."""

from __future__ import annotations

import difflib

from bot import commands as c
from bot.context import Context, Reply, Sender, default_programme, programme_settings
from bot.erasure_register import take_off_register
from bot.errors import CorridorError, UnknownSite
from bot.messages import Button, Intent
from bot.model import Participant, Role, Site, Status
from bot.ports import UnitOfWork
from bot.results import Joined
from bot.wording import fold

NOT_JOINED = "You haven't joined yet. Type `join clinician` or `join manager` to take part."


def find_sender(uow: UnitOfWork, ctx: Context, sender: Sender) -> Participant | None:
    programme = default_programme(uow, ctx.settings)
    person = uow.participants.find(programme.saved_id, sender.platform, sender.user_id)
    return None if person is None or person.erased else person


def join(ctx: Context, sender: Sender, command: c.Join) -> Reply:
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        sites = [site for site in uow.sites.list(programme.saved_id) if not site.retired]
        if command.site is None and len(sites) > 1:
            return _site_picker(command.role, sites)
        near = _near_miss(command.site, sites)
        if near is not None:
            return _did_you_mean(command.role, command.site or "", near)
        site = _resolve_site(uow, programme.saved_id, command.site, sites)
        # Joining from their own account is the one way back for someone who asked to be erased.
        came_back = take_off_register(uow, ctx, sender.platform, sender.user_id, sender.email)
        person = uow.participants.find(programme.saved_id, sender.platform, sender.user_id)
        rejoining = came_back or (person is not None and (person.left_at is not None or person.erased))
        if person is None:
            person = uow.participants.add(
                _new_participant(ctx, programme.saved_id, sender, command.role, site)
            )
        else:
            _refresh(person, ctx, sender, command.role, site)
            uow.participants.save(person)
        uow.commit()
    verb = "Welcome back" if rejoining else "You're in"
    return Reply(
        f"{verb}: you'll be paired as a {command.role.value} at {site.name}. "
        f"Pairs go out on {_round_day(ctx)}. Type `pause 2w` for a break or `leave` to stop.",
        result=Joined(person.saved_id, command.role, site.name, rejoined=rejoining),
    )


JOIN_BUTTONS = [Button("Join as clinician", "join clinician"), Button("Join as manager", "join manager")]


def _site_picker(role: Role, sites: list[Site]) -> Reply:
    buttons = [Button(site.name, f"join {role.value} {site.name}") for site in sites]
    return Reply(
        f"Which site are you based at? Pick one, or type `join {role.value} SITE`.",
        buttons,
        pick_one="Choose your site",
    )


def _resolve_site(uow: UnitOfWork, programme_id: int, name: str | None, sites: list[Site]) -> Site:
    if name is None:
        if not sites:
            raise CorridorError(
                "No sites are set up yet, so there is nowhere to suggest for coffee. "
                "Ask your organiser to add them with `corridor places import`."
            )
        return sites[0]
    site = _matching_site(name, sites)
    if site is None:
        raise UnknownSite(name, [s.name for s in sites])
    return site


def _matching_site(name: str, sites: list[Site]) -> Site | None:
    """The site as typed, however a phone wrote its apostrophe: St Mary’s is St Mary's."""
    wanted = fold(name)
    return next((site for site in sites if fold(site.name) == wanted), None)


def _near_miss(name: str | None, sites: list[Site]) -> Site | None:
    """The one site a mistyped name most likely meant ("St Marys"), when it matches none exactly."""
    if name is None or _matching_site(name, sites) is not None:
        return None
    folded = {_letters(site.name): site for site in sites}
    close = difflib.get_close_matches(_letters(name), list(folded), n=1, cutoff=0.75)
    return folded[close[0]] if close else None


def _letters(name: str) -> str:
    return "".join(ch for ch in fold(name) if ch.isalnum())


def _did_you_mean(role: Role, typed: str, site: Site) -> Reply:
    return Reply(
        f"There is no site called '{typed}'. Did you mean {site.name}?",
        [Button(f"Join at {site.name}", f"join {role.value} {site.name}", Intent.PRIMARY)],
        rejected=True,
    )


def _new_participant(ctx: Context, programme_id: int, sender: Sender, role: Role, site: Site) -> Participant:
    return Participant(
        programme_id=programme_id,
        platform=sender.platform,
        user_id=sender.user_id,
        workspace_id=sender.workspace_id,
        display_name=sender.display_name,
        email=sender.email,
        department=sender.department,
        upn=sender.upn,
        role=role,
        site_id=site.saved_id,
        joined_at=ctx.clock.now(),
        active_since=ctx.clock.now(),
    )


def _refresh(person: Participant, ctx: Context, sender: Sender, role: Role, site: Site) -> None:
    if person.left_at is not None or person.erased:
        person.joined_at = ctx.clock.now()
    person.left_at, person.erased, person.paused_until = None, False, None
    person.active_since = ctx.clock.now()
    person.role, person.site_id = role, site.saved_id
    person.display_name, person.workspace_id = sender.display_name, sender.workspace_id
    person.email = sender.email or person.email
    person.department = sender.department or person.department
    person.upn = sender.upn or person.upn
    if role is Role.CLINICIAN:
        person.capacity = 1


def _round_day(ctx: Context) -> str:
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    chosen = programme_settings(ctx)
    every = {1: "", 2: "every other week, ", 4: "every fourth week, "}.get(chosen.cadence_weeks, "")
    return f"{every}{days[chosen.round_weekday]}s at {chosen.round_time.strftime('%H:%M')}"


def leave(ctx: Context, sender: Sender) -> Reply:
    with ctx.uow() as uow:
        person = find_sender(uow, ctx, sender)
        if person is None or person.left_at is not None:
            return Reply(NOT_JOINED)
        person.left_at = ctx.clock.now()
        uow.participants.save(person)
        uow.commit()
    return Reply(
        "You've left Corridor and won't be paired again. Your past pairings stay in the anonymous "
        "counts; type `forget-me` to erase your details, or `join` to come back."
    )


def pause(ctx: Context, sender: Sender, command: c.Pause) -> Reply:
    with ctx.uow() as uow:
        person = _require_active_member(uow, ctx, sender)
        person.paused_until = command.until
        uow.participants.save(person)
        uow.commit()
    return Reply(
        f"Paused: no pairing until {command.until:%A %d %B %Y}. Type `resume` to start again sooner."
    )


def resume(ctx: Context, sender: Sender) -> Reply:
    with ctx.uow() as uow:
        person = _require_active_member(uow, ctx, sender)
        was_paused = person.status_on(ctx.today()) is Status.PAUSED
        person.paused_until = None
        person.active_since = ctx.clock.now()
        uow.participants.save(person)
        uow.commit()
    if not was_paused:
        return Reply("You weren't paused, so nothing changed: you're in the next round.")
    return Reply("Welcome back: you're in the next round.")


def set_capacity(ctx: Context, sender: Sender, command: c.Capacity) -> Reply:
    with ctx.uow() as uow:
        person = _require_active_member(uow, ctx, sender)
        if person.role is not Role.MANAGER:
            return Reply(
                "Capacity is for managers; clinicians always meet one manager a week.", rejected=True
            )
        person.capacity = command.clinicians
        uow.participants.save(person)
        uow.commit()
    plural = "clinician" if command.clinicians == 1 else "clinicians"
    return Reply(f"Done: you'll meet up to {command.clinicians} {plural} a week, each one to one.")


def _require_active_member(uow: UnitOfWork, ctx: Context, sender: Sender) -> Participant:
    person = find_sender(uow, ctx, sender)
    if person is None or person.left_at is not None:
        raise CorridorError(NOT_JOINED)
    return person
