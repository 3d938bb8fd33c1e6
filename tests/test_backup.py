"""``ledger backup``: a verified, complete copy — also while another terminal keeps writing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.domain.errors import LedgerError
from ledger.io import backup as backup_service
from ledger.io.check import check
from ledger.store.ledger_file import Ledger, open_ledger

Run = Callable[..., Result]

# Every table a backup must carry over, row for row.
TABLES = ("settings", "categories", "areas", "units", "meetings", "items", "events")


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


@pytest.fixture
def filled(places: Ledger, db_path: Path) -> Path:
    """Two items, one of them handled, and a changed setting."""
    ledger = places
    actions.add(ledger, "楼道灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 24))
    actions.assign(ledger, 1, "住建局")
    actions.add(ledger, "垃圾清运不及时", community="礼乐社区")
    ledger.set_setting("small_days", "5")
    ledger.close()
    return db_path


def test_default_name_beside_the_ledger(filled: Path, run: Run) -> None:
    result = run("backup")
    assert result.exit_code == 0, result.stderr
    # LEDGER_NOW is 2026-11-26T09:00:00; the ledger file is ledger.db.
    copy = filled.parent / "ledger-备份-20261126-090000.db"
    assert copy.exists()
    assert f"已备份：{copy}" in result.stdout
    assert "问题 2、办理记录 3" in result.stdout  # 2 adds + 1 assign
    # The default verification: the copy's shape, every table walked; no quick_check.
    assert "已校验：副本可独立打开，页数、表结构与台账相同，各表逐页读遍、记录数一致。" in (
        result.stdout
    )
    assert "quick_check" not in result.stdout
    assert rows(copy) == rows(filled)
    # A single self-contained file: no -wal or -shm left beside it, nothing half-written.
    assert sorted(p.name for p in filled.parent.iterdir() if "备份" in p.name) == [copy.name]
    assert not any(p.name.endswith(".part") for p in filled.parent.iterdir())
    conn = sqlite3.connect(copy)
    assert check(conn).ok
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    # A second backup in the same second gets its own name.
    assert run("backup").exit_code == 0
    assert (filled.parent / "ledger-备份-20261126-090000-2.db").exists()


def test_into_a_folder_and_to_a_file_name(filled: Path, run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "U盘"
    folder.mkdir()
    assert run("backup", folder).exit_code == 0
    assert rows(folder / "ledger-备份-20261126-090000.db") == rows(filled)

    named = folder / "周五备份.db"
    result = run("backup", named)
    assert result.exit_code == 0, result.stderr
    assert rows(named) == rows(filled)


def test_never_overwrites(filled: Path, run: Run, tmp_path: Path) -> None:
    existing = tmp_path / "old.db"
    existing.write_bytes(b"keep me")
    result = run("backup", existing)
    assert result.exit_code == 1
    assert result.stderr.startswith("错误: ")
    assert "不会覆盖" in result.stderr
    assert existing.read_bytes() == b"keep me"

    result = run("backup", tmp_path / "没有这个目录" / "x.db")
    assert result.exit_code == 1
    assert "不存在" in result.stderr

    result = run("backup", filled)
    assert result.exit_code == 1


def test_verify_adds_quick_check(filled: Path, run: Run, tmp_path: Path) -> None:
    result = run("backup", tmp_path / "verified.db", "--verify")
    assert result.exit_code == 0, result.stderr
    assert "各表逐页读遍、记录数一致，SQLite 快速检查（quick_check）通过。" in result.stdout
    assert rows(tmp_path / "verified.db") == rows(filled)


def test_full_verification(filled: Path, run: Run, tmp_path: Path) -> None:
    result = run("backup", tmp_path / "full.db", "--full")
    assert result.exit_code == 0, result.stderr
    assert "SQLite 完整性检查和逐件核对通过" in result.stdout
    assert rows(tmp_path / "full.db") == rows(filled)


def test_a_ledger_with_problems_is_still_backed_up(filled: Path, run: Run, tmp_path: Path) -> None:
    """The copy is faithful, so it is kept; the ledger's own problem is reported, exit 1."""
    conn = sqlite3.connect(filled)
    conn.execute("UPDATE items SET status = 'closed' WHERE number = 1")
    conn.commit()
    conn.close()
    copy = tmp_path / "copy.db"
    result = run("backup", copy, "--full")
    assert result.exit_code == 1
    assert copy.exists()
    assert rows(copy) == rows(filled)
    assert "台账本身有 1 处问题" in result.stderr
    assert "问题 1：状态为“已归档”，按办理记录应为“办理中”" in result.stderr


def test_not_a_ledger(tmp_path: Path, run: Run) -> None:
    stranger = tmp_path / "other.db"
    conn = sqlite3.connect(stranger)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    result = run("backup", "--db", stranger)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "不是台账文件" in result.stderr
    assert not [p for p in tmp_path.iterdir() if "备份" in p.name]


