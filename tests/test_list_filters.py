"""The working-day filters of ``ledger list``: --due-within, --overdue-by, --stale, and the
waiting filters --waiting-reply, --waiting-rating.

Today is Thursday 2026-11-26 unless a test sets LEDGER_NOW. November 2026 has no holidays;
every working-day count below is done by hand (weekends skipped) in the comments.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.store.ledger_file import Ledger


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def listed(run: Callable[..., Result], *args: str) -> list[int]:
    """The numbers ``ledger list ARGS --json`` returns (all of them: total == shown)."""
    result = run("list", *args, "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == len(data["items"])
    return sorted(item["number"] for item in data["items"])


def add_due(ledger: Ledger, title: str, due: date, *, raised: date = date(2026, 11, 2)) -> int:
    """An item assigned to 住建局 on the day it was raised, with an explicit due date."""
    number = actions.add(ledger, title, community="铁塔寺社区", raised_on=raised).item["number"]
    actions.assign(
        ledger,
        number,
        "住建局",
        due=due,
        at=datetime.combine(raised, datetime.min.time()).replace(hour=10),
    )
    return number


@pytest.fixture
def due_ledger(places: Ledger) -> Ledger:
    """Items 1–8, open, due on these days (late / left counted from Thu 2026-11-26):

    1 Wed 11-18: late Thu 19, Fri 20, Mon 23 – Thu 26 = 6
    2 Thu 11-19: late Fri 20, Mon 23 – Thu 26 = 5
    3 Wed 11-25: late Thu 26 = 1
    4 Thu 11-26: left 0
    5 Fri 11-27: left 1
    6 Sun 11-29: left Fri 27 = 1 (a due date on a Sunday)
    7 Mon 11-30: left Fri 27, Mon 30 = 2
    8 Tue 12-01: left 3
    """
    for day in (18, 19, 25, 26, 27, 29, 30):
        add_due(places, f"11月{day}日到期", date(2026, 11, day))
    add_due(places, "12月1日到期", date(2026, 12, 1))
    return places


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--overdue"], [1, 2, 3]),
        (["--overdue-by", "0"], [1, 2, 3]),
        (["--overdue-by", "1"], [1, 2, 3]),  # N 个工作日以上: N itself included
        (["--overdue-by", "4"], [1, 2]),
        (["--overdue-by", "5"], [1, 2]),  # 严重超期: 5 working days or more
        (["--overdue-by", "6"], [1]),
        (["--overdue-by", "7"], []),
        (["--due-within", "0"], [4]),
        (["--due-within", "1"], [4, 5, 6]),  # 预警 (今明到期)
        (["--due-within", "2"], [4, 5, 6, 7]),
        (["--due-within", "3"], [4, 5, 6, 7, 8]),
    ],
)
def test_due_and_overdue_filters_are_exact_in_working_days(
    due_ledger: Ledger, run: Callable[..., Result], args: list[str], expected: list[int]
) -> None:
    assert listed(run, *args) == expected


def test_filters_combine_with_the_others(due_ledger: Ledger, run: Callable[..., Result]) -> None:
    add_due(due_ledger, "财工街的问题", date(2026, 11, 18))  # 9: late 6, in 铁塔寺社区 too
    actions.assign(due_ledger, 9, "扈师傅维修队", at=at("2026-11-20T10:00"))
    assert listed(run, "--overdue-by", "5") == [1, 2, 9]
    assert listed(run, "--overdue-by", "5", "--unit", "住建局") == [1, 2]
    assert listed(run, "--overdue-by", "5", "--unit", "扈师傅维修队") == [9]
    assert listed(run, "--due-within", "1", "--community", "财工街社区") == []
    assert listed(run, "--overdue-by", "1", "--status", "raised") == []


def test_list_table_total_and_limit(due_ledger: Ledger, run: Callable[..., Result]) -> None:
    result = run("list", "--due-within", "3", "--limit", "2")
    assert result.exit_code == 0
    assert "共 5 条，另有 3 条未显示" in result.stdout
    data = json.loads(run("list", "--overdue", "--limit", "2", "--json").stdout)
    # Most urgent first: the oldest due date first.
    assert (data["total"], [item["number"] for item in data["items"]]) == (3, [1, 2])


def test_overdue_on_a_weekend_by_zero_working_days(
    due_ledger: Ledger, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Saturday 11-28: item 5 (due Fri 11-27) is past its date but late by 0 working days
    # ((11-27, 11-28] holds no working day): it is 超期, yet not overdue by 1 working day.
    monkeypatch.setenv("LEDGER_NOW", "2026-11-28T10:00:00")
    assert listed(run, "--overdue") == [1, 2, 3, 4, 5]
    assert listed(run, "--overdue-by", "0") == [1, 2, 3, 4, 5]
    assert listed(run, "--overdue-by", "1") == [1, 2, 3, 4]
    # Left from Sat 11-28: item 6 (Sun 29) 0, item 7 (Mon 30) 1, item 8 (Tue 12-01) 2.
    assert listed(run, "--due-within", "1") == [6, 7]


def test_saturday_make_up_workday(
    places: Ledger, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Friday 2026-10-09; Saturday 10-10 is a make-up workday, Sunday 10-11 is off.
    monkeypatch.setenv("LEDGER_NOW", "2026-10-09T10:00:00")
    for day in (9, 10, 11, 12):
        add_due(places, f"10月{day}日到期", date(2026, 10, day), raised=date(2026, 10, 8))
    # Left from Fri 10-09: 10-09 → 0; Sat 10-10 → 1; Sun 10-11 → 1 (only Sat counts);
    # Mon 10-12 → 2 (Sat and Mon). Without the make-up Saturday, 10-12 would be 1.
    assert listed(run, "--due-within", "0") == [1]
    assert listed(run, "--due-within", "1") == [1, 2, 3]
    assert listed(run, "--due-within", "2") == [1, 2, 3, 4]
    # On Tuesday 10-13, item 2 (due Sat 10-10) is late Mon 12, Tue 13 = 2.
    monkeypatch.setenv("LEDGER_NOW", "2026-10-13T10:00:00")
    # 1: late Sat, Mon, Tue = 3; 3 (due Sun): Mon, Tue = 2; 4 (due Mon): Tue = 1.
    assert listed(run, "--overdue-by", "2") == [1, 2, 3]
    assert listed(run, "--overdue-by", "3") == [1]


def test_across_2026_into_2027_is_estimated(
    places: Ledger, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_NOW", "2026-12-02T09:00:00")
    add_due(places, "12月30日到期", date(2026, 12, 30), raised=date(2026, 12, 1))
    add_due(places, "1月4日到期", date(2027, 1, 4), raised=date(2026, 12, 1))
    monkeypatch.setenv("LEDGER_NOW", "2027-01-08T10:00:00")
    # 2027 has no calendar data: Monday–Friday, so Fri 01-01 counts as a working day.
    # Item 1 late: Thu 12-31, Fri 01-01, Mon 4 – Fri 8 = 7. Item 2 late: Tue 5 – Fri 8 = 4.
    assert listed(run, "--overdue-by", "5") == [1]
    assert listed(run, "--overdue-by", "3") == [1, 2]
    assert listed(run, "--overdue-by", "4") == [1, 2]
    assert listed(run, "--overdue-by", "5") == [1]
    result = run("list", "--overdue", "--json")
    data = json.loads(result.stdout)
    assert [(i["number"], i["workdays_overdue"], i["estimated"]) for i in data["items"]] == [
        (1, 7, True),
        (2, 4, True),
    ]
    table = run("list", "--overdue")
    assert table.exit_code == 0
    assert "严重超期7工作日（估算）" in table.stdout


def test_stale_counts_working_days_since_the_last_event(
    places: Ledger, run: Callable[..., Result]
) -> None:
    # Last events: item 1 Thu 11-12, item 2 Fri 11-13, item 3 today.
    first = actions.add(
        places, "11月12日后无人跟进", community="铁塔寺社区", raised_on=date(2026, 11, 12)
    )
    actions.assign(places, first.item["number"], "住建局", at=at("2026-11-12T16:00"))
    actions.add(places, "11月13日登记", community="铁塔寺社区", raised_on=date(2026, 11, 13))
    actions.add(places, "今天登记", community="铁塔寺社区")
    # Since Thu 11-12: Fri 13, Mon 16 – Fri 20, Mon 23 – Thu 26 = 1 + 5 + 4 = 10.
    # Since Fri 11-13: 5 + 4 = 9.
    assert listed(run, "--stale", "10") == [1]
    assert listed(run, "--stale", "9") == [1, 2]
    assert listed(run, "--stale", "11") == []
    assert listed(run, "--stale", "1") == [1, 2]
    # A progress note touches item 1: no longer stale.
    actions.progress(places, 1, "已派人查看", at=at("2026-11-25T10:00"))
    assert listed(run, "--stale", "9") == [2]


def test_waiting_reply_and_waiting_rating(places: Ledger, run: Callable[..., Result]) -> None:
    def new(title: str) -> int:
        return actions.add(places, title, community="礼乐社区", raised_on=date(2026, 11, 2)).item[
            "number"
        ]

    resolved, declined, replied, closed, assigned = (
        new(t) for t in ("办结", "不予办理", "已回复", "已归档", "在办")
    )
    actions.resolve(places, resolved, "已修", at=at("2026-11-03T10:00"))
    actions.decline(places, declined, "不属社区职责", at=at("2026-11-03T10:00"))
    actions.resolve(places, replied, "已修", at=at("2026-11-03T10:00"))
    actions.reply(places, replied, "已告知", at=at("2026-11-04T10:00"))
    actions.resolve(places, closed, "已修", at=at("2026-11-03T10:00"))
    actions.reply(places, closed, "已告知", at=at("2026-11-04T10:00"))
    actions.close(places, closed, "居民已搬离", at=at("2026-11-05T10:00"))
    actions.assign(places, assigned, "住建局", at=at("2026-11-03T10:00"))
    assert listed(run, "--waiting-reply") == [resolved, declined]
    assert listed(run, "--waiting-reply", "--status", "declined") == [declined]
    assert listed(run, "--waiting-rating") == [replied]
    assert listed(run, "--waiting-rating", "--all") == [replied]  # filed ones never wait
    assert listed(run, "--waiting-reply", "--waiting-rating") == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--due-within", "-1"], "--due-within 应在 0 到 1000 之间"),
        (["--stale", "0"], "--stale 应在 1 到 1000 之间"),
        (["--overdue-by", "三"], "--overdue-by"),
    ],
)
def test_bad_numbers_are_one_line(
    due_ledger: Ledger, db_path: Path, args: list[str], expected: str
) -> None:
    """Through the real entry point (usage errors are translated there)."""
    result = subprocess.run(
        [sys.executable, "-m", "ledger", "list", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "LEDGER_DB": str(db_path)},
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误: ") and expected in lines[0], lines


def test_new_filters_on_an_empty_ledger(ledger: Ledger, run: Callable[..., Result]) -> None:
    result = run("list", "--overdue-by", "5")
    assert result.exit_code == 0
    assert "登记第一件" in result.stdout
