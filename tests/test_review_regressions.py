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

from cli_helpers import refused
from ledger.casework import actions
from ledger.domain.errors import LedgerError
from ledger.store.ledger_file import Ledger

Snapshot = Callable[[Path], dict[str, object]]
HUGE = "99999999999999999999999"  # 23 digits: more than SQLite's 64-bit INTEGER holds


@pytest.fixture
def filled(places: Ledger, db_path: Path) -> Path:
    """One item (1, 办理中 at 住建局)."""
    actions.add(places, "楼道灯不亮", community="铁塔寺社区")
    actions.assign(places, 1, "住建局")
    places.close()
    return db_path


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


# --- Click's own messages, in Chinese -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("show", "abc"), "错误: 问题编号 的值“abc”不是整数（用 --help 查看用法）"),
        (("list", "--limit", "1.5"), "错误: --limit 的值“1.5”不是整数（用 --help 查看用法）"),
        (
            ("list", "--due-within", "三"),
            "错误: --due-within 的值“三”不是整数（用 --help 查看用法）",
        ),
        (
            ("progress", "1", "已开工", "--percent", "一半"),
            "错误: --percent 的值“一半”不是整数（用 --help 查看用法）",
        ),
        (("import", "items"), "错误: 缺少参数 文件（用 --help 查看用法）"),
    ],
)
def test_usage_errors_are_chinese(
    filled: Path, snapshot: Snapshot, args: tuple[str, ...], expected: str
) -> None:
    before = snapshot(filled)
    assert _one_chinese_line(_ledger(*args)) == expected
    assert snapshot(filled) == before


def test_remind_out_is_a_file(filled: Path, snapshot: Snapshot, tmp_path: Path) -> None:
    blocker = tmp_path / "催办.txt"
    blocker.write_text("", encoding="utf-8")
    before = snapshot(filled)
    line = _one_chinese_line(_ledger("remind", "--out", str(blocker)))
    assert line == f"错误: --out：“{blocker}”是文件，不是文件夹（用 --help 查看用法）"
    assert snapshot(filled) == before


def test_import_a_folder(filled: Path, snapshot: Snapshot, tmp_path: Path) -> None:
    before = snapshot(filled)
    line = _one_chinese_line(_ledger("import", "items", str(tmp_path)))
    assert line == f"错误: 文件：“{tmp_path}”是文件夹（用 --help 查看用法）"
    assert snapshot(filled) == before


# --- a ledger that cannot be opened is not called "not a ledger" ---------------------------

READ_ONLY = "文件或其所在文件夹是只读的，请把台账复制到可写入的文件夹"


def test_read_only_error_on_open_is_not_not_a_ledger(
    filled: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, snapshot: Snapshot
) -> None:
    """The error SQLite gives for a read-only folder, on a real ledger file.

    (Tests run as root here, where permissions cannot produce it, so a real SQLITE_READONLY
    error, made by writing through a read-only connection, is raised on the first read;
    before the fix it was reported as “不是台账文件”.)
    """
    import sqlite3

    from ledger.store import ledger_file

    real_connect = ledger_file._connect
    scratch = sqlite3.connect(":memory:")
    try:
        scratch.execute("PRAGMA query_only = ON")
        scratch.execute("CREATE TABLE t(x)")
    except sqlite3.OperationalError as error:
        read_only = error
    assert read_only.sqlite_errorname == "SQLITE_READONLY"

    class ReadOnlyFolder:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            if sql.startswith("PRAGMA application_id"):
                raise read_only
            return self.conn.execute(sql, *args)

        def close(self) -> None:
            self.conn.close()

    monkeypatch.setattr(ledger_file, "_connect", lambda path: ReadOnlyFolder(real_connect(path)))
    before = snapshot(filled)
    # Since issue 11 such a ledger is opened read-only: it can be read, not written.
    assert run("list").exit_code == 0
    assert refused(run("add", "路灯", "--community", "铁塔寺社区")) == (
        f"错误: 台账文件“{filled}”或其所在文件夹是只读的：可以查看，不能录入或修改；"
        "请把台账复制到可写入的文件夹"
    )
    assert snapshot(filled) == before


