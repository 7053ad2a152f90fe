"""An aiohttp app served on 127.0.0.1 at a port the OS picks, for the fakes, fixtures and benches.

Only public aiohttp API: a TCPSite on port 0, then the runner's `addresses` for the port.

    async with LoopbackServer(app) as server:
        ... server.url ...          # "http://127.0.0.1:54321/"
"""

from __future__ import annotations

from aiohttp import web

HOST = "127.0.0.1"


class LoopbackServer:
    # A test server has no long requests worth waiting for at shutdown; one second is plenty.
    def __init__(self, app: web.Application, *, shutdown_timeout: float = 1.0):
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    async def start(self) -> str:
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, HOST, 0).start()
        except BaseException:
            await self._runner.cleanup()
            raise
        (address,) = self._runner.addresses
        self.port = address[1]
        return self.url

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def __aenter__(self) -> LoopbackServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
