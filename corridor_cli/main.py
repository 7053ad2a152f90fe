"""`corridor`: the command line. Errors end in one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import csv
import getpass
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import load_dotenv

from bot.errors import CorridorError
from corridor_cli import settings as settings_module

if TYPE_CHECKING:  # annotations only: each command imports what it needs when it runs
    from bot.context import Context
    from bot.file_imports import Confirmed, FilePreview
    from bot.model import Organiser, Participant
    from bot.ports import UnitOfWork
    from corridor_cli.settings import Settings

log = logging.getLogger("corridor")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="corridor", description="Coffee roulette for hospitals.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="run the bots, the scheduler and the delivery worker")
    demo = commands.add_parser("demo", help="a whole month in a demo hospital, in a few seconds")
    demo.add_argument("--database", help="SQLAlchemy URL to use instead of a temporary SQLite file")
    demo.add_argument("--out", default=".", help="folder for the digest chart (default: here)")
    db = commands.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply pending migrations")
    round_ = commands.add_parser("round", help="pairing rounds").add_subparsers(dest="action", required=True)
    run = round_.add_parser("run", help="run this week's round now (a top-up if it already ran)")
    run.add_argument("--week", help="ISO week such as 2026-W48 (default: this week)")
    run.add_argument("--dry-run", action="store_true", help="show the pairs without saving or sending")
    run.add_argument("--yes", action="store_true", help="run it even though the week is in the past")
    digest = commands.add_parser("digest", help="the monthly digest").add_subparsers(
        dest="action", required=True
    )
    send = digest.add_parser("send", help="queue a month's digest for the organisers' channels")
    send.add_argument("--month", help="month such as 2026-11 (default: last month)")
    send.add_argument("--dry-run", action="store_true", help="print it without sending")
    send.add_argument("--chart", help="also write the chart PNG to this file")
    report = commands.add_parser("report", help="write the quarterly board report as a PDF")
    report.add_argument("--quarter", required=True, help="quarter such as 2026-Q4")
    report.add_argument("--out", required=True, help="PDF file to write")
    for noun, help_text in (
        ("places", "add, update and retire sites and their meeting places from a YAML file"),
        ("participants", "enrol staff in bulk from a CSV file"),
        ("exclusions", "make the do-not-pair rules those of a CSV file (adds and removes)"),
    ):
        sub = commands.add_parser(noun, help=help_text).add_subparsers(dest="action", required=True)
        reading = sub.add_parser("import", help=help_text)
        reading.add_argument("file")
        if noun != "participants":
            reading.add_argument("--dry-run", action="store_true", help="show every change, make none")
            reading.add_argument(
                "--yes", action="store_true", help="make the changes without asking (scripts)"
            )
    export = commands.add_parser("export", help="write pairs or outcomes to CSV")
    export.add_argument("what", choices=("pairs", "outcomes"))
    export.add_argument("--since", help="first date to include, YYYY-MM-DD")
    export.add_argument("--out", required=True, help="CSV file to write")
    commands.add_parser("status", help="participation, last round and delivery problems")
    forget = commands.add_parser(
        "forget",
        help="erase one person's identifying data",
        usage="corridor forget (PLATFORM USER_ID | --email EMAIL) [--yes]",
    )
    forget.add_argument("platform", nargs="?", choices=("slack", "teams", "console"))
    forget.add_argument("user_id", nargs="?")
    forget.add_argument("--email", help="find them by email (any platform, any case) instead")
    forget.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    admin = commands.add_parser("admin", help="organisers' dashboard").add_subparsers(
        dest="action", required=True
    )
    link = admin.add_parser("link", help="print a one-time dashboard sign-in link for an organiser")
    link.add_argument("platform", choices=("slack", "teams", "console"))
    link.add_argument("user_id")
    package = commands.add_parser("teams-package", help="build the Teams app package to upload")
    package.add_argument("--out", default="corridor-teams.zip")
    return parser


def main(argv: list[str] | None = None) -> int:
    load_dotenv(".env", override=False)
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "forget" and (args.email is None) == (args.user_id is None):
        parser.error("corridor forget takes either PLATFORM USER_ID or --email EMAIL")
    try:
        settings = settings_module.load()
        from corridor_cli.logs import configure

        configure(settings.log_level if args.command == "serve" else "WARNING", settings.env)
        return _run(args, settings) or 0
    except CorridorError as problem:
        print(f"corridor: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as problem:  # one line for anything unforeseen, details only in debug logs
        from corridor_cli.logs import redact

        log.debug("unexpected failure", exc_info=True)
        print(
            f"corridor: {type(problem).__name__}: {redact(str(problem)).splitlines()[0][:300]}",
            file=sys.stderr,
        )
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command == "demo":
        from corridor_cli.demo import run_demo

        return run_demo(settings, args.database, Path(args.out))
    if args.command == "teams-package":
        return _teams_package(settings, args.out)
    from corridor_cli.database_url import check_database_url

    check_database_url(settings.database_url, may_create=args.command in ("serve", "db"))
    if args.command == "serve":
        from corridor_cli.serve import serve

        return asyncio.run(serve(settings))
    if args.command == "db":
        from storage.schema import upgrade

        upgrade(settings.database_url)
        print("Database schema is up to date.")
        return 0
    from corridor_cli.wiring import build_context

    ctx = build_context(settings.database_url, settings.engine, erasure_key_file=settings.erasure_key_file)
    return _COMMANDS[args.command](ctx, args)


def _round(ctx: Context, args: argparse.Namespace) -> int:
    from bot.rounds import run_round
    from bot.weeks import parse_week, week_of

    try:
        week = parse_week(args.week) if args.week else None
    except ValueError as problem:
        raise CorridorError(str(problem)) from None
    this_week = week_of(ctx.today())
    if week is not None and week < this_week and not args.dry_run and not args.yes:
        raise CorridorError(
            f"{week} is in the past (this is {this_week}); nothing was run. A round for it would message "
            f"people about a week gone by: add --yes if that is really what you want."
        )
    report = run_round(ctx, week, dry_run=args.dry_run)
    print(report.summary())
    if args.dry_run:
        for pair in report.pairs:
            print(f"  {pair.clinician.describe()}  +  {pair.manager.describe()}  @ {pair.meetup.summary()}")
    return 0


def _digest(ctx: Context, args: argparse.Namespace) -> int:
    import base64

    from bot.digest import send_digest
    from bot.weeks import month_bounds

    if args.month:
        try:
            month_bounds(args.month)
        except ValueError as problem:
            raise CorridorError(str(problem)) from None
    report = send_digest(ctx, args.month, dry_run=args.dry_run)
    if report.message is not None:
        print("\n".join(report.message.lines()))
        if args.chart and report.message.chart_png_base64:
            Path(args.chart).write_bytes(base64.b64decode(report.message.chart_png_base64))
            print(f"Chart written to {args.chart}")
    print(report.summary())
    return 0


_SAVE_AS = "in Excel, File > Save As > CSV UTF-8 (Comma delimited)"


def _report(ctx: Context, args: argparse.Namespace) -> int:
    from adapters.charts.report_pdf import write_report
    from bot.report import board_report, quarter_months

    try:
        quarter_months(args.quarter)
    except ValueError as problem:
        raise CorridorError(str(problem)) from None
    report = board_report(ctx, args.quarter)
    write_report(report, Path(args.out))
    print(f"Board report for {args.quarter} written to {args.out}")
    return 0


def _read(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as problem:
        raise CorridorError(f"cannot read {path}: {problem.strerror}") from None
    # An .xlsx (or .ods) is a zip file whatever its name says.
    if data.startswith(b"PK\x03\x04") or Path(path).suffix.lower() in (".xlsx", ".xls", ".xlsm", ".ods"):
        raise CorridorError(f"{path} is a spreadsheet workbook, not a text file; {_SAVE_AS}.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise CorridorError(
            f"{path} is not saved as UTF-8 (byte {problem.start + 1} is not UTF-8 text); {_SAVE_AS}, "
            "or save it from your editor as UTF-8."
        ) from None


def _places(ctx: Context, args: argparse.Namespace) -> int:
    from bot.file_imports import confirm_places, preview_places
    from corridor_cli.yaml_lines import load_with_lines

    document, line_of = load_with_lines(_read(args.file), args.file)
    return _apply_file(
        args,
        preview_places(ctx, document, line_of),
        lambda fingerprint: confirm_places(ctx, _it_staff(), document, line_of, fingerprint),
    )


def _participants(ctx: Context, args: argparse.Namespace) -> int:
    from bot.imports import import_staff

    print(import_staff(ctx, _read(args.file)).summary(args.file))
    return 0


def _exclusions(ctx: Context, args: argparse.Namespace) -> int:
    from bot.file_imports import confirm_exclusions, preview_exclusions

    text = _read(args.file)
    return _apply_file(
        args,
        preview_exclusions(ctx, text),
        lambda fingerprint: confirm_exclusions(ctx, _it_staff(), text, fingerprint),
    )


def _apply_file(args: argparse.Namespace, preview: FilePreview, confirm: Callable[[str], Confirmed]) -> int:
    """As the dashboard's imports: every change and every problem shown at once; nothing
    written unless confirmed (--yes, or yes at the prompt), and nothing at all with problems."""
    if preview.problems:
        from bot.imports import ImportRejected

        raise ImportRejected(preview.problems)  # every one, on one line
    for change in preview.changes:
        print(f"{change.action}: {change.detail}")
    if not preview.changes:
        print(f"Nothing to change: {args.file} says what the programme already has.")
        return 0
    if args.dry_run:
        print(f"Dry run: {len(preview.changes)} change(s) shown, none made.")
        return 0
    _confirm(args.yes, f"Make these {len(preview.changes)} change(s)?", "nothing was changed")
    confirmed = confirm(preview.fingerprint)
    if not confirmed.ok:
        raise CorridorError(confirmed.problem)
    print(confirmed.done)
    return 0


def _it_staff() -> Organiser:
    """Who the audit log says made a change from the command line: the shell's user."""
    from bot.model import Organiser

    user = getpass.getuser()
    return Organiser("console", user, f"{user} (command line)")


