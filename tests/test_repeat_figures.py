"""重复反映 and 重复率 in ``stats`` and on the monthly summary sheet, counted by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from typer.testing import Result

from cli_helpers import header, monthly_book
from ledger.casework import actions
from ledger.registry import areas as place_service
from ledger.store.ledger_file import Ledger

Run = Callable[..., Result]
SITE = {"community": "铁塔寺社区", "compound": "铁塔寺小区", "building": "3号楼"}


def build(ledger: Ledger) -> None:
    """October: 1 (the original). November in 铁塔寺社区: 3 and 6 are repeats of 1 (6 linked
    later), 4 is new, 5 was linked and unlinked. 财工街社区: 2 (October), 7 (November), new."""
    place_service.add_path(ledger, "任城区/古槐街道/铁塔寺社区/铁塔寺小区/3号楼")
    actions.add(ledger, "3号楼楼顶漏水", **SITE, raised_on=date(2026, 10, 13))  # 1
    actions.add(ledger, "垃圾清运不及时", community="财工街社区", raised_on=date(2026, 10, 20))
    actions.add(ledger, "3号楼楼顶又漏水了", **SITE, raised_on=date(2026, 11, 5), repeat_of=1)
    actions.add(ledger, "3号楼楼道灯坏了", **SITE, raised_on=date(2026, 11, 6))  # 4, new
    actions.add(ledger, "楼顶还在漏水", **SITE, raised_on=date(2026, 11, 9), repeat_of=1)  # 5
    actions.unlink(ledger, 5, at=datetime(2026, 11, 10, 9, 0))
    actions.add(ledger, "楼顶漏水严重", **SITE, raised_on=date(2026, 11, 20), new=True)  # 6
    actions.link(ledger, 6, 1, at=datetime(2026, 11, 25, 9, 0))
    actions.add(ledger, "垃圾桶破损", community="财工街社区", raised_on=date(2026, 11, 10))  # 7


def communities(run: Run, month: str) -> dict[str, dict]:
    result = run("stats", "--month", month, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {
        row["community"]: row
        for subdistrict in data["subdistricts"]
        for row in subdistrict["communities"]
    }


def test_stats_count_repeats_per_community(places: Ledger, run: Run) -> None:
    build(places)
    november = communities(run, "2026-11")
    # 铁塔寺社区: 3, 4, 5, 6 raised; 3 and 6 are repeats at the cut-off: 2 of 4.
    assert november["铁塔寺社区"]["raised"] == 4
    assert november["铁塔寺社区"]["repeats"] == 2
    assert november["铁塔寺社区"]["repeat_rate"] == 0.5
    # 财工街社区 (another subdistrict): 7 alone, no repeat.
    assert november["财工街社区"]["repeats"] == 0
    assert november["财工街社区"]["repeat_rate"] == 0.0
    october = communities(run, "2026-10")
    assert october["铁塔寺社区"]["repeats"] == 0  # the original is no repeat


def test_summary_sheet_has_the_columns(places: Ledger, run: Run, tmp_path: Path) -> None:
    build(places)
    book = monthly_book(run, tmp_path / "out", "2026-11", "古槐街道")
    # 重复反映 and 重复率 stand on the summary's second part (结转与会议), one A4 width each.
    more = book["结转与会议"]
    head, headers = header(more, "重复反映")
    row = next(
        r for r in range(head + 1, more.max_row + 1) if more.cell(r, 1).value == "铁塔寺社区"
    )
    assert more.cell(row, headers["重复反映"]).value == 2
    assert more.cell(row, headers["重复率"]).value == 0.5
    assert more.cell(row, headers["重复率"]).number_format.endswith("%")
    notes = " ".join(str(c.value) for line in book["汇总"].iter_rows() for c in line if c.value)
    assert "重复率 = 重复反映 / 受理数" in notes
    # 问题台账: which item each one repeats, as of the cut-off (5 was unlinked: none).
    detail = book["问题台账（登记与交办）"]
    top, titles = header(detail, "编号")
    number_col, repeat_col = titles["编号"], titles["重复反映（原编号）"]
    repeats = {
        detail.cell(r, number_col).value: detail.cell(r, repeat_col).value
        for r in range(top + 1, detail.max_row + 1)
        if isinstance(detail.cell(r, number_col).value, int)
    }
    assert repeats == {1: None, 3: "第 1 号", 4: None, 5: None, 6: "第 1 号"}  # 1: carried
