"""``ledger search`` and ``ledger list --by`` on a 100,000-item ledger, side by side with
``sqlite-utils query`` scanning the same file with LIKE; the index's size and what it adds to
``add``.

    python bench/search_bench.py [--db bench/out/l100k.db] [--runs 5]

Every command runs as its own process (start-up included), with LEDGER_NOW fixed and stdout
to a pipe; ledger and sqlite-utils alternate so both see the same machine. The figure is the
ratio of the best **CPU times** (user + system of the process, from wait4: what the other
work on a shared machine disturbs least), ledger ÷ sqlite-utils (target ≤ 0.5 at 100,000
items, issue 12; ≤ 0.7 at 1,000,000, issue 13); the median wall times are printed too.

The baseline is what a person would type without the index: the same words with LIKE over
title, result, reply and reporter (fewer fields than ledger searches), newest first, 50 rows
and the count of all matches.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
NOW = "2026-11-26T09:00:00"
BIN = Path(sys.executable).parent


def like_sql(word: str, column_sets: tuple[str, ...]) -> str:
    match = " OR ".join(f"{column} LIKE '%{word}%'" for column in column_sets)
    # The count is over its own alias (j): not correlated with the rows listed.
    counted = match.replace("i.", "j.")
    return (
        f"SELECT (SELECT count(*) FROM items j WHERE {counted}) AS total, i.number, i.title,"
        f" i.raised_on FROM items i WHERE {match} ORDER BY i.raised_on DESC LIMIT 50"
    )


def timed(command: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``command``."""
    env = {**os.environ, "LEDGER_NOW": NOW, "COLUMNS": "120"}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{' '.join(command)} failed ({status})")
    return usage.ru_utime + usage.ru_stime, wall


def compare(name: str, ours: list[str], theirs: list[str], runs: int) -> tuple[float, float]:
    mine, base = [], []
    for _ in range(runs):
        mine.append(timed(ours))
        base.append(timed(theirs))
    a, b = min(cpu for cpu, _ in mine), min(cpu for cpu, _ in base)
    wall_a = statistics.median(wall for _, wall in mine)
    wall_b = statistics.median(wall for _, wall in base)
    print(f"| {name} | {a:.3f} s | {b:.3f} s | **{a / b:.2f}** | {wall_a:.2f} / {wall_b:.2f} s |")
    return a, b


def index_size(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        names = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'search%'")
        ]
        try:
            return (
                sum(
                    conn.execute("SELECT count(*) FROM dbstat WHERE name = ?", (n,)).fetchone()[0]
                    for n in names
                )
                * page
            )
        except sqlite3.OperationalError:  # no dbstat in this SQLite
            return -1
    finally:
        conn.close()


def add_cost(db: Path, count: int) -> tuple[float, float]:
    """Seconds per ``actions.add`` (in-process, --new) on copies with and without the index."""
    os.environ["LEDGER_NOW"] = NOW
    from ledger.casework import actions
    from ledger.store.ledger_file import open_ledger

    results = []
    with tempfile.TemporaryDirectory() as folder:
        for keep in (True, False):
            copy = Path(folder) / f"copy-{keep}.db"
            shutil.copy(db, copy)
            ledger = open_ledger(copy)
            if not keep:  # without the index: no triggers, so nothing to flush
                for (trigger,) in ledger.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search%'"
                ).fetchall():
                    ledger.conn.execute(f"DROP TRIGGER {trigger}")
            community = ledger.conn.execute(
                "SELECT name FROM areas WHERE level = 'community' LIMIT 1"
            ).fetchone()[0]
            start = time.perf_counter()
            for n in range(count):
                actions.add(
                    ledger, f"测试路灯不亮第{n}件", community=community,
                    raised_on=date(2026, 11, 20), new=True,
                )  # fmt: skip
            results.append((time.perf_counter() - start) / count)
            ledger.close()
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=BENCH / "out" / "l100k.db")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--adds", type=int, default=200)
    args = parser.parse_args()
    db = str(args.db)
    ledger, sqlite_utils = str(BIN / "ledger"), str(BIN / "sqlite-utils")
    timed([ledger, "search", "路灯", "--db", db])  # index what the generator wrote raw
    fields = ("i.title", "i.result", "i.reply_text", "i.reporter")
    items = sqlite3.connect(db).execute("SELECT count(*) FROM items").fetchone()[0]
    print(f"{items:,} items; 1-minute load average {os.getloadavg()[0]:.1f} before the runs")
    print("| command | ledger CPU | sqlite-utils (LIKE) CPU | ratio | wall (median) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for word in ("路灯", "下水道"):
        compare(
            f"`search {word}`",
            [ledger, "search", word, "--db", db],
            [sqlite_utils, "query", db, like_sql(word, fields)],
            args.runs,
        )
    compare(
        "`list --by 居民12345 --all`",
        [ledger, "list", "--by", "居民12345", "--all", "--db", db],
        [sqlite_utils, "query", db, like_sql("居民12345", ("i.reporter",))],
        args.runs,
    )
    print(f"1-minute load average {os.getloadavg()[0]:.1f} after the runs")
    size = index_size(args.db)
    print(f"\nindex size: {size / 1e6:.1f} MB" if size >= 0 else "\nindex size: (no dbstat)")
    if not args.adds:
        return
    with_index, without = add_cost(args.db, args.adds)
    print(
        f"add (in-process, {args.adds} items): {with_index * 1000:.2f} ms with the index, "
        f"{without * 1000:.2f} ms without (+{(with_index - without) * 1000:.2f} ms)"
    )


if __name__ == "__main__":
    main()
