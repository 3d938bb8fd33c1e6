"""One cell as people write it: dates, ratings, phones and status words (importer core)."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.io.importer import status, values, words

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-5-12", date(2026, 5, 12)),
        ("20260512", date(2026, 5, 12)),
        (20260512, date(2026, 5, 12)),
        (46154, date(2026, 5, 12)),  # Excel's serial: 46086 is 2026-03-05, + 68 days
        ("46154", date(2026, 5, 12)),
        ("２０２６年５月１２日", date(2026, 5, 12)),  # full-width digits
        ("2026年5月12日前", date(2026, 5, 12)),
    ],
)
def test_dates_with_their_year(cell: object, expected: date) -> None:
    assert values.parse_day(cell, today=TODAY, strict=True) == expected


@pytest.mark.parametrize("cell", [5.12, "5.12", "5.12.", "5月12日", "5月12日前", "５月１２日"])
def test_month_and_day_without_a_year(cell: object) -> None:
    # A year from the title is used; without one the caller is told, never this year.
    assert values.parse_day(cell, today=TODAY, year_hint=2025, strict=True) == date(2025, 5, 12)
    with pytest.raises(values.NeedsYear) as missing:
        values.parse_day(cell, today=TODAY, strict=True)
    assert (missing.value.month, missing.value.day) == (5, 12)


def test_a_month_and_day_that_exists_in_no_year_is_refused_at_once() -> None:
    with pytest.raises(values.Bad, match="不存在") as refused:
        values.parse_day("13月40日", today=TODAY, strict=True)
    assert not isinstance(refused.value, values.NeedsYear)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("满意", ("satisfied", None, False)),
        ("群众满意", ("satisfied", None, False)),
        ("非常满意", ("satisfied", None, False)),
        ("基本满意", ("basically", None, False)),
        ("一般", ("basically", None, False)),
        ("不满意", ("unsatisfied", None, False)),
        ("不太满意", ("unsatisfied", None, False)),
        ("不满意，仍在滴水", ("unsatisfied", "仍在滴水", False)),
        ("已答复，待回访", (None, None, True)),
        ("未回访", (None, None, False)),
    ],
)
def test_rating_cells(cell: str, expected: tuple[str | None, str | None, bool]) -> None:
    assert words.read_rating(cell) == expected


def test_a_rating_cell_without_a_rating_word_is_refused() -> None:
    with pytest.raises(values.Bad, match="无法识别的评价“还行吧”"):
        words.read_rating("还行吧")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("15612345678.0", "15612345678"), (15612345678.0, "15612345678"), ("15612345678", "15612345678")],
)  # fmt: skip
def test_phone_saved_as_a_number_in_text(cell: object, expected: str) -> None:
    assert values.parse_phone(cell) == (expected, False)


@pytest.mark.parametrize(
    ("text", "status_code", "bare"),
    [
        ("办理中", "assigned", True),
        ("正在办理，已进场勘查", "assigned", False),
        ("协调中", "assigned", True),
        ("已交办", "assigned", True),
        ("未办理", "raised", True),
        ("未交办", "raised", True),
        ("待办", "raised", True),
        ("已解决", "resolved", True),
        ("已办结", "resolved", True),
        ("已完成", "resolved", True),
        ("未办结", "assigned", True),  # not 办结
        ("不予办理（不属于物业管理范围）", "declined", False),
        ("暂缓办理（待拆迁）", "assigned", False),
        ("已答复", "replied", True),
        ("已回复", "replied", True),
        ("已回访", "closed", True),
        ("群众满意", "closed", True),
        ("已更换灯头", None, False),  # a result, no status word
        ("需要解决", None, False),  # 解决 alone counts only as a whole 状态 cell
    ],
)
def test_status_words_in_text(text: str, status_code: str | None, bare: bool) -> None:
    found = status.read(text)
    assert found.status == status_code
    if status_code is not None:
        assert found.bare is bare


def test_whole_status_cells_take_short_words_too() -> None:
    assert status.read("是", whole=True).status == "resolved"
    assert status.read("办理", whole=True).status == "assigned"
    assert status.read("满意", whole=True) == status.Reading("closed", "satisfied", bare=True)
    assert status.read("已归档", whole=True).filed
