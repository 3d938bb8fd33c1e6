"""Property: the bulk form of the event writer (import's) gives what the general replay gives.

Hypothesis draws a planned history of a new item the way import plans one — 登记, then any
of 交办, 进展, 延期, 办结, 不予办理, 答复, 评价, 重办, 归档, 催办, each on a date (mostly in
order, sometimes going back, sometimes an action the status does not allow) with texts that
hold quotes, backslashes and the markers the writer looks for. For each:

- :func:`history.derive_in_order` (the fast path) gives the same final state, the same
  changes per step and the same refusal as :func:`history.derive_new_item` (the general
  replay), or declines (None) exactly when the plan is not in time order;
- :func:`imported.build` (the direct builder for a plain imported history) gives the same
  state, moments and stored changes text as the general replay whenever it builds at all,
  and builds every history import plans (in order, each step one the status allows, no
  重办 or 延期);
- :func:`history.write_new_items` stores the item row as replayed and each event with the
  params, changes (as ``json.dumps(…, ensure_ascii=False, sort_keys=True)``) and position
  the general replay gives.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ledger.casework import history, imported
from ledger.domain import lifecycle
from ledger.domain.errors import LedgerError
from ledger.domain.lifecycle import STATE_FIELDS
from ledger.registry import areas as place_service
from ledger.registry import units
from ledger.store.ledger_file import Ledger, open_memory

START = date(2026, 10, 1)
TEXTS = st.sampled_from(
    [
        "已修复",
        'a "quoted" \\ text',
        ', "title": 假标题',
        '"status": "raised"',
        "已答复，待回访",
        "",
    ]
)


ACTIONS = ("assign", "progress", "extend", "resolve", "decline", "reply", "rate", "reopen")
ACTIONS += ("close", "remind")


@st.composite
def plans(draw: st.DrawFn) -> list[history.Planned]:
    raised = START + timedelta(days=draw(st.integers(0, 20)))
    add: dict[str, Any] = {
        "title": draw(TEXTS.filter(bool)) + "漏水",
        "community_id": 3,
        "place_id": None,
        "meeting_id": None,
        "source": draw(st.sampled_from(["other", "night_talk"])),
        "category": "other",
        "scale": draw(st.sampled_from(["small", "big"])),
        "reporter": draw(st.one_of(st.none(), TEXTS)),
        "phone": draw(st.sampled_from([None, "13812345678"])),
        "raised_on": raised.isoformat(),
        "due_on": (raised + timedelta(days=5)).isoformat(),
    }
    if draw(st.booleans()):
        add["zone"] = "键排在 title 之后"  # the splice must not be used: "zone" sorts last
    plan = [history.Planned("add", raised, add, draw(st.one_of(st.none(), TEXTS)))]
    day, status = raised, "raised"
    for _ in range(draw(st.integers(0, 7))):
        day += timedelta(days=draw(st.sampled_from([0, 1, 3, 0, 1, 3, -2])))  # now and then back
        allowed = [a for a in lifecycle.allowed_actions(status) if a in ACTIONS]
        # Mostly a step the status allows (a walk through the table), now and then any.
        choices = allowed if allowed and draw(st.integers(0, 9)) else list(ACTIONS)
        action = draw(st.sampled_from(choices))
        status = lifecycle.TRANSITIONS.get((status, action), status)
        text = draw(TEXTS)
        params: dict[str, Any] = {
            "assign": {"unit_id": draw(st.sampled_from([1, 2]))},
            "progress": {"text": text},
            "extend": {"to": (day + timedelta(days=30)).isoformat()},
            "resolve": {"text": text},
            "decline": {"text": text},
            "reply": {"text": text, "channel": "电话"},
            "rate": {"rating": draw(st.sampled_from(["satisfied", "basically"]))},
            "reopen": {"rating": "unsatisfied", "unit_id": draw(st.sampled_from([None, 2]))},
            "close": {},
            "remind": {},
        }[action]
        plan.append(history.Planned(action, day, params, text or None))
    return plan


_TEMPLATE: list[Ledger] = []


def fresh() -> Ledger:
    """A copy of one prepared in-memory ledger: a community (id 3) and units 1 and 2."""
    if not _TEMPLATE:
        ledger = open_memory("测试员")
        place_service.add_path(ledger, "任城区/古槐街道/铁塔寺社区")
        units.add(ledger, "住建局", "职能部门")
        units.add(ledger, "扈师傅维修队", "志愿队")
        _TEMPLATE.append(ledger)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    _TEMPLATE[0].conn.backup(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    return Ledger(conn, None, "测试员")


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def in_time_order(plan: list[history.Planned]) -> bool:
    days = [p.at for p in plan]
    return days == sorted(days)


def plain_import(plan: list[history.Planned]) -> bool:
    """Whether the plan is one import makes of a row: in time order, every step one the
    status allows (进展 anywhere), none of 重办, 延期, 催办; no extra key in the registration."""
    if not in_time_order(plan) or "zone" in plan[0].params:
        return False
    status = "raised"
    for p in plan[1:]:
        if p.action in ("reopen", "extend", "remind"):
            return False
        if p.action != "progress":
            if (status, p.action) not in lifecycle.TRANSITIONS:
                return False
            status = lifecycle.TRANSITIONS[(status, p.action)]
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_the_fast_path_is_the_replay(plan: list[history.Planned]) -> None:
    ledger = fresh()
    try:
        state, events = history.derive_new_item(ledger, plan)
    except LedgerError as refused:
        event("refused")
        assert imported.build(plan) is None  # never writes what the replay refuses
        if in_time_order(plan):
            with pytest.raises(LedgerError) as fast:
                history.derive_in_order(ledger, plan)
            assert str(fast.value) == str(refused)
        return
    fast = history.derive_in_order(ledger, plan)
    event(f"{len(plan)} steps, {'in order' if in_time_order(plan) else 'reordered'}")
    if not in_time_order(plan):
        assert fast is None
    else:
        assert fast is not None
        fast_state, steps, moments = fast
        assert fast_state == state
        assert steps == [e.changes for e in events]
        assert moments == [e.at for e in events]
        assert [e.seq for e in events] == list(range(1, len(plan) + 1))

    direct = imported.build(plan)
    if direct is not None:
        event("built directly")
        direct_state, texts, moments = direct
        assert direct_state == state
        assert moments == [e.at for e in events]
        assert texts == [None, *(_dump(e.changes) for e in events[1:])]  # type: ignore[arg-type]
    elif plain_import(plan):
        raise AssertionError("a plain imported history was not built directly")

    with ledger.transaction():
        uids = iter(f"uid{n}" for n in range(100))
        written = history.write_new_items(
            ledger, [history.NewItem(1, "item-uid", 1, plan)], lambda: next(uids)
        )
    assert [w.state for w in written] == [state]
    row = ledger.conn.execute(
        f"SELECT {', '.join(STATE_FIELDS)}, last_event_at FROM items WHERE id = 1"
    ).fetchone()
    assert list(row) == [*(state[f] for f in STATE_FIELDS), max(e.at for e in events)]
    stored = ledger.conn.execute(
        "SELECT action, at, note, params, changes, seq FROM events ORDER BY id"
    ).fetchall()
    assert stored == [
        (e.action, e.at, e.note, _dump(e.params), _dump(e.changes), e.seq)  # type: ignore[arg-type]
        for e in events
    ]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=st.dictionaries(st.text(), JSON_VALUES, max_size=6))
def test_the_one_encoder_writes_what_json_dumps_writes(value: dict[str, Any]) -> None:
    # The stored text of every event's params and changes (history._ENCODE reuses one C
    # encoder): exactly json.dumps(…, ensure_ascii=False, sort_keys=True), NaN included.
    assert history._ENCODE(value) == json.dumps(value, ensure_ascii=False, sort_keys=True)


@settings(max_examples=300, deadline=None)
@given(
    values=st.tuples(
        *(st.text(), st.integers() | st.text(), st.none() | st.integers() | st.booleans()),
        *(st.none() | st.integers(), st.text(), st.text(), st.text(), st.none() | st.text()),
        *(st.none() | st.text() | st.integers(), st.text(), st.text()),
    )
)
def test_an_imported_registration_is_written_as_json_dumps_writes_it(
    values: tuple[Any, ...],
) -> None:
    # Written directly for the import's inputs; other types go to the encoder (None).
    params = dict(zip(imported.REGISTRATION_KEYS, values, strict=True))
    written = imported.registration(params)
    plain = type(values[1]) is int and type(values[2]) is not bool and type(values[8]) is not int
    assert (written is not None) == plain
    if written is not None:
        assert written == (
            json.dumps(params, ensure_ascii=False, sort_keys=True),
            json.dumps({**params, "status": "raised"}, ensure_ascii=False, sort_keys=True),
        )
