"""``ledger remind``: a 催办通知 per unit (text + .xlsx), one ``remind`` event per listed item,
all in one transaction, and nothing recorded twice on the same day.

Today is Thursday 2026-11-26 (conftest); November 2026 has no holidays. The fixed ledger is
the one of test_board.py: see its docstring for every due date counted by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import Result

from ledger.casework import actions
from ledger.domain import lifecycle
from ledger.reports import reminders
from ledger.store.ledger_file import Ledger
from test_board import build_board_ledger  # tests/ is on sys.path (rootdir conftest)

TODAY = date(2026, 11, 26)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def events(ledger: Ledger, action: str = "remind") -> list[tuple[int, str, str, str]]:
    """(item number, at, note, changes) of every event of ``action``, in order."""
    return [
        tuple(row)
        for row in ledger.conn.execute(
            "SELECT i.number, e.at, e.note, e.changes FROM events e JOIN items i ON i.id = e.item_id "
            "WHERE e.action = ? ORDER BY e.id",
            (action,),
        )
    ]


def item_row(ledger: Ledger, number: int) -> dict[str, Any]:
    cursor = ledger.conn.execute("SELECT * FROM items WHERE number = ?", (number,))
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


@pytest.fixture
def board_ledger(places: Ledger) -> Ledger:
    return build_board_ledger(places)


# Overdue or nearly due, with a unit (from test_board.build_board_ledger):
#   住建局: 1 (严重超期 10), 3 (预警, due today)
#   市住建局: 5 (超期 3, due 11-23), 4 (预警, due 11-27 after its extension)
#   扈师傅维修队: 2 (超期 2)
# Item 6 is overdue but not yet assigned: no unit to chase, so not reminded.
REMINDED = {"住建局": [1, 3], "市住建局": [5, 4], "扈师傅维修队": [2]}


def test_remind_writes_a_notice_per_unit_and_records_one_event_each(
    board_ledger: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    out_dir = tmp_path / "催办"
    statuses = {n: item_row(board_ledger, n)["status"] for n in range(1, 13)}
    result = run("remind", "--out", str(out_dir))
    out = ok(result)
    assert "已生成催办通知 3 份（2026-11-26），记录催办 5 件。" in out
    assert "另有 1 件超期或今明到期的问题尚未交办" in out
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        f"2026-11-26-催办通知-{unit}.{ext}" for unit in REMINDED for ext in ("txt", "xlsx")
    )
    # One remind event per listed item, at the moment of the run, remind_count now 1.
    recorded = events(board_ledger)
    assert sorted(number for number, *_ in recorded) == [1, 2, 3, 4, 5]
    assert {at for _, at, _, _ in recorded} == {"2026-11-26T09:00:00"}
    assert {json.loads(changes)["remind_count"] for *_, changes in recorded} == {1}
    notes = {number: note for number, _, note, _ in recorded}
    assert notes[1] == "催办：严重超期 10 个工作日"
    assert notes[3] == "催办：预警（今日到期）"
    assert notes[4] == "催办：预警（明日到期）"
    for number in range(1, 13):
        row = item_row(board_ledger, number)
        assert row["status"] == statuses[number]  # nothing here changes a status
        assert row["remind_count"] == (1 if number in (1, 2, 3, 4, 5) else 0)
    assert item_row(board_ledger, 1)["last_event_at"] == "2026-11-26T09:00:00"


def test_text_notice_lists_the_items(
    board_ledger: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    ok(run("remind", "--out", str(tmp_path)))
    text = (tmp_path / "2026-11-26-催办通知-住建局.txt").read_text(encoding="utf-8")
    assert text.startswith("催办通知\n\n住建局（电话 0537-1234567）：\n")
    assert (
        "截至2026年11月26日，贵单位承办的下列 2 件居民诉求已超期或即将到期（严重超期 1 件、预警 1 件）"
        in text
    )
    assert "1. 第 1 号｜铁塔寺社区 铁塔寺小区/A8楼｜A8楼楼道灯不亮" in text
    assert "   交办日期：2026-11-09　办理时限：2026-11-12　红牌 · 严重超期 10 个工作日" in text
    assert "2. 第 3 号｜铁塔寺社区｜垃圾清运不及时" in text
    assert "   最新进展：暂无" in text
    # Signed by the items' community, not a generic 社区居委会; the card rule is stated.
    assert text.endswith("铁塔寺社区居民委员会（盖章）\n2026年11月26日\n")
    assert "超过办理时限后的第 1 个工作日起亮红牌" in text
    other = (tmp_path / "2026-11-26-催办通知-市住建局.txt").read_text(encoding="utf-8")
    assert "最新进展：已立项，设计中" in other  # item 5's last progress note
    assert "办理时限：2026-11-27" in other  # item 4's extended due date


def test_xlsx_is_a_one_page_letter(
    board_ledger: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    ok(run("remind", "--out", str(tmp_path)))
    sheet = load_workbook(tmp_path / "2026-11-26-催办通知-市住建局.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "催 办 通 知"
    assert rows[1][0] == "市住建局（电话 未登记）："
    assert "下列 2 件居民诉求" in rows[2][0]
    assert rows[4] == (
        "编号", "社区 / 小区楼栋", "问题描述", "交办日期", "办理时限", "督办", "是否重办", "最新进展",
    )  # fmt: skip
    assert rows[5] == (
        5, "财工街社区\n新兴小区西区", "老旧小区改造加装电梯", datetime(2026, 11, 3),
        datetime(2026, 11, 23), "红牌 · 超期 3 个工作日", "否", "已立项，设计中",
    )  # fmt: skip
    assert rows[6] == (
        4, "铁塔寺社区", "下水道堵塞", datetime(2026, 11, 10), datetime(2026, 11, 27),
        "黄牌 · 预警（明日到期）", "否", None,
    )  # fmt: skip
    assert rows[9][0] == "财工街社区、铁塔寺社区（盖章）"  # the items' communities, in order
    assert sheet["D6"].number_format == "yyyy-mm-dd"
    assert sheet["C6"].border.left.style == "thin" and sheet["H7"].border.bottom.style == "thin"
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 1)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_area == "'催办通知'!$A$1:$H$11"


def test_a_reopened_item_says_so(
    places: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    number = actions.add(
        places, "楼道灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 2)
    ).item["number"]
    actions.assign(places, number, "住建局", at=datetime(2026, 11, 2, 20, 0))
    actions.resolve(places, number, "已修", at=datetime(2026, 11, 3, 10, 0))
    actions.reply(places, number, "已告知", at=datetime(2026, 11, 3, 11, 0))
    actions.rate(places, number, "不满意", at=datetime(2026, 11, 4, 10, 0))  # 重办, due 11-09
    ok(run("remind", "--out", str(tmp_path)))
    text = (tmp_path / "2026-11-26-催办通知-住建局.txt").read_text(encoding="utf-8")
    assert "   重办：居民不满意后重办，请重点办理" in text
    sheet = load_workbook(tmp_path / "2026-11-26-催办通知-住建局.xlsx").active
    assert sheet["G6"].value == "是（居民不满意后重办）"


def test_text_that_looks_like_a_formula_stays_text(
    places: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    number = actions.add(
        places, '=HYPERLINK("http://x")坏了', community="铁塔寺社区", raised_on=date(2026, 11, 2)
    ).item["number"]
    actions.assign(places, number, "住建局", at=datetime(2026, 11, 2, 20, 0))
    ok(run("remind", "--out", str(tmp_path)))
    sheet = load_workbook(tmp_path / "2026-11-26-催办通知-住建局.xlsx").active
    cell = sheet["C6"]
    assert cell.value == '=HYPERLINK("http://x")坏了'
    assert cell.data_type == "s"


def test_running_twice_the_same_day_records_nothing_new(
    board_ledger: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    ok(run("remind", "--out", str(tmp_path)))
    first = events(board_ledger)
    text = (tmp_path / "2026-11-26-催办通知-住建局.txt").read_bytes()
    again = ok(run("remind", "--out", str(tmp_path)))
    assert "今天（2026-11-26）已催办过这些问题，未重复记录" in again
    assert events(board_ledger) == first
    assert item_row(board_ledger, 1)["remind_count"] == 1
    assert (tmp_path / "2026-11-26-催办通知-住建局.txt").read_bytes() == text


def test_a_new_item_the_same_day_is_recorded_alone(
    board_ledger: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    ok(run("remind", "--out", str(tmp_path)))
    actions.assign(board_ledger, 6, "住建局", at=datetime(2026, 11, 26, 9, 0))  # 6 is overdue 5
    out = ok(run("remind", "--out", str(tmp_path)))
    assert "记录催办 1 件，5 件今天已催办过、未重复记录" in out
    assert [number for number, *_ in events(board_ledger)] == [1, 3, 5, 4, 2, 6]


def test_the_next_day_reminds_again(
    board_ledger: Ledger,
    run: Callable[..., Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok(run("remind", "--out", str(tmp_path)))
    monkeypatch.setenv("LEDGER_NOW", "2026-11-27T09:00:00")
    # Friday 11-27: 3 (due Thu 26) is now overdue 1 and 4 is due today; 12 (due Mon 30) is
    # due within Mon 30 = 1 working day: 预警, so 扈师傅维修队 gets 2 and 12.
    out = ok(run("remind", "--out", str(tmp_path)))
    assert "记录催办 6 件" in out
    assert item_row(board_ledger, 1)["remind_count"] == 2
    assert item_row(board_ledger, 12)["remind_count"] == 1
    counts = [
        json.loads(changes)["remind_count"]
        for number, *_, changes in events(board_ledger)
        if number == 1
    ]
    assert counts == [1, 2]


def test_unit_option_reminds_one_unit(
    board_ledger: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    out = ok(run("remind", "--unit", "市住建局", "--out", str(tmp_path / "out")))
    assert "已生成催办通知 1 份（2026-11-26），记录催办 2 件。" in out
    assert "尚未交办" not in out
    assert sorted(number for number, *_ in events(board_ledger)) == [4, 5]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2026-11-26-催办通知-市住建局.txt",
        "2026-11-26-催办通知-市住建局.xlsx",
    ]


def test_history_replays_to_the_item_row(
    board_ledger: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    ok(run("remind", "--out", str(tmp_path)))
    for number in (1, 2, 3, 4, 5):
        row = item_row(board_ledger, number)
        changes = [
            r[0]
            for r in board_ledger.conn.execute(
                "SELECT changes FROM events WHERE item_id = ? ORDER BY seq", (row["id"],)
            )
        ]
        state = lifecycle.replay(changes)
        assert {key: row[key] for key in lifecycle.STATE_FIELDS} == state
    shown = ok(run("show", "1"))
    assert "催办" in shown and "催办：严重超期 10 个工作日" in shown


def test_files_that_cannot_be_written_record_nothing(
    board_ledger: Ledger, run: Callable[..., Result], tmp_path: Path, db_path: Path, snapshot: Any
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    before = snapshot(db_path)
    result = run("remind", "--out", str(blocker / "sub"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误: ")
    assert snapshot(db_path)["rows"] == before["rows"]
    assert events(board_ledger) == []


def test_unknown_unit_is_one_line(
    board_ledger: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    result = run("remind", "--unit", "不存在的单位", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "没有名为“不存在的单位”的承办单位" in lines[0]
    assert not (tmp_path / "out").exists()


def test_empty_ledger(ledger: Ledger, run: Callable[..., Result], tmp_path: Path) -> None:
    out = ok(run("remind", "--out", str(tmp_path / "r")))
    assert out.strip() == '台账里还没有问题。登记第一件：ledger add "问题描述" --community 社区名'
    assert not (tmp_path / "r").exists()


def test_nothing_due(places: Ledger, run: Callable[..., Result], tmp_path: Path) -> None:
    # Raised today, due Tue 12-01 (Fri 27, Mon 30, Tue 1): 3 working days left.
    number = actions.add(places, "路灯不亮", community="铁塔寺社区").item["number"]
    actions.assign(places, number, "住建局")
    out = ok(run("remind", "--out", str(tmp_path / "r")))
    assert "今天没有需要催办的超期或今明到期问题。" in out
    assert not (tmp_path / "r").exists()
    assert events(places) == []


def test_core_result(board_ledger: Ledger, tmp_path: Path) -> None:
    result = reminders.remind(board_ledger, TODAY, tmp_path)
    summary = {
        n.unit: ([i["number"] for i in n.items], n.recorded, n.already) for n in result.notices
    }
    assert summary == {unit: (numbers, len(numbers), 0) for unit, numbers in REMINDED.items()}
    assert (result.recorded, result.already, result.unassigned) == (5, 0, 1)
    again = reminders.remind(board_ledger, TODAY, tmp_path)
    assert (again.recorded, again.already) == (0, 5)
