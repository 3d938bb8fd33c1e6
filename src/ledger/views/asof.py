"""Each item as it stood at a period's cut-off: its events up to then, folded through the lifecycle.

A report for a period counts only events whose ``at`` is not later than the cut-off (the last
instant of the period, or now while it is still running), so a report made later for a past
month gives the same numbers. Only the items the period needs are read, in item order, one at a
time, so memory stays flat however large the ledger is. The figures are defined in
docs/figures.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

from ledger.domain import deadlines
from ledger.domain.dates import iso
from ledger.domain.lifecycle import EMPTY_STATE, FINISHED_STATUSES, OPEN_SQL, OPEN_STATUSES
from ledger.store.ledger_file import Ledger
from ledger.views.coverage import Lookups, Period, Scope

REPLIED_STATUSES = ("replied", "closed")
SELF_HANDLED = 0  # the 承办单位 row of what the community settled or declined itself


# --- one item as of the cut-off ---------------------------------------------------------------


@dataclass(slots=True)
class AsOfItem:
    """An item as it stood at the cut-off, and what the report counts about it."""

    id: int
    number: int
    state: dict[str, Any]
    belongs: str  # "raised" (in the period) or "carried" (open at the period's start)
    finished: bool  # 办结 (resolved or declined, or beyond) by the cut-off
    declined: bool  # its latest 办结 was 不予办理
    on_time: bool  # finished on or before the due date in force at its latest 办结
    replied: bool
    level: str | None  # supervision level at the cut-off (overdue/severe only when open)
    workdays_overdue: int
    estimated: bool
    judged_unit_id: int | None = None  # who held the item at its latest rating (None: 社区)

    @property
    def overdue(self) -> bool:
        """超期未办结: open at the cut-off with its due date before the cut-off day."""
        return self.level in ("overdue", "severe")

    @property
    def rating(self) -> str | None:
        return self.state["rating"]


@dataclass(slots=True)
class Folded:
    """An item's state at the cut-off and what its history says about the period."""

    state: dict[str, Any]
    open_at_start: bool
    finish_action: str | None  # its latest 办结: resolve or decline
    finish_day: str | None
    due_at_finish: str | None  # the due date in force at that 办结
    judged_unit_id: int | None  # the unit holding it at its latest rating (None: 社区自办)


def fold(events: Iterable[tuple[str, str, str]], start_at: str) -> Folded:
    """Replay (action, at, changes) rows in time order, all in force and not after the cut-off."""
    state = dict(EMPTY_STATE)
    open_at_start: bool | None = None
    finish_action = finish_day = due_at_finish = None
    judged_unit_id = None
    loads = json.loads
    for action, at, changes in events:
        if open_at_start is None and at >= start_at:
            open_at_start = state["status"] in OPEN_STATUSES
        if action in ("rate", "reopen"):
            judged_unit_id = state["unit_id"]  # before 重办 hands it on
        state.update(loads(changes))
        if action in ("resolve", "decline"):
            finish_action, finish_day, due_at_finish = action, state["resolved_on"], state["due_on"]
    if open_at_start is None:
        open_at_start = state["status"] in OPEN_STATUSES
    return Folded(state, open_at_start, finish_action, finish_day, due_at_finish, judged_unit_id)


# Voided items count nowhere, whenever they were voided; withdrawn events (撤销) and the
# 撤销/恢复 events themselves never happened as far as the figures go.
_EVENTS_SQL = """
SELECT i.id, i.number, e.action, e.at, e.changes
FROM items i JOIN events e ON e.item_id = i.id
WHERE ({where_scope})
  AND i.status != 'voided'
  AND i.raised_on <= ?
  AND (i.raised_on >= ? OR i.status IN {open_statuses} OR i.last_event_at >= ?)
  AND e.at <= ? AND e.withdrawn = 0 AND e.action NOT IN ('undo', 'redo')
ORDER BY i.number, e.seq
"""


