"""Output read by a program that stops early (``ledger list --all --json | head``).

The reader closing the pipe is not the clerk's mistake: like other command-line tools,
ledger stops writing quietly, without an error line (status 1, as Click ends on a closed
pipe), and the ledger is untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_a_reader_that_stops_early_gets_no_error(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    # 3,000 items: their JSON is far more than a pipe holds, so writing must hit the closed end.
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "3000", str(db)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    before = db.stat().st_mtime_ns
    process = subprocess.Popen(
        [sys.executable, "-m", "ledger", "list", "--all", "--jsonl", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "LEDGER_NOW": "2026-11-26T09:00:00"},
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # as `head -1` does
    errors = process.stderr.read().decode()
    code = process.wait(timeout=120)
    assert first.startswith(b"{")
    assert errors == ""  # no error line: the reader left, nothing went wrong
    assert code == 1  # as Click ends on a closed pipe: a pipefail pipeline sees the cut
    assert db.stat().st_mtime_ns == before