def test_a_copy_that_does_not_verify_is_not_kept(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the copy came out damaged (simulated here), no file with the backup's name remains."""
    ledger = open_ledger(filled)
    real_copy = backup_service._copy

    def damaging_copy(conn: sqlite3.Connection, partial: Path) -> dict[str, int]:
        counts = real_copy(conn, partial)
        other = sqlite3.connect(partial)
        other.execute("DELETE FROM events WHERE id = 1")  # the copy lost a record
        other.commit()
        other.close()
        return counts

    monkeypatch.setattr(backup_service, "_copy", damaging_copy)
    folder = tmp_path / "备份"
    folder.mkdir()
    with pytest.raises(LedgerError, match="备份校验未通过：副本的记录数与台账不一致"):
        backup_service.backup(ledger, folder / "bad.db")
    ledger.close()
    assert list(folder.iterdir()) == []  # neither the copy nor its temporary file


def _damage_copy(
    monkeypatch: pytest.MonkeyPatch, damage: Callable[[Path, sqlite3.Connection], None]
) -> None:
    """Make backup's copy step damage the copy it has just written, as a failing disk would."""
    real_copy = backup_service._copy

    def damaging_copy(conn: sqlite3.Connection, partial: Path) -> object:
        made = real_copy(conn, partial)
        other = sqlite3.connect(partial)
        try:
            damage(partial, other)
        finally:
            other.close()
        return made

    monkeypatch.setattr(backup_service, "_copy", damaging_copy)


def _page_of(conn: sqlite3.Connection, name: str) -> tuple[int, int]:
    """(offset in the file, page size) of the root page of a table or index."""
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return (root[0] - 1) * page_size, page_size


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as file:
        file.seek(offset)
        file.write(data)


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("a table page", "副本已损坏，无法逐页读完"),
        ("a page cut off", "副本文件长度为 .* 字节，应为 .* 页"),
        ("the schema", "副本的表结构与台账不一致"),
    ],
)
def test_a_damaged_copy_is_refused_by_default(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str, message: str
) -> None:
    """The default verification reads the copy back on its own and finds each damage."""

    def damage(partial: Path, conn: sqlite3.Connection) -> None:
        if what == "a table page":
            # The events table's root page (its only page here): its type byte overwritten.
            # Opening the copy and reading its schema never touch it; only the walk does.
            offset, _size = _page_of(conn, "events")
            _overwrite(partial, offset, b"\xff" * 8)
        elif what == "a page cut off":
            size = partial.stat().st_size
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            with partial.open("r+b") as file:
                file.truncate(size - page_size)
        else:  # an index lost (its pages go to the free list: the file keeps its size)
            conn.execute("DROP INDEX items_unit")
            conn.commit()

    _damage_copy(monkeypatch, damage)
    ledger = open_ledger(filled)
    folder = tmp_path / "备份"
    folder.mkdir()
    with pytest.raises(LedgerError, match=message):
        backup_service.backup(ledger, folder / "bad.db")
    ledger.close()
    assert list(folder.iterdir()) == []


def test_verify_finds_a_damaged_index(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    """An index page is not walked by default; --verify's quick_check reads it and refuses."""

    def damage(partial: Path, conn: sqlite3.Connection) -> None:
        offset, page_size = _page_of(conn, "items_unit")
        _overwrite(partial, offset + 8, b"\xa5" * (page_size - 8))  # header kept, cells gone

    _damage_copy(monkeypatch, damage)
    result = run("backup", tmp_path / "v.db", "--verify")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误: 备份校验未通过：副本已损坏（SQLite 检查发现：")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "v.db").exists()


WRITER = """
import os, sys
from pathlib import Path
from ledger.casework import actions
from ledger.store.ledger_file import open_ledger
ledger = open_ledger(sys.argv[1])
stop = Path(sys.argv[2])
n = 0
while not stop.exists():
    n += 1
    number = actions.add(ledger, f"夜话第{n}件", community="铁塔寺社区").item["number"]
    actions.assign(ledger, number, "住建局")
print(n)
"""


@pytest.mark.slow  # a second process writing meanwhile
def test_backup_while_another_process_writes(filled: Path, tmp_path: Path) -> None:
    """Another process keeps adding and assigning items; every copy is whole and consistent."""
    stop = tmp_path / "stop"
    env = {**os.environ, "LEDGER_NOW": "2026-11-26T09:00:00"}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(filled), str(stop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    copies = []
    try:
        deadline = time.monotonic() + 60
        while _count(filled) < 2 + 20:  # wait until the writer is well under way
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.05)
        ledger = open_ledger(filled)
        for index in range(4):
            copies.append(backup_service.backup(ledger, tmp_path / f"copy{index}.db"))
        ledger.close()
        assert writer.poll() is None  # the writer was still writing through every backup
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    written = int(out)
    previous = 0
    for result in copies:
        conn = sqlite3.connect(result.path)
        report = check(conn)
        count = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        conn.close()
        assert report.ok, report.problems
        assert result.report.ok
        # A snapshot: at least the 20 written before, never a half-written item (the check
        # above), never fewer than an earlier copy, never more than were written in the end.
        assert 2 + 20 <= count <= 2 + written
        assert count >= previous
        assert count == result.counts["items"]
        previous = count
    assert _count(filled) == 2 + written


def _count(path: Path) -> int:
    conn = sqlite3.connect(path, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    finally:
        conn.close()
