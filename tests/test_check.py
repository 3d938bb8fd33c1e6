"""``ledger check``: a sound ledger passes; each kind of damage is found, named, and exits 1.

The damage is done the way a careless tool would do it — SQL straight on the file, behind the
ledger's back — and the check must notice it.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.io.check import CheckOutcome, _numbers, _unique_columns, check
from ledger.store.ledger_file import Ledger

Run = Callable[..., Result]


@pytest.fixture
def worked(places: Ledger, db_path: Path) -> Path:
    """Three items: 1 已办结 (4 events), 2 办理中 (2 events), 3 待分办 (1 event)."""
    ledger = places
    actions.add(
        ledger,
        "楼道灯不亮",
        community="铁塔寺社区",
        category="基础设施",
        raised_on=date(2026, 11, 24),
    )
    actions.assign(ledger, 1, "住建局", at=datetime(2026, 11, 24, 10, 0))
    actions.progress(ledger, 1, "已派人查看", at=datetime(2026, 11, 25, 9, 0))
    actions.resolve(ledger, 1, "已更换灯泡", at=datetime(2026, 11, 25, 15, 0))
    actions.add(ledger, "垃圾清运不及时", community="财工街社区")
    actions.assign(ledger, 2, "扈师傅维修队")
    actions.add(ledger, "噪音扰民", community="礼乐社区")
    ledger.close()
    return db_path


def tamper(path: Path, *statements: str) -> None:
    """Change the file behind the ledger's back (foreign keys off, as a stray tool would)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def test_sound_ledger_passes(worked: Path, run: Run) -> None:
    result = run("check")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for label in (
        "文件完整性（integrity_check）",
        "关联完整性（foreign_key_check）",
        "编号唯一",
        "问题当前状态与办理记录一致",
        "最后办理时间与办理记录一致",
    ):
        line = next(line for line in out.splitlines() if label in line)
        assert "通过" in line, line
    # 3 items; events 4 + 2 + 1 = 7
    assert "共核对 3 件问题、7 条办理记录。" in out
    assert "结论：台账完好。" in out


def test_tampered_status_is_found(worked: Path, run: Run) -> None:
    tamper(worked, "UPDATE items SET status = 'closed' WHERE number = 2")
    result = run("check")
    assert result.exit_code == 1
    out = result.stdout
    assert "问题 2：状态为“已归档”，按办理记录应为“办理中”" in out
    line = next(line for line in out.splitlines() if "问题当前状态与办理记录一致" in line)
    assert "✗ 1 处" in line
    assert "发现 1 处问题" in out
    assert "结论：台账有问题" in out


def test_tampered_fields_and_last_event_time(worked: Path, run: Run) -> None:
    tamper(
        worked,
        "UPDATE items SET result = '未处理', reopen_count = 3 WHERE number = 1",
        "UPDATE items SET last_event_at = '2026-01-01T00:00:00' WHERE number = 3",
    )
    result = run("check")
    assert result.exit_code == 1
    out = result.stdout
    assert (
        "问题 1：办理结果为“未处理”，按办理记录应为“已更换灯泡”；重办次数为“3”，按办理记录应为“0”"
        in out
    )
    assert "问题 3：最后办理时间为 2026-01-01T00:00:00" in out
    assert "发现 2 处问题" in out


def test_dangling_foreign_key_is_found(worked: Path, run: Run) -> None:
    # The unit 扈师傅维修队 (id 3) is removed although item 2 is assigned to it.
    tamper(worked, "DELETE FROM units WHERE name = '扈师傅维修队'")
    result = run("check")
    assert result.exit_code == 1
    out = result.stdout
    assert "问题 2 引用的承办单位不存在" in out
    line = next(line for line in out.splitlines() if "关联完整性" in line)
    assert "✗ 1 处" in line


def test_event_of_a_missing_item_is_found(worked: Path, run: Run) -> None:
    tamper(
        worked,
        "INSERT INTO events (uid, item_id, action, at, recorded_at, actor, changes) "
        "VALUES ('x1', 99, 'remind', '2026-11-26T08:00:00', '2026-11-26T08:00:00', '某人', '{}')",
    )
    result = run("check")
    assert result.exit_code == 1
    # Found on the pass over the items (7 events before it: the new one is the 8th row).
    assert "办理记录（内部ID 8）引用的问题不存在（已被删除或被改动）" in result.stdout


