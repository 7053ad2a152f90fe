"""One entry point for every adapter: a person's text in, a reply out."""

from __future__ import annotations

import logging

from bot import commands as c
from bot.context import Context, Reply, Sender, default_programme, programme_settings
from bot.dashboard.signin import dashboard_link_reply
from bot.digest import DIGEST_CHANNEL_KEY, send_digest
from bot.erasure import erase
from bot.errors import CorridorError
from bot.meeting_times import pick_time
from bot.messages import Button, Intent
from bot.outcomes import record_outcome
from bot.people import NOT_JOINED, find_sender, join, leave, pause, resume, set_capacity
from bot.pulse import record_pulse
from bot.results import DigestChannelSet, Forgotten
from bot.rounds import run_round
from bot.shadowing import record_shadowing
from bot.stats import organiser_summary
from bot.status import status_reply
from bot.working_patterns import set_days_off, set_every, set_shifts

log = logging.getLogger("corridor.chat")

NOT_ORGANISER = "Only organisers can use `admin` commands, so nothing was changed. Type `help` to see yours."
ONE_TO_ONE = (
    "I only take that in a one-to-one chat, so nothing was changed here. "
    "Open a chat with me and type it there."
)
# Where everyone can read the answer (a team channel), only these are taken.
SHARED_COMMANDS = (c.Help, c.AdminChannelHere, c.AdminDigestNow, c.AdminStats, c.AdminRoundNow)


def handle(ctx: Context, sender: Sender, text: str) -> Reply:
    try:
        command = c.parse(text, ctx.today())
    except c.ParseError as problem:
        text = str(problem)
        return Reply(text, rejected=True, columns=c.HELP if c.HELP in text else None)
    if sender.shared and not isinstance(command, SHARED_COMMANDS):
        return Reply(ONE_TO_ONE, rejected=True)
    try:
        return _dispatch(ctx, sender, command)
    except CorridorError as problem:
        return Reply(str(problem), rejected=True)


def _dispatch(ctx: Context, sender: Sender, command: c.Command) -> Reply:
    match command:
        case c.Help():
            return Reply(c.HELP, columns=c.HELP)
        case c.Join():
            return join(ctx, sender, command)
        case c.Leave():
            return leave(ctx, sender)
        case c.Pause():
            return pause(ctx, sender, command)
        case c.Resume():
            return resume(ctx, sender)
        case c.Status():
            return status_reply(ctx, sender)
        case c.Capacity():
            return set_capacity(ctx, sender, command)
        case c.ForgetMe():
            return forget_me(ctx, sender, command)
        case c.RecordOutcome():
            return record_outcome(ctx, sender, command)
        case c.SetShifts() | c.ClearShifts():
            return set_shifts(ctx, sender, command)
        case c.DaysOff():
            return set_days_off(ctx, sender, command)
        case c.Every():
            return set_every(ctx, sender, command)
        case c.PickTime():
            return pick_time(ctx, sender, command)
        case c.AnswerPulse():
            return record_pulse(ctx, sender, command)
        case c.AnswerShadowing():
            return record_shadowing(ctx, sender, command)
    if not is_organiser(ctx, sender):
        return Reply(NOT_ORGANISER, rejected=True)
    return _admin(ctx, sender, command)


def _admin(ctx: Context, sender: Sender, command: c.Command) -> Reply:
    log.info("organiser %s on %s ran %s", sender.user_id, sender.platform, type(command).__name__)
    match command:
        case c.AdminRoundNow():
            return Reply(run_round(ctx).summary())
        case c.AdminDigestNow():
            return Reply(send_digest(ctx, adhoc=True).summary())
        case c.AdminStats():
            return Reply(organiser_summary(ctx))
        case c.AdminChannelHere():
            return channel_here(ctx, sender)
        case c.AdminDashboard():
            return dashboard_link_reply(ctx, sender)
    raise AssertionError(f"unhandled command {command!r}")


def is_organiser(ctx: Context, sender: Sender) -> bool:
    """The core decides, from the organisers on the Settings page; until those are saved, the
    platform's configured organisers (``sender.is_organiser``) and the environment's count."""
    chosen = programme_settings(ctx)
    return chosen.is_organiser(sender.platform, sender.user_id, vouched=sender.is_organiser)


def channel_here(ctx: Context, sender: Sender) -> Reply:
    if not sender.channel_id:
        return Reply("Type `admin channel here` in the channel where the digest should go.", rejected=True)
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        uow.settings.put(programme.saved_id, DIGEST_CHANNEL_KEY + sender.platform, sender.channel_id)
        uow.commit()
    return Reply(
        "Done: the monthly digest will be posted in this channel.",
        result=DigestChannelSet(sender.platform, sender.channel_id),
    )


def forget_me(ctx: Context, sender: Sender, command: c.ForgetMe) -> Reply:
    if not command.confirmed:
        return Reply(
            "This erases your name, platform id, email and department from Corridor, and deletes the "
            "messages Corridor holds that name you. Your past pairings stay only as anonymous counts. "
            "The intros and follow-ups already posted to your partners are rewritten to say "
            '"a colleague who has since left Corridor"; the copies in this chat stay yours to delete, '
            "and anything someone copied or Slack or Teams would not let Corridor edit stays as it is. "
            "Staff-list imports will skip you from now on; type `join` if you ever want to come back. "
            "Are you sure?",
            [Button("Yes, forget me", "forget-me confirm", Intent.DANGER)],
        )
    with ctx.uow() as uow:
        person = find_sender(uow, ctx, sender)
        if person is None:
            return Reply(NOT_JOINED, result=Forgotten(sender.platform, sender.user_id, erased=False))
        erase(uow, ctx, person)
        uow.commit()
    return Reply(
        "Done: Corridor no longer holds your details. Type `join` if you ever want to come back.",
        result=Forgotten(sender.platform, sender.user_id, erased=True),
    )
