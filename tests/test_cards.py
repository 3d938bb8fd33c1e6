"""黄牌 / 红牌 (docs/domain.md, "Deadlines"): one rule in deadlines.card, the same in list, today and reports.

Calendar facts used (chinese-calendar 2026): 11-28/29 are a weekend; 国庆 2026 is Thu 10-01 to
Wed 10-07 (holidays), Thu 10-08 is a working day, Sat 10-10 is a make-up working day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from typer.testing import Result

from ledger.domain import deadlines
from ledger.store.ledger_file import Ledger
from ledger.views import today_board
from test_board import TODAY, build_board_ledger


def card_on(ledger: Ledger, due: date, today: date, status: str = "assigned") -> str | None:
    return deadlines.deadline(ledger, status, due, today).card


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        # due Thu 11-26: Tue 11-24 has 2 working days left (25, 26) → no card yet
        (date(2026, 11, 26), date(2026, 11, 24), None),
        (date(2026, 11, 26), date(2026, 11, 25), "yellow"),  # one working day before
        (date(2026, 11, 26), date(2026, 11, 26), "yellow"),  # the due day itself
        (date(2026, 11, 26), date(2026, 11, 27), "red"),  # first working day after it
        # due Fri 11-27: the weekend after it is not yet a working day after the deadline
        (date(2026, 11, 27), date(2026, 11, 28), "yellow"),
        (date(2026, 11, 27), date(2026, 11, 29), "yellow"),
        (date(2026, 11, 27), date(2026, 11, 30), "red"),  # Monday
        # due Wed 09-30: the whole 国庆 holiday keeps the yellow card; red on Thu 10-08
        (date(2026, 9, 30), date(2026, 10, 1), "yellow"),
        (date(2026, 9, 30), date(2026, 10, 7), "yellow"),
        (date(2026, 9, 30), date(2026, 10, 8), "red"),
        # due Fri 10-09: yellow from Thu 10-08 (one working day before)
        (date(2026, 10, 9), date(2026, 10, 7), None),  # 10-08 and 10-09 still ahead: 2
        (date(2026, 10, 9), date(2026, 10, 8), "yellow"),
        (date(2026, 10, 9), date(2026, 10, 10), "red"),  # Saturday, but a make-up working day
    ],
)
def test_card_rule(ledger: Ledger, due: date, today: date, expected: str | None) -> None:
    assert card_on(ledger, due, today) == expected


def test_finished_items_show_no_card(ledger: Ledger) -> None:
    for status in ("resolved", "declined", "replied", "closed"):
        assert card_on(ledger, date(2026, 11, 2), TODAY, status) is None


@pytest.fixture
def board_ledger(places: Ledger) -> Ledger:
    return build_board_ledger(places)


# On Thu 11-26 (tests/test_board.py): 1 (10 wd late), 2 (2), 5 (3), 6 (5) are red;
# 3 (due today) and 4 (due Fri 11-27, 1 left) are yellow; 12 (2 left) has none.
RED = [6, 5, 2, 1]  # list order: most urgent first = earliest due (1 is due 11-12 …)
YELLOW = [3, 4]


def test_board_counts_cards_per_unit(board_ledger: Ledger) -> None:
    cards = today_board.build(board_ledger, TODAY).as_json()["cards"]
    assert cards["red"] == {"count": 4, "list_args": "--card red"}
    assert cards["yellow"] == {"count": 2, "list_args": "--card yellow"}
    # 住建局: red 1, yellow 3; 市住建局: red 5, yellow 4; 扈师傅维修队: red 2; unassigned: red 6.
    assert cards["by_unit"] == [
        {"unit": "住建局", "red": 1, "yellow": 1},
        {"unit": "市住建局", "red": 1, "yellow": 1},
        {"unit": "扈师傅维修队", "red": 1, "yellow": 0},
        {"unit": None, "red": 1, "yellow": 0},
    ]
    items = {
        item["number"]: item["card"]
        for level in today_board.LEVELS
        for item in today_board.build(board_ledger, TODAY).as_json()["supervision"][level]["items"]
    }
    assert items == {1: "red", 2: "red", 5: "red", 6: "red", 3: "yellow", 4: "yellow"}


def test_list_card_filter(board_ledger: Ledger, run: Callable[..., Result]) -> None:
    import json

    for card, expected in (("red", RED), ("红牌", RED), ("yellow", YELLOW), ("黄牌", YELLOW)):
        result = run("list", "--card", card, "--json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert sorted(item["number"] for item in data["items"]) == sorted(expected)
        assert {item["card"] for item in data["items"]} == {
            "red" if card in ("red", "红牌") else "yellow"
        }
    shown = run("list", "--card", "red").stdout
    assert "共 4 条" in shown


def test_unknown_card_is_one_line(board_ledger: Ledger, run: Callable[..., Result]) -> None:
    result = run("list", "--card", "blue")
    assert result.exit_code == 1
    assert result.stderr.strip() == "错误: 未知的督办牌“blue”，可选：黄牌(yellow)、红牌(red)"


def test_today_shows_the_card_counts(board_ledger: Ledger, run: Callable[..., Result]) -> None:
    shown = run("today").stdout
    assert "督办牌：红牌 4 件 · 黄牌 2 件  ledger list --card red|yellow" in shown


def test_report_counts_cards_per_unit_like_the_board(board_ledger: Ledger) -> None:
    from ledger.views import coverage, figures

    # November is still running on 11-26 09:00: its cut-off is now, so the report's cards
    # are today's. All twelve items were raised in November.
    period = coverage.parse_period("本月", None, None, board_ledger.now())
    lookups = coverage.Lookups(board_ledger)
    cards: dict[str, tuple[int, int]] = {}
    for scope in coverage.scopes(board_ledger):
        tally = figures.compute(board_ledger, period, scope, lookups)
        for unit in tally.units.values():
            yellow, red = cards.get(unit.name, (0, 0))
            cards[unit.name] = (yellow + unit.yellow_cards, red + unit.red_cards)
    assert cards == {
        "住建局": (1, 1),  # 3 yellow (due today), 1 red; 9, 10, 11 are finished
        "市住建局": (1, 1),  # 4 yellow (due tomorrow), 5 red
        "扈师傅维修队": (0, 1),  # 2 red; 12 has 2 working days left, 8 is finished
        "（未交办）": (0, 1),  # 6 red; 7 has 3 working days left
    }


def test_items_sharing_a_due_date_all_show_their_card(
    ledger: Ledger, run: Callable[..., Result]
) -> None:
    """`list` works out a due date's standing once and copies it: the card must come along."""
    import json

    from ledger.casework import actions
    from ledger.registry import areas as place_service

    place_service.add_path(ledger, "任城区/古槐街道/铁塔寺社区")
    # Raised Mon 11-16 → due Thu 11-19; on Thu 11-26 late 5 working days: 红牌, both of them.
    for title in ("楼道灯不亮", "下水道堵塞"):
        actions.add(ledger, title, community="铁塔寺社区", raised_on=date(2026, 11, 16))
    data = json.loads(run("list", "--json").stdout)
    assert [(item["number"], item["card"]) for item in data["items"]] == [(1, "red"), (2, "red")]
