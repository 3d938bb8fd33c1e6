"""The 说、议、办、回、评 lifecycle, driven from the transition table itself.

For every (status, action) pair an item is brought into that status through the real core
functions; an allowed action must land in the table's target status (and the item row must
still be the replay of its events), a disallowed one must be refused with a message that
names the status and what is allowed, leaving the item row and its events untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from ledger.casework import actions
from ledger.domain import lifecycle
from ledger.domain.errors import LedgerError, TransitionRefused
from ledger.domain.labels import ACTION, STATUS
from ledger.store.ledger_file import Ledger
from ledger.views import rows

STATUSES = ("raised", "assigned", "resolved", "declined", "replied", "closed", "voided")
ACTIONS = tuple(rule.action for rule in lifecycle.RULES if rule.sources)  # all but add
PAIRS = [(status, action) for status in STATUSES for action in ACTIONS]


def test_table_is_the_design() -> None:
    """docs/domain.md's lifecycle table, typed out by hand: (from, action) → to."""
    expected = {
        ("raised", "assign"): "assigned",
        ("assigned", "assign"): "assigned",  # 转办
        ("assigned", "progress"): "assigned",
        ("assigned", "extend"): "assigned",
        ("raised", "escalate"): "assigned",
        ("assigned", "escalate"): "assigned",
        ("raised", "resolve"): "resolved",  # 小事马上办
        ("assigned", "resolve"): "resolved",
        ("raised", "decline"): "declined",
        ("assigned", "decline"): "declined",
        ("resolved", "reply"): "replied",
        ("declined", "reply"): "replied",
        ("replied", "rate"): "closed",
        ("replied", "reopen"): "assigned",  # 不满意 → 重办
        ("replied", "close"): "closed",
        ("raised", "remind"): "raised",
        ("assigned", "remind"): "assigned",
    }
    live = [status for status in STATUSES if status != "voided"]
    # edit (更正) is allowed from every live status and changes none; 作废 from every one.
    expected |= {(status, "edit"): status for status in live}
    expected |= {(status, "void"): "voided" for status in live}
    # 重复反映 link / unlink: annotations from every live status.
    expected |= {(status, "link"): status for status in live}
    expected |= {(status, "unlink"): status for status in live}
    assert expected == lifecycle.TRANSITIONS
    assert set(lifecycle.ALL_STATUSES) == set(STATUSES)
    assert len(PAIRS) == 7 * 15  # 7 statuses × 15 actions (add has no "from")


def _add(ledger: Ledger) -> int:
    return actions.add(ledger, "楼道灯不亮", community="铁塔寺社区", category="基础设施").item[
        "number"
    ]


# How to reach each status from a new item, with the real core functions.
PATHS: dict[str, list[Callable[[Ledger, int], Any]]] = {
    "raised": [],
    "assigned": [lambda lg, n: actions.assign(lg, n, "住建局")],
    "resolved": [
        lambda lg, n: actions.assign(lg, n, "住建局"),
        lambda lg, n: actions.resolve(lg, n, "已更换灯泡"),
    ],
    "declined": [lambda lg, n: actions.decline(lg, n, "属于物业维修范围，已告知物业")],
    "replied": [
        lambda lg, n: actions.resolve(lg, n, "当场更换灯泡"),
        lambda lg, n: actions.reply(lg, n, "已电话告知", channel="电话"),
    ],
    "closed": [
        lambda lg, n: actions.resolve(lg, n, "当场更换灯泡"),
        lambda lg, n: actions.reply(lg, n, "已当面告知", channel="当面"),
        lambda lg, n: actions.rate(lg, n, "满意"),
    ],
    "voided": [lambda lg, n: actions.void(lg, n, "重复登记")],
}


