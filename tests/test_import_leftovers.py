"""Issue 10's leftovers, each as a clerk reads the sheet (expected values written by hand):

- a month-day deadline (5月29日前) takes the year of the row's raised date, the next year when
  its month comes before the raised month; one whose year cannot be told (the same month,
  an earlier day) is reported, never guessed;
- a meeting's line spread over several cells of one row (6月3日 | 每周夜话 | 主持人：李建忠 |
  参会23人) starts a meeting as the merged one does; a data row that merely names 夜话 in its
  source column does not.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from import_fixtures import csv_file, items, prepare, xlsx
from ledger.io.importer import ImportRefused, import_items
from ledger.store.ledger_file import Ledger

DUE_HEADER = ["反映时间", "社区", "问题描述", "办理时限"]


def test_a_month_day_deadline_takes_the_raised_year(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    rows = [
        DUE_HEADER,
        ["2026-05-20", "铁塔寺社区", "楼道灯不亮", "5月29日前"],  # same year: 2026-05-29
        ["2025-12-28", "铁塔寺社区", "暖气不热", "1月5日前"],  # January after December: 2026
        ["2026-03-02", "铁塔寺社区", "井盖松动", "3月2日"],  # the day itself
    ]
    report = import_items(ledger, csv_file(tmp_path / "时限.csv", rows))
    assert report.problems == []
    assert [(i["title"], i["raised_on"], i["due_on"]) for i in items(ledger)] == [
        ("楼道灯不亮", "2026-05-20", "2026-05-29"),
        ("暖气不热", "2025-12-28", "2026-01-05"),
        ("井盖松动", "2026-03-02", "2026-03-02"),
    ]


def test_a_deadline_whose_year_cannot_be_told_is_reported(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    rows = [DUE_HEADER, ["2026-05-20", "铁塔寺社区", "楼道灯不亮", "5月12日前"]]
    with pytest.raises(ImportRefused) as refused:
        import_items(ledger, csv_file(tmp_path / "时限.csv", rows))
    [problem] = refused.value.report.problems
    assert (problem.row, problem.column) == (2, "D列“办理时限”")
    assert problem.message == (
        "办理时限“5月12日前”没有写年份，早于反映日期 2026-05-20，"
        "无法确定是哪一年；请写明年份（如 2026年5月12日）"
    )
    assert items(ledger) == []


MINUTES_HEADER = ["序号", "反映人", "反映问题", "来源", "责任单位"]


def test_a_meeting_line_over_several_cells_starts_a_meeting(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    rows: list[list[object]] = [
        ["铁塔寺社区2026年每周夜话问题记录"],
        MINUTES_HEADER,
        ["6月3日", "每周夜话", "主持人：李建忠", "参会23人"],
        [1, "王秀兰", "1号楼单元门禁损坏", None, "住建局"],
        # Excel turned 6月10日 into a date (its year is the year it was typed).
        [datetime(2026, 6, 10), "每周夜话", "主持人：张伟", "参会18人"],
        [2, "孙立华", "楼道堆放杂物", None, None],
        # A row of the table that names 夜话 in its source column is no meeting line.
        [3, "赵德明", "2号楼下水道返味", "每周夜话", "住建局"],
    ]
    path = xlsx(tmp_path / "夜话记录.xlsx", rows, merges=["A1:E1"])
    report = import_items(ledger, path)
    assert report.problems == []
    held = dict(ledger.conn.execute("SELECT id, held_on FROM meetings").fetchall())
    hosts = ledger.conn.execute(
        "SELECT held_on, host, attendees, kind FROM meetings ORDER BY held_on"
    ).fetchall()
    assert hosts == [
        ("2026-06-03", "李建忠", 23, "night_talk"),
        ("2026-06-10", "张伟", 18, "night_talk"),
    ]
    assert [
        (i["title"], i["raised_on"], held.get(i["meeting_id"]), i["source"]) for i in items(ledger)
    ] == [
        ("1号楼单元门禁损坏", "2026-06-03", "2026-06-03", "night_talk"),
        ("楼道堆放杂物", "2026-06-10", "2026-06-10", "night_talk"),
        ("2号楼下水道返味", "2026-06-10", "2026-06-10", "night_talk"),
    ]


def test_a_community_written_after_its_subdistrict(ledger: Ledger, tmp_path: Path) -> None:
    # 古槐街道铁塔寺社区 (no slash) is read as ledger add --community reads it.
    prepare(ledger)
    rows = [
        DUE_HEADER,
        ["2026-05-20", "古槐街道铁塔寺社区", "楼道灯不亮", None],
        ["2026-05-21", "济阳街道财工街社区", "暖气不热", None],
    ]
    report = import_items(ledger, xlsx(tmp_path / "街道社区.xlsx", rows))
    assert report.problems == []
    assert [(i["title"], i["community"]) for i in items(ledger)] == [
        ("楼道灯不亮", "铁塔寺社区"),
        ("暖气不热", "财工街社区"),
    ]
