"""One transaction for the whole import: a 50,000-row file with a problem at row 25,000
writes nothing, and neither does a failure of the database itself while writing item
25,000; importing the same file twice adds nothing the second time (and says so)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from import_fixtures import assert_rows_replay, count, csv_file, items, prepare, xlsx
from ledger.casework import actions as item_service
from ledger.io.importer import ImportRefused, import_items
from ledger.store.ledger_file import Ledger

ROWS = 50_000
HEADER = [
    "序号",
    "登记日期",
    "所属社区",
    "群众姓名",
    "电话",
    "诉求内容",
    "承办单位",
    "办结日期",
    "办理状态",
]


def big_csv(path: Path, bad_row: int | None = None) -> Path:
    """50,000 matters of 2026-03, each 已办结 by 住建局 the day after it was raised; data row
    ``bad_row`` (counted from 1, so file row bad_row + 1) has a date that does not exist."""
    rows: list[list[object]] = [HEADER]
    for n in range(1, ROWS + 1):
        raised = date(2026, 3, 2) + timedelta(days=n % 20)
        community = "铁塔寺社区" if n % 2 else "财工街社区"
        rows.append(
            [n, raised.isoformat(), community, f"居民{n}", f"138{n:08d}", f"第{n}件：楼道灯不亮",
             "住建局", (raised + timedelta(days=1)).isoformat(), "已办结"]
        )  # fmt: skip
    if bad_row is not None:
        rows[bad_row][1] = "2026-02-30"
    return csv_file(path, rows, "gbk")


def schema(ledger: Ledger) -> list[tuple[str, str]]:
    return ledger.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
    ).fetchall()


@pytest.mark.slow  # 50,000 rows
def test_a_problem_at_row_25000_of_50000_writes_nothing(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    path = big_csv(tmp_path / "五万行.csv", bad_row=25_000)
    with pytest.raises(ImportRefused) as refused:
        import_items(ledger, path)
    [problem] = refused.value.report.problems
    # Data row 25,000 is file row 25,001 (the header is row 1).
    assert (problem.row, problem.column, problem.message) == (
        25_001, "B列“登记日期”", "日期“2026-02-30”不存在",
    )  # fmt: skip
    assert refused.value.report.checked == ROWS  # every row was checked
    assert (count(ledger, "items"), count(ledger, "events"), count(ledger, "import_keys")) == (
        0,
        0,
        0,
    )


@pytest.mark.slow  # 50,000 rows
def test_a_database_failure_while_writing_item_25000_leaves_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    prepare(ledger)
    item_service.add(ledger, "导入前已有的问题", community="铁塔寺社区")
    before = schema(ledger)
    path = big_csv(tmp_path / "五万行.csv")
    # Item 25,000 of the import gets number 25,001 (number 1 is taken): refuse that INSERT.
    ledger.conn.execute(
        "CREATE TEMP TRIGGER fail_midway BEFORE INSERT ON main.items "
        "WHEN NEW.number = 25001 BEGIN SELECT RAISE(ABORT, '磁盘出错（测试）'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="磁盘出错"):
        import_items(ledger, path)
    # Nothing of it: not the first 24,999 items, their events, keys, nor the dropped indexes.
    assert (count(ledger, "items"), count(ledger, "events"), count(ledger, "import_keys")) == (
        1,
        1,
        0,
    )
    assert schema(ledger) == before
    ledger.conn.execute("DROP TRIGGER fail_midway")
    report = import_items(ledger, path)
    assert (report.new, report.numbers) == (ROWS, (2, ROWS + 1))
    # 50,000 × (登记, 交办, 办结) = 150,000 events, plus the first item's one.
    assert (count(ledger, "items"), count(ledger, "events")) == (ROWS + 1, 3 * ROWS + 1)
    assert schema(ledger) == before  # the indexes rebuilt for the bulk load are all back
    assert ledger.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert ledger.conn.execute("PRAGMA foreign_key_check").fetchall() == []


# --- importing again ----------------------------------------------------------------------

SMALL = [
    ["反映时间", "社区", "反映人", "联系电话", "问题描述", "责任单位", "状态"],
    ["2026-03-05", "铁塔寺社区", "王秀兰", "13812345678", "楼道灯不亮", "住建局", "办理中"],
    ["2026-03-06", "财工街社区", "赵德明", "0537-2256789", "车辆乱停", None, "待分办"],
]


def test_importing_the_same_file_twice_adds_nothing(
    ledger: Ledger, tmp_path: Path, run: Callable[..., Result]
) -> None:
    prepare(ledger)
    path = csv_file(tmp_path / "台账.csv", SMALL)
    first = import_items(ledger, path)
    assert (first.new, first.existing) == (2, 0)
    ledger.close()
    result = run("import", "items", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "没有新内容：台账.csv 中的 2 条问题都已在台账中（按内容识别，同一文件再导入不会重复）"
    )


def test_a_copy_in_another_format_and_new_rows_added_later(ledger: Ledger, tmp_path: Path) -> None:
    """The key is the row's content, not the file: the CSV saved from the workbook is the
    same two matters; a later version of the sheet with one more row adds only that row."""
    prepare(ledger)
    import_items(ledger, csv_file(tmp_path / "台账.csv", SMALL, "gbk"))
    rows = [list(SMALL[0])] + [
        [
            date.fromisoformat(r[0]),
            *r[1:3],
            int(r[3]) if r[3].startswith("1") else 5372256789,
            *r[4:],
        ]
        for r in SMALL[1:]
    ]  # the workbook: real dates, phone numbers as numbers (the landline lost its 0)
    again = import_items(ledger, xlsx(tmp_path / "台账.xlsx", [["铁塔寺社区台账"], *rows]))
    assert (again.new, again.existing) == (0, 2)
    later = [*rows, [date(2026, 3, 9), "铁塔寺社区", "孙立华", None, "路灯不亮", None, "待分办"]]
    third = import_items(ledger, xlsx(tmp_path / "台账（4月更新）.xlsx", later))
    assert (third.new, third.existing) == (1, 2)
    assert [i["title"] for i in items(ledger)] == ["楼道灯不亮", "车辆乱停", "路灯不亮"]


def test_still_recognised_after_the_item_was_corrected(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    path = csv_file(tmp_path / "台账.csv", SMALL)
    import_items(ledger, path)
    item_service.edit(ledger, 1, title="1号楼楼道灯不亮", phone="13812345679")
    assert import_items(ledger, path).new == 0
    assert count(ledger, "items") == 2


def test_matters_already_typed_in_by_hand_are_not_doubled(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    item_service.add(
        ledger, "楼道灯不亮", community="铁塔寺社区", reporter="王秀兰", phone="13812345678",
        raised_on=date(2026, 3, 5),
    )  # fmt: skip
    report = import_items(ledger, csv_file(tmp_path / "台账.csv", SMALL))
    assert (report.new, report.existing) == (1, 1)
    assert assert_rows_replay(ledger) == 2


def test_the_same_row_twice_in_one_file_is_imported_once(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    report = import_items(ledger, csv_file(tmp_path / "台账.csv", [*SMALL, SMALL[1]]))
    assert (report.new, report.repeated) == (2, [("台账", 4, 2)])
    assert "1 行与表中前面的行内容相同，只导入一次：第4行（同第2行）" in report.notices
