"""Working-day deadlines on the Chinese calendar, and the Monday–Friday fallback.

The 2026 arrangement, as chinese-calendar 1.11 ships it (get_holiday_detail):
  中秋 Fri 09-25 – Sun 09-27 off; Sun 09-20 is a make-up workday (调休).
  国庆 Thu 10-01 – Wed 10-07 off; Sat 10-10 is a make-up workday (调休).
2027 is not covered: it falls back to Monday–Friday and the clerk is told so, once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar
import pytest
from typer.testing import Result

from ledger.domain import deadlines
from ledger.domain.workdays import WorkCalendar
from ledger.store.ledger_file import Ledger

NOTICE = "提示：2027年的法定节假日安排尚未收录，工作日按周一至周五估算（估算）"


def test_the_2026_calendar_is_what_we_think() -> None:
    """The facts the expected dates below rest on."""
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 1)) == (True, "National Day")
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 7)) == (True, "National Day")
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 8)) == (False, None)
    # Saturday 10-10 is worked in exchange for the National Day break.
    assert date(2026, 10, 10).weekday() == 5
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 10)) == (False, "National Day")
    assert chinese_calendar.is_workday(date(2026, 10, 10))
    assert not chinese_calendar.is_workday(date(2026, 10, 11))  # Sunday
    assert date(2026, 9, 20).weekday() == 6 and chinese_calendar.is_workday(date(2026, 9, 20))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 6, 1))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Wed 09-30 + 3: 10-01..10-07 off → Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 (3).
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        # Fri 10-09 + 3: Sat 10-10 (1, 调休), Sun off, Mon 10-12 (2), Tue 10-13 (3).
        # Plain Monday–Friday would have given Wed 10-14.
        (date(2026, 10, 9), 3, date(2026, 10, 13)),
        # Wed 09-30 + 15: 10-08, 09, 10 (3), 12–16 (8), 19–23 (13), Mon 26 (14), Tue 27 (15).
        (date(2026, 9, 30), 15, date(2026, 10, 27)),
        # Thu 09-24 + 3: 09-25..09-27 off (中秋) → Mon 28 (1), Tue 29 (2), Wed 30 (3).
        (date(2026, 9, 24), 3, date(2026, 9, 30)),
        # Fri 09-18 + 3: Sat off, Sun 09-20 (1, 调休), Mon 21 (2), Tue 22 (3).
        (date(2026, 9, 18), 3, date(2026, 9, 22)),
        # Counting starts the day after: raised on a holiday, Sat 10-03 + 1 → Thu 10-08.
        (date(2026, 10, 3), 1, date(2026, 10, 8)),
    ],
)
def test_add_workdays_in_2026(start: date, days: int, due: date) -> None:
    calendar = WorkCalendar()
    assert calendar.add_workdays(start, days) == due
    assert calendar.estimated_years == set()


def test_workdays_between_across_national_day() -> None:
    calendar = WorkCalendar()
    # After Wed 09-30 up to Mon 10-12: 10-08, 10-09, 10-10, 10-12 → 4.
    assert calendar.workdays_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert calendar.workdays_between(date(2026, 10, 12), date(2026, 9, 30)) == -4
    assert calendar.workdays_between(date(2026, 10, 1), date(2026, 10, 7)) == 0


def test_fallback_year_is_monday_to_friday_and_noted() -> None:
    calendar = WorkCalendar()
    # Mon 2026-12-28 + 15: Dec 29, 30, 31 (3); 2027 estimated Mon–Fri: Fri 01-01 (4),
    # Jan 4–8 (9), Jan 11–15 (14), Mon 01-18 (15).
    assert calendar.add_workdays(date(2026, 12, 28), 15) == date(2027, 1, 18)
    assert calendar.estimated_years == {2027}
    assert calendar.is_estimated(date(2027, 1, 18))
    assert not calendar.is_estimated(date(2026, 12, 31))
    assert calendar.is_workday(date(2027, 1, 1))  # a guess: 元旦 is not known yet
    assert not calendar.is_workday(date(2027, 1, 2))  # Saturday


@pytest.mark.parametrize(
    ("due", "today", "level", "late", "left"),
    [
        # Due Thu 10-08, today Wed 09-30: one working day away despite 8 calendar days.
        (date(2026, 10, 8), date(2026, 9, 30), "warning", 0, 1),
        (date(2026, 10, 10), date(2026, 10, 10), "warning", 0, 0),  # due today (a Saturday)
        # Due Wed 09-30, today Fri 10-09: 10-08, 10-09 → 2 late.
        (date(2026, 9, 30), date(2026, 10, 9), "overdue", 2, 0),
        # Due Mon 09-28, today Fri 10-09: 09-29, 09-30, 10-08, 10-09 → 4: 超期, not 严重.
        (date(2026, 9, 28), date(2026, 10, 9), "overdue", 4, 0),
        # … today Mon 10-12: + Sat 10-10, Mon 10-12 → 6 > 5: 严重超期.
        (date(2026, 9, 28), date(2026, 10, 12), "severe", 6, 0),
        # Due Tue 10-13, today Fri 10-09: 10-10, 10-12, 10-13 → 3 left.
        (date(2026, 10, 13), date(2026, 10, 9), None, 0, 3),
    ],
)
def test_supervision_levels_count_working_days(
    ledger: Ledger, due: date, today: date, level: str | None, late: int, left: int
) -> None:
    standing = deadlines.deadline(ledger, "assigned", due, today)
    assert (standing.level, standing.workdays_overdue, standing.workdays_left) == (
        level,
        late,
        left,
    )
    # Finished items are never late.
    assert deadlines.deadline(ledger, "resolved", due, today).level is None


def _setup(run: Callable[..., Result]) -> None:
    assert run("init").exit_code == 0
    assert run("area", "add", "任城区/古槐街道/铁塔寺社区").exit_code == 0


def _due(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout.split("办理时限 ")[1].split()[0]


def test_add_across_national_day(
    db_path: object, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_NOW", "2026-09-30T10:00:00")
    _setup(run)
    small = run("add", "楼道灯不亮", "--community", "铁塔寺社区")
    assert _due(small) == "2026-10-10"  # 10-08, 10-09, Sat 10-10 (see above)
    assert small.stderr == ""  # 2026 is covered: no notice
    assert _due(run("add", "路面破损", "--community", "铁塔寺社区", "--scale", "大事")) == (
        "2026-10-27"
    )
    # A 夜话 item from Fri 10-09, typed on Monday: the 调休 Saturday counts.
    monkeypatch.setenv("LEDGER_NOW", "2026-10-12T08:30:00")
    late = run("add", "井盖松动", "--community", "铁塔寺社区", "--date", "2026-10-09")
    assert _due(late) == "2026-10-13"
    # The defaults are ledger settings: 5 working days from Wed 09-30 →
    # 10-08, 09, 10, 12, 13 → Tue 10-13.
    assert run("config", "set", "small_days", "5").exit_code == 0
    again = run("add", "路灯", "--community", "铁塔寺社区", "--date", "2026-09-30")
    assert _due(again) == "2026-10-13"


def test_add_reaching_2027_warns_once(
    db_path: object, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_NOW", "2026-12-28T09:00:00")  # a Monday
    _setup(run)
    # Small: Dec 29, 30, 31 → still 2026, nothing to say.
    small = run("add", "楼道灯不亮", "--community", "铁塔寺社区")
    assert _due(small) == "2026-12-31"
    assert small.stderr == ""
    # Big: 15 working days reach 2027-01-18 (see the fallback test above).
    big = run("add", "路面破损", "--community", "铁塔寺社区", "--scale", "big")
    assert _due(big) == "2027-01-18"
    assert big.stderr.splitlines() == [NOTICE]  # exactly once, on stderr
    assert NOTICE not in big.stdout
    # Tue 12-29 + 3: Dec 30, 31, and Fri 2027-01-01, estimated as a workday.
    monkeypatch.setenv("LEDGER_NOW", "2026-12-29T09:00:00")
    new_year = run("add", "垃圾桶", "--community", "铁塔寺社区")
    assert _due(new_year) == "2027-01-01"
    assert new_year.stderr.splitlines() == [NOTICE]

    data = json.loads(run("list", "--json").stdout)
    estimated = {item["number"]: item["estimated"] for item in data["items"]}
    assert estimated == {1: False, 2: True, 3: True}


def test_counts_agree_with_the_day_by_day_rule() -> None:
    """The counts (arithmetic and bisection) equal counting is_workday one day at a time, over
    300 spans drawn with a fixed seed from 2000 to 2027 (holidays, 调休 and estimated years)."""
    import random

    draw = random.Random(7)
    calendar = WorkCalendar()
    for _ in range(300):
        start = date(2000, 1, 1) + timedelta(days=draw.randint(0, 10_200))
        span, count = draw.randint(0, 800), draw.randint(1, 40)
        end = start + timedelta(days=span)
        by_day = sum(calendar.is_workday(start + timedelta(days=n)) for n in range(1, span + 1))
        assert calendar.workdays_between(start, end) == by_day
        assert calendar.workdays_between(end, start) == -by_day
        due = calendar.add_workdays(start, count)
        passed = [
            calendar.is_workday(start + timedelta(days=n)) for n in range(1, (due - start).days + 1)
        ]
        assert sum(passed) == count and passed[-1]  # the count-th working day, not later
