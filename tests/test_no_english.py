"""No English reaches a clerk (issue 11, item 8).

Every help screen and a set of usage errors, as the installed ``ledger`` prints them (through
``main()``), may hold Latin words only where they are names a clerk types: command and option
names, choice and field codes (shown beside their Chinese labels), environment variables,
file names and formats. Library warnings and SQLite's or csv's English messages are caught or
translated.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from ledger.cli.app import app, main
from ledger.domain import labels, report_labels


def _commands() -> list[list[str]]:
    """Every command path, e.g. [], ['add'], ['report', 'monthly'] — read from the app."""
    import typer.main

    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(root, [])
    return found


def _allowed_words() -> set[str]:
    """Latin words a clerk types or reads as names, not as English."""
    words: set[str] = set()
    for path in _commands():
        words.update(path)
    words.update({"ledger", "db", "LEDGER_DB", "LEDGER_NOW", "LEDGER_ACTOR", "LEDGER_DEBUG"})
    words.update({"LEDGER_PAGER", "PAGER", "less"})  # the pager a clerk may choose
    words.update({"PDF", "LibreOffice", "soffice"})  # what prints the slips
    words.update({"bash", "zsh", "powershell", "pwsh", "fish", "PowerShell", "Windows", "Tab"})
    # choice codes, field codes shown beside labels
    for value in [*vars(labels).values(), *vars(report_labels).values()]:
        if isinstance(value, labels.Choice):
            words.update(value.labels)
        elif isinstance(value, dict):
            words.update(k for k in value if isinstance(k, str))
    # File formats, products and the technical names a clerk sees in help texts.
    words.update(
        {"json", "JSON", "jsonl", "csv", "CSV", "xlsx", "xls", "Excel", "WPS", "zip", "UTF",
         "BOM", "GBK", "GB18030", "SQLite", "integrity_check", "quick_check", "Unicode",
         "PNG", "A4", "tab", "ISO"}
    )  # fmt: skip
    return words


_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
_FILE_NAME = re.compile(r"[\w.-]+\.(?:db|xlsx|csv|json|zip|txt)\b")
_LATIN = re.compile(r"[A-Za-z][A-Za-z_]*")


def _english(text: str, allowed: set[str]) -> set[str]:
    text = _FILE_NAME.sub(" ", _OPTION.sub(" ", text))
    return {word for word in _LATIN.findall(text) if word not in allowed and len(word) > 1}


def _run_main(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["ledger", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out + captured.err


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "ledger")
def test_help_screens_are_chinese(
    path: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # no word cut short by the width
    code, shown = _run_main([*path, "--help"], monkeypatch, capsys)
    assert code == 0, shown
    assert "用法：ledger" in shown  # the help screen was drawn, with a Chinese usage line
    assert _english(shown, _allowed_words()) == set(), shown


USAGE_ERRORS = [
    ["add"],
    ["add", "路灯", "--bogus"],
    ["add", "路灯", "--meeting", "abc"],
    ["add", "路灯", "--meeting"],
    ["show"],
    ["show", "abc"],
    ["show", "1", "2"],
    ["list", "--limit", "-1"],
    ["list", "--due-within", "-1"],
    ["nosuchcommand"],
    ["report", "nosuch"],
    ["assign", "1"],
    ["extend", "1", "--to", "2026-12-01"],
    ["merge"],
    ["backup", "a", "b"],
    ["import", "items"],
    ["--version", "x"],
]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_usage_errors_are_chinese(
    args: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("LEDGER_DB", str(tmp_path / "ledger.db"))
    code, shown = _run_main(args, monkeypatch, capsys)
    assert code in (0, 1), shown
    if code == 1:
        assert shown.startswith("错误: ") and shown.count("\n") == 1, shown
    typed = {word for arg in args for word in _LATIN.findall(arg)}  # echoed back: not English
    assert _english(shown, _allowed_words() | typed) == set(), shown


def test_openpyxl_warnings_do_not_reach_the_clerk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workbook saved without a default style (some tools do) made openpyxl print
    "UserWarning: Workbook contains no default style, apply openpyxl's default"."""
    workbook = _workbook_without_default_style(tmp_path / "旧台账.xlsx")
    with warnings.catch_warnings(record=True) as raised:  # the warning is really raised
        warnings.simplefilter("always")
        import openpyxl

        openpyxl.load_workbook(workbook)
    assert any("default style" in str(w.message) for w in raised)

    # In a process of its own: pytest records warnings instead of printing them.
    env = {**os.environ, "LEDGER_DB": str(tmp_path / "ledger.db"), "COLUMNS": "200"}
    env.pop("PYTHONWARNINGS", None)
    for args in (["init"], ["area", "add", "任城区/古槐街道/铁塔寺社区"]):
        subprocess.run([sys.executable, "-m", "ledger", *args], env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "ledger", "import", "items", str(workbook)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "已导入" in done.stdout
    assert done.stderr == ""


def _workbook_without_default_style(path: Path) -> Path:
    """An .xlsx whose styles.xml has no cellStyleXfs, like files from some exporters."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "问题描述", "社区", "反映日期"])
    sheet.append([1, "路灯不亮", "铁塔寺社区", "2026-11-20"])
    plain = path.with_name("plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/styles.xml":
                data = re.sub(rb"<cellStyleXfs.*?</cellStyleXfs>", b"", data, flags=re.S)
                data = re.sub(rb"<cellStyles.*?</cellStyles>", b"", data, flags=re.S)
            target.writestr(info, data)
    return path


def test_csv_field_limit_message_is_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """csv's "field larger than field limit (131072)" was shown as it is."""
    monkeypatch.setenv("LEDGER_DB", str(tmp_path / "ledger.db"))
    _run_main(["init"], monkeypatch, capsys)
    source = tmp_path / "台账.csv"
    source.write_text("问题描述,社区\n" + '"' + "长" * 140_000 + '",铁塔寺社区\n', encoding="utf-8")
    code, shown = _run_main(["import", "items", str(source)], monkeypatch, capsys)
    assert code == 1
    assert "field" not in shown and _english(shown, _allowed_words()) == set(), shown


def test_disk_io_error_on_open_is_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite's "disk I/O error" on opening was shown in English, and left a -shm behind."""
    from ledger.store import ledger_file

    path = tmp_path / "ledger.db"
    ledger_file.open_ledger(path, create=True).close()
    real_connect = ledger_file._connect

    class FailingDisk:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            if sql.startswith("PRAGMA journal_mode"):
                raise sqlite3.OperationalError("disk I/O error")
            return self.conn.execute(sql, *args)

        def close(self) -> None:
            self.conn.close()

    monkeypatch.setattr(ledger_file, "_connect", lambda p: FailingDisk(real_connect(p)))
    monkeypatch.setenv("LEDGER_DB", str(path))
    code, shown = _run_main(["list"], monkeypatch, capsys)
    assert code == 1
    assert (
        shown
        == f"错误: 无法打开台账文件“{path}”：读写出错（磁盘或 U 盘可能有问题，或文件所在位置不支持共享访问）\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.db"]
