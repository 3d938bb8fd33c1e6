"""Assertions shared by the CLI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import Result


def refused(result: Result) -> str:
    """Exit code 1, exactly one line 错误: … on stderr, no traceback; returns the line."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误: "), lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return lines[0]


def monthly_book(run: Callable[..., Result], out: Path, month: str, subdistrict: str) -> Any:
    """``report monthly`` for one subdistrict into ``out``, opened with openpyxl."""
    import openpyxl

    made = run("report", "monthly", "--month", month, "--subdistrict", subdistrict,
               "--out", str(out))  # fmt: skip
    assert made.exit_code == 0, made.output
    (path,) = out.glob("*.xlsx")
    return openpyxl.load_workbook(path)


def header(sheet: Any, title: str) -> tuple[int, dict[str, int]]:
    """The row of a sheet's column titles (the first row holding ``title``) and each title's
    column number."""
    row = next(r for r in range(1, 10) if title in [c.value for c in sheet[r]])
    return row, {sheet.cell(row, c).value: c for c in range(1, sheet.max_column + 1)}
