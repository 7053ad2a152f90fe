"""Choices the composition root makes by database: a delivery worker's name, held by one live
process at a time and freed when it stops, and how many Slack core calls run at once.

Two workers that ask for the same name (two `serve` processes on one host, say) get it and
the next free one, so neither takes back the other's leases; once the first is gone, a
successor gets its name, and with it the predecessor's leases.
"""

from __future__ import annotations

import subprocess
import sys

from storage.worker_names import hold_worker_name


def test_a_second_worker_asking_for_a_held_name_gets_the_next_free_one(engine):
    first = hold_worker_name(engine, "ward-host")
    second = hold_worker_name(engine, "ward-host")
    try:
        assert (first.name, second.name) == ("ward-host", "ward-host#2")
        first.release()
        again = hold_worker_name(engine, "ward-host")
        assert again.name == "ward-host", "a stopped worker's name is free for its successor"
        again.release()
    finally:
        first.release()
        second.release()


def test_a_killed_process_leaves_its_name_free(engine, database_url: str):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from storage.engine import make_engine; "
            "from storage.worker_names import hold_worker_name; "
            "held = hold_worker_name(make_engine(sys.argv[1]), 'ward-host'); "
            "print(held.name, flush=True); time.sleep(120)",
            database_url,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ward-host"
        while_alive = hold_worker_name(engine, "ward-host")
        assert while_alive.name == "ward-host#2"
        while_alive.release()
    finally:
        holder.kill()
        holder.wait(10)
    after = hold_worker_name(engine, "ward-host")
    assert after.name == "ward-host"
    after.release()


def test_the_slack_core_runs_one_call_at_a_time_on_sqlite_and_four_on_postgresql(database_url: str, engine):
    from adapters.slack import SlackConfig
    from bot.config import EngineSettings
    from corridor_cli.wiring import build_context, slack_adapter
    from tests.adapters.fake_slack import BOT_TOKEN

    ctx = build_context(database_url, EngineSettings())
    try:
        env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "s"}
        chosen = slack_adapter(ctx, SlackConfig.from_env(env)).interactions.core.threads
        assert chosen == (1 if database_url.startswith("sqlite") else 4)
        env["CORRIDOR_SLACK_CORE_THREADS"] = "2"
        assert slack_adapter(ctx, SlackConfig.from_env(env)).interactions.core.threads == 2
    finally:
        ctx.uow.engine.dispose()
