"""``ledger backup`` of a large ledger, side by side with ``sqlite3 FILE ".backup COPY"``.

    python bench/backup_bench.py [bench/out/l100k.db] [--runs 3] [--out bench/results-backup.md]

Both run as the user would run them: a separate process each, the whole command timed from
start to exit (``ledger`` includes Python's start-up, opening the ledger, the copy, the
verification and the rename). Runs are interleaved so that load on the machine hits both
alike; the median of each is reported, and the ratio to the baseline. The baseline is the
sqlite3 command-line shell when installed, else Python's own ``sqlite3`` backup API (said
in the output). For reference the same work is also timed inside one Python process (no
start-up): the copy alone and ``backup()`` at each level of verification.

The ledger is generated with bench/generate.py when missing, then copied to a private file
(bench/out/backup-bench-src.db) and migrated once, so the timed runs do no migration and do
not touch a file other benchmarks use.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
ENV = {**os.environ, "LEDGER_NOW": "2026-11-26T09:00:00"}


def prepare(ledger: Path) -> Path:
    """A private, migrated copy of the ledger to back up."""
    if not ledger.exists():
        print(f"generating {ledger} …", flush=True)
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "100000", str(ledger)], check=True
        )
    source = OUT / "backup-bench-src.db"
    for leftover in OUT.glob("backup-bench-src.db*"):
        leftover.unlink()
    conn = sqlite3.connect(ledger)
    copy = sqlite3.connect(source)
    conn.backup(copy)
    copy.close()
    conn.close()
    from ledger.store.ledger_file import open_ledger

    open_ledger(source).close()  # apply migrations now, not inside a timed run
    return source


def baseline_command(source: Path, dest: Path) -> tuple[list[str], str]:
    cli = shutil.which("sqlite3")
    if cli:
        return [cli, str(source), f".backup '{dest}'"], '`sqlite3 FILE ".backup COPY"` (baseline)'
    script = (
        "import sqlite3, sys\n"
        "s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2])\n"
        "s.backup(d); d.close(); s.close()\n"
    )
    return [
        sys.executable,
        "-c",
        script,
        str(source),
        str(dest),
    ], "Python sqlite3 `Connection.backup` (baseline; no sqlite3 CLI)"


def ledger_command(source: Path, dest: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "ledger", "backup", str(dest), "--db", str(source), *extra]


def timed(command: list[str], dest: Path) -> float:
    for leftover in dest.parent.glob(dest.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    done = subprocess.run(command, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    if not dest.exists():
        sys.exit(f"{' '.join(command)} made no {dest}")
    return elapsed


def in_process(source: Path, dest: Path, kind: str) -> float:
    """The core alone, without a process start: the copy only, or backup() at one level."""
    from ledger.io import backup
    from ledger.store.ledger_file import open_ledger

    for leftover in dest.parent.glob(dest.name + "*"):
        leftover.unlink()
    ledger = open_ledger(source)
    started = time.perf_counter()
    if kind == "bare":
        backup._copy(ledger.conn, dest)  # the snapshot's counts and shape, then the copy
    else:
        backup.backup(ledger, dest, level=kind)
    elapsed = time.perf_counter() - started
    ledger.close()
    return elapsed


IN_PROCESS = {
    "bare": "in-process: the copy alone (backup API, one step, in a read transaction)",
    "copy": 'in-process: `backup(level="copy")` (copy + its shape: pages, schema, tables walked)',
    "quick": 'in-process: `backup(level="quick")` (the same + quick_check)',
    "full": 'in-process: `backup(level="full")` (the same + integrity_check + ledger check)',
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path, nargs="?", default=OUT / "l100k.db")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the results (Markdown) here")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    source = prepare(args.ledger)
    dest = OUT / "backup-bench-copy.db"
    baseline, baseline_name = baseline_command(source, dest)
    variants = {
        baseline_name: baseline,
        "`ledger backup COPY` (default: the copy's shape verified)": ledger_command(source, dest),
        "`ledger backup COPY --verify` (+ quick_check)": ledger_command(source, dest, "--verify"),
        "`ledger backup COPY --full` (integrity_check + replay)": ledger_command(
            source, dest, "--full"
        ),
    }
    startup = [sys.executable, "-m", "ledger", "--version"]
    for command in variants.values():  # warm-up: the file in the page cache for everyone
        timed(command, dest)
    times: dict[str, list[float]] = {name: [] for name in variants}
    times["for reference: `ledger --version` (start-up only)"] = []
    times.update({label: [] for label in IN_PROCESS.values()})
    for _ in range(args.runs):
        for name, command in variants.items():
            times[name].append(timed(command, dest))
        for kind, label in IN_PROCESS.items():
            times[label].append(in_process(source, dest, kind))
        started = time.perf_counter()
        subprocess.run(startup, env=ENV, capture_output=True, check=True)
        times["for reference: `ledger --version` (start-up only)"].append(
            time.perf_counter() - started
        )
    for leftover in OUT.glob("backup-bench-*"):
        leftover.unlink()

    conn = sqlite3.connect(args.ledger)
    items = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()
    size = args.ledger.stat().st_size / 1_000_000
    base = statistics.median(times[baseline_name])
    lines = [
        "# `ledger backup` vs the sqlite3 shell's `.backup`",
        "",
        f"Ledger: {items:,} items, {events:,} events, {size:.0f} MB (bench/generate.py), "
        "LEDGER_NOW=2026-11-26T09:00:00.",
        f"{args.runs} alternating runs of each after one warm-up run each (the file in the page "
        "cache for all); median and each run. Commands: wall time of a separate process from "
        "start to exit. In-process rows: the core call alone, no start-up.",
        f"Machine: {platform.machine()}, {os.cpu_count()} shared CPUs, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}; 1-minute load average "
        f"{os.getloadavg()[0]:.1f} at the end (other engineers' runs).",
        "",
        "| what | median (s) | runs (s) | ratio to baseline |",
        "| --- | ---: | --- | ---: |",
    ]
    for name, values in times.items():
        median = statistics.median(values)
        each = ", ".join(f"{v:.2f}" for v in values)
        lines.append(f"| {name} | {median:.2f} | {each} | {median / base:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
