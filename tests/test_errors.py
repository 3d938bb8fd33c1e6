"""Errors keep their cause: SQLite failures by error code, the debug path, the details file.

Every SQLite error here is a real one, made by SQLite itself (a held lock, a page limit, a
read-only connection, a file of junk, a folder that does not exist, bad SQL), so each carries
the error code the program classifies by.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from cli_helpers import refused
from ledger.cli.errors import message_for
from ledger.store import ledger_file
from ledger.store.ledger_file import Ledger, sqlite_failure

SRC = Path(__file__).resolve().parents[1] / "src" / "ledger"
Snapshot = Callable[[Path], dict[str, object]]


def _error_of(action: Callable[[], object]) -> sqlite3.Error:
    try:
        action()
    except sqlite3.Error as error:
        return error
    raise AssertionError("SQLite raised nothing")


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(tmp_path / "scratch.db", isolation_level=None)
    conn.execute("CREATE TABLE t(x)")
    yield conn
    conn.close()


def _busy(tmp_path: Path, scratch: sqlite3.Connection) -> sqlite3.Error:
    scratch.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(tmp_path / "scratch.db", isolation_level=None, timeout=0)
    try:
        return _error_of(lambda: other.execute("BEGIN IMMEDIATE"))
    finally:
        other.close()
        scratch.execute("ROLLBACK")


def _full(scratch: sqlite3.Connection) -> sqlite3.Error:
    pages = scratch.execute("PRAGMA page_count").fetchone()[0]
    scratch.execute(f"PRAGMA max_page_count = {pages}")
    return _error_of(lambda: scratch.execute("INSERT INTO t VALUES (zeroblob(100000))"))


def _read_only(scratch: sqlite3.Connection) -> sqlite3.Error:
    scratch.execute("PRAGMA query_only = ON")
    try:
        return _error_of(lambda: scratch.execute("INSERT INTO t VALUES (1)"))
    finally:
        scratch.execute("PRAGMA query_only = OFF")


def _not_a_database(tmp_path: Path) -> sqlite3.Error:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a ledger " * 400)
    conn = sqlite3.connect(junk)
    try:
        return _error_of(lambda: conn.execute("PRAGMA application_id").fetchone())
    finally:
        conn.close()


def _cannot_open(tmp_path: Path) -> sqlite3.Error:
    return _error_of(lambda: sqlite3.connect(tmp_path / "无此文件夹" / "x.db").execute("SELECT 1"))


def test_sqlite_failures_are_classified_by_their_code(
    tmp_path: Path, scratch: sqlite3.Connection
) -> None:
    cases = {
        "busy": (_busy(tmp_path, scratch), "台账文件正被其他程序长时间占用，请稍后再试"),
        "full": (_full(scratch), "磁盘已满，本次操作未保存"),
        "readonly": (_read_only(scratch), "台账文件是只读的，无法写入"),
        "notadb": (_not_a_database(tmp_path), "台账文件已损坏或不是台账文件"),
        "cantopen": (_cannot_open(tmp_path), "无法打开台账文件：没有权限或路径无效"),
    }
    for kind, (error, message) in cases.items():
        assert sqlite_failure(error) == kind, (kind, error, error.sqlite_errorname)
        assert message_for(error) == message


def test_a_bug_whose_text_says_locked_or_full_is_not_a_busy_or_full_disk(
    scratch: sqlite3.Connection,
) -> None:
    """Bad SQL is a bug, whatever words its message holds (they used to be matched)."""
    for table in ("fulltext_locked", "disk_full", "readonly_busy"):
        error = _error_of(lambda t=table: scratch.execute(f"SELECT * FROM {t}"))
        assert error.sqlite_errorname == "SQLITE_ERROR"
        assert sqlite_failure(error) is None
        assert message_for(error) is None


def test_errors_without_an_sqlite_code_are_bugs(scratch: sqlite3.Connection) -> None:
    """Python's own sqlite3 errors (a closed connection, a broken constraint) are not the file."""
    constraint = _error_of(
        lambda: scratch.execute("CREATE TABLE u(x UNIQUE)").execute("INSERT INTO u VALUES (1), (1)")
    )
    assert constraint.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE"
    scratch.close()
    closed = _error_of(lambda: scratch.execute("SELECT 1"))
    for error in (constraint, closed, sqlite3.OperationalError("database is locked")):
        assert sqlite_failure(error) is None
        assert message_for(error) is None


# --- through the CLI ---------------------------------------------------------------------


def test_full_disk_while_adding_is_one_line_and_nothing_saved(
    places: Ledger,
    db_path: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    snapshot: Snapshot,
) -> None:
    """SQLite reports a full disk when the file may not grow: here by a page limit."""
    places.close()
    real_connect = ledger_file._connect

    def no_room(path: Path | str) -> sqlite3.Connection:
        conn = real_connect(path)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(ledger_file, "_connect", no_room)
    before = snapshot(db_path)
    line = refused(run("add", "楼道灯坏了" * 400, "--community", "铁塔寺社区"))
    assert line == "错误: 磁盘已满，本次操作未保存"
    assert snapshot(db_path) == before


