"""`corridor serve` as an operator meets it: it starts, answers its health check, stops on
SIGTERM, and refuses a PostgreSQL database whose schema is behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

CORRIDOR = str(Path(sys.executable).with_name("corridor"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CORRIDOR_", "SLACK_", "MICROSOFT_"))}
    env["CORRIDOR_DATABASE_URL"] = f"sqlite:///{tmp_path}/serve.db"
    env.update(extra)
    return env


def _wait_for_health(port: int, process: subprocess.Popen, deadline: float = 30) -> dict:
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                return json.load(answer)
        except OSError:
            time.sleep(0.1)  # waiting for a real process to bind its port, not for time to pass
    raise AssertionError("serve never answered /healthz")


def test_serve_starts_answers_health_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [CORRIDOR, "serve"],
        cwd=tmp_path,
        env=_env(tmp_path, CORRIDOR_PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for_health(port, process) == {"ok": True}
    finally:
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "No platform is configured" in log
    assert "Traceback" not in log


def test_serve_refuses_a_postgresql_schema_that_is_behind(tmp_path):
    url = os.environ.get("CORRIDOR_TEST_DATABASE_URL")
    if not url:
        pytest.skip("CORRIDOR_TEST_DATABASE_URL is not set; PostgreSQL half not run")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    env = _env(tmp_path, CORRIDOR_DATABASE_URL=url, CORRIDOR_PORT=str(_free_port()))
    refused = subprocess.run(
        [CORRIDOR, "serve"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode != 0
    assert "corridor db upgrade" in refused.stderr and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    upgraded = subprocess.run(
        [CORRIDOR, "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert upgraded.returncode == 0 and "up to date" in upgraded.stdout
