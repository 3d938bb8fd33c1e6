"""A 夜话 evening from meeting to evaluation, typed as a clerk types it; ``list``; ``demo``.

The clock is fixed at Thursday 2026-11-26 09:00 (conftest). Every due date below is counted
by hand on the 2026 calendar (no holidays in November 2026).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from cli_helpers import refused
from ledger.casework import actions
from ledger.domain import lifecycle
from ledger.registry import meetings
from ledger.store.ledger_file import Ledger, open_ledger
from ledger.views import rows


def ok(result: Result) -> str:
    """The command succeeded and wrote nothing on stderr; returns its stdout."""
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr == ""
    return result.stdout


def test_night_talk_evening_to_evaluation(run: Callable[..., Result], db_path: Path) -> None:
    ok(run("init"))
    ok(run("area", "add", "任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼"))
    ok(run("unit", "add", "住建局", "--kind", "department", "--phone", "0537-1234567"))
    ok(run("unit", "add", "市住建局", "--kind", "职能部门"))
    out = ok(
        run(
            "meeting", "add", "--kind", "夜话", "--date", "2026-11-02",
            "--community", "铁塔寺社区", "--compound", "铁塔寺小区",
            "--host", "李建忠", "--attendees", "23", "--note", "A8楼楼长夜话",
        )
    )  # fmt: skip
    assert "已登记会议 1：2026-11-02 每周夜话 · 铁塔寺社区" in out

    # 说: raised at the meeting of Mon 2026-11-02, a small matter:
    # 3 working days → Tue 3, Wed 4, Thu 2026-11-05.
    out = ok(
        run(
            "add", "东关大街路面破损，车流量大出行不便", "--meeting", "1",
            "--by", "李凤金", "--phone", "13812345678", "--category", "基础设施",
        )
    )  # fmt: skip
    assert "已登记问题 1：铁塔寺社区 · 小事 · 办理时限 2026-11-05" in out

    # 议 → 办, typed the next morning and later, each backdated with --at.
    out = ok(run("assign", "1", "住建局", "--at", "2026-11-03 09:30"))
    assert "当前状态：办理中" in out and "承办单位：住建局" in out
    out = ok(
        run("progress", "1", "已现场勘查，列入施工计划", "--percent", "40", "--at", "2026-11-04")
    )
    assert "40%" in out
    out = ok(run("extend", "1", "--to", "2026-11-13", "--reason", "等待沥青材料",
                 "--at", "2026-11-05 10:00"))  # fmt: skip
    assert "办理时限：2026-11-13" in out
    # 大事按程序办: the big deadline counted from the day raised (Mon 2026-11-02), 15 working
    # days: Nov 3–6 (4), 9–13 (9), 16–20 (14), Mon 23 (15) → 2026-11-23, later than 11-13.
    out = ok(run("escalate", "1", "市住建局", "--reason", "需封路施工，市级协调",
                 "--at", "2026-11-06 15:00"))  # fmt: skip
    assert "承办单位：市住建局" in out and "办理时限：2026-11-23" in out
    ok(run("resolve", "1", "路面已修复", "--at", "2026-11-18 17:00"))
    # 回
    ok(run("reply", "1", "已电话告知修复情况", "--channel", "电话", "--at", "2026-11-19 10:00"))
    # 评: 不满意 → 重办, same unit; a big matter again gets 15 working days from
    # Fri 2026-11-20: Nov 23–27 (5), Nov 30–Dec 4 (10), Dec 7–11 (15) → 2026-12-11.
    out = ok(run("rate", "1", "不满意", "--at", "2026-11-20 20:30"))
    assert "当前状态：办理中" in out
    assert "承办单位：市住建局" in out
    assert "办理时限：2026-12-11" in out

    data = json.loads(ok(run("show", "1", "--json")))
    assert (data["status"], data["reopen_count"], data["unit"]) == ("assigned", 1, "市住建局")
    assert (data["due_on"], data["rating"], data["resolved_on"]) == (
        "2026-12-11",
        "unsatisfied",
        None,
    )
    # Due Fri 12-11, today Thu 11-26: Nov 27 (1), Nov 30–Dec 4 (6), Dec 7–11 (11) left.
    assert (data["level"], data["workdays_left"]) == (None, 11)

    ok(run("resolve", "1", "重新铺设沥青，已验收", "--at", "2026-11-24 16:00"))
    ok(run("reply", "1", "已当面告知", "--channel", "当面", "--at", "2026-11-25"))
    out = ok(run("rate", "1", "满意"))
    assert "当前状态：已归档" in out

    data = json.loads(ok(run("show", "1", "--json")))
    expected = {
        "number": 1,
        "status": "closed",
        "source": "night_talk",
        "category": "infrastructure",
        "scale": "big",
        "county": "任城区",
        "subdistrict": "古槐街道",
        "community": "铁塔寺社区",
        "place": "铁塔寺小区",
        "meeting": 1,
        "reporter": "李凤金",
        "phone": "13812345678",
        "unit": "市住建局",
        "raised_on": "2026-11-02",
        "assigned_on": "2026-11-03",
        "due_on": "2026-12-11",
        "resolved_on": "2026-11-24",
        "result": "重新铺设沥青，已验收",
        "replied_on": "2026-11-25",
        "reply_channel": "in_person",
        "reply_text": "已当面告知",
        "rating": "satisfied",
        "closed_on": "2026-11-26",
        "reopen_count": 1,
        "extend_count": 1,
        "level": None,
    }
    assert {key: data[key] for key in expected} == expected
    timeline = [(e["action"], e["at"]) for e in data["events"]]
    assert timeline[1:] == [
        ("assign", "2026-11-03T09:30:00"),
        ("progress", "2026-11-04"),  # a bare date stays a date: no invented clock time
        ("extend", "2026-11-05T10:00:00"),
        ("escalate", "2026-11-06T15:00:00"),
        ("resolve", "2026-11-18T17:00:00"),
        ("reply", "2026-11-19T10:00:00"),
        ("reopen", "2026-11-20T20:30:00"),
        ("resolve", "2026-11-24T16:00:00"),
        ("reply", "2026-11-25"),
        ("rate", "2026-11-26T09:00:00"),  # no --at: now
    ]
    assert timeline[0] == ("add", "2026-11-02")  # --date: the day, no invented midnight
    assert all(e["recorded_at"] == "2026-11-26T09:00:00" for e in data["events"])
    assert all(e["actor"] == "测试员" for e in data["events"])
    assert data["events"][7]["changes"]["reopen_count"] == 1
    assert data["events"][4]["changes"]["unit"] == "市住建局"

    # The human view shows the same story.
    shown = ok(run("show", "1"))
    for text in ("已归档", "重办", "2026-11-20 20:30", "市住建局", "满意"):
        assert text in shown

    # The item row is the replay of its events.
    ledger = open_ledger(db_path)
    try:
        item = rows.get(ledger, 1)
        changes = [
            row[0]
            for row in ledger.conn.execute(
                "SELECT changes FROM events WHERE item_id = ? ORDER BY seq", (item["id"],)
            )
        ]
        assert len(changes) == 11
        assert lifecycle.replay(changes) == {f: item[f] for f in lifecycle.STATE_FIELDS}
    finally:
        ledger.close()


# --- list -----------------------------------------------------------------------------


@pytest.fixture
def board(places: Ledger) -> Ledger:
    """Five items in four statuses; two of them overdue on Thu 2026-11-26.

    1 夜话 Mon 11-02, small → due Thu 11-05, 待分办: 15 working days late (严重超期)
    2 走访 today, small → due Tue 12-01, 办理中
    3 夜话 Mon 11-02, closed (resolved, replied, 满意)
    4 走访 Mon 11-16, replied
    5 走访 Mon 11-16, small → due Thu 11-19 (Tue 17, Wed 18, Thu 19), 办理中: 5 days late
    """
    meetings.add(places, kind="夜话", held_on=date(2026, 11, 2), community="铁塔寺社区")
    actions.add(places, "楼道灯不亮", meeting=1)
    actions.add(places, "垃圾清运不及时", community="铁塔寺社区", category="环境卫生")
    actions.assign(places, 2, "住建局")
    actions.add(places, "井盖松动", meeting=1, category="安全隐患")
    actions.resolve(places, 3, "已固定")
    actions.reply(places, 3, "已告知")
    actions.rate(places, 3, "满意")
    actions.add(places, "绿化带缺损", community="礼乐社区", raised_on=date(2026, 11, 16))
    actions.resolve(places, 4, "已补种")
    actions.reply(places, 4, "已告知")
    actions.add(places, "车位划线", community="财工街社区", raised_on=date(2026, 11, 16))
    actions.assign(places, 5, "扈师傅维修队")
    return places


def numbers(result: Result) -> list[int]:
    return [item["number"] for item in json.loads(ok(result))["items"]]


def test_list_default_hides_closed_most_urgent_first(
    board: Ledger, run: Callable[..., Result]
) -> None:
    # Open by due date (1: 11-05, 5: 11-19, 2: 12-01), then awaiting a rating (4).
    assert numbers(run("list", "--json")) == [1, 5, 2, 4]
    assert numbers(run("list", "--all", "--json")) == [1, 5, 2, 4, 3]
    data = json.loads(ok(run("list", "--json")))
    assert data["total"] == 4
    levels = {item["number"]: (item["level"], item["workdays_overdue"]) for item in data["items"]}
    # 1: due 11-05; Nov 6 (1), 9–13 (6), 16–20 (11), 23–26 (15) → 严重超期.
    # 5: due 11-19; Nov 20, 23, 24, 25, 26 → 5: 5 个工作日以上 includes 5 → 严重超期.
    assert levels == {1: ("severe", 15), 5: ("severe", 5), 2: (None, 0), 4: (None, 0)}


def test_list_limit_says_how_many_more(board: Ledger, run: Callable[..., Result]) -> None:
    out = ok(run("list", "--limit", "2"))
    assert "共 4 条，另有 2 条未显示" in out
    data = json.loads(ok(run("list", "--limit", "2", "--json")))
    assert (data["total"], [i["number"] for i in data["items"]]) == (4, [1, 5])


@pytest.mark.parametrize("status", ["办理中", "assigned", "办理"])
def test_list_status_by_label_or_code(
    board: Ledger, run: Callable[..., Result], status: str
) -> None:
    assert numbers(run("list", "--status", status, "--json")) == [5, 2]


def test_list_filters(board: Ledger, run: Callable[..., Result]) -> None:
    assert numbers(run("list", "--overdue", "--json")) == [1, 5]
    assert numbers(run("list", "--source", "夜话", "--json")) == [1]
    assert numbers(run("list", "--source", "night_talk", "--all", "--json")) == [1, 3]
    assert numbers(run("list", "--status", "已归档", "--json")) == [3]
    assert numbers(run("list", "--status", "待分办", "--status", "已回复", "--json")) == [1, 4]
    assert numbers(run("list", "--community", "礼乐社区", "--json")) == [4]
    assert numbers(run("list", "--subdistrict", "古槐街道", "--all", "--json")) == [1, 2, 3]
    assert numbers(run("list", "--unit", "扈师傅维修队", "--json")) == [5]
    assert numbers(run("list", "--category", "环境卫生", "--json")) == [2]
    assert numbers(run("list", "--since", "11月16日", "--json")) == [5, 2, 4]
    assert numbers(run("list", "--until", "2026-11-02", "--all", "--json")) == [1, 3]


def test_list_table_shows_levels(board: Ledger, run: Callable[..., Result]) -> None:
    out = ok(run("list"))
    rows = {
        line.split()[0]: line for line in out.splitlines() if line.split()[:1] in (["1"], ["5"])
    }
    assert re.search(r"严重超期\s*15\s*个?工作日", rows["1"])
    assert re.search(r"严重超期\s*5\s*个?工作日", rows["5"])
    assert "共 4 条" in out and "另有" not in out


def test_list_empty_ledger_says_what_to_do(ledger: Ledger, run: Callable[..., Result]) -> None:
    assert "台账里还没有问题" in ok(run("list"))


# --- demo -----------------------------------------------------------------------------


def test_demo_builds_every_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    out = ok(run("demo", "--db", "tmp/demo.db"))
    assert "已生成演示台账" in out
    demo = open_ledger(tmp_path / "tmp" / "demo.db")
    try:
        counts: dict[str, Any] = dict(
            demo.conn.execute("SELECT status, count(*) FROM items GROUP BY status").fetchall()
        )
        total = demo.conn.execute("SELECT count(*) FROM items").fetchone()[0]
        overdue = demo.conn.execute(
            "SELECT count(*) FROM items WHERE status IN ('raised', 'assigned') "
            "AND due_on < '2026-11-26'"
        ).fetchone()[0]
        months = demo.conn.execute(
            "SELECT count(DISTINCT substr(raised_on, 1, 7)) FROM items"
        ).fetchone()[0]
        sources = demo.conn.execute("SELECT count(DISTINCT source) FROM items").fetchone()[0]
        # Every demo item's row is the replay of its events (the demo runs the real core).
        for (item_id,) in demo.conn.execute("SELECT id FROM items").fetchall():
            row = demo.conn.execute(
                f"SELECT {', '.join(lifecycle.STATE_FIELDS)} FROM items WHERE id = ?", (item_id,)
            ).fetchone()
            changes = [
                c
                for (c,) in demo.conn.execute(
                    "SELECT changes FROM events WHERE item_id = ? AND withdrawn = 0 "
                    "AND action NOT IN ('undo', 'redo') ORDER BY seq",
                    (item_id,),
                )
            ]
            assert lifecycle.replay(changes) == dict(zip(lifecycle.STATE_FIELDS, row, strict=True))
    finally:
        demo.close()
    assert total >= 40
    statuses = {"raised", "assigned", "resolved", "declined", "replied", "closed", "voided"}
    assert set(counts) == statuses
    assert overdue > 0
    assert months >= 3
    assert sources >= 2
    # Built again over itself: an earlier demo may be replaced.
    ok(run("demo", "--db", "tmp/demo.db"))
    # The summary's numbers are the ledger's (items listed by the CLI on that file).
    data = json.loads(ok(run("list", "--all", "--limit", "1", "--json", "--db", "tmp/demo.db")))
    assert data["total"] == total


def test_demo_refuses_to_overwrite_a_real_ledger(
    tmp_path: Path, run: Callable[..., Result], places: Ledger
) -> None:
    actions.add(places, "楼道灯不亮", community="铁塔寺社区")
    path = places.path
    assert path is not None
    places.close()
    before = path.read_bytes()
    message = refused(run("demo", "--db", str(path)))
    assert "不是演示台账" in message
    assert path.read_bytes() == before

    stranger = tmp_path / "notes.txt"
    stranger.write_bytes(b"\x00\x01 not a ledger at all")
    refused(run("demo", "--db", str(stranger)))
    assert stranger.read_bytes() == b"\x00\x01 not a ledger at all"


# --- where the ledger lives -------------------------------------------------------------


def test_init_and_where_name_the_file(db_path: Path, run: Callable[..., Result]) -> None:
    assert ok(run("where")).strip() == f"{db_path}（尚未创建，运行 ledger init）"
    out = ok(run("init"))
    assert out.splitlines()[0] == f"已创建台账：{db_path}"
    assert ok(run("init")).splitlines()[0] == f"台账已存在：{db_path}"
    assert ok(run("where")).strip() == str(db_path)


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME is the Linux data folder")
def test_default_place_is_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]
) -> None:
    monkeypatch.delenv("LEDGER_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    expected = tmp_path / "data" / "ledger" / "ledger.db"
    assert ok(run("init")).splitlines()[0] == f"已创建台账：{expected}"
    assert expected.exists()
    # --db wins over everything.
    other = tmp_path / "other.db"
    assert ok(run("init", "--db", str(other))).splitlines()[0] == f"已创建台账：{other}"