def test_ledger_held_by_another_terminal_is_one_line(
    places: Ledger, db_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection holds the write lock beyond the busy timeout (0 s here, 30 s really)."""
    monkeypatch.setattr(ledger_file, "BUSY_TIMEOUT_SECONDS", 0)
    places.conn.execute("BEGIN IMMEDIATE")
    try:
        line = refused(run("add", "楼道灯坏了", "--community", "铁塔寺社区"))
    finally:
        places.conn.execute("ROLLBACK")
    assert line == "错误: 台账文件正被其他程序长时间占用，请稍后再试"
    assert places.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs' user log folder on Linux: $XDG_STATE_HOME/ledger/log."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("LEDGER_DEBUG", raising=False)
    return tmp_path / "state" / "ledger" / "log"


@pytest.fixture
def buggy(places: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """`ledger category list` with a mistake in its SQL whose message says "locked"."""
    from ledger.registry import categories

    def broken(ledger: Ledger) -> list[dict[str, object]]:
        return ledger.conn.execute("SELECT * FROM categories_locked").fetchall()

    monkeypatch.setattr(categories, "all_categories", broken)
    return places


def _details_path(line: str) -> Path:
    found = re.fullmatch(r"错误: 程序内部出错，详细信息已写入“(.+)”，请把该文件交给维护人员", line)
    assert found, line
    return Path(found.group(1))


def test_unexpected_error_is_one_chinese_line_and_a_details_file(
    buggy: Ledger, log_dir: Path, run: Callable[..., Result]
) -> None:
    """Before: reported as “台账文件正被其他程序长时间占用” because the text held "locked"."""
    result = run("category", "list")
    path = _details_path(refused(result))
    assert path.parent == log_dir
    details = path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in details
    assert "sqlite3.OperationalError: no such table: categories_locked" in details
    assert "category_list_command" in details  # where it happened


def test_details_go_beside_the_ledger_when_the_log_folder_cannot_be_made(
    buggy: Ledger,
    db_path: Path,
    tmp_path: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    path = _details_path(refused(run("category", "list")))
    assert path.parent == db_path.parent
    assert "no such table: categories_locked" in path.read_text(encoding="utf-8")


def test_every_unexpected_error_gets_its_own_file(
    buggy: Ledger, log_dir: Path, run: Callable[..., Result]
) -> None:
    first = _details_path(refused(run("category", "list")))
    second = _details_path(refused(run("category", "list")))
    assert first != second
    assert sorted(log_dir.iterdir()) == sorted([first, second])


def _junk_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    junk = tmp_path / "别的文件.db"
    junk.write_bytes(b"not a ledger " * 400)
    monkeypatch.setenv("LEDGER_DB", str(junk))
    return junk


NOT_A_LEDGER = "错误: “{}”不是台账文件（无法作为 SQLite 数据库读取）"


def test_a_refusal_is_one_line_without_debug(
    tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEDGER_DEBUG", raising=False)
    junk = _junk_ledger(tmp_path, monkeypatch)
    assert refused(run("list")) == NOT_A_LEDGER.format(junk)


@pytest.mark.parametrize("how", ["LEDGER_DEBUG=1", "--traceback"])
def test_debug_shows_the_full_cause_of_a_refusal(
    tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    junk = _junk_ledger(tmp_path, monkeypatch)
    if how == "--traceback":
        monkeypatch.delenv("LEDGER_DEBUG", raising=False)
        result = run("--traceback", "list")
    else:
        monkeypatch.setenv("LEDGER_DEBUG", "1")
        result = run("list")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert "sqlite3.DatabaseError: file is not a database" in lines
    assert "The above exception was the direct cause of the following exception:" in result.stderr
    assert f"ledger.domain.errors.NotALedger: {NOT_A_LEDGER.format(junk)[4:]}" in lines
    assert lines[-1] == NOT_A_LEDGER.format(junk)  # the clerk's line still comes last
    assert result.stdout == ""


def test_traceback_option_lasts_one_run(
    tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEDGER_DEBUG", raising=False)
    junk = _junk_ledger(tmp_path, monkeypatch)
    assert "Traceback" in run("--traceback", "list").stderr
    assert refused(run("list")) == NOT_A_LEDGER.format(junk)


def test_debug_shows_an_unexpected_error_and_still_writes_the_details(
    buggy: Ledger, log_dir: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DEBUG", "1")
    result = run("category", "list")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "sqlite3.OperationalError: no such table: categories_locked" in lines
    assert _details_path(lines[-1]).parent == log_dir


def test_ledger_debug_0_is_off(
    tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = _junk_ledger(tmp_path, monkeypatch)
    monkeypatch.setenv("LEDGER_DEBUG", "0")
    assert refused(run("list")) == NOT_A_LEDGER.format(junk)


def test_no_error_drops_its_cause() -> None:
    """`raise … from None` hides the cause from LEDGER_DEBUG; the source has none."""
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bfrom None\b", line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_usage_errors_are_translated_in_process(
    places: Ledger, run: Callable[..., Result], snapshot: Snapshot, db_path: Path
) -> None:
    """`run` goes through main(), where Click's English usage errors become Chinese."""
    places.close()
    before = snapshot(db_path)
    assert refused(run("list", "--colour", "红")) == (
        "错误: 没有选项 --colour（可用：--compound, --source）（用 --help 查看用法）"
    )
    assert refused(run("show")) == "错误: 缺少参数 问题编号（用 --help 查看用法）"
    assert refused(run("show", "四")) == "错误: 问题编号 的值“四”不是整数（用 --help 查看用法）"
    assert snapshot(db_path) == before
