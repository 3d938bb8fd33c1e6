"""``ledger today`` and ``ledger list --overdue --limit 50`` on a 100,000-item ledger, side by side
with ``sqlite-utils query`` running an equivalent SQL query on the same file.

    python bench/today_bench.py [--db bench/out/l100k.db] [--runs 7] [--markdown FILE]

The ledger is made by bench/generate.py (100,000 items) when the file is missing. Every command
runs as its own process, as a clerk types it, with LEDGER_NOW=2026-11-26T09:00:00 and stdout
to a pipe; the runs of ledger and sqlite-utils alternate so that both see the same machine.
The figure is the ratio of median wall times, ledger ÷ sqlite-utils (target ≤ 1.0).

The equivalent SQL is what a person would type for the same screen, with the working-day
boundaries handed to it ready-made (sqlite-utils knows no Chinese calendar):
  today: per unit, 严重超期 / 超期 / 今明到期 counts; the first 10 items of each level and of
         待分办, 待答复, 待回访 with their names joined; the counts of those groups; and per
         compound the unanswered items (10 compounds × 10 items);
  list:  the 50 most urgent overdue items with community and unit names, plus the total.

A second part shows where ledger's time goes: interpreter start, imports, Typer's parsing
(Typer ≥ 0.29 validates options with pydantic, imported at that point), the queries, the
rendering; and the import time spent in each package's own modules (python -X importtime).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
NOW = "2026-11-26T09:00:00"
TODAY = date(2026, 11, 26)
BIN = Path(sys.executable).parent


def boundaries() -> dict[str, str]:
    """The calendar dates the working-day rules come to on TODAY (from ledger's calendar)."""
    from ledger.domain.deadlines import WARNING_WITHIN_WORKDAYS
    from ledger.domain.workdays import WorkCalendar
    from ledger.store.settings import SETTINGS
    from ledger.views.filters import due_within_boundary, overdue_by_boundary

    calendar = WorkCalendar()
    severe = int(SETTINGS["severe_days"].default)
    return {
        "today": TODAY.isoformat(),
        "severe": overdue_by_boundary(calendar, TODAY, severe).isoformat(),
        "warning": due_within_boundary(calendar, TODAY, WARNING_WITHIN_WORKDAYS).isoformat(),
    }


def today_sql(b: dict[str, str]) -> str:
    """One statement giving what ``ledger today`` shows (boundaries as literals)."""
    item = (
        "i.number, i.title, c.name AS community, u.name AS unit, i.raised_on, i.due_on, "
        "i.resolved_on, i.replied_on, i.reporter, i.phone, i.percent"
    )
    joins = (
        "FROM items i JOIN areas c ON c.id = i.community_id LEFT JOIN units u ON u.id = i.unit_id"
    )
    open_ = "i.status IN ('raised', 'assigned')"

    def top(group: str, where: str, order: str) -> str:
        return (
            f"SELECT * FROM (SELECT '{group}' AS grp, NULL AS n1, NULL AS n2, NULL AS n3, {item} "
            f"{joins} WHERE {where} ORDER BY {order} LIMIT 10)"
        )

    nulls = ", ".join(["NULL"] * 11)
    parts = [
        # per unit: 严重超期, 超期, 今明到期
        f"SELECT 'unit' AS grp, sum(i.due_on < '{b['severe']}'), "
        f"sum(i.due_on >= '{b['severe']}' AND i.due_on < '{b['today']}'), "
        f"sum(i.due_on >= '{b['today']}'), NULL, NULL, NULL, u.name, {', '.join(['NULL'] * 7)} "
        f"FROM items i LEFT JOIN units u ON u.id = i.unit_id "
        f"WHERE {open_} AND i.due_on < '{b['warning']}' GROUP BY i.unit_id",
        top("severe", f"{open_} AND i.due_on < '{b['severe']}'", "i.due_on, i.id"),
        top(
            "overdue",
            f"{open_} AND i.due_on >= '{b['severe']}' AND i.due_on < '{b['today']}'",
            "i.due_on, i.id",
        ),
        top(
            "warning",
            f"{open_} AND i.due_on >= '{b['today']}' AND i.due_on < '{b['warning']}'",
            "i.due_on, i.id",
        ),
        top("raised", "i.status = 'raised'", "i.raised_on, i.id"),
        top("reply", "i.status IN ('resolved', 'declined')", "i.resolved_on, i.id"),
        top("rating", "i.status = 'replied'", "i.replied_on, i.id"),
        "SELECT 'counts', (SELECT count(*) FROM items WHERE status = 'raised'), "
        "(SELECT count(*) FROM items WHERE status IN ('resolved', 'declined')), "
        f"(SELECT count(*) FROM items WHERE status = 'replied'), {nulls}",
        # per compound (a building's items count for its compound): 10 compounds × 10 items
        "SELECT * FROM (WITH open_items AS ("
        "  SELECT i.id, i.number, i.title, i.raised_on,"
        "         CASE p.level WHEN 'building' THEN p.parent_id ELSE p.id END AS compound"
        "  FROM items i JOIN areas p ON p.id = i.place_id"
        "  WHERE i.status IN ('raised', 'assigned', 'resolved', 'declined')),"
        " ranked AS (SELECT compound, count(*) AS n FROM open_items GROUP BY compound"
        "  ORDER BY n DESC, compound LIMIT 10),"
        " listed AS (SELECT o.*, r.n, row_number() OVER"
        "  (PARTITION BY o.compound ORDER BY o.raised_on, o.id) AS k"
        "  FROM open_items o JOIN ranked r ON r.compound = o.compound)"
        " SELECT 'compound', n, NULL, NULL, number, title, a.name, NULL, raised_on,"
        " NULL, NULL, NULL, NULL, NULL, NULL"
        " FROM listed JOIN areas a ON a.id = listed.compound WHERE k <= 10)",
    ]
    return " UNION ALL ".join(parts)


def list_sql(b: dict[str, str]) -> str:
    """One statement giving what ``ledger list --overdue --limit 50`` shows."""
    where = f"i.status IN ('raised', 'assigned') AND i.due_on < '{b['today']}'"
    return (
        "SELECT i.number, i.status, c.name AS community, i.title, i.category, u.name AS unit, "
        f"i.due_on, (SELECT count(*) FROM items i WHERE {where}) AS total "
        "FROM items i JOIN areas c ON c.id = i.community_id LEFT JOIN units u ON u.id = i.unit_id "
        f"WHERE {where} ORDER BY i.due_on, i.raised_on, i.number LIMIT 50"
    )


def wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def compare(
    name: str, ours: list[str], theirs: list[str], runs: int, env: dict[str, str]
) -> dict[str, object]:
    wall(ours, env), wall(theirs, env)  # warm the page cache and .pyc files
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(wall(ours, env))
        b.append(wall(theirs, env))
    return {
        "name": name,
        "ledger": statistics.median(a),
        "ledger_min": min(a),
        "sqlite_utils": statistics.median(b),
        "sqlite_utils_min": min(b),
        "ratio": statistics.median(a) / statistics.median(b),
    }


PHASES = r"""
import sys, time
t0 = time.perf_counter()
import ledger.cli.app as appmod
t1 = time.perf_counter()
from ledger.views import today_board
from ledger.views import filters
marks = {}
def timed(module, name):
    original = getattr(module, name)
    def wrapper(*args, **kwargs):
        marks["start"] = time.perf_counter()
        result = original(*args, **kwargs)
        marks["end"] = time.perf_counter()
        return result
    setattr(module, name, wrapper)
timed(today_board, "build")
timed(filters, "find_items")
sys.argv = ["ledger", *sys.argv[1:]]
try:
    appmod.app(standalone_mode=False)
except SystemExit:
    pass
t2 = time.perf_counter()
print(f"{t1 - t0} {marks['start'] - t1} {marks['end'] - marks['start']} {t2 - marks['end']}",
      file=sys.stderr)
"""


def phases(args: list[str], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median seconds: python start, imports, Typer parse, query, render (in one process)."""
    rows: list[list[float]] = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PHASES, *args], env=env, capture_output=True, text=True
        )
        total = time.perf_counter() - start
        imports, parse, query, render = (float(x) for x in done.stderr.split()[-4:])
        rows.append([total - imports - parse - query - render, imports, parse, query, render])
    keys = ("start + exit", "imports", "Typer parse", "query", "render")
    return {key: statistics.median(row[i] for row in rows) for i, key in enumerate(keys)}


def top_imports(args: list[str], env: dict[str, str], count: int = 10) -> list[tuple[str, float]]:
    """Packages by the import time spent in their own modules during a real run."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ledger", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| \s*(\S+)", line)
        if match:
            root = match.group(2).split(".")[0]
            totals[root] = totals.get(root, 0.0) + int(match.group(1)) / 1e6
    return sorted(totals.items(), key=lambda kv: -kv[1])[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=BENCH / "out" / "l100k.db")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--markdown", type=Path, help="also write the results to this file")
    options = parser.parse_args()
    if not options.db.exists():
        print(f"generating {options.db} (100,000 items) …", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(BENCH / "generate.py"), "100000", str(options.db)], check=True
        )
    env = {**os.environ, "LEDGER_NOW": NOW, "COLUMNS": "120", "LEDGER_ACTOR": "bench"}
    db = str(options.db)
    # Open once through ledger first, so pending migrations are not timed.
    subprocess.run([str(BIN / "ledger"), "list", "--limit", "1", "--db", db], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    b = boundaries()
    sqlite_utils = str(BIN / "sqlite-utils")
    results = [
        compare(
            "`ledger today`",
            [str(BIN / "ledger"), "today", "--db", db],
            [sqlite_utils, "query", db, today_sql(b)],
            options.runs,
            env,
        ),
        compare(
            "`ledger list --overdue --limit 50`",
            [str(BIN / "ledger"), "list", "--overdue", "--limit", "50", "--db", db],
            [sqlite_utils, "query", db, list_sql(b)],
            options.runs,
            env,
        ),
        compare(
            "start-up only: `ledger --version` vs `sqlite-utils --version`",
            [str(BIN / "ledger"), "--version"],
            [sqlite_utils, "--version"],
            options.runs,
            env,
        ),
    ]
    today_phases = phases(["today", "--db", db], options.runs, env)
    list_phases = phases(["list", "--overdue", "--limit", "50", "--db", db], options.runs, env)
    imports = top_imports(["today", "--db", db], env)

    lines = [
        f"100,000 items ({options.db.name}), LEDGER_NOW={NOW}, {options.runs} alternating runs, "
        f"median wall time (min in brackets); Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs.",
        "",
        "| command | ledger | sqlite-utils query | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['ledger']:.3f} s ({r['ledger_min']:.3f}) | "
            f"{r['sqlite_utils']:.3f} s ({r['sqlite_utils_min']:.3f}) | {r['ratio']:.2f} |"
        )
    lines += ["", "Where ledger's time goes (median seconds, in one process):", ""]
    lines += ["| phase | `today` | `list --overdue --limit 50` |", "| --- | ---: | ---: |"]
    for key in today_phases:
        lines.append(f"| {key} | {today_phases[key]:.3f} | {list_phases[key]:.3f} |")
    lines += ["", "Import time by package during `ledger today` (own modules, -X importtime):", ""]
    lines += ["| package | seconds |", "| --- | ---: |"]
    lines += [f"| {name} | {seconds:.3f} |" for name, seconds in imports]
    text = "\n".join(lines) + "\n"
    print(text)
    if options.markdown:
        options.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
