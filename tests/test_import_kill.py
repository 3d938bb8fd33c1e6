"""``kill -9`` of a running ``ledger import items`` at any moment leaves either nothing or
everything: after each kill the file is reopened and holds 0 or all N items, passes SQLite's
integrity and foreign-key checks and ``ledger check``, and every item row equals the replay
of its events.

Moments are drawn at random (seeded) over the length of a full run, and two more are taken
the instant the write-ahead log starts to grow, i.e. in the middle of writing.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from import_fixtures import assert_rows_replay, count, csv_file, prepare
from ledger.io.check import check
from ledger.store.ledger_file import open_ledger

pytestmark = pytest.mark.slow  # kill -9 at many moments of a large import (.ci/run runs it)

N = 10_000


def _csv(path: Path) -> Path:
    rows: list[list[object]] = [
        ["登记日期", "所属社区", "诉求内容", "承办单位", "办结日期", "答复日期", "评价"]
    ]
    for n in range(1, N + 1):
        raised = date(2026, 3, 2) + timedelta(days=n % 25)
        rows.append(
            [raised.isoformat(), "铁塔寺社区", f"第{n}件：下水道堵塞", "住建局",
             (raised + timedelta(days=1)).isoformat(), (raised + timedelta(days=2)).isoformat(), "满意"]
        )  # fmt: skip
    return csv_file(path, rows)


def _start(db: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ledger", "import", "items", str(source), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )


def _check(db: Path) -> int:
    """Reopen after a kill: all or nothing, and a sound file. Returns the item count."""
    ledger = open_ledger(db)
    try:
        items = count(ledger, "items")
        assert items in (0, N)
        # 登记, 交办, 办结, 答复, 评价 for each item.
        assert (count(ledger, "events"), count(ledger, "import_keys")) == (
            (0, 0) if items == 0 else (5 * N, N)
        )
        assert ledger.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert ledger.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert assert_rows_replay(ledger) == items
        assert check(ledger.conn).ok  # what `ledger check` runs
        return items
    finally:
        ledger.close()


def test_kill_at_any_moment_leaves_nothing_or_everything(tmp_path: Path) -> None:
    base = tmp_path / "base.db"
    prepare(open_ledger(base, create=True)).close()
    source = _csv(tmp_path / "台账.csv")

    def fresh(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(base, target)
        return target

    # One full run, to know how long one takes (not asserted: only to place the kills).
    full = fresh("full.db")
    started = time.monotonic()
    assert _start(full, source).wait(timeout=300) == 0
    length = time.monotonic() - started
    assert _check(full) == N

    outcomes = []
    rng = random.Random(20261126)
    for attempt in range(6):
        db = fresh(f"kill-{attempt}.db")
        process = _start(db, source)
        time.sleep(rng.uniform(0.05, 1.3 * length))  # some land after the commit
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        outcomes.append(_check(db))
    for attempt in range(2):
        db = fresh(f"wal-{attempt}.db")
        wal = Path(f"{db}-wal")
        process = _start(db, source)
        deadline = time.monotonic() + 300
        while process.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > 0:
                time.sleep(attempt * 0.02)
                break
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        outcomes.append(_check(db))
    # After whatever a kill left, importing again finishes the job, once.
    db = tmp_path / "kill-0.db"
    assert _start(db, source).wait(timeout=300) == 0
    assert _check(db) == N
    assert set(outcomes) <= {0, N}
