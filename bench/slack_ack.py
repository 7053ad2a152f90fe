"""How fast Slack gets its acknowledgement for /coffee, 50 signed requests at a time.

    python -m bench.slack_ack [--concurrency 50] [--waves 20] [--store sqlite|memory] [--core-threads 1]

Two processes on this machine, as Slack and Corridor would be on two: this one runs the
adapter behind aiohttp on 127.0.0.1 with its database; a child process plays Slack,
firing signed slash commands in waves of `concurrency` and receiving the ephemeral replies
on their response_url (the fake Slack also answers users.info). The ack is the HTTP
response to the slash command (Slack's 3-second deadline); the reply is the ephemeral
answer that follows once the core has run.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from urllib.parse import urlencode, urlsplit

from bench.slack_common import (
    SIGNING_SECRET,
    SITE,
    add_site,
    machine,
    make_context,
    running_slack,
    summary_ms,
)
from tests.adapters.fake_slack import TEAM_ID, FakeSlack
from tests.adapters.slack.slack_side import signature_headers

COMMANDS = (f"join clinician {SITE}", "status")


# --- Slack's side (the child process) -----------------------------------------------------


def slack_side(conn, concurrency: int, waves: int) -> None:
    asyncio.run(_slack_side(conn, concurrency, waves))


async def _slack_side(conn, concurrency: int, waves: int) -> None:
    fake = await FakeSlack().start()
    users = [f"U{i:06d}" for i in range(concurrency * waves)]
    for user_id in users:
        fake.add_user(user_id, f"Clinician {user_id}", title="Ward 7")
    conn.send(fake.api_url)
    events_url = await asyncio.to_thread(conn.recv)
    clients = [await _Connection.open(events_url) for _ in range(concurrency)]
    await _measure(clients, fake, users[:concurrency], "help", 1)  # warm-up
    results = {text: await _measure(clients, fake, users, text, waves) for text in COMMANDS}
    for client in clients:
        client.close()
    conn.send(results)
    await fake.stop()


async def _measure(clients, fake, users, text, waves) -> dict:
    acks, sent = [], []
    concurrency = len(clients)
    for wave in range(waves):
        # A burst of `concurrency` commands at once; the next burst once this one is answered,
        # so each ack is measured while the app is busy with its own wave's work, not a backlog.
        batch = users[wave * concurrency : (wave + 1) * concurrency]
        requests = [_slash_command(fake, clients[0].path, user, text) for user in batch]
        results = await asyncio.gather(*(c.send(r) for c, (r, _) in zip(clients, requests, strict=False)))
        for (status, ack, started), (_, token) in zip(results, requests, strict=True):
            if status != 200:
                raise RuntimeError(f"HTTP {status} for {text!r}")
            acks.append(ack)
            sent.append((token, started))
        await _replies_in(fake, [token for _, token in requests], deadline=60)
    missing = [token for token, _ in sent if token not in fake.responded_at]
    replies = [fake.responded_at[token] - started for token, started in sent if token not in missing]
    return {"acks": acks, "replies": replies, "missing": len(missing)}


def _slash_command(fake, path: str, user_id: str, text: str) -> tuple[bytes, str]:
    """The whole HTTP request, built before the clock starts."""
    response_url = fake.response_url()
    body = urlencode(
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
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **signature_headers(body, secret=SIGNING_SECRET),
    }
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    raw = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(body)}\r\n\r\n{body}"
    return raw.encode(), response_url.rsplit("/", 1)[1]


class _Connection:
    """One keep-alive HTTP/1.1 connection that sends a prepared request and times the answer.

    A plain client, so that the time measured is the app's, not the client's own work."""

    def __init__(self, reader, writer, path: str):
        self.reader, self.writer, self.path = reader, writer, path

    @classmethod
    async def open(cls, url: str) -> _Connection:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(reader, writer, parts.path)

    async def send(self, request: bytes) -> tuple[int, float, float]:
        started = time.monotonic()
        self.writer.write(request)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return int(status_line.split()[1]), time.monotonic() - started, started

    def close(self) -> None:
        self.writer.close()


async def _replies_in(fake, tokens: list[str], deadline: float) -> None:
    # A benchmark may poll: the replies arrive from another process.
    give_up = time.monotonic() + deadline
    while any(t not in fake.responded_at for t in tokens) and time.monotonic() < give_up:
        await asyncio.sleep(0.01)


# --- Corridor's side (this process) -------------------------------------------------------


async def main(concurrency: int, waves: int, store: str, core_threads: int) -> None:
    spawn = multiprocessing.get_context("spawn")
    conn, child_conn = spawn.Pipe()
    child = spawn.Process(target=slack_side, args=(child_conn, concurrency, waves), daemon=True)
    child.start()
    try:
        api_url = await asyncio.to_thread(conn.recv)
        ctx = make_context(store)
        add_site(ctx)
        async with running_slack(ctx, _Remote(api_url), core_threads=core_threads) as slack:
            conn.send(slack.events_url)
            results = await asyncio.to_thread(conn.recv)
            await slack.adapter.idle()
    finally:
        child.join(timeout=30)
    print(
        f"Slack ack latency: {concurrency} concurrent signed requests x {waves} waves per command, "
        f"store={store}, core threads={core_threads}"
    )
    print(f"machine: {machine()}")
    for text, result in results.items():
        word = text.split()[0]
        print(f"/coffee {word:<6} ack   {summary_ms(result['acks'])}   n={len(result['acks'])}")
        print(f"/coffee {word:<6} reply {summary_ms(result['replies'])}   missing={result['missing']}")


class _Remote:
    """Stands in for the FakeSlack object where only its URL is needed (it runs in the child)."""

    def __init__(self, api_url: str):
        self.api_url = api_url


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--waves", type=int, default=20)
    parser.add_argument("--store", choices=("sqlite", "memory"), default="sqlite")
    parser.add_argument("--core-threads", type=int, default=1, help="CORRIDOR_SLACK_CORE_THREADS")
    args = parser.parse_args()
    asyncio.run(main(args.concurrency, args.waves, args.store, args.core_threads))
