"""The Slack adapter: /coffee, buttons, App Home and outbox delivery, on slack-bolt's AsyncApp."""

from adapters.slack.app import SlackAdapter
from adapters.slack.config import SlackConfig
from adapters.slack.notifier import SlackNotifier

__all__ = ["SlackAdapter", "SlackConfig", "SlackNotifier"]