# One real core call per action of the table.
DO: dict[str, Callable[[Ledger, int], Any]] = {
    "assign": lambda lg, n: actions.assign(lg, n, "扈师傅维修队"),
    "progress": lambda lg, n: actions.progress(lg, n, "已现场勘查", percent=40),
    "extend": lambda lg, n: actions.extend(lg, n, date(2026, 12, 31), "材料未到"),
    "escalate": lambda lg, n: actions.escalate(lg, n, "市住建局", "需要市级协调"),
    "resolve": lambda lg, n: actions.resolve(lg, n, "已修复"),
    "decline": lambda lg, n: actions.decline(lg, n, "不属于本社区职责"),
    "reply": lambda lg, n: actions.reply(lg, n, "已告知居民", channel="微信"),
    "rate": lambda lg, n: actions.rate(lg, n, "基本满意"),
    "reopen": lambda lg, n: actions.rate(lg, n, "不满意", unit="扈师傅维修队"),
    "close": lambda lg, n: actions.close(lg, n, "居民已搬离，无法回访"),
    "edit": lambda lg, n: actions.edit(lg, n, title="楼道灯不亮（3单元）"),
    "remind": lambda lg, n: actions.remind(lg, n, "请尽快办理"),
    "void": lambda lg, n: actions.void(lg, n, "重复登记，同第 1 号"),
    "link": lambda lg, n: actions.link(lg, n, _original(lg)),
    "unlink": lambda lg, n: actions.unlink(lg, n),
}


def _original(ledger: Ledger) -> int:
    """An item raised the same day in another community, for link to point at."""
    return actions.add(ledger, "井盖缺失", community="财工街社区", new=True).item["number"]


# What an action needs first: unlink needs a link (made before the item reaches its status).
PREPARE: dict[str, Callable[[Ledger, int], Any]] = {
    "unlink": lambda lg, n: actions.link(lg, n, _original(lg)),
}


def _item_in(ledger: Ledger, status: str, action: str | None = None) -> int:
    number = _add(ledger)
    if action in PREPARE:
        PREPARE[action](ledger, number)
    for step in PATHS[status]:
        step(ledger, number)
    assert rows.get(ledger, number)["status"] == status
    return number


def _state(ledger: Ledger, number: int) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    row = ledger.conn.execute("SELECT * FROM items WHERE number = ?", (number,)).fetchone()
    events = ledger.conn.execute(
        "SELECT e.* FROM events e JOIN items i ON i.id = e.item_id WHERE i.number = ? "
        "ORDER BY e.id",
        (number,),
    ).fetchall()
    return row, events


def _replayed(ledger: Ledger, number: int) -> None:
    """The item row equals the fold of its events, field by field."""
    item = rows.get(ledger, number)
    changes = [
        row[0]
        for row in ledger.conn.execute(
            "SELECT changes FROM events WHERE item_id = ? AND withdrawn = 0 ORDER BY seq",
            (item["id"],),
        )
    ]
    state = lifecycle.replay(changes)
    assert {field: item[field] for field in lifecycle.STATE_FIELDS} == state


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_pair(places: Ledger, status: str, action: str) -> None:
    number = _item_in(places, status, action)
    target = lifecycle.TRANSITIONS.get((status, action))
    if target is not None:
        before = len(_state(places, number)[1])
        outcome = DO[action](places, number)
        assert outcome.item["status"] == target
        assert outcome.event["action"] == action
        _row, events = _state(places, number)
        assert len(events) == before + 1  # exactly one event per action
        _replayed(places, number)
        return
    before = _state(places, number)
    with pytest.raises(TransitionRefused) as refused:
        DO[action](places, number)
    message = str(refused.value)
    assert f"问题 {number} " in message
    assert f"“{STATUS.label(status)}”" in message
    assert f"不能{ACTION[action]}" in message
    allowed = [
        a for (s, a) in lifecycle.TRANSITIONS if s == status and a not in lifecycle.LINK_ACTIONS
    ]
    if status == "voided":
        assert "此状态下可以：撤销作废（ledger undo" in message
    for name in allowed:
        assert ACTION[name] in message.split("此状态下可以：")[1]
    assert _state(places, number) == before  # row and events untouched


