"""`corridor serve` mounts the dashboard on its own port: IT staff print a link, it signs in."""

from __future__ import annotations

import asyncio
import signal
import subprocess

import aiohttp

from tests.e2e.test_serve import CORRIDOR, _env, _free_port, _wait_for_health


async def test_serve_answers_the_dashboard_on_the_same_port(tmp_path):
    port = _free_port()
    env = _env(tmp_path, CORRIDOR_PORT=str(port), CORRIDOR_SLACK_ORGANISERS="U0ORGANISER")
    env["CORRIDOR_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [CORRIDOR, "serve"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        await asyncio.to_thread(_wait_for_health, port, process)
        printed = subprocess.run(
            [CORRIDOR, "admin", "link", "slack", "U0ORGANISER"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert printed.returncode == 0, printed.stderr
        link = printed.stdout.splitlines()[0]
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as browser:
            async with browser.get(link) as answer:
                assert answer.status == 200 and answer.url.path == "/admin/signin"
                assert ">Sign in</button>" in await answer.text()  # opening it uses nothing up
            form = {"token": link.split("token=")[1]}
            async with browser.post(link.split("?")[0], data=form) as answer:
                assert answer.status == 200 and answer.url.path == "/admin/"
                assert "overview" in await answer.text()
            async with browser.get(link) as answer:
                assert answer.status == 400
            async with browser.post(link.split("?")[0], data=form) as answer:
                assert answer.status == 400
    finally:
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in log
    assert link.split("token=")[1] not in log, "the sign-in secret must never reach the log"
    assert "/admin/signin?token=[redacted]" in log  # the access log line is there, without it