def test_ledger_path_under_a_file(tmp_path: Path, run: Callable[..., Result]) -> None:
    blocker = tmp_path / "台账"
    blocker.write_text("", encoding="utf-8")
    line = refused(run("init", "--db", str(blocker / "ledger.db")))
    assert line == f"错误: 无法创建目录“{blocker}”（同名文件已存在，或没有权限）"
    assert blocker.read_text(encoding="utf-8") == ""


# --- backup to a place that cannot be written ----------------------------------------------


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc (never writable)")
@pytest.mark.parametrize("dest", ["/proc/台账备份.db", "/proc/"])
def test_backup_where_nothing_can_be_written(
    filled: Path, run: Callable[..., Result], snapshot: Snapshot, dest: str
) -> None:
    before = snapshot(filled)
    line = refused(run("backup", dest))
    assert line == "错误: 无法在“/proc”写入备份（没有权限或该位置不可写入）；台账未受影响"
    assert snapshot(filled) == before


# --- the OS's English error texts are not shown ---------------------------------------------


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc (never writable)")
def test_report_folder_that_cannot_be_made(
    filled: Path, run: Callable[..., Result], snapshot: Snapshot
) -> None:
    before = snapshot(filled)
    line = refused(run("report", "monthly", "--month", "2026-10", "--out", "/proc/无此/月报"))
    assert line == "错误: 无法创建输出文件夹“/proc/无此/月报”（没有权限或该位置不可写入）"
    assert snapshot(filled) == before


def test_os_errors_in_chinese() -> None:
    """Disk full, read-only medium … while saving: the reason in Chinese, with the file."""
    import errno

    from ledger.cli.errors import message_for

    full = OSError(errno.ENOSPC, "No space left on device", "月报.xlsx")
    assert message_for(full) == "文件操作失败：磁盘已满（“月报.xlsx”）"
    read_only = OSError(errno.EROFS, "Read-only file system", "/media/u盘/备份.db")
    assert message_for(read_only) == "文件操作失败：该位置是只读的（“/media/u盘/备份.db”）"
    assert message_for(OSError(errno.ELOOP, "Too many levels of symbolic links")) == (
        f"文件操作失败：系统错误 {errno.ELOOP}"
    )


# --- the running-month notice does not come before an error ----------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("stats", "--month", "2026-11", "--subdistrict", "古淮街道"),
        ("report", "monthly", "--month", "本月", "--subdistrict", "古淮街道"),
    ],
)
def test_typo_in_the_running_month_is_one_line(
    filled: Path, run: Callable[..., Result], snapshot: Snapshot, args: tuple[str, ...]
) -> None:
    """November is still running on 2026-11-26; the typo 古淮 for 古槐 is the only line."""
    before = snapshot(filled)
    line = refused(run(*args))
    assert line.startswith("错误: 没有名为“古淮街道”的街道")
    assert snapshot(filled) == before


def test_running_month_notice_still_shown(filled: Path, run: Callable[..., Result]) -> None:
    result = run("stats", "--month", "2026-11")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "提示：2026年11月尚未结束，数字截至 2026-11-26 09:00，期满后重新生成为准"
    ]


def test_control_characters_are_stripped_from_typed_text(places: Ledger) -> None:
    """A pasted terminal escape never reaches the ledger (or a clerk's screen)."""
    outcome = actions.add(places, "路灯\x01\x1b[31m红", community="铁塔寺社区")
    # \x01 and \x1b are dropped; the printable "[31m" stays as typed.
    assert outcome.item["title"] == "路灯[31m红"


def test_deadline_settings_need_at_least_one_day(ledger: Ledger) -> None:
    with pytest.raises(LedgerError, match="应在 1–1000 之间，收到 0"):
        ledger.set_setting("small_days", "0")
    assert ledger.setting("small_days") == 3
    assert ledger.set_setting("rank_min_items", "0") == 0  # 0 is fine for a count
