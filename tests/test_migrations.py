"""Schema migrations: applied on open, recorded in the file, never run twice; a file from a
newer version is refused and left exactly as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils

from ledger.domain.errors import NotALedger
from ledger.store import ledger_file, migrations
from ledger.store.ledger_file import open_ledger
from ledger.store.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

Snapshot = Callable[[Path], dict[str, object]]


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_fresh_file_reaches_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "new" / "ledger.db"  # the folder is created too
    ledger = open_ledger(path, create=True)
    try:
        conn = ledger.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID == 0x4C444752
        recorded = conn.execute(
            "SELECT version, name, applied_at FROM migrations ORDER BY version"
        ).fetchall()
        assert [(v, n) for v, n, _ in recorded] == [
            (version, name) for version, (name, _) in enumerate(MIGRATIONS, start=1)
        ]
        assert recorded[0][:2] == (1, "001_initial")
        assert {at for _, _, at in recorded} == {"2026-11-26T09:00:00"}  # the fixed clock
        # docs/storage.md: WAL, synchronous=FULL (2), foreign keys on, a busy timeout.
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert {"settings", "categories", "areas", "units", "meetings", "items", "events"} <= tables
        # The eleven built-in categories (docs/domain.md).
        assert [row[0] for row in conn.execute("SELECT label FROM categories ORDER BY position")] == [
            "基础设施", "环境卫生", "物业管理", "绿化", "停车", "邻里纠纷",
            "安全隐患", "治安", "政策咨询", "为民代办", "其他",
        ]  # fmt: skip
    finally:
        ledger.close()


def test_foreign_keys_are_enforced(ledger: ledger_file.Ledger) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        ledger.conn.execute(
            "INSERT INTO units(uid, name, kind, area_id, created_at) VALUES ('u', 'x', 'person', 999, 'now')"
        )


def test_reopening_is_a_no_op(db_path: Path, snapshot: Snapshot) -> None:
    open_ledger(db_path, create=True).close()
    before = snapshot(db_path)
    ledger = open_ledger(db_path)
    try:
        assert migrations.migrate(ledger.db) == []  # nothing pending
        count = ledger.conn.execute("SELECT count(*) FROM migrations").fetchone()[0]
        assert count == SCHEMA_VERSION
    finally:
        ledger.close()
    assert snapshot(db_path) == before


def test_old_file_is_upgraded_keeping_its_data(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file made when only 001_initial existed gets every later migration, data intact."""
    with monkeypatch.context() as old_version:
        old_version.setattr(migrations, "MIGRATIONS", MIGRATIONS[:1])
        old_version.setattr(ledger_file, "SCHEMA_VERSION", 1)
        old = open_ledger(db_path, create=True)
        old.conn.execute(
            "INSERT INTO areas(id, uid, parent_id, level, name, path, created_at) VALUES "
            "(1, 'a1', NULL, 'county', '任城区', '任城区', '2026-06-01T08:00:00'),"
            "(2, 'a2', 1, 'subdistrict', '古槐街道', '任城区/古槐街道', '2026-06-01T08:00:00'),"
            "(3, 'a3', 2, 'community', '铁塔寺社区', '任城区/古槐街道/铁塔寺社区',"
            " '2026-06-01T08:00:00')"
        )
        old.conn.execute(
            "INSERT INTO items(uid, number, title, community_id, source, category, scale, status,"
            " raised_on, due_on, last_event_at) VALUES ('i1', 1, '楼道灯不亮', 3, 'visit',"
            " 'infrastructure', 'small', 'raised', '2026-06-24', '2026-06-29',"
            " '2026-06-24T20:00:00')"
        )
        assert old.conn.execute("PRAGMA user_version").fetchone()[0] == 1
        old.close()

    ledger = open_ledger(db_path)
    try:
        assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        versions = [row[0] for row in ledger.conn.execute("SELECT version FROM migrations")]
        assert versions == list(range(1, SCHEMA_VERSION + 1))
        title, community = ledger.conn.execute(
            "SELECT i.title, a.name FROM items i JOIN areas a ON a.id = i.community_id"
        ).fetchone()
        assert (title, community) == ("楼道灯不亮", "铁塔寺社区")
    finally:
        ledger.close()


def test_failed_migration_leaves_the_file_at_the_previous_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_ledger(db_path, create=True).close()

    def broken(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, ("999_broken", broken)])
    monkeypatch.setattr(ledger_file, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(RuntimeError):
        open_ledger(db_path)
    conn = _raw(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT max(version) FROM migrations").fetchone()[0] == SCHEMA_VERSION
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in tables  # the whole migration was rolled back
    finally:
        conn.close()


def test_newer_file_is_refused_untouched(db_path: Path, snapshot: Snapshot) -> None:
    open_ledger(db_path, create=True).close()
    conn = _raw(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = snapshot(db_path)
    with pytest.raises(NotALedger) as refused:
        open_ledger(db_path)
    assert str(refused.value) == (
        f"“{db_path}”由更新版本的 ledger 创建（结构版本 {SCHEMA_VERSION + 1}，"
        f"本程序支持到 {SCHEMA_VERSION}），请升级 ledger 后再打开；文件未作任何改动"
    )
    assert snapshot(db_path) == before


def test_another_programs_database_is_not_migrated(tmp_path: Path, snapshot: Snapshot) -> None:
    path = tmp_path / "other.sqlite"
    conn = _raw(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = snapshot(path)
    with pytest.raises(NotALedger):
        open_ledger(path)
    assert snapshot(path) == before


def test_empty_file_is_initialised(tmp_path: Path) -> None:
    """A zero-byte file (e.g. made by `touch`) is set up by `ledger init` (create=True) only;
    every other command refuses it (tests/test_edges.py)."""
    path = tmp_path / "ledger.db"
    path.touch()
    ledger = open_ledger(path, create=True)
    try:
        assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        ledger.close()
