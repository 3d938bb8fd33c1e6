"""The monthly report on a synthetic ledger, side by side with plain openpyxl write-only mode.

    python bench/report_bench.py [--items 100000] [--small 10000] [--repeat 1]

Ledgers come from bench/generate.py (made under bench/out/ when missing). Two jobs, each run
as ``ledger report monthly`` in a fresh process (start-up and imports included):

  month  every subdistrict of 2026-06 (30 workbooks, the month's items and those carried in);
  year   one large subdistrict, 2025-12 … 2026-11 in one workbook (--month 2025-12 --to 2026-11).

The baseline then writes exactly the same rows and columns with openpyxl's write-only mode
and no styles, also in a fresh process: the rows are read back from ledger's own workbooks and
handed over in a pickle (untimed), so the baseline pays for no query at all — the least any
report built on openpyxl can cost. Its workbooks are read back once and checked against
ledger's: the same workbooks, sheets, rows and values (untimed). What ledger writes beyond them
is its own cost: styles, borders on empty cells (the baseline writes only the filled ones),
merged titles, row heights, column widths, page setup, the chart. The ratio ledger ÷ baseline
is the figure (target ≤ 1.3), in CPU time (user + system), the measure a busy machine
disturbs least.

Memory: peak RSS of each process (os.wait4), and the peak of Python allocations (tracemalloc,
in a separate run, since tracing slows everything down) for the small and the large ledger.
Streaming writes keep it flat as N grows; a figure that grew with N would show here.
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
NOW = "2026-11-26T09:00:00"
PYTHON = sys.executable
LEDGER = [PYTHON, "-m", "ledger"]
MONTH = "2026-06"
YEAR = ("2025-12", "2026-11")


def ledger_file(items: int) -> Path:
    """bench/out/report-<N>.db, generated when missing."""
    path = OUT / f"report-{items}.db"
    if not path.exists():
        print(f"generating {path} …", flush=True)
        subprocess.run([PYTHON, str(BENCH / "generate.py"), str(items), str(path)], check=True)
    return path


def largest_subdistrict(path: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(path)
    name = conn.execute(
        "SELECT s.name FROM items i JOIN areas c ON c.id = i.community_id "
        "JOIN areas s ON s.id = c.parent_id GROUP BY s.id ORDER BY count(*) DESC, s.path LIMIT 1"
    ).fetchone()[0]
    conn.close()
    return name


def timed(command: list[str]) -> tuple[float, float, float]:
    """Run a process; (wall seconds, CPU seconds (user + system), peak RSS in MB)."""
    env = {**os.environ, "LEDGER_NOW": NOW, "LEDGER_ACTOR": "bench"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def job_args(job: str, db: Path, folder: Path, subdistrict: str) -> list[str]:
    args = ["report", "monthly", "--db", str(db), "--out", str(folder)]
    if job == "month":
        return [*args, "--month", MONTH]
    return [*args, "--month", YEAR[0], "--to", YEAR[1], "--subdistrict", subdistrict]


def read_books(folder: Path) -> list[tuple[str, list[tuple[str, list[list[object]]]]]]:
    """Every workbook of a folder: (file name, [(sheet title, rows of values)])."""
    import openpyxl

    books = []
    for path in sorted(folder.glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True)
        sheets = [
            (ws.title, [list(row) for row in ws.iter_rows(values_only=True)])
            for ws in book.worksheets
        ]
        book.close()
        books.append((path.name, sheets))
    return books


def dump_rows(folder: Path, target: Path) -> tuple[int, int, int]:
    """Every workbook's sheets as plain rows, pickled for the baseline; (rows, cells, filled)."""
    books = read_books(folder)
    grids = [data for _, sheets in books for _, data in sheets]
    rows = sum(len(data) for data in grids)
    cells = sum(len(row) for data in grids for row in data)
    filled = sum(value is not None for data in grids for row in data for value in row)
    target.write_bytes(pickle.dumps(books))
    target.with_suffix(".count").write_bytes(pickle.dumps((rows, cells, filled)))
    return rows, cells, filled


def same_as_ledger(pickled: Path, folder: Path) -> None:
    """The baseline wrote what ledger wrote: the same books, sheets, rows and values."""

    def trimmed(books: list[tuple[str, list[tuple[str, list[list[object]]]]]]) -> object:
        def row(values: list[object]) -> list[object]:
            while values and values[-1] is None:
                values = values[:-1]
            return values

        def rows(data: list[list[object]]) -> list[list[object]]:
            kept = [row(values) for values in data]
            while kept and not kept[-1]:
                kept.pop()
            return kept

        return [(name, [(t, rows(d)) for t, d in sheets]) for name, sheets in books]

    if trimmed(read_books(folder)) != trimmed(pickle.loads(pickled.read_bytes())):
        raise SystemExit(f"the baseline's workbooks in {folder} differ from ledger's")


def baseline(pickled: Path, folder: Path) -> None:
    """The baseline process: the same rows, write-only, no styles, no merges, nothing else."""
    from openpyxl import Workbook

    books = pickle.loads(pickled.read_bytes())
    folder.mkdir(parents=True, exist_ok=True)
    for name, sheets in books:
        workbook = Workbook(write_only=True)
        for title, data in sheets:
            ws = workbook.create_sheet(title)
            for row in data:
                ws.append(row)
        workbook.save(folder / name)


def traced(args: list[str], report: Path) -> None:
    """The tracemalloc child: run the CLI in-process, write the peak of Python allocations."""
    import tracemalloc

    tracemalloc.start()
    from ledger.cli.app import app

    try:
        app(args, standalone_mode=False)
    finally:
        report.write_text(str(tracemalloc.get_traced_memory()[1]))