def test_item_without_events_is_found(worked: Path, run: Run) -> None:
    tamper(
        worked,
        "INSERT INTO items (uid, number, title, community_id, source, category, scale, status, "
        "raised_on, last_event_at) SELECT 'u9', 9, '手工插入', community_id, 'visit', 'other', "
        "'small', 'raised', '2026-11-26', '2026-11-26T08:00:00' FROM items WHERE number = 3",
    )
    result = run("check")
    assert result.exit_code == 1
    assert "问题 9 没有任何办理记录" in result.stdout


def test_damaged_file_is_found(worked: Path, run: Run, tmp_path: Path) -> None:
    """Garbage over pages 3–8 (page 1, the schema, intact): SQLite's own check fails."""
    conn = sqlite3.connect(worked)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(worked.read_bytes())
    for offset in range(page_size * 2, min(len(data), page_size * 8), 7):
        data[offset] = 0xA5
    worked.write_bytes(bytes(data))
    result = run("check")
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    out = result.stdout
    line = next(line for line in out.splitlines() if "文件完整性" in line)
    assert "✗" in line
    # The ledger checks would read garbage: they are shown as not run, not as passed.
    line = next(line for line in out.splitlines() if "问题当前状态与办理记录一致" in line)
    assert "未检查（文件已损坏）" in line
    assert "SQLite 检查发现：" in out


