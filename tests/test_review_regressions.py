"""Defects found in review, each pinned by the command a clerk typed.

Every refusal: exit code 1, exactly one Chinese line ``错误: …`` on stderr, no traceback, no
English, and the ledger file unchanged (``snapshot``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from ledger import items
from ledger.storage import Ledger

Snapshot = Callable[[Path], dict[str, object]]
HUGE = "99999999999999999999999"  # 23 digits: more than SQLite's 64-bit INTEGER holds


@pytest.fixture
def filled(places: Ledger, db_path: Path) -> Path:
    """One item (1, 办理中 at 住建局)."""
    items.add(places, "楼道灯不亮", community="铁塔寺社区")
    items.assign(places, 1, "住建局")
    places.close()
    return db_path


def refused(result: Result) -> str:
    """Exit code 1, one line 错误: … on stderr, no traceback; returns the line."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误: "), lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


def _ledger(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point (Click's usage errors are translated there, not under CliRunner)."""
    return subprocess.run(
        [sys.executable, "-m", "ledger", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def _one_chinese_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误: ") and "Traceback" not in result.stderr
    # Chinese for the clerk: no English words left over from Click or SQLite (paths and
    # option names aside)
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"“[^”]*”|--[a-z-]+", "", lines[0]))
    assert words == [], lines[0]
    return lines[0]


# --- numbers larger than SQLite's INTEGER ------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("show", HUGE),
        ("resolve", HUGE, "已修好"),
        ("add", "路灯", "--meeting", HUGE),
        ("list", "--limit", HUGE),
        (
            "meeting",
            "add",
            "--kind",
            "夜话",
            "--date",
            "2026-11-20",
            "--community",
            "铁塔寺社区",
            "--attendees",
            HUGE,
        ),
    ],
)
def test_huge_number_is_one_line_not_a_traceback(
    filled: Path, run: Callable[..., Result], snapshot: Snapshot, args: tuple[str, ...]
) -> None:
    before = snapshot(filled)
    line = refused(run(*args))
    assert line == "错误: 数字过大，超出台账能处理的范围"
    assert snapshot(filled) == before
