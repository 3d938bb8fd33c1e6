"""``ledger backup`` of a large ledger, side by side with ``sqlite3 FILE ".backup COPY"``.

    python bench/backup_bench.py [bench/out/l100k.db] [--runs 3] [--out bench/results-backup.md]

Both run as the user would run them: a separate process each, the whole command timed from
start to exit (``ledger`` includes Python's start-up, opening the ledger, the copy, the
verification and the rename). Runs are interleaved so that load on the machine hits both
alike; the median of each is reported, and the ratio to the baseline. The baseline is the
sqlite3 command-line shell when installed, else Python's own ``sqlite3`` backup API (said
in the output).

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
    from ledger.storage import open_ledger

    open_ledger(source).close()  # apply migrations now, not inside a timed run
    return source


def baseline_command(source: Path, dest: Path) -> tuple[list[str], str]:
    cli = shutil.which("sqlite3")
    if cli:
        return [cli, str(source), f".backup '{dest}'"], "sqlite3 命令行 .backup"
    script = (
        "import sqlite3, sys\n"
        "s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2])\n"
        "s.backup(d); d.close(); s.close()\n"
    )
    return [sys.executable, "-c", script, str(source), str(dest)], "Python sqlite3 备份 API"


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
        "ledger backup --quick": ledger_command(source, dest, "--quick"),
        "ledger backup（默认：完整校验）": ledger_command(source, dest),
    }
    startup = [sys.executable, "-m", "ledger", "--version"]
    for command in variants.values():  # warm-up: the file in the page cache for everyone
        timed(command, dest)
    times: dict[str, list[float]] = {name: [] for name in variants}
    times["（参考）ledger --version：仅 Python 启动"] = []
    for _ in range(args.runs):
        for name, command in variants.items():
            times[name].append(timed(command, dest))
        started = time.perf_counter()
        subprocess.run(startup, env=ENV, capture_output=True, check=True)
        times["（参考）ledger --version：仅 Python 启动"].append(time.perf_counter() - started)
    for leftover in OUT.glob("backup-bench-*"):
        leftover.unlink()

    conn = sqlite3.connect(args.ledger)
    items = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()
    size = args.ledger.stat().st_size / 1_000_000
    base = statistics.median(times[baseline_name])
    lines = [
        f"# ledger backup vs {baseline_name}",
        "",
        f"台账：{items} 件问题、{events} 条办理记录，文件 {size:.0f} MB（bench/generate.py）。",
        f"每项 {args.runs} 次（交替运行，先各预热一次），取中位数；均为独立进程、从启动到退出计时。",
        f"机器：{platform.machine()}，{os.cpu_count()} 核，Python {platform.python_version()}，"
        f"SQLite {sqlite3.sqlite_version}。",
        "",
        "| 方式 | 中位数（秒） | 各次（秒） | 与基准之比 |",
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
