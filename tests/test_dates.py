"""The dates clerks type, read against the fixed clock: Thursday 2026-11-26 09:00."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

import pytest
from typer.testing import Result

from ledger.domain.dates import parse_date, parse_moment, parse_month
from ledger.domain.errors import LedgerError
from ledger.store.ledger_file import Ledger

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 0, 0)

FORMATS = [
    ("2026-06-24", "2026-06-24"),
    ("2026/6/24", "2026-06-24"),
    ("6-24", "2026-06-24"),  # this year
    ("6月24日", "2026-06-24"),  # this year
    ("2026年6月24日", "2026-06-24"),
    ("2026年06月24日", "2026-06-24"),
    ("2026.6.24", "2026-06-24"),
    ("今天", "2026-11-26"),
    ("today", "2026-11-26"),
    ("Today", "2026-11-26"),
    ("昨天", "2026-11-25"),
    ("yesterday", "2026-11-25"),
    ("前天", "2026-11-24"),
]


@pytest.mark.parametrize(("text", "expected"), FORMATS)
def test_parse_date(text: str, expected: str) -> None:
    assert parse_date(text, TODAY) == date.fromisoformat(expected)


@pytest.mark.parametrize(("text", "expected"), FORMATS)
def test_add_date_through_the_cli(
    places: Ledger, run: Callable[..., Result], text: str, expected: str
) -> None:
    result = run("add", "楼道灯不亮", "--community", "铁塔寺社区", "--date", text)
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["raised_on"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20 20:30", datetime(2026, 11, 20, 20, 30)),
        ("2026-11-20T20:30:15", datetime(2026, 11, 20, 20, 30, 15)),
        ("昨天 21:30", datetime(2026, 11, 25, 21, 30)),
        ("昨天 21：30", datetime(2026, 11, 25, 21, 30)),  # full-width colon
        ("11月20日 8:05", datetime(2026, 11, 20, 8, 5)),
        # A date without a time is a date: no clock time is invented.
        ("2026-11-20", date(2026, 11, 20)),
        ("昨天", date(2026, 11, 25)),
        ("今天", date(2026, 11, 26)),
    ],
)
def test_parse_moment(text: str, expected: datetime | date) -> None:
    assert parse_moment(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13-01", "日期“2026-13-01”不存在"),
        ("2026-02-29", "日期“2026-02-29”不存在"),  # 2026 is not a leap year
        ("6/31", "日期“6/31”不存在"),
        ("明年", "无法识别的日期“明年”，请写成 2026-06-24、6月24日 或 今天"),
        ("2026-6", "无法识别的日期“2026-6”，请写成 2026-06-24、6月24日 或 今天"),
    ],
)
def test_bad_dates(text: str, message: str) -> None:
    with pytest.raises(LedgerError) as refused:
        parse_date(text, TODAY)
    assert str(refused.value) == message


@pytest.mark.parametrize("text", ["昨天 25:00", "2026-11-20 20:61", "2026-11-20 晚上"])
def test_bad_moments(text: str) -> None:
    with pytest.raises(LedgerError):
        parse_moment(text, NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06", (2026, 6)),
        ("2026年6月", (2026, 6)),
        ("6月", (2026, 6)),
        ("本月", (2026, 11)),
        ("上月", (2026, 10)),
    ],
)
def test_parse_month(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text, TODAY) == expected


def test_last_month_in_january() -> None:
    assert parse_month("上月", date(2027, 1, 15)) == (2026, 12)


def test_at_accepts_the_same_formats(places: Ledger, run: Callable[..., Result]) -> None:
    assert (
        run("add", "楼道灯不亮", "--community", "铁塔寺社区", "--date", "11月20日").exit_code == 0
    )
    assert run("assign", "1", "住建局", "--at", "11月20日 21:30").exit_code == 0
    assert run("progress", "1", "已勘查", "--at", "2026/11/23").exit_code == 0
    assert run("resolve", "1", "已修复", "--at", "昨天 16:00").exit_code == 0
    assert run("reply", "1", "已告知", "--at", "今天").exit_code == 0
    events = json.loads(run("show", "1", "--json").stdout)["events"]
    assert [e["at"] for e in events] == [
        "2026-11-20",  # --date: a day, not midnight
        "2026-11-20T21:30:00",
        "2026-11-23",  # a day, not 23:59:59
        "2026-11-25T16:00:00",
        "2026-11-26",
    ]
