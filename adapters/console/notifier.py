"""The console Notifier: prints what each person would receive, and keeps a transcript."""

from __future__ import annotations

import sys
from typing import TextIO

from adapters.console.render import addressees, render
from bot.model import OutboxMessage
from bot.ports import Delivered


class ConsoleNotifier:
    platform = "console"

    def __init__(self, out: TextIO | None = None, *, quiet: bool = False):
        self.out = out or sys.stdout
        self.quiet = quiet
        self.sent: list[OutboxMessage] = []

    async def send(self, message: OutboxMessage) -> Delivered:
        self.sent.append(message)
        if not self.quiet:
            lines = render(message.payload)
            print(f"  → {addressees(message.payload)}: {lines[0]}", file=self.out)
            for line in lines[1:]:
                print(f"      {line}", file=self.out)
        return Delivered(ref=f"console:{message.id}")
