"""Every small and large command at 100,000 and 1,000,000 items, side by side with a baseline.

    python bench/commands_bench.py --db bench/out/l100k.db --db bench/out/l1m.db [--runs 3]
        [--markdown bench/out/commands.md]

Each command runs as its own process, as a clerk types it (stdout to a pipe, which is what a
script sees; LEDGER_NOW=2026-11-26T09:00:00), alternating with its baseline so that both see
the same machine. The figure is **CPU time** (user + system of the process, from wait4),
which the other work on a shared machine disturbs least; wall time and peak RSS are shown
too. Best of ``--runs`` for the quick commands, one run each for the long ones.

Baselines: ``sqlite-utils query`` of the equivalent SQL (today, list, show, list --all
--json), a one-row ``sqlite-utils insert`` (add), ``sqlite3 .backup`` (backup),
``PRAGMA integrity_check`` in the ``sqlite3`` shell (check), ``sqlite-utils --version``
(start-up). ``add`` adds one item per run to the bench ledger and the baseline inserts into
a scratch table ``bench_insert``, dropped at the end.

Then where the milliseconds of ``ledger add`` and ``ledger today`` go: import time per
package (``python -X importtime``) and the functions of a profile (cProfile), in one process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from today_bench import boundaries, list_sql, today_sql  # noqa: E402

NOW = "2026-11-26T09:00:00"
BIN = Path(sys.executable).parent
LEDGER = [str(BIN / "ledger")]
SQLITE_UTILS = [str(BIN / "sqlite-utils")]

URGENT_50 = """
SELECT i.number, i.status, c.name AS community, i.title, i.category, u.name AS unit, i.due_on,
       (SELECT count(*) FROM items WHERE status != 'closed') AS total
FROM items i JOIN areas c ON c.id = i.community_id LEFT JOIN units u ON u.id = i.unit_id
WHERE i.id IN (SELECT id FROM items i WHERE i.status != 'closed'
  ORDER BY CASE i.status WHEN 'raised' THEN 0 WHEN 'assigned' THEN 0
    WHEN 'resolved' THEN 1 WHEN 'declined' THEN 1 WHEN 'replied' THEN 2 ELSE 3 END,
    CASE WHEN i.status IN ('raised', 'assigned') THEN i.due_on END, i.raised_on, i.number
  LIMIT 50)
"""

ALL_ITEMS = """
SELECT i.*, c.name AS community, s.name AS subdistrict, k.name AS county, p.path AS place,
       u.name AS unit, m.number AS meeting
