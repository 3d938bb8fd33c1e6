"""Helpers for the import tests: small real workbooks and CSV files built in the test, the
ledger they are imported into, and reading back what the import wrote.

The ledger (``prepare``): 任城区/古槐街道/铁塔寺社区 with 铁塔寺小区 and its 1号楼, 2号楼;
任城区/济阳街道/财工街社区 with 新兴小区西区; units 住建局 (职能部门, no area) and
铁塔寺小区红色物业 (物业, in 铁塔寺社区). The clock is Thursday 2026-11-26 09:00 (conftest).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ledger.domain.lifecycle import STATE_FIELDS, replay
from ledger.registry import areas, units
from ledger.store.ledger_file import Ledger

# The header most tests use; rows below are lists in this order.
HEADER = ["序号", "反映时间", "社区", "反映人", "联系电话", "问题描述", "责任单位", "状态"]


def prepare(ledger: Ledger) -> Ledger:
    """The places and units the fixtures name."""
    areas.add_path(ledger, "任城区/古槐街道/铁塔寺社区/铁塔寺小区/1号楼")
    areas.add_path(ledger, "任城区/古槐街道/铁塔寺社区/铁塔寺小区/2号楼")
    areas.add_path(ledger, "任城区/济阳街道/财工街社区/新兴小区西区")
    units.add(ledger, "住建局", "department")
    units.add(ledger, "铁塔寺小区红色物业", "property", area="铁塔寺社区")
    return ledger


def xlsx(
    path: Path,
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "台账",
    merges: Iterable[str] = (),
    formats: dict[str, str] | None = None,
    more: dict[str, Iterable[Sequence[Any]]] | None = None,
) -> Path:
    """A real .xlsx written by openpyxl: rows from A1 down, then merged ranges and number
    formats (cell → format), and further sheets after the first."""
    workbook = Workbook()
    first = workbook.active
    first.title = sheet
    for row in rows:
        first.append(list(row))
    for cells in merges:
        first.merge_cells(cells)
    for cell, number_format in (formats or {}).items():
        first[cell].number_format = number_format
    for name, extra in (more or {}).items():
        other = workbook.create_sheet(name)
        for row in extra:
            other.append(list(row))
    workbook.save(path)
    return path


def csv_file(path: Path, rows: Iterable[Sequence[Any]], encoding: str = "utf-8") -> Path:
    """A CSV file as Excel saves one (CRLF), in ``encoding`` (utf-8-sig for a BOM)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def items(ledger: Ledger) -> list[dict[str, Any]]:
    """Every item with community, place and unit names, by number."""
    cursor = ledger.conn.execute(
        "SELECT i.*, c.name AS community, p.name AS place, u.name AS unit FROM items i "
        "JOIN areas c ON c.id = i.community_id LEFT JOIN areas p ON p.id = i.place_id "
        "LEFT JOIN units u ON u.id = i.unit_id ORDER BY i.number"
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def history(ledger: Ledger, number: int) -> list[tuple[str, str, dict[str, Any]]]:
    """An item's events as (action, at, changes), oldest first."""
    rows = ledger.conn.execute(
        "SELECT e.action, e.at, e.changes FROM events e JOIN items i ON i.id = e.item_id "
        "WHERE i.number = ? ORDER BY e.seq, e.id",
        (number,),
    ).fetchall()
    return [(action, at, json.loads(changes)) for action, at, changes in rows]


def count(ledger: Ledger, table: str) -> int:
    return int(ledger.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def assert_rows_replay(ledger: Ledger) -> int:
    """Every item row equals the replay of its events; returns how many items there are.

    The events' ``changes`` are also exactly what json.dumps(…, ensure_ascii=False,
    sort_keys=True) writes, as for events the core records.
    """
    checked = 0
    for item in ledger.conn.execute("SELECT id FROM items"):
        item_id = item[0]
        cursor = ledger.conn.execute("SELECT * FROM items WHERE id = ?", (item_id,))
        names = [d[0] for d in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
        changes = [
            c[0]
            for c in ledger.conn.execute(
                "SELECT changes FROM events WHERE item_id = ? AND withdrawn = 0 "
                "AND action NOT IN ('undo', 'redo') ORDER BY seq",
                (item_id,),
            )
        ]
        for text in changes:
            assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)
        state = replay(changes)
        assert {f: row[f] for f in STATE_FIELDS} == state, row["number"]
        last = ledger.conn.execute(
            "SELECT max(at) FROM events WHERE item_id = ? AND withdrawn = 0 "
            "AND action NOT IN ('undo', 'redo')",
            (item_id,),
        ).fetchone()[0]
        assert row["last_event_at"] == last
        checked += 1
    return checked
