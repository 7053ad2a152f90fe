"""The console adapter: a chat transcript for the demo and the tests."""

from adapters.console.chat import ConsoleChat
from adapters.console.notifier import ConsoleNotifier

__all__ = ["ConsoleChat", "ConsoleNotifier"]