FROM items i JOIN areas c ON c.id = i.community_id
LEFT JOIN areas s ON s.id = c.parent_id LEFT JOIN areas k ON k.id = s.parent_id
LEFT JOIN areas p ON p.id = i.place_id LEFT JOIN units u ON u.id = i.unit_id
LEFT JOIN meetings m ON m.id = i.meeting_id
ORDER BY i.status, i.due_on, i.raised_on, i.number
"""


def show_sql(number: int) -> str:
    return (
        "SELECT i.number, i.title, i.status, c.name AS community, u.name AS unit, i.due_on, "
        "i.reporter, i.phone, e.at, e.action, e.actor, e.note, e.changes "
        "FROM items i JOIN areas c ON c.id = i.community_id "
        "LEFT JOIN units u ON u.id = i.unit_id LEFT JOIN events e ON e.item_id = i.id "
        f"WHERE i.number = {number} ORDER BY e.at, e.id"
    )


def measure(
    command: list[str], env: dict[str, str], stdin: bytes | None = None
) -> dict[str, float]:
    """CPU seconds (user + system), wall seconds and peak RSS (MB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    error = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed: {error[-500:]}")
    return {
        "cpu": usage.ru_utime + usage.ru_stime,
        "wall": wall,
        "rss": usage.ru_maxrss / 1024,
    }


def pair(
    ours: list[str],
    theirs: list[str],
    runs: int,
    env: dict[str, str],
    *,
    ours_in: bytes | None = None,
    theirs_in: bytes | None = None,
    after: Any = None,
) -> dict[str, dict[str, float]]:
    """Best of ``runs`` of each, taken in turns."""
    best: dict[str, dict[str, float]] = {}
    for _ in range(runs):
        for side, command, stdin in (("ledger", ours, ours_in), ("baseline", theirs, theirs_in)):
            got = measure(command, env, stdin)
            if after:
                after()
            kept = best.get(side)
            if kept is None or got["cpu"] < kept["cpu"]:
                best[side] = got
    return best


def an_open_number(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(
            "SELECT number FROM items WHERE status = 'assigned' ORDER BY number LIMIT 1 OFFSET 500"
        ).fetchone()
        return int(row[0])
    finally:
        conn.close()


def a_community(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT name FROM areas WHERE level = 'community' LIMIT 1").fetchone()[
            0
        ]
    finally:
        conn.close()


def count_items(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
    finally:
        conn.close()


def bench_one(
    db: Path, runs: int, env: dict[str, str], only: set[str] | None = None
) -> list[dict[str, Any]]:
    b = boundaries()
    path = str(db)
    scratch = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    copy = scratch / "copy.db"

    def remove_copy() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)

    number = an_open_number(db)
    community = a_community(db)
    row = json.dumps({"title": "楼道灯不亮", "community_id": 1, "raised_on": "2026-11-26"})
    jobs: list[tuple[str, list[str], list[str], dict[str, Any], int]] = [
        ("start-up (--version)", [*LEDGER, "--version"], [*SQLITE_UTILS, "--version"], {}, runs),
        (
            "today",
            [*LEDGER, "today", "--db", path],
            [*SQLITE_UTILS, "query", path, today_sql(b)],
            {},
            runs,
        ),
        (
            "list --overdue --limit 50",
            [*LEDGER, "list", "--overdue", "--limit", "50", "--db", path],
            [*SQLITE_UTILS, "query", path, list_sql(b)],
            {},
            runs,
        ),
        (
            "list (the 50 most urgent)",
            [*LEDGER, "list", "--db", path],
            [*SQLITE_UTILS, "query", path, URGENT_50],
            {},
            runs,
        ),
        (
            f"show {number}",
            [*LEDGER, "show", str(number), "--db", path],
            [*SQLITE_UTILS, "query", path, show_sql(number)],
            {},
            runs,
        ),
        (
            "add (one item, fsync)",
            [*LEDGER, "add", "楼道灯不亮", "--community", community, "--db", path],
            [*SQLITE_UTILS, "insert", path, "bench_insert", "-"],
            {"theirs_in": row.encode()},
            runs,
        ),
        (
            "backup",
            [*LEDGER, "backup", str(copy), "--db", path],
            ["sqlite3", path, f".backup {copy}"],
            {"after": remove_copy},
            1,
        ),
        (
            "check",
            [*LEDGER, "check", "--db", path],
            ["sqlite3", path, "PRAGMA integrity_check"],
            {},
            1,
        ),
        (
            "list --all --json",
            [*LEDGER, "list", "--all", "--json", "--db", path],
            [*SQLITE_UTILS, "query", path, ALL_ITEMS],
            {},
            1,
        ),
    ]
    results = []
    for name, ours, theirs, extra, times in jobs:
        if only and not any(name.startswith(prefix) for prefix in only):
            continue
        best = pair(ours, theirs, times, env, **extra)
        results.append({"name": name, **best})
        print(
            f"  {name}: ledger {best['ledger']['cpu']:.3f} s CPU, baseline "
            f"{best['baseline']['cpu']:.3f} s, ratio {best['ledger']['cpu'] / best['baseline']['cpu']:.2f}",
            flush=True,
        )
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE IF EXISTS bench_insert")
    conn.commit()
    conn.close()
    return results


def importtime(args: list[str], env: dict[str, str]) -> tuple[float, list[tuple[str, float]]]:
    """Total import seconds and the top packages by time in their own modules."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ledger", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    per: dict[str, float] = {}
    total = 0.0
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not found:
            continue
        own = int(found.group(1)) / 1e6
        total += own
        top = found.group(4).split(".")[0]
        per[top] = per.get(top, 0.0) + own
    return total, sorted(per.items(), key=lambda kv: -kv[1])[:10]


PROFILE = r"""
import cProfile, pstats, sys, io
sys.argv = ["ledger", *sys.argv[1:]]
profile = cProfile.Profile()
profile.enable()
try:
    from ledger.cli.app import main
    main()
except SystemExit:
    pass
profile.disable()
out = io.StringIO()
pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
sys.stderr.write(out.getvalue())
"""


def profile(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROFILE, *args], env=env, capture_output=True, text=True
    )
    lines = done.stderr.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[start : start + 13])


def install_facts() -> dict[str, Any]:
    import importlib.util

    import ledger

    source = Path(ledger.__file__).resolve()
    editable = "site-packages" not in str(source)
    modules = [source.parent / "cli" / "output.py", source.parent / "casework" / "actions.py"]
    compiled = all(Path(importlib.util.cache_from_source(str(m))).exists() for m in modules)
    return {
        "editable": editable,
        "bytecode": compiled,
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, action="append", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json-out", type=Path)
    parser.add_argument(
        "--only", action="append", help="jobs whose name starts with this (repeatable)"
    )
    parser.add_argument("--no-profile", action="store_true", help="skip -X importtime and cProfile")
    args = parser.parse_args()
    env = {**os.environ, "LEDGER_NOW": NOW, "LEDGER_PAGER": ""}
    facts = install_facts()
    print(json.dumps(facts), flush=True)
    report: dict[str, Any] = {"facts": facts, "ledgers": {}}
    for db in args.db:
        items = count_items(db)
        print(f"{db} ({items:,} items), load {os.getloadavg()[0]:.1f}", flush=True)
        report["ledgers"][str(db)] = {
            "items": items,
            "load_before": os.getloadavg()[0],
            "results": bench_one(db, args.runs, env, set(args.only or ())),
            "load_after": os.getloadavg()[0],
        }
    if args.no_profile:
        if args.json_out:
            args.json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        return
    first = str(args.db[0])
    community = a_community(args.db[0])
    report["where"] = {}
    for name, command in (
        ("add", ["add", "楼道灯不亮", "--community", community, "--db", first]),
        ("today", ["today", "--db", first]),
    ):
        total, top = importtime(command, env)
        report["where"][name] = {"imports": total, "top": top, "profile": profile(command, env)}
        print(f"{name}: imports {total:.3f} s: {top}", flush=True)
        print(report["where"][name]["profile"], flush=True)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
