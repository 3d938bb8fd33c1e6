"""Property: typing order does not matter, only when things happened.

Hypothesis draws a valid history of one item (a walk through the transition table, each action
on a later day, some with a clock time and some as a bare date). One ledger records it in time
order; another records the same actions with the same moments in a shuffled typing order
(each action typed as soon as the history allows it). Both must end with the same item row,
both must pass ``ledger check``, and November's figures must be the same.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.casework import actions
from ledger.domain import lifecycle
from ledger.io import check
from ledger.registry import areas as place_service
from ledger.registry import units
from ledger.store.ledger_file import Ledger, open_memory
from ledger.views import coverage, figures, rows

START = date(2026, 11, 2)  # a Monday; today (conftest) is Thursday 2026-11-26

Step = tuple[str, date | datetime]
UNITS = ("住建局", "扈师傅维修队")

ACTIONS: dict[str, Callable[[Ledger, int, date | datetime], Any]] = {
    # 转办 goes to the other unit: the same unit twice in a row is refused (已由…承办).
    "assign": lambda lg, n, at: actions.assign(lg, n, UNITS[0], at=at),
    "assign_other": lambda lg, n, at: actions.assign(lg, n, UNITS[1], at=at),
    "escalate": lambda lg, n, at: actions.escalate(lg, n, "市住建局", "需要市级协调", at=at),
    "progress": lambda lg, n, at: actions.progress(lg, n, "已勘查", percent=50, at=at),
    "extend": lambda lg, n, at: actions.extend(
        lg, n, date(2026, 12, 1) + timedelta(days=at.day), "材料未到", at=at
    ),
    "resolve": lambda lg, n, at: actions.resolve(lg, n, "已修复", at=at),
    "decline": lambda lg, n, at: actions.decline(lg, n, "不属于社区职责", at=at),
    "reply": lambda lg, n, at: actions.reply(lg, n, "已告知", channel="短信", at=at),
    "rate": lambda lg, n, at: actions.rate(lg, n, "满意", at=at),
    "reopen": lambda lg, n, at: actions.rate(lg, n, "不满意", unit="扈师傅维修队", at=at),
    "close": lambda lg, n, at: actions.close(lg, n, "居民已搬离", at=at),
    "remind": lambda lg, n, at: actions.remind(lg, n, "电话催办", at=at),
}


@st.composite
def histories(draw: st.DrawFn) -> list[Step]:
    """A valid walk from 待分办, one action per later day (8 at most, all before today)."""
    status, steps, day, unit = "raised", [], START, ""
    for _ in range(draw(st.integers(0, 8))):
        allowed = [a for a in lifecycle.allowed_actions(status) if a in ACTIONS]
        if not allowed:
            break
        action = draw(st.sampled_from(sorted(allowed)))
        if action == "assign" and unit == UNITS[0]:
            action = "assign_other"
        if action.startswith("assign"):
            unit = UNITS[action == "assign_other"]
        elif action == "escalate":
            unit = "市住建局"
        elif action == "reopen":
            unit = UNITS[1]
        day += timedelta(days=draw(st.integers(1, 2)))
        if day >= date(2026, 11, 26):
            break
        timed = draw(st.booleans())
        moment: date | datetime = (
            datetime(day.year, day.month, day.day, draw(st.integers(8, 21))) if timed else day
        )
        steps.append((action, moment))
        status = lifecycle.TRANSITIONS[(status, action.removesuffix("_other"))]
    return steps


_TEMPLATE: list[Ledger] = []


def fresh() -> tuple[Ledger, int]:
    """A copy of one prepared in-memory ledger (places, units, item 1 raised on START)."""
    if not _TEMPLATE:
        ledger = open_memory("测试员")
        place_service.add_path(ledger, "任城区/古槐街道/铁塔寺社区")
        for name in ("住建局", "市住建局", "扈师傅维修队"):
            units.add(ledger, name, "职能部门")
        actions.add(ledger, "楼道灯不亮", community="铁塔寺社区", raised_on=START)
        _TEMPLATE.append(ledger)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    _TEMPLATE[0].conn.backup(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    return Ledger(conn, None, "测试员"), 1


# The transition table alone says which typing orders a clerk may use: an action typed in
# its place in time must fit the statuses before it; annotations typed earlier never block.
ANNOTATIONS = {rule.action for rule in lifecycle.RULES if rule.annotation}


def _unit_after(action: str, unit: str) -> str:
    changed = {"assign": UNITS[0], "assign_other": UNITS[1], "escalate": "市住建局"}
    return changed.get(action, UNITS[1] if action == "reopen" else unit)


def fits(recorded: list[Step], new: Step) -> bool:
    """Would the history (recorded + new, in time order) be valid, by the table alone?"""
    status, unit = "raised", ""
    for step in sorted([*recorded, new], key=lambda s: s[1].isoformat()):
        action = step[0].removesuffix("_other")
        if step is new or action not in ANNOTATIONS:
            if (status, action) not in lifecycle.TRANSITIONS:
                return False
            if step is new and action == "assign" and _unit_after(step[0], unit) == unit:
                return False  # 已由…承办
            status = lifecycle.TRANSITIONS[(status, action)]
        unit = _unit_after(step[0], unit)
    return True


def typing_order(steps: list[Step], seed: int) -> list[Step]:
    """A shuffled order in which every action fits when typed (depth-first, never stuck)."""
    shuffled = list(steps)
    random.Random(seed).shuffle(shuffled)

    def search(recorded: list[Step], pending: list[Step]) -> list[Step] | None:
        if not pending:
            return recorded
        for step in pending:
            if fits(recorded, step):
                found = search([*recorded, step], [p for p in pending if p is not step])
                if found is not None:
                    return found
        return None

    order = search([], shuffled)
    assert order is not None  # time order itself always fits
    return order


def record_shuffled(ledger: Ledger, number: int, steps: list[Step], seed: int) -> None:
    """Type the steps in a shuffled order that the transition table allows: all accepted."""
    for action, moment in typing_order(steps, seed):
        ACTIONS[action](ledger, number, moment)


def row(ledger: Ledger, number: int) -> dict[str, Any]:
    item = rows.get(ledger, number)
    return {field: item[field] for field in lifecycle.STATE_FIELDS}


def november(ledger: Ledger) -> dict[str, Any]:
    period = coverage.parse_period("2026-11", None, None, ledger.now())
    scope = coverage.scopes(ledger, "古槐街道")[0]
    tally = figures.compute(ledger, period, scope, coverage.Lookups(ledger))
    return {
        "total": tally.total.as_dict(),
        "units": [unit.as_dict() for unit in tally.unit_rows()],
    }


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=histories(), seed=st.integers(0, 10_000))
def test_typing_order_does_not_change_the_record(steps: list[Step], seed: int) -> None:
    in_order, number = fresh()
    for action, moment in steps:
        ACTIONS[action](in_order, number, moment)
    shuffled, same = fresh()
    record_shuffled(shuffled, same, steps, seed)

    assert row(shuffled, same) == row(in_order, number)
    for ledger in (in_order, shuffled):
        report = check.check(ledger.conn)
        assert not report.problems, [p.message for p in report.problems]
        item_id = rows.get(ledger, number)["id"]
        changes = [
            json_changes
            for (json_changes,) in ledger.conn.execute(
                "SELECT changes FROM events WHERE item_id = ? AND withdrawn = 0 "
                "AND action NOT IN ('undo', 'redo') ORDER BY seq",
                (item_id,),
            )
        ]
        assert lifecycle.replay(changes) == row(ledger, number)
    assert november(shuffled) == november(in_order)
