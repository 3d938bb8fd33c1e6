"""Two terminals on one ledger file: both succeed, nobody sees "database is locked".

Real processes on a real file. The workers wait for a start signal (a file appearing) so that
they really run at the same time; nothing here measures or depends on timings.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ledger.store.ledger_file import Ledger

pytestmark = pytest.mark.slow  # real processes racing on one file (.ci/run runs it)

PER_WORKER = 30

# One worker: wait for the start file, then run `ledger add` PER_WORKER times, each its own
# process, exactly as a clerk's terminal would; report failures on stderr, exit 1 if any.
CLI_WORKER = textwrap.dedent(
    """
    import os, subprocess, sys, time
    name, count, start = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    while not os.path.exists(start):
        time.sleep(0.01)
    failed = 0
    for i in range(count):
        done = subprocess.run(
            [sys.executable, "-m", "ledger", "add", f"{name} 第{i + 1}件", "--community", "铁塔寺社区"],
            capture_output=True, text=True,
        )
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        failed += done.returncode != 0
    sys.exit(1 if failed else 0)
    """
)

# The same through the core in one process: many writes back to back, the hardest case for
# a lock (no process start-up between them).
CORE_WORKER = textwrap.dedent(
    """
    import os, sys, time
    from ledger.casework import actions
    from ledger.store.ledger_file import open_ledger
    name, count, start, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    ledger = open_ledger(path)
    while not os.path.exists(start):
        time.sleep(0.001)
    for i in range(count):
        number = actions.add(ledger, f"{name} 第{i + 1}件", community="铁塔寺社区").item["number"]
        actions.assign(ledger, number, "住建局")
    ledger.close()
    """
)


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def _numbers(path: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT number, title FROM items ORDER BY number").fetchall()
    finally:
        conn.close()


def test_two_terminals_add_at_once(places: Ledger, db_path: Path, tmp_path: Path) -> None:
    places.close()
    start = tmp_path / "go"
    workers = [_start(CLI_WORKER, name, str(PER_WORKER), str(start)) for name in ("甲", "乙")]
    start.touch()
    outputs = [worker.communicate(timeout=600) for worker in workers]
    for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr
        assert "locked" not in stderr and "错误" not in stderr, stderr
        assert stdout.count("已登记问题") == PER_WORKER
    rows = _numbers(db_path)
    # 2 × 30 = 60 items, numbered 1…60 without a gap or a repeat.
    assert [number for number, _ in rows] == list(range(1, 61))
    titles = {title for _, title in rows}
    assert titles == {f"{name} 第{i}件" for name in ("甲", "乙") for i in range(1, 31)}
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM events WHERE action = 'add'").fetchone() == (60,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_two_processes_write_back_to_back(places: Ledger, db_path: Path, tmp_path: Path) -> None:
    count = 150
    places.close()
    start = tmp_path / "go"
    workers = [
        _start(CORE_WORKER, name, str(count), str(start), str(db_path)) for name in ("甲", "乙")
    ]
    start.touch()
    for worker in workers:
        _, stderr = worker.communicate(timeout=600)
        assert worker.returncode == 0, stderr
        assert "locked" not in stderr
    rows = _numbers(db_path)
    # 2 × 150 = 300 items, each added and assigned: 600 events.
    assert [number for number, _ in rows] == list(range(1, 2 * count + 1))
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (2 * count * 2,)
        assert conn.execute("SELECT count(*) FROM items WHERE status = 'assigned'").fetchone() == (
            2 * count,
        )
    finally:
        conn.close()