def items_as_of(
    ledger: Ledger, period: Period, scope: Scope, lookups: Lookups
) -> Iterator[AsOfItem]:
    """The items of a subdistrict's report, in number order: raised in the period or carried in.

    Reads only candidate items' events up to the cut-off (see the module docstring).
    """
    community_ids = scope.community_ids
    moved = [item_id for item_id, held in lookups.moved.items() if held & community_ids]
    where_scope = f"i.community_id IN ({','.join('?' * len(community_ids)) or 'NULL'})"
    if moved:
        where_scope += f" OR i.id IN ({','.join('?' * len(moved))})"
    params: list[Any] = [*sorted(community_ids), *moved]
    params += [iso(period.last), iso(period.first), period.start_at, period.cutoff_at]
    first, last = iso(period.first), iso(period.last)
    cursor = ledger.conn.execute(
        _EVENTS_SQL.format(where_scope=where_scope, open_statuses=OPEN_SQL), params
    )
    start_at = period.start_at
    for (item_id, number), rows in groupby(cursor, key=itemgetter(0, 1)):
        folded = fold(map(itemgetter(2, 3, 4), rows), start_at)
        state, open_at_start = folded.state, folded.open_at_start
        finish_action, finish_day, due_at_finish = (
            folded.finish_action,
            folded.finish_day,
            folded.due_at_finish,
        )
        if state["community_id"] not in community_ids or state["status"] is None:
            continue
        raised_on = state["raised_on"]
        if first <= raised_on <= last:  # type: ignore[operator]
            belongs = "raised"
        elif raised_on < first and open_at_start:  # type: ignore[operator]
            belongs = "carried"
        else:
            continue
        status = state["status"]
        finished = status in FINISHED_STATUSES
        due = date.fromisoformat(state["due_on"]) if state["due_on"] else None
        standing = deadlines.deadline(ledger, status, due, period.cutoff_day)
        level = standing.level if standing.level in ("overdue", "severe") else None
        yield AsOfItem(
            id=item_id,
            number=number,
            state=state,
            belongs=belongs,
            finished=finished,
            declined=finished and finish_action == "decline",
            on_time=bool(finished and finish_day and due_at_finish and finish_day <= due_at_finish),
            replied=status in REPLIED_STATUSES,
            level=level,
            workdays_overdue=standing.workdays_overdue if level else 0,
            estimated=standing.estimated,
            judged_unit_id=folded.judged_unit_id,
        )


def holders_at(ledger: Ledger, period: Period, item_ids: set[int]) -> dict[int, int | None]:
    """Who held each item at the cut-off: its unit, :data:`SELF_HANDLED` (settled or
    declined by the community) or None (never handed to a unit)."""
    if not item_ids:
        return {}
    ids = sorted(item_ids)
    cursor = ledger.conn.execute(
        "SELECT item_id, action, at, changes FROM events "
        f"WHERE item_id IN ({','.join('?' * len(ids))}) AND at <= ? AND withdrawn = 0 "
        "AND action NOT IN ('undo', 'redo') ORDER BY item_id, seq",
        [*ids, period.cutoff_at],
    )
    holders: dict[int, int | None] = {}
    for item_id, rows in groupby(cursor, key=itemgetter(0)):
        state = fold(map(itemgetter(1, 2, 3), rows), period.start_at).state
        holder = state["unit_id"]
        if holder is None and state["status"] in FINISHED_STATUSES:
            holder = SELF_HANDLED
        holders[item_id] = holder
    return holders


def voided_count(ledger: Ledger, period: Period, scope: Scope) -> int:
    """Items raised in the period in the scope's communities and voided since (作废): they are
    in no figure, and the report says how many, so that voiding can be seen."""
    ids = sorted(scope.community_ids)
    row = ledger.conn.execute(
        f"SELECT count(*) FROM items WHERE status = 'voided' AND raised_on BETWEEN ? AND ? "
        f"AND community_id IN ({','.join('?' * len(ids)) or 'NULL'})",
        [iso(period.first), iso(period.last), *ids],
    ).fetchone()
    return int(row[0])
