"""How long `corridor places import` and `corridor participants import` take on big files,
and how much memory they need: the code before this change and after, side by side.

    python -m bench.imports [--participants 100000] [--sites 10000] [--postgres URL]
                            [--before REV] [--timeout 180]

Each measurement is the real command (`corridor places import sites.yaml`, then
`corridor participants import staff.csv`) in a fresh child process, on a fresh database made
by `corridor db upgrade`: wall time from start to exit, the child's CPU time (user + system)
and its peak resident memory (`os.wait4`'s ru_utime, ru_stime and ru_maxrss), so Python's
start-up, the imports and the file itself all count. PostgreSQL's own work happens in its
server process: wall time includes it, the CPU column does not.

"Before" is the code at REV (default 4ccf603, the commit this change started from), taken
out with `git archive` into a temporary folder and run with the same virtualenv; "after" is
this checkout. A run that passes --timeout is stopped and shown as "> N s".

Files: N sites, "Site 00001" ..., each with two places (a kitchen with directions, a canteen);
staff rows spread over the first 20 sites, three clinicians per manager, half with an email
and a department. SQLite runs in a temporary file; PostgreSQL when --postgres or
CORRIDOR_TEST_DATABASE_URL gives a URL (its public schema is DROPPED first: a scratch
database only). Target: each import under 10 s and under 500 MB.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
BEFORE = "4ccf603"
STAFF_SITES = 20


@dataclass
class Measured:
    seconds: float | None  # None: stopped at the timeout
    cpu_seconds: float  # user + system: what the machine's other load does not inflate much
    peak_mb: float
    said: str


def sites_yaml(count: int) -> str:
    lines = ["sites:"]
    for n in range(1, count + 1):
        lines += [
            f"  - name: Site {n:05d}",
            "    places:",
            f"      - name: Level {n % 9} staff kitchen",
            "        kind: kitchen",
            f"        directions: Past the lifts on level {n % 9}, second door on the left",
            f"      - name: Canteen {n:05d}",
            "        kind: canteen",
        ]
    return "\n".join(lines) + "\n"


def staff_csv(count: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["platform", "user_id", "name", "email", "role", "site", "department", "capacity"])
    for n in range(1, count + 1):
        manager = n % 4 == 0
        writer.writerow(
            [
                "slack",
                f"U{n:09d}",
                f"Staff Member {n}",
                f"staff.{n}@nhs.example" if n % 2 else "",
                "manager" if manager else "clinician",
                f"Site {n % STAFF_SITES + 1:05d}",
                f"Department {n % 37}" if n % 2 else "",
                "2" if manager else "",
            ]
        )
    return out.getvalue()


def corridor(code: Path, env: dict[str, str], args: list[str], timeout: float) -> Measured:
    """One `corridor` command from the code in `code`, timed, with the child's peak memory."""
    program = "import sys; from corridor_cli.main import main; sys.exit(main(sys.argv[1:]))"
    with tempfile.TemporaryFile("w+") as said:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", program, *args],
            cwd=code,
            env={**env, "PYTHONPATH": str(code)},
            stdout=said,
            stderr=subprocess.STDOUT,
        )
        # os.wait4 rather than Popen.wait: it hands back this child's own resource usage.
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                child.kill()
                _, status, usage = os.wait4(child.pid, 0)
                child.returncode = -9
                return Measured(None, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, "stopped")
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        said.seek(0)
        output = said.read().strip()
    if child.returncode != 0:
        raise SystemExit(f"corridor {' '.join(args)} failed ({child.returncode}):\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(elapsed, cpu, usage.ru_maxrss / 1024, output.splitlines()[-1] if output else "")


def run_one(code: Path, url: str, files: Path, timeout: float) -> tuple[Measured, Measured]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CORRIDOR_")},
        "CORRIDOR_DATABASE_URL": url,
        "CORRIDOR_ERASURE_KEY_FILE": str(files / "erasure.key"),
        "CORRIDOR_ENV": "development",
    }
    if url.startswith("postgresql"):
        reset_postgres(url)
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    corridor(code, env, ["db", "upgrade"], timeout)
    # Since places files can retire and update, the command previews and asks; a script says --yes.
    asks = ["--yes"] if (code / "bot" / "file_imports.py").exists() else []
    places = corridor(code, env, ["places", "import", *asks, str(files / "sites.yaml")], timeout)
    if places.seconds is None:  # the staff list needs the sites: give it just those it names
        corridor(code, env, ["places", "import", *asks, str(files / "staff_sites.yaml")], timeout)
    staff = corridor(code, env, ["participants", "import", str(files / "staff.csv")], timeout)
    return places, staff


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def shown(m: Measured, timeout: float) -> tuple[str, str, str]:
    took = f"> {timeout:.0f} s" if m.seconds is None else f"{m.seconds:.1f} s"
    return took, f"{m.cpu_seconds:.1f} s", f"{m.peak_mb:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--postgres", default=os.environ.get("CORRIDOR_TEST_DATABASE_URL"))
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--only", choices=["before", "after"], default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="corridor-bench-imports-") as tmp:
        work = Path(tmp)
        (work / "sites.yaml").write_text(sites_yaml(args.sites), encoding="utf-8")
        (work / "staff_sites.yaml").write_text(sites_yaml(STAFF_SITES), encoding="utf-8")
        (work / "staff.csv").write_text(staff_csv(args.participants), encoding="utf-8")
        before = work / "before"
        before.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(HERE), "archive", args.before], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive.stdout, check=True)
        databases = [("SQLite", f"sqlite:///{work / 'bench.db'}")]
        if args.postgres:
            databases.append(("PostgreSQL", args.postgres))
        versions = [("before", before), ("after", HERE)]
        if args.only:
            versions = [v for v in versions if v[0] == args.only]
        machine = platform.processor() or platform.machine()
        print(f"{machine}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        print(f"{args.sites:,} sites (two places each), {args.participants:,} staff rows")
        print(f"before = {args.before}\n")
        print("| database | import | code | time | CPU | peak memory | said |")
        print("|---|---|---|---|---|---|---|")
        for name, url in databases:
            for label, code in versions:
                places, staff = run_one(code, url, work, args.timeout)
                for what, m in (
                    (f"places ({args.sites:,} sites)", places),
                    (f"participants ({args.participants:,})", staff),
                ):
                    took, cpu, peak = shown(m, args.timeout)
                    said = m.said.split(" from ")[0]
                    print(f"| {name} | {what} | {label} | {took} | {cpu} | {peak} | {said} |", flush=True)


if __name__ == "__main__":
    main()
