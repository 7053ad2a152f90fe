"""A burst of 10,000 signed Slack slash commands and button clicks, 50 at a time: acks and replies.

    python -m bench.slack_burst [--requests 10000] [--concurrency 50] [--store sqlite|postgresql]
        [--database-url URL --reset-postgres] [--core-threads N] [--people 2000] [--seed 7]

Two processes, as Slack and Corridor would be on two machines. This one runs the Slack
adapter in HTTP mode behind aiohttp on 127.0.0.1, wired as `corridor serve` wires it
(`corridor_cli.wiring.build_context` and `slack_adapter`, the core-thread default included
unless --core-threads is given), on SQLite in a temporary file or on the PostgreSQL database
named (which --reset-postgres empties first: give it a database of its own). A child process
plays Slack: the fake Web API (users.info for every sender, response URLs), and 50
keep-alive connections, each one person at a time typing or clicking, waiting for the
answer, then the next: 50 requests always outstanding. The 10,000 requests are built before
the clock starts, from a fixed seed: slash commands (status, help, pause, resume, capacity,
join, outcome with numbers in and out of range, typos, arbitrary Unicode) and block_actions
clicks carrying every kind of button value the core makes (and fuzzed ones), each signed.

"ack" is the HTTP answer to the request (Slack's 3-second deadline); "reply" is from sending
the request to the ephemeral answer arriving on its response_url. A reply not in within
10 s is counted missing; any HTTP status other than 200 is counted, 5xx separately.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter
from urllib.parse import urlencode

from bench.slack_ack import _Connection, _Remote
from bench.slack_common import SIGNING_SECRET, SITE, machine, summary_ms
from tests.adapters.fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack
from tests.adapters.slack.slack_side import signature_headers

REPLY_PATIENCE_SECONDS = 10.0
COMMANDS = [
    "status",
    "help",
    "pause 2w",
    "pause until 2026-12-24",
    "resume",
    "capacity 2",
    f"join clinician {SITE}",
    f"join manager {SITE}",
    "outcome 1 met",
    "outcome 99999999999999999999 met",
    "outcome 3 could_not_meet shift_clash",
    "forget-me",
    "admin stats",
    "jion",
    "",
]
BUTTON_VALUES = [
    "status",
    "resume",
    "pause 2w",
    "join clinician",
    "join manager",
    f"join clinician {SITE}",
    "outcome 1 met",
    "outcome 1 could_not_meet",
    "outcome 1 could_not_meet shift_clash",
    "outcome 2147483648 met",
    "capacity 3",
]
FUZZ_ALPHABET = "abcdefghijklmnopqrstuvwxyz 0123456789/?-_éß漢字👩🏽‍⚕️\u202e\t"


def people(count: int) -> list[str]:
    return [f"U{index:06d}" for index in range(count)]


# --- Slack's side (the child process) -----------------------------------------------------


def slack_side(conn, requests: int, concurrency: int, people_count: int, seed: int) -> None:
    asyncio.run(_slack_side(conn, requests, concurrency, people_count, seed))


async def _slack_side(conn, requests: int, concurrency: int, people_count: int, seed: int) -> None:
    fake = FakeSlack()
    arrived: dict[str, asyncio.Event] = {}
    answered = fake._response_url

    async def response_url(request):
        # Wrapped before start() registers the route, so a waiting client wakes at once.
        response = await answered(request)
        arrived.setdefault(request.match_info["token"], asyncio.Event()).set()
        return response

    fake._response_url = response_url  # type: ignore[method-assign]
    await fake.start()
    users = people(people_count)
    for index, user_id in enumerate(users):
        role = "Clinician" if index % 2 == 0 else "Manager"
        fake.add_user(user_id, f"{role} {index}", title="Ward 7")
    conn.send(fake.api_url)
    events_url = await asyncio.to_thread(conn.recv)
    chooser = random.Random(seed)
    path = (await _Connection.open(events_url)).path
    prepared = [_request(fake, path, chooser, users) for _ in range(requests)]
    clients = [await _Connection.open(events_url) for _ in range(concurrency)]
    queue: asyncio.Queue[tuple[bytes, str]] = asyncio.Queue()
    for item in prepared:
        queue.put_nowait(item)
    acks: list[float] = []
    replies: list[float] = []
    statuses: Counter[int] = Counter()
    missing = 0

    async def person(client: _Connection) -> None:
        nonlocal missing
        while not queue.empty():
            raw, token = queue.get_nowait()
            event = arrived.setdefault(token, asyncio.Event())
            status, ack, started = await client.send(raw)
            statuses[status] += 1
            acks.append(ack)
            try:
                await asyncio.wait_for(event.wait(), REPLY_PATIENCE_SECONDS)
                replies.append(fake.responded_at[token] - started)
            except TimeoutError:
                missing += 1

    began = time.monotonic()
    await asyncio.gather(*(person(client) for client in clients))
    took = time.monotonic() - began
    for client in clients:
        client.close()
    texts = [r.get("text", "") for answers in fake.responses.values() for r in answers]
    conn.send(
        {
            "acks": acks,
            "replies": replies,
            "missing": missing,
            "statuses": dict(statuses),
            "seconds": took,
            "went_wrong": sum("went wrong" in t or "couldn't finish" in t for t in texts),
        }
    )
    await fake.stop()


def _request(fake: FakeSlack, path: str, chooser: random.Random, users: list[str]) -> tuple[bytes, str]:
    user_id = chooser.choice(users)
    response_url = fake.response_url()
    if chooser.random() < 0.6:
        body = _command(user_id, _text(chooser, COMMANDS), response_url)
    else:
        body = _click(user_id, _text(chooser, BUTTON_VALUES) or "status", response_url, chooser)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **signature_headers(body, secret=SIGNING_SECRET),
    }
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    raw = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(body.encode())}\r\n\r\n{body}"
    )
    return raw.encode(), response_url.rsplit("/", 1)[1]


def _text(chooser: random.Random, realistic: list[str]) -> str:
    """Mostly what people type or click; one in ten fuzzed."""
    if chooser.random() < 0.9:
        text = chooser.choice(realistic)
        return text.replace(" 1 ", f" {chooser.randrange(1, 400)} ")
    return "".join(chooser.choice(FUZZ_ALPHABET) for _ in range(chooser.randrange(1, 60)))


def _command(user_id: str, text: str, response_url: str) -> str:
    return urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C0GENERAL",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/coffee",
            "text": text,
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


def _click(user_id: str, value: str, response_url: str, chooser: random.Random) -> str:
    action = {"action_id": f"corridor:button:{chooser.randrange(4)}", "block_id": "b", "action_ts": "1.1"}
    action |= {"type": "button", "value": value, "text": {"type": "plain_text", "text": "x"}}
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "team": {"id": TEAM_ID},
        "container": {"type": "message", "is_ephemeral": True},
        "channel": {"id": "D0BURST"},
        "response_url": response_url,
        "trigger_id": response_url,
        "actions": [action],
    }
    return urlencode({"payload": json.dumps(payload)})


# --- Corridor's side (this process) -------------------------------------------------------


def _database(store: str, url: str | None, reset: bool) -> str:
    if store == "sqlite":
        return f"sqlite:///{os.path.join(tempfile.mkdtemp(prefix='corridor-burst-'), 'corridor.db')}"
    if not url:
        raise SystemExit("--store postgresql needs --database-url (a database of the bench's own)")
    from storage.schema import upgrade

    if reset:
        from tests.integration.conftest import reset_postgres

        reset_postgres(url)
    upgrade(url)
    return url


def _enrol(ctx, count: int) -> None:
    """Half of the workspace has joined (at the one site); the other half types as strangers."""
    from bench.slack_common import add_site
    from bot.context import default_programme
    from bot.model import Participant, Role

    site = add_site(ctx)
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        for index, user_id in enumerate(people(count)):
            if index % 4 == 3:
                continue
            role = Role.CLINICIAN if index % 2 == 0 else Role.MANAGER
            name = f"{role.value.title()} {index}"
            uow.participants.add(
                Participant(
                    programme.id, "slack", user_id, name, role, site.id, TEAM_ID, joined_at=ctx.clock.now()
                )
            )
        uow.commit()


async def main(args: argparse.Namespace) -> None:
    from adapters.slack import SlackConfig
    from bench.slack_common import RealClock
    from bot.config import EngineSettings
    from corridor_cli.serve import share_the_interpreter
    from corridor_cli.wiring import build_context, slack_adapter
    from tests.adapters.slack.slack_side import served_on_loopback

    logging.basicConfig(level=logging.ERROR)
    share_the_interpreter()  # as `corridor serve` does
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    spawn = multiprocessing.get_context("spawn")
    conn, child_conn = spawn.Pipe()
    child = spawn.Process(
        target=slack_side,
        args=(child_conn, args.requests, args.concurrency, args.people, args.seed),
        daemon=True,
    )
    child.start()
    try:
        api_url = await asyncio.to_thread(conn.recv)
        url = _database(args.store, args.database_url, args.reset_postgres)
        ctx = await asyncio.to_thread(build_context, url, EngineSettings(), clock=RealClock())
        await asyncio.to_thread(_enrol, ctx, args.people)
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "CORRIDOR_SLACK_API_URL": _Remote(api_url).api_url,
        }
        if args.core_threads:
            env["CORRIDOR_SLACK_CORE_THREADS"] = str(args.core_threads)
        adapter = slack_adapter(ctx, SlackConfig.from_env(env))
        async with served_on_loopback(adapter) as events_url:
            conn.send(events_url)
            results = await asyncio.to_thread(conn.recv)
            await adapter.idle()
        threads = adapter.interactions.core.threads
    finally:
        child.join(timeout=60)
    statuses = results["statuses"]
    errors = sum(n for status, n in statuses.items() if status >= 500)
    print(
        f"Slack burst: {args.requests} signed requests, {args.concurrency} outstanding, store={args.store}, "
        f"core threads={threads}, {args.people} people, switch interval {sys.getswitchinterval() * 1000:g} ms"
    )
    print(f"machine: {machine()}")
    print(f"took {results['seconds']:.1f} s: {args.requests / results['seconds']:.0f} requests a second")
    print(f"ack   {summary_ms(results['acks'])}   n={len(results['acks'])}")
    print(f"reply {summary_ms(results['replies'])}   missing={results['missing']}")
    print(f"HTTP statuses {statuses}; server errors {errors}")
    print(f"replies saying something went wrong: {results['went_wrong']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="PostgreSQL for --store postgresql")
    parser.add_argument(
        "--reset-postgres", action="store_true", help="empty that database's public schema first"
    )
    parser.add_argument(
        "--core-threads", type=int, default=0, help="CORRIDOR_SLACK_CORE_THREADS (0: the default)"
    )
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--switch-interval", type=float, default=0.0, help="sys.setswitchinterval (0: serve's)"
    )
    asyncio.run(main(parser.parse_args()))