def _export(ctx: Context, args: argparse.Namespace) -> int:
    from bot.exports import export_rows

    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        raise CorridorError(f"--since must be a date written as YYYY-MM-DD, not '{args.since}'.") from None
    columns, rows = export_rows(ctx, args.what, since)
    try:
        with open(args.out, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows(rows)
    except OSError as problem:
        raise CorridorError(f"cannot write {args.out}: {problem.strerror}") from None
    print(f"Wrote {len(rows)} row(s) of {args.what} to {args.out}.")
    return 0


def _status(ctx: Context, args: argparse.Namespace) -> int:
    from bot.stats import programme_stats

    print("\n".join(programme_stats(ctx).lines()))
    return 0


def _forget(ctx: Context, args: argparse.Namespace) -> int:
    from bot.context import default_programme
    from bot.erasure import forget_user

    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        people = _people_to_forget(uow, programme.saved_id, args)
        uow.commit()
    for person in people:
        print(f"Will erase: {person.platform} {person.user_id} ({person.display_name})")
    _confirm(args.yes, "Erase them for good? Only anonymous counts will remain.")
    for person in people:
        if forget_user(ctx, programme.saved_id, person.platform, person.user_id):
            print(f"Erased {person.platform} user {person.user_id}: only anonymous counts remain.")
    return 0


def _people_to_forget(uow: UnitOfWork, programme_id: int, args: argparse.Namespace) -> list[Participant]:
    """Everyone the command names; one email may be the same person on Slack and on Teams."""
    if args.email is not None:
        wanted = args.email.strip().casefold()
        everyone = uow.participants.list(programme_id)
        found = [p for p in everyone if not p.erased and (p.email or "").strip().casefold() == wanted]
        if not found:
            # The address is not echoed back: it may be a typo of someone else's.
            raise CorridorError(
                "nobody enrolled has that email (or they were already erased); nothing changed"
            )
        return found
    person = uow.participants.find(programme_id, args.platform, args.user_id)
    if person is None or person.erased:
        raise CorridorError(
            f"nobody with {args.platform} id {args.user_id} is enrolled (or they were already erased)"
        )
    return [person]


def _confirm(yes: bool, question: str, refused: str = "nothing was erased") -> None:
    """Asks on a terminal; a script must say --yes, since nobody is there to answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise CorridorError(f"not confirmed ({refused}): run this on a terminal, or add --yes")
    try:
        answer = input(f"{question} Type yes to go ahead: ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise CorridorError(f"not confirmed; {refused}")


def _admin(ctx: Context, args: argparse.Namespace) -> int:
    from bot.dashboard.signin import issue_link
    from bot.model import Organiser

    link = issue_link(ctx, Organiser(args.platform, args.user_id, args.user_id))
    print(link.url)
    print(f"It works once, until {link.expires_at.astimezone(ctx.settings.timezone):%H:%M %Z}.")
    return 0


def _teams_package(settings: Settings, out: str) -> int:
    from adapters.teams.config import TeamsConfig
    from adapters.teams.package import build_package

    config = TeamsConfig.from_env(settings.env, for_package=True)
    if config is None:
        raise CorridorError("set MICROSOFT_APP_ID (the bot's app id) before building the Teams package")
    build_package(config, Path(out))
    print(f"Teams app package written to {out}; upload it in Teams admin centre > Manage apps.")
    return 0


_COMMANDS = {
    "round": _round,
    "digest": _digest,
    "report": _report,
    "places": _places,
    "participants": _participants,
    "exclusions": _exclusions,
    "export": _export,
    "status": _status,
    "forget": _forget,
    "admin": _admin,
}


if __name__ == "__main__":
    sys.exit(main())