def test_json_report(worked: Path, run: Run) -> None:
    tamper(worked, "UPDATE items SET status = 'raised' WHERE number = 1")
    result = run("check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["items"] == 3 and data["events"] == 7
    assert data["checks"] == {
        "integrity": 0,
        "foreign_keys": 0,
        "numbers": 0,
        "state": 1,
        "last_event": 0,
        "search": 0,
        "registry": 0,
    }
    assert data["problems"] == [
        {"kind": "state", "message": "问题 1：状态为“待分办”，按办理记录应为“已办结”"}
    ]


def test_many_problems_are_counted_not_all_listed(worked: Path) -> None:
    """A badly damaged ledger: every problem counted, the first 20 described."""
    conn = sqlite3.connect(worked, isolation_level=None)
    conn.execute("BEGIN")
    for number in range(10, 40):  # 30 items without events
        conn.execute(
            "INSERT INTO items (uid, number, title, community_id, source, category, scale, "
            "status, raised_on, last_event_at) VALUES (?, ?, 't', 3, 'visit', 'other', 'small', "
            "'raised', '2026-11-26', '2026-11-26T08:00:00')",
            (f"u{number}", number),
        )
    conn.execute("COMMIT")
    report = check(conn)
    conn.close()
    assert report.counts["state"] == 30
    assert len(report.problems) == 20


def test_not_a_ledger_and_newer_version(tmp_path: Path, run: Run) -> None:
    text = tmp_path / "notes.db"
    text.write_text("这不是数据库" * 200, encoding="utf-8")
    result = run("check", "--db", text)
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("错误: ")
    assert len(result.stderr.strip().splitlines()) == 1

    newer = tmp_path / "newer.db"
    run("init", "--db", newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    result = run("check", "--db", newer)
    assert result.exit_code == 1
    assert "更新版本" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _numbered_tables(conn: sqlite3.Connection, *, unique: bool) -> None:
    """The numbered tables as an old or damaged file may hold them: with or without their
    unique indexes, each with one duplicate, written by hand."""
    flag = "UNIQUE" if unique else ""
    for table in ("areas", "units", "meetings", "items", "events"):
        numbered = table in ("meetings", "items")
        number = f", number INTEGER {flag}" if numbered else ""
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, uid TEXT {flag}{number})")
    if unique:
        return
    for table in ("areas", "units", "events"):
        conn.executemany(f"INSERT INTO {table}(uid) VALUES (?)", [("u1",), ("u1",), ("u2",)])
    for table in ("meetings", "items"):
        conn.executemany(
            f"INSERT INTO {table}(uid, number) VALUES (?, ?)", [("a", 7), ("b", 7), ("c", 8)]
        )


@pytest.mark.parametrize("quick", [False, True])
def test_duplicate_numbers_are_counted_without_unique_indexes(quick: bool) -> None:
    conn = sqlite3.connect(":memory:")
    _numbered_tables(conn, unique=False)
    report = CheckOutcome()
    _numbers(conn, report, quick=quick)
    assert [p.message for p in report.problems] == [
        "问题编号 7 重复（2 条）",
        "会议编号 7 重复（2 条）",
        "区划唯一编号 u1 重复（2 条）",
        "承办单位唯一编号 u1 重复（2 条）",
        "办理记录唯一编号 u1 重复（2 条）",
    ]


def test_unique_indexes_are_found() -> None:
    """SQLite's full check reports a duplicate in a unique index: those columns are not
    counted again (its quick check does not, so there they are)."""
    conn = sqlite3.connect(":memory:")
    _numbered_tables(conn, unique=True)
    conn.execute("CREATE UNIQUE INDEX items_pair ON items(uid, number)")
    conn.execute("CREATE UNIQUE INDEX events_some ON events(uid) WHERE id > 10")
    assert _unique_columns(conn, "items") == {"uid", "number"}
    assert _unique_columns(conn, "events") == {"uid"}  # the constraint's, not the partial one
    conn.execute("CREATE TABLE plain (id INTEGER PRIMARY KEY, uid TEXT)")
    conn.execute("CREATE UNIQUE INDEX plain_some ON plain(uid) WHERE id > 10")
    assert _unique_columns(conn, "plain") == set()


def test_a_duplicate_in_a_unique_index_is_found_by_the_full_check(tmp_path: Path) -> None:
    path = tmp_path / "dup.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE units (id INTEGER PRIMARY KEY, uid TEXT)")
    conn.execute("CREATE INDEX units_uid ON units(uid)")
    conn.executemany("INSERT INTO units(uid) VALUES (?)", [("u1",), ("u1",)])
    # Made unique behind SQLite's back, as damage to the file would.
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE UNIQUE INDEX units_uid ON units(uid)' "
        "WHERE name = 'units_uid'"
    )
    conn.execute("PRAGMA writable_schema = OFF")
    conn.close()
    conn = sqlite3.connect(path)
    assert _unique_columns(conn, "units") == {"uid"}
    report = check(conn)
    assert report.counts["integrity"] == 1
    assert [p.message for p in report.problems] == [
        "SQLite 检查发现：non-unique entry in index units_uid"
    ]


def test_events_of_an_item_removed_between_others_are_found(worked: Path, run: Run) -> None:
    # Item 2 (events 5 and 6: item 1 has 1–4) removed; items 1 and 3 are still there.
    tamper(worked, "DELETE FROM items WHERE number = 2")
    result = run("check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["checks"]["foreign_keys"] == 2
    assert [p["message"] for p in report["problems"] if p["kind"] == "foreign_keys"] == [
        "办理记录（内部ID 5）引用的问题不存在（已被删除或被改动）",
        "办理记录（内部ID 6）引用的问题不存在（已被删除或被改动）",
    ]
    assert report["items"] == 2 and report["events"] == 7


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE items SET community_id = 999 WHERE number = 1", "问题 1 引用的区划不存在"),
        ("UPDATE items SET place_id = 998 WHERE number = 2", "问题 2 引用的区划不存在"),
        ("UPDATE items SET meeting_id = 77 WHERE number = 3", "问题 3 引用的会议不存在"),
        ("UPDATE items SET category = 'nosuch' WHERE number = 1", "问题 1 引用的问题类别不存在"),
        ("UPDATE items SET category = 'ROAD' WHERE number = 1", "问题 1 引用的问题类别不存在"),
        ("UPDATE items SET unit_id = 55 WHERE number = 3", "问题 3 引用的承办单位不存在"),
        ("UPDATE items SET repeat_of = 42 WHERE number = 2", "问题 2 引用的问题不存在"),
    ],
)
def test_each_reference_of_an_item_is_checked(
    worked: Path, run: Run, statement: str, message: str
) -> None:
    """The items' references are gathered on the pass; one that is not there is described
    as SQLite's own foreign-key check finds it (with the row's state also wrong: the change
    was made behind the ledger's back)."""
    tamper(worked, statement)
    result = run("check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [p["message"] for p in report["problems"] if p["kind"] == "foreign_keys"] == [
        f"{message}（已被删除或被改动）"
    ]


