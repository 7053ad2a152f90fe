"""Settings are checked at start-up; secrets never reach a log line."""

import logging
import socket

import pytest

from bot.errors import CorridorError
from corridor_cli.logs import RedactingFilter, redact
from corridor_cli.settings import load


def test_defaults_are_those_the_readme_lists():
    settings = load({})
    assert settings.database_url == "sqlite:///corridor.db"
    assert settings.port == 3000
    engine = settings.engine
    assert (engine.round_weekday, engine.round_time.isoformat(), str(engine.timezone)) == (
        0,
        "09:00:00",
        "Europe/London",
    )
    assert (engine.followup_after_days, engine.repeat_window, engine.max_attempts) == (3, 12, 8)
    assert settings.delivery_concurrency == 1
    assert settings.worker_name == socket.gethostname()


def test_the_delivery_worker_can_be_named_and_widened():
    settings = load({"CORRIDOR_WORKER_NAME": " ward-7-server ", "CORRIDOR_DELIVERY_CONCURRENCY": "4"})
    assert (settings.worker_name, settings.delivery_concurrency) == ("ward-7-server", 4)


def test_organisers_and_digest_channel_come_from_the_environment():
    settings = load({"CORRIDOR_SLACK_ORGANISERS": "U1, U2", "CORRIDOR_SLACK_DIGEST_CHANNEL": "C9"})
    assert settings.engine.is_organiser("slack", "U2")
    assert not settings.engine.is_organiser("teams", "U2")
    assert settings.engine.digest_channels == {"slack": "C9"}


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("CORRIDOR_REPEAT_WINDOW", "lots", "CORRIDOR_REPEAT_WINDOW must be a whole number"),
        ("CORRIDOR_ROUND_DAY", "funday", "CORRIDOR_ROUND_DAY must be a day of the week"),
        ("CORRIDOR_ROUND_TIME", "9am", "CORRIDOR_ROUND_TIME must be a time like 09:00"),
        ("CORRIDOR_TIMEZONE", "Mars/Olympus", "CORRIDOR_TIMEZONE must be a timezone name"),
        ("CORRIDOR_PORT", "99999", "CORRIDOR_PORT must be a whole number from 1 to 65535"),
        ("CORRIDOR_LOG_LEVEL", "chatty", "CORRIDOR_LOG_LEVEL must be"),
        (
            "CORRIDOR_DELIVERY_CONCURRENCY",
            "0",
            "CORRIDOR_DELIVERY_CONCURRENCY must be a whole number from 1 to 16",
        ),
        ("CORRIDOR_WORKER_NAME", "ward\x007", "CORRIDOR_WORKER_NAME must be printable text"),
        ("CORRIDOR_WORKER_NAME", "w" * 201, "CORRIDOR_WORKER_NAME must be printable text of at most 200"),
    ],
)
def test_a_bad_setting_is_named_with_what_it_should_be(variable, value, complaint):
    with pytest.raises(CorridorError, match=complaint):
        load({variable: value})


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_tokens_and_passwords_are_redacted_from_log_lines():
    secret = "s3cr3t-signing-value"
    captured = _Lines()
    captured.addFilter(RedactingFilter([secret]))
    logger = logging.getLogger("corridor.redaction-test")
    logger.addHandler(captured)
    logger.setLevel(logging.INFO)
    try:
        logger.info("calling with %s and %s", "xoxb-1234-5678-abcdef", secret)
    finally:
        logger.removeHandler(captured)
    text = "\n".join(captured.lines)
    assert "xoxb-1234" not in text and secret not in text
    assert "[redacted" in text
    assert (
        redact("postgresql+psycopg://corridor:hunter2@db/x")
        == "postgresql+psycopg://corridor:[redacted]@db/x"
    )


def test_the_dashboards_public_url_defaults_to_this_machine_and_port():
    assert load({}).engine.public_url == "http://localhost:3000"
    assert load({"CORRIDOR_PORT": "8080"}).engine.public_url == "http://localhost:8080"
    given = load({"CORRIDOR_PUBLIC_URL": "https://corridor.trust.nhs.uk/"})
    assert given.engine.public_url == "https://corridor.trust.nhs.uk"


@pytest.mark.parametrize(
    "value",
    ["corridor.trust.nhs.uk", "ftp://corridor.trust.nhs.uk", "https://", "https://x:99999", "http://a/?q=1"],
)
def test_a_bad_public_url_is_named_with_what_it_should_be(value):
    with pytest.raises(CorridorError, match="CORRIDOR_PUBLIC_URL must be"):
        load({"CORRIDOR_PUBLIC_URL": value})


def test_a_dashboard_sign_in_token_never_reaches_a_log_line():
    line = 'GET /admin/signin?token=Zq3-x_9AbCdEfGh HTTP/1.1" 303'
    assert "Zq3-x_9AbCdEfGh" not in redact(line)


def test_a_librarys_warning_keeps_its_point_but_not_the_request_body_it_quotes():
    from corridor_cli.logs import PayloadFilter

    record = logging.LogRecord(
        "slack_bolt.App",
        logging.WARNING,
        __file__,
        1,
        "A global middleware (x) skipped calling either `next()` without providing a response for the "
        "request ({'user_name': 'amara.okafor', 'text': 'join clinician', "
        "'response_url': 'https://hooks.slack.com/commands/T1/2/abc'})",
        None,
        None,
    )
    PayloadFilter().filter(record)
    assert record.getMessage().startswith("A global middleware (x) skipped calling")
    assert "amara" not in record.getMessage() and "hooks.slack.com" not in record.getMessage()
    ours = logging.LogRecord("corridor.delivery", logging.INFO, __file__, 1, "sent {'id': 3}", None, None)
    PayloadFilter().filter(ours)
    assert ours.getMessage() == "sent {'id': 3}"
