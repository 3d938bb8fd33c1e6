"""Shared fixtures: a temporary ledger file, a fixed clock, and a CLI runner.

No test reads the real date: ``LEDGER_NOW`` fixes the clock for the core and the CLI alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

# The CLI's Rich consoles fix their width at import when COLUMNS is set then (pytest-xdist's
# workers start with COLUMNS=80); without it they read COLUMNS on every print, so each test's
# own setting (fixed_clock below, or a test's monkeypatch) is the one that counts.
os.environ.pop("COLUMNS", None)

import pytest
from typer.testing import CliRunner, Result

from ledger.cli.app import main
from ledger.store.ledger_file import Ledger, open_ledger

FIXED_NOW = "2026-11-26T09:00:00"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs on Thursday 2026-11-26 09:00 unless it sets LEDGER_NOW itself."""
    monkeypatch.setenv("LEDGER_NOW", FIXED_NOW)
    monkeypatch.setenv("LEDGER_ACTOR", "测试员")
    monkeypatch.setenv("COLUMNS", "200")
    return FIXED_NOW


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ledger path (not yet created) that the CLI uses through $LEDGER_DB."""
    path = tmp_path / "ledger.db"
    monkeypatch.setenv("LEDGER_DB", str(path))
    return path


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    """A fresh, empty ledger file."""
    opened = open_ledger(db_path, create=True)
    yield opened
    opened.close()


def invoke_main(*args: object, input: str | None = None) -> Result:
    """Run ``ledger ARGS…`` in-process through :func:`ledger.cli.app.main`, the real entry point.

    So usage errors are translated here as for the clerk. stdout and stderr are kept apart;
    ``exception`` is the SystemExit that ended the run (None for exit code 0), or an error
    that escaped ``main`` (which the one-line tests then report).
    """
    import sys

    runner = CliRunner()
    exit_code, exception, exc_info = 0, None, None
    with runner.isolation(input=input) as streams:
        try:
            main([str(arg) for arg in args])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
            exit_code, exception = code, (stop if code else None)
            exc_info = sys.exc_info() if code else None
        except Exception as error:  # escaped main(): a bug the test should show
            exit_code, exception, exc_info = 1, error, sys.exc_info()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            captured = [stream.getvalue() for stream in streams]
    return Result(
        runner=runner,
        stdout_bytes=captured[0],
        stderr_bytes=captured[1],
        output_bytes=captured[2],
        return_value=None,
        exit_code=exit_code,
        exception=exception,
        exc_info=exc_info,  # type: ignore[arg-type]
    )


@pytest.fixture
def run() -> Callable[..., Result]:
    """Run ``ledger ARGS…`` in-process through ``main()``; stdout and stderr are kept apart."""
    return invoke_main


@pytest.fixture
def places(ledger: Ledger) -> Ledger:
    """A ledger with the seed's places and a few units (no items)."""
    from ledger.registry import areas as place_service
    from ledger.registry import units

    for path in (
        "任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼",
        "任城区/济阳街道/财工街社区/新兴小区西区",
        "曲阜市/鲁城街道/礼乐社区",
    ):
        place_service.add_path(ledger, path)
    units.add(ledger, "住建局", "department", phone="0537-1234567")
    units.add(ledger, "市住建局", "职能部门")
    units.add(ledger, "扈师傅维修队", "志愿队")
    return ledger


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, object]]:
    """What a ledger file holds, to prove a refused command left it alone.

    The bytes of the file and of its -wal (an absent -wal counts as empty), and, when the
    file is SQLite, every row of every table plus user_version read through a read-only
    connection. Leaked connections are collected first so that none closes in between.
    """
    import gc
    import sqlite3

    def take(path: Path) -> dict[str, object]:
        gc.collect()
        wal = Path(f"{path}-wal")
        state: dict[str, object] = {
            "bytes": path.read_bytes(),
            "wal": wal.read_bytes() if wal.exists() else b"",
        }
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                tables = [
                    row[0]
                    for row in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                    )
                ]
                state["rows"] = {  # sorted in Python: some tables may have no rowid
                    table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
                    for table in tables
                }
                state["user_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            state["rows"] = None  # not SQLite at all
        return state

    return take
