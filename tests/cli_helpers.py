"""Assertions shared by the CLI tests."""

from __future__ import annotations

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
