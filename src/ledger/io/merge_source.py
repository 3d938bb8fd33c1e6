"""The other file of a merge: opened read-only and checked, read as rows, its free text cleaned as if typed here."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ledger.domain.dates import china_time, iso
from ledger.domain.errors import LedgerError, NotALedger
from ledger.store.ledger_file import Ledger, check_identity

# Keys of an event's ``changes`` (and item columns) that hold ids of another table.
AREA_KEYS = ("community_id", "place_id")
MEETING_FIELDS = ("kind", "held_on", "community_id", "place_id", "host", "attendees", "note")
# Free text in the other file is cleaned as if typed here (ledger.domain.text): field → (kind, label).
ITEM_TEXT = {
    "title": ("title", "问题描述"),
    "reporter": ("person", "反映人"),
    "result": ("note", "办理结果"),
    "reply_text": ("note", "答复内容"),
    "last_progress": ("note", "进展说明"),
}
EVENT_TEXT = {"note": ("note", "备注"), "actor": ("person", "记录人")}
# An event's inputs (params) carry the same texts under the actions' own keys.
PARAMS_TEXT = {**ITEM_TEXT, "text": ("note", "内容")}
MEETING_TEXT = {"host": ("person", "主持人"), "note": ("note", "会议记录")}
UNIT_TEXT = {"contact": ("person", "联系人")}


def open_source(path: Path, target: Ledger) -> sqlite3.Connection:
    """Open another ledger file read-only, refusing what cannot be merged with one line."""
    if not path.exists():
        raise LedgerError(f"找不到文件“{path}”")
    if path.is_dir():
        raise NotALedger(f"“{path}”是一个文件夹，不是台账文件")
    if target.path is not None and target.path.exists() and path.samefile(target.path):
        raise LedgerError(f"“{path}”就是当前台账，不能合并到它自己")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as error:
        raise NotALedger(f"无法打开“{path}”") from error
    try:
        check_identity(conn, path)  # not a ledger, or from a newer version: one line
        present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except BaseException:
        conn.close()
        raise
    if not {"items", "events", "areas"} <= present:
        conn.close()
        raise NotALedger(f"“{path}”不是台账文件（是空文件或别的数据库）")
    return conn


def columns_of(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def rows_as_dicts(
    conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()
) -> Iterator[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def canonical_time(value: Any) -> Any:
    """A stored time with an offset (written by an older version under an aware LEDGER_NOW)
    in the one stored form, China time without an offset."""
    if not isinstance(value, str) or len(value) <= 19:
        return value
    try:
        return iso(china_time(datetime.fromisoformat(value)))
    except ValueError:
        return value