def run_job(job: str, db: Path, work: Path, subdistrict: str, repeat: int) -> dict[str, float]:
    ours = work / f"{job}-ledger"
    theirs = work / f"{job}-baseline"
    pickled = work / f"{job}.pickle"
    best_ledger = best_base = cpu_ledger = cpu_base = float("inf")
    rss_ledger = rss_base = 0.0

    def run_ledger() -> None:
        nonlocal best_ledger, cpu_ledger, rss_ledger
        shutil.rmtree(ours, ignore_errors=True)
        seconds, cpu, rss = timed([*LEDGER, *job_args(job, db, ours, subdistrict)])
        best_ledger, cpu_ledger = min(best_ledger, seconds), min(cpu_ledger, cpu)
        rss_ledger = max(rss_ledger, rss)

    run_ledger()
    # In a child process, so this process stays small: a child's peak RSS counts its parent's
    # pages at fork time.
    subprocess.run([PYTHON, __file__, "--dump", str(ours), str(pickled)], check=True)
    rows, cells, filled = pickle.loads(pickled.with_suffix(".count").read_bytes())
    # Taken in turns, so that a busy moment on the machine weighs on both sides alike.
    for turn in range(repeat):
        if turn:
            run_ledger()
        shutil.rmtree(theirs, ignore_errors=True)
        seconds, cpu, rss = timed([PYTHON, __file__, "--baseline", str(pickled), str(theirs)])
        best_base, cpu_base = min(best_base, seconds), min(cpu_base, cpu)
        rss_base = max(rss_base, rss)
        if not turn:
            subprocess.run([PYTHON, __file__, "--same", str(pickled), str(theirs)], check=True)
    return {
        "books": len(list(ours.glob("*.xlsx"))),
        "rows": rows,
        "cells": cells,
        "filled": filled,
        "ledger": best_ledger,
        "baseline": best_base,
        "ratio": best_ledger / best_base,
        "cpu_ledger": cpu_ledger,
        "cpu_baseline": cpu_base,
        "cpu_ratio": cpu_ledger / cpu_base,
        "rss_ledger": rss_ledger,
        "rss_baseline": rss_base,
    }


def traced_peak(job: str, db: Path, work: Path, subdistrict: str) -> float:
    folder = work / f"{job}-traced"
    shutil.rmtree(folder, ignore_errors=True)
    report = work / f"{job}-traced.txt"
    args = job_args(job, db, folder, subdistrict)
    timed([PYTHON, __file__, "--traced", str(report), "--", *args])
    return int(report.read_text()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs")
    parser.add_argument("--baseline", nargs=2, metavar=("PICKLE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--traced", metavar="REPORT", help=argparse.SUPPRESS)
    parser.add_argument("--dump", nargs=2, metavar=("FOLDER", "PICKLE"), help=argparse.SUPPRESS)
    parser.add_argument("--same", nargs=2, metavar=("PICKLE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline(Path(args.baseline[0]), Path(args.baseline[1]))
        return
    if args.dump:
        dump_rows(Path(args.dump[0]), Path(args.dump[1]))
        return
    if args.same:
        same_as_ledger(Path(args.same[0]), Path(args.same[1]))
        return
    if args.traced:
        traced(args.rest, Path(args.traced))
        return

    OUT.mkdir(exist_ok=True)
    results: dict[tuple[int, str], dict[str, float]] = {}
    peaks: dict[tuple[int, str], float] = {}
    for items in (args.small, args.items):
        db = ledger_file(items)
        subdistrict = largest_subdistrict(db)
        work = OUT / f"report-run-{items}"
        work.mkdir(exist_ok=True)
        for job in ("month", "year"):
            results[items, job] = run_job(job, db, work, subdistrict, args.repeat)
            peaks[items, job] = traced_peak(job, db, work, subdistrict)
            result = results[items, job]
            print(
                f"N={items:>7,} {job:5}  {result['books']:>2} books {result['rows']:>6,} rows "
                f"{result['cells']:>8,} cells ({result['filled']:,} filled)  "
                f"ledger {result['ledger']:6.2f} s  "
                f"baseline {result['baseline']:6.2f} s  ratio {result['ratio']:.2f}  "
                f"(CPU {result['cpu_ledger']:.2f} / {result['cpu_baseline']:.2f} s, "
                f"{result['cpu_ratio']:.2f})  "
                f"peak RSS {result['rss_ledger']:.0f} / {result['rss_baseline']:.0f} MB  "
                f"tracemalloc {peaks[items, job]:.1f} MB",
                flush=True,
            )

    print()
    print(
        "| N | job | workbooks | rows | cells (filled) | ledger CPU (s) | baseline CPU (s) "
        "| **CPU ratio** | ledger wall (s) | baseline wall (s) | wall ratio |"
    )
    print("| --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |")
    for (items, job), result in results.items():
        print(
            f"| {items:,} | {job} | {result['books']:.0f} | {result['rows']:,} | "
            f"{result['cells']:,} ({result['filled']:,}) | {result['cpu_ledger']:.2f} | "
            f"{result['cpu_baseline']:.2f} | **{result['cpu_ratio']:.2f}** | "
            f"{result['ledger']:.2f} | {result['baseline']:.2f} | {result['ratio']:.2f} |"
        )
    print()
    print(
        "| job | N | peak RSS ledger (MB) | peak RSS baseline (MB) | tracemalloc peak ledger (MB) |"
    )
    print("| --- | --: | --: | --: | --: |")
    for job in ("month", "year"):
        for items in (args.small, args.items):
            result = results[items, job]
            print(
                f"| {job} | {items:,} | {result['rss_ledger']:.0f} | "
                f"{result['rss_baseline']:.0f} | {peaks[items, job]:.1f} |"
            )


if __name__ == "__main__":
    main()