def test_search_problems_read_at_80_columns(
    worked: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One line describes every differing entry: nothing is said to be left unlisted, and the
    command that repairs the index is printed whole on a line of its own."""
    tamper(worked, "UPDATE search SET body = 'x' WHERE rowid IN (1, 2, 3)")
    monkeypatch.setenv("COLUMNS", "80")
    result = run("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "  · 全文检索索引有 3 件问题与内容不符（问题 1、2、3）" in lines
    assert "    可用 ledger check --repair 重建索引" in lines
    assert "未列出" not in result.stdout
    assert "请先用 ledger backup 保存一份副本，再联系技术人员处理；不要手工修改台账文件。" in lines
    assert max(map(_columns, lines)) <= 80


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_a_referenced_table_dropped_is_described_as_sqlite_finds_it(worked: Path, run: Run) -> None:
    """The items' references are looked up in their tables; a table that is gone leaves the
    items to SQLite's own foreign-key check, not a crash."""
    tamper(worked, "DROP TABLE categories")
    result = run("check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [p["message"] for p in report["problems"] if p["kind"] == "foreign_keys"] == [
        f"问题 {number} 引用的问题类别不存在（已被删除或被改动）" for number in (1, 2, 3)
    ]


@pytest.fixture
def renamed(places: Ledger, db_path: Path) -> Path:
    """A unit renamed twice and edited, a compound renamed (registry events 1–4)."""
    from ledger.registry import areas, units

    units.rename(places, "住建局", "甲", at=date(2026, 11, 1))
    units.rename(places, "甲", "区住建局", at=date(2026, 11, 5))
    units.edit(places, "区住建局", phone="13812345678", at=date(2026, 11, 6))
    areas.rename(places, "铁塔寺小区", "铁塔寺新村", at=date(2026, 11, 7))
    places.close()
    return db_path


def test_registry_rows_agree_with_their_history(renamed: Path, run: Run) -> None:
    result = run("check", "--json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["checks"]["registry"] == 0
    line = next(line for line in run("check").stdout.splitlines() if "修改记录一致" in line)
    assert "区划、单位、会议与修改记录一致" in line and "通过" in line


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        # A row changed behind the ledger's back: its value is not its history's last.
        (
            "UPDATE units SET name = '住建局' WHERE name = '区住建局'",
            "承办单位 住建局：名称为“住建局”，按修改记录应为“区住建局”",
        ),
        (
            "UPDATE units SET phone = NULL WHERE name = '区住建局'",
            "承办单位 区住建局：电话为“空”，按修改记录应为“13812345678”",
        ),
        (
            "UPDATE areas SET name = '铁塔寺小区' WHERE name = '铁塔寺新村'",
            "区划 铁塔寺小区：名称为“铁塔寺小区”，按修改记录应为“铁塔寺新村”",
        ),
        # An event changed: the next one no longer starts where it ended.
        (
            """UPDATE registry_events SET changes = '{"name": ["住建局", "乙"]}' WHERE id = 1""",
            "承办单位 区住建局 的修改记录前后不接：名称改为“乙”后，下一条从“甲”改起",
        ),
        (
            "UPDATE registry_events SET changes = 'x' WHERE id = 3",
            "承办单位 区住建局 有一条修改记录无法解析",
        ),
        (
            "UPDATE registry_events SET entity_id = 99 WHERE id = 4",
            "区划修改记录（内部ID 4）所改的区划不存在",
        ),
    ],
)
def test_registry_rows_against_their_history(
    renamed: Path, run: Run, statement: str, message: str
) -> None:
    tamper(renamed, statement)
    result = run("check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [p["message"] for p in report["problems"] if p["kind"] == "registry"] == [message]
