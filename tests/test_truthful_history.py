"""Records that tell the truth (issue 8): time order, dates without invented times, 作废,
撤销, attribution of 不满意, reply channels as typed, deadlines that follow the scale, and the
严重超期 rule as worded.

Today is Thursday 2026-11-26 09:00 (conftest). November 2026 has no holidays. Every figure
below is counted by hand in the comments.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.domain.errors import LedgerError
from ledger.io import check
from ledger.reports import monthly, reminders
from ledger.store.ledger_file import Ledger
from ledger.views import asof, coverage, figures, rows


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def tally_of(ledger: Ledger, month: str, subdistrict: str = "古槐街道") -> figures.Tally:
    period = coverage.parse_period(month, None, None, ledger.now())
    scope = coverage.scopes(ledger, subdistrict)[0]
    return figures.compute(ledger, period, scope, coverage.Lookups(ledger))


def new_item(ledger: Ledger, raised: date = date(2026, 11, 20), **kwargs: str) -> int:
    return actions.add(
        ledger,
        kwargs.pop("title", "楼道灯不亮"),
        community="铁塔寺社区",
        raised_on=raised,
        **kwargs,
    ).item["number"]


def events_of(ledger: Ledger, number: int) -> list[tuple[str, str]]:
    item_id = rows.get(ledger, number)["id"]
    return [(e["action"], e["at"]) for e in rows.timeline(ledger, item_id)]


def is_sound(ledger: Ledger) -> None:
    report = check.check(ledger.conn)
    assert not report.problems, [p.message for p in report.problems]


# --- 1. time order, not typing order ----------------------------------------------------------


def test_backdating_is_not_blocked_by_a_reminder_or_a_phone_fix_typed_today(
    places: Ledger,
) -> None:
    # Raised Fri 11-20 (small: due Wed 11-25: Mon 23, Tue 24, Wed 25), assigned the same day.
    number = new_item(places)
    actions.assign(places, number, "住建局", at=at("2026-11-20T10:00"))
    actions.remind(places, number, "电话催办")  # today 09:00
    actions.edit(places, number, phone="13812345678")  # today 09:00
    # The unit really finished on Tue 11-24; the clerk types it today.
    outcome = actions.resolve(places, number, "已更换灯泡", at=date(2026, 11, 24))
    assert outcome.item["status"] == "resolved"
    assert outcome.item["resolved_on"] == "2026-11-24"
    assert [a for a, _ in events_of(places, number)] == [
        "add",
        "assign",
        "resolve",  # in its place in time, before what was typed earlier today
        "remind",
        "edit",
    ]
    # The month's report counts it 办结 on time (24 <= due 25), not 超期办结 today.
    item = next(i for i in metrics_items(places) if i.number == number)
    assert (item.finished, item.on_time) == (True, True)
    is_sound(places)


def metrics_items(ledger: Ledger, month: str = "2026-11") -> list[asof.AsOfItem]:
    period = coverage.parse_period(month, None, None, ledger.now())
    scope = coverage.scopes(ledger, "古槐街道")[0]
    return list(asof.items_as_of(ledger, period, scope, coverage.Lookups(ledger)))


def test_a_backdated_action_that_breaks_the_history_is_refused_and_changes_nothing(
    places: Ledger,
) -> None:
    number = new_item(places)
    actions.resolve(places, number, "当场修好", at=at("2026-11-20T21:00"))
    actions.reply(places, number, "已告知", at=at("2026-11-23T09:00"))
    before = places.conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    # A 交办 on 11-21 would come after the 办结 of 11-20: not a valid lifecycle.
    with pytest.raises(LedgerError, match="当前状态为“已办结”，不能交办"):
        actions.assign(places, number, "住建局", at=date(2026, 11, 21))
    # An action before the registration is refused too.
    with pytest.raises(LedgerError, match="早于该问题的登记日期 2026-11-20"):
        actions.progress(places, number, "x", at=date(2026, 11, 19))
    assert places.conn.execute("SELECT * FROM events ORDER BY id").fetchall() == before


def test_a_future_moment_is_refused(places: Ledger) -> None:
    number = new_item(places)
    with pytest.raises(LedgerError, match="晚于今天"):
        actions.assign(places, number, "住建局", at=date(2026, 11, 27))
    with pytest.raises(LedgerError, match="晚于现在"):
        actions.assign(places, number, "住建局", at=at("2026-11-26T12:00"))


# --- 2. a date without a time is a date ----------------------------------------------------


def test_a_date_stays_a_date_and_a_later_time_that_day_follows_it(
    places: Ledger, run: Callable[..., Result]
) -> None:
    assert run("add", "路灯不亮", "--community", "铁塔寺社区", "--date", "11月5日").exit_code == 0
    assert run("assign", "1", "住建局", "--at", "11月6日").exit_code == 0
    result = run("resolve", "1", "已修复", "--at", "11月6日 16:00")
    assert result.exit_code == 0, result.stderr
    assert events_of(places, 1) == [
        ("add", "2026-11-05"),
        ("assign", "2026-11-06"),
        ("resolve", "2026-11-06T16:00:00"),
    ]
    shown = run("show", "1").stdout
    assert "23:59" not in shown and "00:00" not in shown
    assert "2026-11-06 16:00" in shown


# --- 3. 作废 ----------------------------------------------------------------------------------


def test_void_leaves_every_list_figure_and_reminder(
    places: Ledger, run: Callable[..., Result], tmp_path: Path
) -> None:
    # 1 and 2 raised 11-20 in 铁塔寺社区, both assigned to 住建局 and overdue (due 11-25).
    for _ in range(2):
        number = new_item(places)
        actions.assign(places, number, "住建局", at=date(2026, 11, 20))
    before = tally_of(places, "2026-11").total
    assert (before.raised, before.overdue) == (2, 2)
    outcome = actions.void(places, 2, "重复登记，同第 1 号")
    assert outcome.item["status"] == "voided"
    after = tally_of(places, "2026-11").total
    assert (after.raised, after.overdue) == (1, 1)
    listed = json.loads(run("list", "--json").stdout)
    assert [i["number"] for i in listed["items"]] == [1]
    everything = json.loads(run("list", "--all", "--json").stdout)
    assert [(i["number"], i["status"]) for i in everything["items"]] == [
        (1, "assigned"),
        (2, "voided"),
    ]
    assert "已作废" in run("list", "--all").stdout
    board = json.loads(run("today", "--json").stdout)
    on_board = json.dumps(board, ensure_ascii=False)
    assert '"number": 2' not in on_board
    chased = reminders.due_items(places, date(2026, 11, 26), None)
    assert [item["number"] for item in chased] == [1]
    # Nothing more can happen to a voided item except undoing the void — not even backdated
    # to before the void.
    with pytest.raises(LedgerError, match="已作废"):
        actions.resolve(places, 2, "x")
    with pytest.raises(LedgerError, match="已作废"):
        actions.resolve(places, 2, "x", at=date(2026, 11, 23))
    actions.undo(places, 2)
    assert rows.get(places, 2)["status"] == "assigned"
    assert tally_of(places, "2026-11").total.raised == 2
    is_sound(places)


def test_voiding_an_item_of_a_reported_month_changes_only_its_own_counts(
    places: Ledger, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # October: item 1 resolved on time, item 2 (a duplicate) open and overdue at the cut-off.
    monkeypatch.setenv("LEDGER_NOW", "2026-10-30T18:00:00")
    one = new_item(places, date(2026, 10, 12))
    actions.resolve(places, one, "已修复", at=date(2026, 10, 13))
    two = new_item(places, date(2026, 10, 12))
    monkeypatch.setenv("LEDGER_NOW", "2026-11-26T09:00:00")
    october = tally_of(places, "2026-10").total
    assert (october.raised, october.finished, october.overdue) == (2, 1, 1)
    actions.void(places, two, "重复登记，同第 1 号")
    october = tally_of(places, "2026-10").total
    # Only item 2's counts go: 受理 2 → 1, 超期未办结 1 → 0; item 1's 办结 stays.
    assert (october.raised, october.finished, october.overdue) == (1, 1, 0)
    period = coverage.parse_period("2026-10", None, None, places.now())
    written = monthly.write_reports(places, period, coverage.scopes(places, "古槐街道"), tmp_path)
    book = openpyxl.load_workbook(written[0].path)
    notes = [
        cell.value
        for row in book.worksheets[0].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "作废" in cell.value
    ]
    assert any("作废（误登、重复登记）1 件" in note for note in notes)


# --- 4. 撤销 / 恢复 -------------------------------------------------------------------------------


def test_undo_walks_back_and_redo_restores(places: Ledger) -> None:
    number = new_item(places)
    actions.assign(places, number, "住建局", at=at("2026-11-20T10:00"))
    actions.assign(places, number, "扈师傅维修队", at=at("2026-11-23T10:00"))  # wrong unit
    outcome = actions.undo(places, number, "交办错了单位")
    assert outcome.item["unit"] == "住建局"
    assert outcome.withdrawn is not None and outcome.withdrawn["action"] == "assign"
    # The history keeps both: the mistaken 转办, marked withdrawn, and the 撤销.
    timeline = rows.timeline(places, rows.get(places, number)["id"])
    assert [(e["action"], e["withdrawn"]) for e in timeline] == [
        ("add", False),
        ("assign", False),
        ("assign", True),
        ("undo", False),
    ]
    # A second undo walks back further: no unit at all.
    assert actions.undo(places, number).item["status"] == "raised"
    # Undo of the undo (恢复) brings back the first 交办.
    restored = actions.redo(places, number)
    assert (restored.item["status"], restored.item["unit"]) == ("assigned", "住建局")
    is_sound(places)


def test_undo_of_a_rating_typed_on_the_wrong_item(places: Ledger) -> None:
    number = new_item(places)
    actions.resolve(places, number, "当场修好", at=at("2026-11-20T21:00"))
    actions.reply(places, number, "已告知", at=date(2026, 11, 23))
    actions.rate(places, number, "满意")
    undone = actions.undo(places, number, "评价记错了问题")
    assert (undone.item["status"], undone.item["rating"], undone.item["closed_on"]) == (
        "replied",
        None,
        None,
    )
    # As of any cut-off the withdrawn rating never counts.
    total = tally_of(places, "2026-11").total
    assert (total.rated, total.replied) == (0, 1)


def test_undo_with_nothing_to_undo(places: Ledger) -> None:
    number = new_item(places)
    with pytest.raises(LedgerError, match="没有可以撤销的操作"):
        actions.undo(places, number)
    with pytest.raises(LedgerError, match="没有可以恢复的撤销"):
        actions.redo(places, number)


# --- 5. 不满意 counts against whoever held the item -------------------------------------------


def test_unsatisfied_on_a_declined_item_counts_against_the_community(places: Ledger) -> None:
    number = new_item(places)
    actions.decline(places, number, "属于业主自行维修", at=date(2026, 11, 20))
    actions.reply(places, number, "已告知", at=date(2026, 11, 23))
    with pytest.raises(LedgerError, match="社区自己不予办理的，没有承办单位"):
        actions.rate(places, number, "不满意")
    actions.rate(places, number, "不满意", unit="住建局")  # 重办 by 住建局 from now on
    rows = {unit.name: unit for unit in tally_of(places, "2026-11").unit_rows()}
    # 住建局 holds the item now (派单 1) but never handled it when it was judged.
    assert (rows["住建局"].dispatched, rows["住建局"].unsatisfied) == (1, 0)
    assert (rows["（社区自办）"].rated, rows["（社区自办）"].unsatisfied) == (1, 1)


def test_unsatisfied_on_an_assigned_item_counts_against_that_unit(places: Ledger) -> None:
    number = new_item(places)
    actions.assign(places, number, "扈师傅维修队", at=date(2026, 11, 20))
    actions.resolve(places, number, "已修", at=date(2026, 11, 23))
    actions.reply(places, number, "已告知", at=date(2026, 11, 24))
    actions.rate(places, number, "不满意", unit="住建局")  # handed to another unit for 重办
    rows = {unit.name: unit for unit in tally_of(places, "2026-11").unit_rows()}
    assert (rows["扈师傅维修队"].dispatched, rows["扈师傅维修队"].unsatisfied) == (0, 1)
    assert (rows["住建局"].dispatched, rows["住建局"].unsatisfied) == (1, 0)


# --- 6. channels as typed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("短信", "sms"),
        ("上门", "home_visit"),
        ("入户", "home_visit"),
        ("书面", "letter"),
        ("会议通报", "meeting"),
        ("电话", "phone"),
        ("wechat", "wechat"),
    ],
)
def test_reply_channel_is_stored_as_said(places: Ledger, typed: str, stored: str) -> None:
    number = new_item(places)
    actions.resolve(places, number, "已修", at=date(2026, 11, 20))
    assert actions.reply(places, number, "已告知", channel=typed).item["reply_channel"] == stored


def test_unknown_channel_is_refused_with_the_list(
    places: Ledger, run: Callable[..., Result]
) -> None:
    new_item(places)
    actions.resolve(places, 1, "已修", at=date(2026, 11, 20))
    result = run("reply", "1", "已告知", "--channel", "飞鸽")
    assert result.exit_code == 1
    assert "未知的答复方式“飞鸽”" in result.stderr and "短信" in result.stderr
    assert "上门" in result.stderr


# --- 7. the deadline follows the scale ----------------------------------------------------------


def test_edit_scale_moves_the_deadline_as_add_would(places: Ledger) -> None:
    # Raised Mon 11-02 as 小事: due Thu 11-05. As 大事: 15 working days → Mon 11-23
    # (Nov 3–6: 4, 9–13: 9, 16–20: 14, Mon 23: 15).
    number = new_item(places, date(2026, 11, 2))
    assert rows.get(places, number)["due_on"] == "2026-11-05"
    outcome = actions.edit(places, number, scale="大事")
    assert outcome.item["due_on"] == "2026-11-23"
    assert outcome.event["changes"]["due_on"] == "2026-11-23"
    assert any("办理时限随规模改为 2026-11-23" in n for n in outcome.notices)
    big = actions.add(
        places, "外墙脱落", community="铁塔寺社区", raised_on=date(2026, 11, 2), scale="大事"
    )
    assert big.item["due_on"] == outcome.item["due_on"]


def test_a_deadline_set_by_hand_stays_when_the_scale_changes(places: Ledger) -> None:
    number = new_item(places, date(2026, 11, 2))
    actions.assign(places, number, "住建局", at=date(2026, 11, 2))
    actions.extend(places, number, date(2026, 12, 10), "材料未到", at=date(2026, 11, 4))
    outcome = actions.edit(places, number, scale="大事")
    assert outcome.item["due_on"] == "2026-12-10"
    assert "due_on" not in outcome.event["changes"]


# --- 8. 严重超期: 以上 includes the number -------------------------------------------------------


def test_severe_from_exactly_the_threshold_and_the_setting_moves_it(
    places: Ledger, run: Callable[..., Result]
) -> None:
    # Raised Wed 11-11 → due Mon 11-16 (12, 13, 16); late 17, 18, 19, 20, 23 = 5 on 11-23.
    # On Thu 11-26 it is late 8; raise another on Tue 11-17 → due Fri 11-20; late 23–26 = 4.
    new_item(places, date(2026, 11, 11))
    new_item(places, date(2026, 11, 17))
    levels = {i["number"]: i["level"] for i in json.loads(run("list", "--json").stdout)["items"]}
    assert levels == {1: "severe", 2: "overdue"}
    assert places.set_setting("severe_days", "4") == 4
    levels = {i["number"]: i["level"] for i in json.loads(run("list", "--json").stdout)["items"]}
    assert levels == {1: "severe", 2: "severe"}  # exactly 4 is 严重超期 at a threshold of 4


# --- 9. one writer: import, remind and merge leave a history that replays ----------------------


def test_check_verifies_time_order(places: Ledger) -> None:
    number = new_item(places)
    actions.assign(places, number, "住建局", at=date(2026, 11, 20))
    actions.resolve(places, number, "已修", at=date(2026, 11, 23))
    is_sound(places)
    # Tamper: swap the positions of the two actions.
    places.conn.execute("UPDATE events SET seq = 5 - seq WHERE action IN ('assign', 'resolve')")
    report = check.check(places.conn)
    assert any("顺序" in p.message for p in report.problems)
