"""An import indexes its items for search in the same transaction, in bulk: every word a
clerk would look for (title, place, reporter, a progress note, a result) finds the imported
item at once, the index agrees with the items as ``ledger check`` computes them, and the
triggers that the bulk load sets aside are back afterwards."""

from __future__ import annotations

from pathlib import Path

from import_fixtures import csv_file, prepare
from ledger.io.importer import import_items
from ledger.store import fulltext
from ledger.store.ledger_file import Ledger
from ledger.views import search

ROWS = [
    ["反映时间", "社区", "小区", "楼栋", "反映人", "问题描述", "责任单位", "办理情况"],
    ["2026-03-05", "铁塔寺社区", "铁塔寺小区", "1号楼", "王秀兰", "楼顶漏水", "住建局",
     "正在办理，已进场勘查"],
    ["2026-03-06", "财工街社区", None, None, "赵德明", "路灯不亮", "住建局", "已更换灯泡"],
    ["2026-03-09", "铁塔寺社区", "铁塔寺小区", "2号楼", "孙立华", "2号楼楼道堆放杂物", None,
     None],
]  # fmt: skip


def numbers(ledger: Ledger, text: str) -> list[int]:
    return sorted(item["number"] for item in search.search(ledger, text).items)


def test_imported_items_are_found_by_every_field(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    report = import_items(ledger, csv_file(tmp_path / "台账.csv", ROWS))
    assert report.new == 3
    assert numbers(ledger, "漏水") == [1]  # title
    assert numbers(ledger, "勘查") == [1]  # the progress note kept from 办理情况
    assert numbers(ledger, "灯泡") == [2]  # the result
    assert numbers(ledger, "秀兰") == [1]  # reporter
    assert numbers(ledger, "铁塔寺小区") == [1, 3]  # compound
    assert numbers(ledger, "2号楼") == [3]  # building (and the title)
    assert numbers(ledger, "财工") == [2]  # community
    assert fulltext.disagreements(ledger.conn) == (0, [])
    assert ledger.conn.execute("SELECT count(*) FROM search_dirty").fetchone()[0] == 0
    triggers = {
        row[0]
        for row in ledger.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    assert {"search_item_insert", "search_event_insert"} <= triggers


def test_an_item_typed_after_an_import_is_indexed_by_its_triggers(
    ledger: Ledger, tmp_path: Path
) -> None:
    from ledger.casework import actions

    prepare(ledger)
    import_items(ledger, csv_file(tmp_path / "台账.csv", ROWS))
    actions.add(ledger, "电梯异响", community="铁塔寺社区")
    assert numbers(ledger, "电梯") == [4]
    assert fulltext.disagreements(ledger.conn) == (0, [])
