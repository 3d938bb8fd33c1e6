"""``ledger today``: the clerk's board, group by group, on a fixed ledger and a fixed day.

The clock is Thursday 2026-11-26 09:00 (conftest) unless a test sets LEDGER_NOW. November
2026 has no holidays, so its working days are Monday–Friday; every due date and day count
below is counted by hand on that calendar (the arithmetic is in the comments).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.registry import meetings
from ledger.store.ledger_file import Ledger, open_ledger
from ledger.views import today_board

TODAY = date(2026, 11, 26)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def numbers(group: dict[str, Any]) -> list[int]:
    return [item["number"] for item in group["items"]]


def build_board_ledger(ledger: Ledger) -> Ledger:
    """Twelve items, one or two in each group of the board (places from the ``places`` fixture).

    1  severe    住建局      raised Mon 11-09 → due Thu 11-12 (Tue 10, Wed 11, Thu 12);
                            late (11-12, 11-26] = Fri 13 + 5 + Mon–Thu 4 = 10 working days
    2  overdue   扈师傅维修队 raised at the 夜话 of Thu 11-19 → due Tue 11-24 (Fri 20, Mon 23,
                            Tue 24); late Wed 25, Thu 26 = 2
    3  warning   住建局      raised Mon 11-23 → due Thu 11-26 (24, 25, 26): today, 0 left
    4  warning   市住建局     raised Mon 11-09 → due Thu 11-12, extended to Fri 11-27: 1 left
                            (without the extension it would be 严重超期 10)
    5  overdue   市住建局     big, raised Mon 11-02 → 15 working days: Nov 3–6 (4), 9–13 (9),
                            16–20 (14), Mon 23 (15) → due 11-23; late 24, 25, 26 = 3; 60 %
    6  overdue   未交办       raised Mon 11-16 → due Thu 11-19 (17, 18, 19); late Fri 20,
                            Mon 23, Tue 24, Wed 25, Thu 26 = 5: 严重超期 (5 个工作日以上, ≥ 5)
    7  待分办     —          raised today → due Tue 12-01 (Fri 27, Mon 30, Tue 1): 3 left
    8  待答复     扈师傅维修队 resolved Wed 11-04: waited (11-04, 11-26] = 2 + 5 + 5 + 4 = 16
    9  待答复     住建局      declined Wed 11-25: waited Thu 26 = 1
    10 待回访     住建局      replied Fri 11-20: waited Mon 23 – Thu 26 = 4
    11 closed    住建局      rated 满意: on no list
    12 assigned  扈师傅维修队 raised Wed 11-25 → due Mon 11-30 (26, 27, 30): 2 left, no level
    """
    tower = {"community": "铁塔寺社区", "compound": "铁塔寺小区"}
    meetings.add(
        ledger,
        kind="夜话",
        held_on=date(2026, 11, 19),
        community="铁塔寺社区",
        compound="铁塔寺小区",
    )
    n1 = actions.add(
        ledger, "A8楼楼道灯不亮", **tower, building="A8楼", raised_on=date(2026, 11, 9)
    )
    actions.assign(ledger, n1.item["number"], "住建局", at=at("2026-11-09T20:00"))
    n2 = actions.add(
        ledger, "小区南门路面破损", meeting=1, reporter="王大爷", raised_on=date(2026, 11, 19)
    )
    actions.assign(ledger, n2.item["number"], "扈师傅维修队", at=at("2026-11-19T21:00"))
    n3 = actions.add(ledger, "垃圾清运不及时", community="铁塔寺社区", raised_on=date(2026, 11, 23))
    actions.assign(ledger, n3.item["number"], "住建局", at=at("2026-11-23T10:00"))
    n4 = actions.add(ledger, "下水道堵塞", community="铁塔寺社区", raised_on=date(2026, 11, 9))
    actions.assign(ledger, n4.item["number"], "市住建局", at=at("2026-11-10T10:00"))
    actions.extend(
        ledger, n4.item["number"], date(2026, 11, 27), "需协调管网", at=at("2026-11-12T15:00")
    )
    n5 = actions.add(
        ledger,
        "老旧小区改造加装电梯",
        community="财工街社区",
        compound="新兴小区西区",
        scale="大事",
        raised_on=date(2026, 11, 2),
    )
    actions.assign(ledger, n5.item["number"], "市住建局", at=at("2026-11-03T10:00"))
    actions.progress(
        ledger, n5.item["number"], "已立项，设计中", percent=60, at=at("2026-11-20T10:00")
    )
    actions.add(ledger, "小区停车位划线不清", **tower, raised_on=date(2026, 11, 16))
    actions.add(ledger, "咨询公租房申请", community="礼乐社区")
    n8 = actions.add(
        ledger, "机床厂宿舍楼道堆放杂物", community="财工街社区", compound="新兴小区西区",
        reporter="程华", raised_on=date(2026, 11, 2),
    )  # fmt: skip
    actions.assign(ledger, n8.item["number"], "扈师傅维修队", at=at("2026-11-02T20:00"))
    actions.resolve(ledger, n8.item["number"], "志愿者清理楼道", at=at("2026-11-04T16:00"))
    n9 = actions.add(
        ledger, "要求社区出资更换自家水管", community="礼乐社区", raised_on=date(2026, 11, 24)
    )
    actions.assign(ledger, n9.item["number"], "住建局", at=at("2026-11-24T10:00"))
    actions.decline(ledger, n9.item["number"], "属居民自有产权设施", at=at("2026-11-25T10:00"))
    n10 = actions.add(
        ledger, "冬季供暖温度不达标", **tower, reporter="李凤金", phone="13812345678",
        raised_on=date(2026, 11, 2),
    )  # fmt: skip
    actions.assign(ledger, n10.item["number"], "住建局", at=at("2026-11-02T20:00"))
    actions.resolve(ledger, n10.item["number"], "换热站调温", at=at("2026-11-05T10:00"))
    actions.reply(
        ledger, n10.item["number"], "已调温，请反馈", channel="电话", at=at("2026-11-20T10:00")
    )
    n11 = actions.add(ledger, "路灯不亮", **tower, raised_on=date(2026, 11, 2))
    actions.assign(ledger, n11.item["number"], "住建局", at=at("2026-11-02T20:00"))
    actions.resolve(ledger, n11.item["number"], "已修复", at=at("2026-11-03T10:00"))
    actions.reply(ledger, n11.item["number"], "已修复", at=at("2026-11-03T11:00"))
    actions.rate(ledger, n11.item["number"], "满意", at=at("2026-11-04T11:00"))
    n12 = actions.add(ledger, "健身器材老化", community="礼乐社区", raised_on=date(2026, 11, 25))
    actions.assign(ledger, n12.item["number"], "扈师傅维修队", at=at("2026-11-25T10:00"))
    return ledger


@pytest.fixture
def board_ledger(places: Ledger) -> Ledger:
    return build_board_ledger(places)


def test_supervision_levels_by_unit(board_ledger: Ledger) -> None:
    data = today_board.build(board_ledger, TODAY).as_json()
    supervision = data["supervision"]
    # 严重超期 oldest due first: 1 (11-12), 6 (11-19: exactly 5 is 严重超期).
    assert numbers(supervision["severe"]) == [1, 6]
    # 超期 oldest due first: 5 (11-23), 2 (11-24).
    assert numbers(supervision["overdue"]) == [5, 2]
    # 今明到期: 3 due today, 4 due tomorrow after its extension.
    assert numbers(supervision["warning"]) == [3, 4]
    standing = {
        item["number"]: (item["level"], item["workdays_overdue"], item["workdays_left"])
        for level in today_board.LEVELS
        for item in supervision[level]["items"]
    }
    assert standing == {
        1: ("severe", 10, 0),
        6: ("severe", 5, 0),  # exactly 5 is 严重超期 (以上 includes the number)
        5: ("overdue", 3, 0),
        2: ("overdue", 2, 0),
        3: ("warning", 0, 0),
        4: ("warning", 0, 1),
    }
    # By unit, most to chase first: 住建局 (1 severe + 1 warning), the unassigned item 6
    # (1 severe), then 市住建局 (1 overdue + 1 warning), 扈师傅维修队 (1 overdue).
    assert supervision["by_unit"] == [
        {"unit": "住建局", "severe": 1, "overdue": 0, "warning": 1, "total": 2},
        {"unit": None, "severe": 1, "overdue": 0, "warning": 0, "total": 1},
        {"unit": "市住建局", "severe": 0, "overdue": 1, "warning": 1, "total": 2},
        {"unit": "扈师傅维修队", "severe": 0, "overdue": 1, "warning": 0, "total": 1},
    ]


def test_extended_item_is_judged_by_its_new_due_date(board_ledger: Ledger) -> None:
    data = today_board.build(board_ledger, TODAY).as_json()
    item = data["supervision"]["warning"]["items"][1]
    assert (item["number"], item["due_on"], item["extend_count"]) == (4, "2026-11-27", 1)
    assert 4 not in numbers(data["supervision"]["severe"]) + numbers(data["supervision"]["overdue"])


def test_waiting_groups_oldest_first_with_working_days_waited(board_ledger: Ledger) -> None:
    data = today_board.build(board_ledger, TODAY).as_json()
    raised = data["waiting_assignment"]
    # 6 raised Mon 11-16: waited Tue 17 – Fri 20 (4) + Mon 23 – Thu 26 (4) = 8; 7 today: 0.
    assert [(i["number"], i["waited_workdays"]) for i in raised["items"]] == [(6, 8), (7, 0)]
    reply = data["waiting_reply"]
    assert [(i["number"], i["status"], i["waited_workdays"]) for i in reply["items"]] == [
        (8, "resolved", 16),
        (9, "declined", 1),
    ]
    rating = data["waiting_rating"]
    assert [
        (i["number"], i["reporter"], i["phone"], i["waited_workdays"]) for i in rating["items"]
    ] == [
        (10, "李凤金", "13812345678", 4)  # the full number: the clerk's own call list
    ]
    assert (raised["count"], reply["count"], rating["count"]) == (2, 2, 1)


def test_compounds_list_what_is_not_yet_answered(board_ledger: Ledger) -> None:
    data = today_board.build(board_ledger, TODAY).as_json()
    compounds = data["compounds"]
    # 铁塔寺小区: 1 (in building A8楼), 2, 6 open; 10 replied and 11 closed are answered.
    # 新兴小区西区: 5 open, 8 resolved but not yet told.
    assert [
        (c["compound"], c["community"], c["count"], c["last_night_talk"])
        for c in compounds["compounds"]
    ] == [
        ("铁塔寺小区", "铁塔寺社区", 3, "2026-11-19"),
        ("新兴小区西区", "财工街社区", 2, None),
    ]
    assert [numbers(c) for c in compounds["compounds"]] == [[1, 6, 2], [5, 8]]
    assert (compounds["count"], compounds["items"]) == (2, 5)


def test_limit_cuts_lists_but_never_counts(board_ledger: Ledger) -> None:
    data = today_board.build(board_ledger, TODAY, limit=1).as_json()
    assert numbers(data["supervision"]["overdue"]) == [5]
    assert data["supervision"]["overdue"]["count"] == 2
    assert len(data["compounds"]["compounds"]) == 1
    assert data["compounds"]["count"] == 2


def test_scope_by_community(board_ledger: Ledger) -> None:
    data = today_board.build(board_ledger, TODAY, community="铁塔寺社区").as_json()
    counts = {level: data["supervision"][level]["count"] for level in today_board.LEVELS}
    # 铁塔寺社区 holds 1 and 6 (severe), 2 (overdue), 3 and 4 (warning); 5 is in 财工街社区.
    assert counts == {"severe": 2, "overdue": 1, "warning": 2}
    assert data["waiting_reply"]["count"] == 0
    assert data["waiting_rating"]["count"] == 1


# --- the counts are those of the ``ledger list`` filters ----------------------------------


@pytest.mark.parametrize(
    "scope", [[], ["--community", "铁塔寺社区"], ["--subdistrict", "济阳街道"]]
)
def test_counts_match_list_filters(
    board_ledger: Ledger, run: Callable[..., Result], scope: list[str]
) -> None:
    today_json = json.loads(ok(run("today", "--json", "--limit", "100", *scope)))

    def listed(*args: str) -> list[int]:
        data = json.loads(ok(run("list", *args, "--json", *scope)))
        assert data["total"] == len(data["items"])
        return sorted(item["number"] for item in data["items"])

    supervision = today_json["supervision"]
    assert listed("--overdue-by", "5") == sorted(numbers(supervision["severe"]))
    assert listed("--overdue") == sorted(
        numbers(supervision["severe"]) + numbers(supervision["overdue"])
    )
    assert listed("--due-within", "1") == sorted(numbers(supervision["warning"]))
    assert listed("--status", "raised") == sorted(numbers(today_json["waiting_assignment"]))
    assert listed("--waiting-reply") == sorted(numbers(today_json["waiting_reply"]))
    assert listed("--waiting-rating") == sorted(numbers(today_json["waiting_rating"]))
    for key in ("waiting_assignment", "waiting_reply", "waiting_rating"):
        assert today_json[key]["count"] == len(today_json[key]["items"])


# --- the screen ---------------------------------------------------------------------------


def test_today_screen(board_ledger: Ledger, run: Callable[..., Result]) -> None:
    result = run("today")
    out = ok(result)
    assert result.stderr == ""
    assert "今日督办 · 2026-11-26 星期四" in out
    assert "严重超期 2 件 · 超期 2 件 · 今明到期 2 件" in out
    assert "严重超期10工作日" in out
    assert "严重超期5工作日" in out
    assert "预警 今日到期" in out and "预警 明日到期" in out
    assert "▇▇▇▇▇▇░░░░ 60%" in out  # the big item 5 at 60 %
    assert "（未交办）" in out
    assert "■ 待分办 2 件" in out and "■ 待答复 2 件" in out and "■ 待回访 1 件" in out
    assert "13812345678" in out  # in full on the call list
    assert "16个工作日" in out  # 8 has waited 16 working days for its reply
    assert "■ 下次夜话要回音 5 件" in out
    assert "铁塔寺社区 · 铁塔寺小区  3 件  上次夜话 2026-11-19" in out
    # Most urgent first: the 督办 section comes before the waiting groups.
    assert (
        out.index("■ 督办") < out.index("■ 待分办") < out.index("■ 待答复") < out.index("■ 待回访")
    )


def test_json_gives_the_same_groups_as_the_screen(
    board_ledger: Ledger, run: Callable[..., Result]
) -> None:
    data = json.loads(ok(run("today", "--json")))
    out = ok(run("today"))
    supervision = data["supervision"]
    assert (
        f"严重超期 {supervision['severe']['count']} 件 · 超期 {supervision['overdue']['count']} 件 · "
        f"今明到期 {supervision['warning']['count']} 件"
    ) in out
    for key, title in (
        ("waiting_assignment", "待分办"),
        ("waiting_reply", "待答复"),
        ("waiting_rating", "待回访"),
    ):
        assert f"■ {title} {data[key]['count']} 件" in out
    for compound in data["compounds"]["compounds"]:
        assert f"{compound['community']} · {compound['compound']}  {compound['count']} 件" in out
    assert data["today"] == "2026-11-26"
    assert data["estimated_years"] == []


def test_colors_follow_the_levels(board_ledger: Ledger) -> None:
    from rich.console import Console

    from ledger.cli import output, today_view

    console = Console(force_terminal=True, color_system="standard", width=200)
    saved = output.stdout
    output.stdout = console
    try:
        with console.capture() as captured:
            today_view.today_board(today_board.build(board_ledger, TODAY))
    finally:
        output.stdout = saved
    text = captured.get()
    assert "\x1b[1;31m严重超期10工作日" in text  # bold red
    assert "\x1b[31m超期3工作日" in text  # red
    assert "\x1b[33m预警 今日到期" in text  # yellow


def test_show_draws_the_progress_bar_of_a_big_item(
    board_ledger: Ledger, run: Callable[..., Result]
) -> None:
    assert "▇▇▇▇▇▇░░░░ 60%" in ok(run("show", "5"))
    assert "░" not in ok(run("show", "1"))  # a small item has no bar


def test_today_changes_nothing(
    board_ledger: Ledger, run: Callable[..., Result], db_path: Path, snapshot: Any
) -> None:
    before = snapshot(db_path)
    ok(run("today"))
    ok(run("today", "--json"))
    assert snapshot(db_path)["rows"] == before["rows"]


# --- the calendar: a Saturday make-up workday, and 2027 --------------------------------------


def test_saturday_make_up_workday_counts(
    places: Ledger, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    # National Day 2026: Oct 1–7 off, Saturday Oct 10 is a make-up workday, Sunday Oct 11 off.
    monkeypatch.setenv("LEDGER_NOW", "2026-10-10T09:00:00")
    # Raised Wed 09-30, small: Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 (3) → due today.
    actions.add(places, "国庆前反映的路灯问题", community="铁塔寺社区", raised_on=date(2026, 9, 30))
    # Raised Thu 10-08: Fri 10-09 (1), Sat 10-10 (2), Mon 10-12 (3).
    actions.add(places, "节后反映的噪音问题", community="铁塔寺社区", raised_on=date(2026, 10, 8))
    data = today_board.build(places, date(2026, 10, 10)).as_json()
    assert data["workday"] is True
    warning = {
        item["number"]: (item["due_on"], item["workdays_left"])
        for item in data["supervision"]["warning"]["items"]
    }
    # Item 2: left (10-10, 10-12] = Mon 10-12 only = 1 (Sunday is off): still 今明到期.
    assert warning == {1: ("2026-10-10", 0), 2: ("2026-10-12", 1)}
    out = ok(run("today"))
    assert "今日督办 · 2026-10-10 星期六（调休上班日）" in out
    # On Monday 10-12, item 1 (due Sat 10-10) is late by Mon 10-12 = 1 working day.
    monkeypatch.setenv("LEDGER_NOW", "2026-10-12T09:00:00")
    data = today_board.build(places, date(2026, 10, 12)).as_json()
    assert [
        (i["number"], i["workdays_overdue"]) for i in data["supervision"]["overdue"]["items"]
    ] == [(1, 1)]


def test_due_date_in_2027_is_estimated_not_an_error(
    places: Ledger, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_NOW", "2026-12-31T09:00:00")
    # Raised Tue 12-29, small: Wed 30 (1), Thu 31 (2), then 2027 has no calendar data, so
    # Fri 2027-01-01 counts as a working day (3) → due 2027-01-01, estimated.
    outcome = actions.add(
        places, "跨年反映的供暖问题", community="铁塔寺社区", raised_on=date(2026, 12, 29)
    )
    assert outcome.item["due_on"] == "2027-01-01"
    result = run("today")
    out = ok(result)
    assert "预警 明日到期（估算）" in out
    assert "2027年" in result.stderr and "估算" in result.stderr
    data = json.loads(ok(run("today", "--json")))
    item = data["supervision"]["warning"]["items"][0]
    assert (item["number"], item["workdays_left"], item["estimated"]) == (1, 1, True)
    assert data["estimated_years"] == [2027]
    # A week later, in 2027: late (01-01, 01-08] = Mon 4 … Fri 8 = 5 working days, estimated.
    monkeypatch.setenv("LEDGER_NOW", "2027-01-08T09:00:00")
    data = json.loads(ok(run("today", "--json")))
    item = data["supervision"]["severe"]["items"][0]  # 5 working days: 严重超期
    assert (item["workdays_overdue"], item["estimated"]) == (5, True)


# --- empty, nothing due, unknown names ------------------------------------------------------


def test_empty_ledger_says_how_to_add_the_first_item(
    ledger: Ledger, run: Callable[..., Result]
) -> None:
    result = run("today")
    assert (
        ok(result).strip()
        == '台账里还没有问题。登记第一件：ledger add "问题描述" --community 社区名'
    )
    data = json.loads(ok(run("today", "--json")))
    assert data["ledger_items"] == 0 and data["nothing_due"] is True


def test_nothing_due_is_a_friendly_message(places: Ledger, run: Callable[..., Result]) -> None:
    outcome = actions.add(places, "路灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 2))
    number = outcome.item["number"]
    actions.resolve(places, number, "已修复", at=at("2026-11-03T10:00"))
    actions.reply(places, number, "已修复", at=at("2026-11-03T11:00"))
    actions.rate(places, number, "满意", at=at("2026-11-04T11:00"))
    result = run("today")
    out = ok(result)
    assert "今天没有超期、待分办、待答复或待回访的问题" in out
    assert "■" not in out


def test_community_without_items(board_ledger: Ledger, run: Callable[..., Result]) -> None:
    from ledger.registry import areas as place_service

    place_service.add_path(board_ledger, "任城区/古槐街道/红星社区")
    out = ok(run("today", "--community", "红星社区"))
    assert "今日督办 · 2026-11-26 星期四 · 红星社区" in out
    assert "这里还没有登记问题。" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--community", "不存在社区"], "没有名为“不存在社区”的社区"),
        (["--subdistrict", "不存在街道"], "没有名为“不存在街道”的街道"),
    ],
)
def test_unknown_place_is_one_line(
    board_ledger: Ledger, run: Callable[..., Result], args: list[str], message: str
) -> None:
    result = run("today", *args)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误: ") and message in lines[0]
    assert result.stdout == ""


def test_missing_ledger_file_is_one_line(tmp_path: Path, run: Callable[..., Result]) -> None:
    result = run("today", "--db", str(tmp_path / "nope.db"))
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "nope.db").exists()


def test_board_on_a_reopened_file(board_ledger: Ledger, db_path: Path) -> None:
    """The board reads the file, not the connection's memory: a fresh open gives the same."""
    again = open_ledger(db_path)
    try:
        assert today_board.build(again, TODAY) == today_board.build(board_ledger, TODAY)
    finally:
        again.close()