def test_refusal_message_in_full(places: Ledger) -> None:
    """One message written out by hand: a 待分办 item cannot be answered yet."""
    number = _item_in(places, "raised")
    with pytest.raises(TransitionRefused) as refused:
        actions.reply(places, number, "已告知")
    assert str(refused.value) == (
        "问题 1 当前状态为“待分办”，不能答复；"
        "此状态下可以：交办、升级、办结、不予办理、更正、催办、作废"
    )


def test_closed_allows_only_edit(places: Ledger) -> None:
    number = _item_in(places, "closed")
    with pytest.raises(TransitionRefused) as refused:
        actions.assign(places, number, "住建局")
    assert str(refused.value).endswith("此状态下可以：更正、作废")


def test_reassign_keeps_old_and_new_unit_in_events(places: Ledger) -> None:
    """转办: the two assign events name the first and the second unit."""
    number = _item_in(places, "assigned")
    actions.assign(places, number, "扈师傅维修队", note="转志愿队")
    events = rows.timeline(places, rows.get(places, number)["id"])
    unit_ids = [e["changes"].get("unit_id") for e in events if e["action"] == "assign"]
    names = [
        places.conn.execute("SELECT name FROM units WHERE id = ?", (uid,)).fetchone()[0]
        for uid in unit_ids
    ]
    assert names == ["住建局", "扈师傅维修队"]


def test_unsatisfied_reopens_with_same_unit(places: Ledger) -> None:
    """不满意: back to 办理中 with the same unit, reopen count 1, a new small deadline."""
    number = _item_in(places, "replied")  # resolved on the spot: no unit yet
    before = rows.timeline(places, rows.get(places, number)["id"])
    with pytest.raises(LedgerError, match="社区自己当场办结的，没有承办单位；重办请用 --unit"):
        actions.rate(places, number, "不满意")
    assert rows.timeline(places, rows.get(places, number)["id"]) == before
    actions.rate(places, number, "不满意", unit="扈师傅维修队")
    item = rows.get(places, number)
    assert (item["status"], item["reopen_count"], item["rating"]) == ("assigned", 1, "unsatisfied")
    assert item["unit"] == "扈师傅维修队"
    # Re-handled on Thu 2026-11-26: 3 working days → Fri 27, Mon 30, Tue 2026-12-01.
    assert item["due_on"] == "2026-12-01"
    assert (item["resolved_on"], item["replied_on"], item["result"]) == (None, None, None)

    # An assigned item keeps its unit through 重办.
    other = _item_in(places, "resolved")
    actions.reply(places, other, "已告知")
    actions.rate(places, other, "不满意", note="灯又坏了")
    again = rows.get(places, other)
    assert (again["status"], again["unit"], again["reopen_count"]) == ("assigned", "住建局", 1)


def test_unsatisfied_with_close_files_the_verdict(places: Ledger) -> None:
    number = _item_in(places, "replied")
    outcome = actions.rate(places, number, "不满意", close=True)
    assert outcome.event["action"] == "rate"
    item = outcome.item
    assert (item["status"], item["rating"], item["reopen_count"]) == ("closed", "unsatisfied", 0)
    assert item["closed_on"] == "2026-11-26"


def test_events_record_changes_as_json(places: Ledger) -> None:
    """Each event's changes are exactly the fields the action set."""
    number = _item_in(places, "assigned")
    actions.progress(places, number, "已现场勘查", percent=40)
    last = places.conn.execute(
        "SELECT action, actor, changes FROM events ORDER BY id DESC"
    ).fetchone()
    assert last[0] == "progress"
    assert last[1] == "测试员"  # $LEDGER_ACTOR from the fixture
    assert json.loads(last[2]) == {"last_progress": "已现场勘查", "percent": 40}
