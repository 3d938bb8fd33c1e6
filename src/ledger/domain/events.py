"""An item's events and their time order.

History is kept in **time order, not typing order**. Every event carries the moment it
happened (``at``: a date-time, or a bare date when the clerk gave no clock time) and is
recorded with an increasing id (typing order); :func:`time_order` puts an item's events in
the order they happened. 撤销 (undo) and 恢复 (redo) are events that withdraw an earlier event
(or an earlier 撤销): a withdrawn event stays, marked, and is skipped by replay.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING, Any

from ledger.domain.lifecycle import (
    META_ACTIONS,
    REDO,
    UNDO,
)

if TYPE_CHECKING:  # the domain reads through whatever ledger it is given
    from ledger.store.ledger_file import Ledger


@dataclass
class Event:
    """One event of an item's history, as stored in the ``events`` table."""

    id: int
    uid: str
    action: str
    at: str  # YYYY-MM-DD (a date, no clock time given) or YYYY-MM-DDTHH:MM:SS, China time
    recorded_at: str
    actor: str
    note: str | None
    params: dict[str, Any] | None  # the action's inputs; None for events of old ledgers
    changes: dict[str, Any] = field(default_factory=dict)
    seq: int = 0  # position in time order, 1 = the registration
    withdrawn: bool = False  # withdrawn by an 撤销 in force

    @property
    def day(self) -> date:
        """The day the event happened."""
        return date.fromisoformat(self.at[:10])

    @property
    def dated_only(self) -> bool:
        """True when the clerk gave a date without a clock time."""
        return len(self.at) == 10

    @property
    def is_meta(self) -> bool:
        return self.action in META_ACTIONS

    def as_json(self) -> dict[str, Any]:
        """The event for ``--json`` and the ``show`` screen."""
        return {
            "id": self.id,
            "uid": self.uid,
            "seq": self.seq,
            "action": self.action,
            "at": self.at,
            "recorded_at": self.recorded_at,
            "actor": self.actor,
            "note": self.note,
            "changes": dict(self.changes),
            "withdrawn": self.withdrawn,
            "target": (self.params or {}).get("target") if self.is_meta else None,
        }


_COLUMNS = "id, uid, action, at, recorded_at, actor, note, params, changes, seq, withdrawn"


def load(ledger: Ledger, item_id: int) -> list[Event]:
    """An item's events, in time order (``seq``)."""
    rows = ledger.conn.execute(
        f"SELECT {_COLUMNS} FROM events WHERE item_id = ? ORDER BY seq, id", (item_id,)
    ).fetchall()
    return [_event(row) for row in rows]


def _event(row: Sequence[Any]) -> Event:
    params = json.loads(row[7]) if row[7] is not None else None
    return Event(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], params, json.loads(row[8]),
        row[9] or 0, bool(row[10]),
    )  # fmt: skip


# --- time order -------------------------------------------------------------------------


def time_order(events: Iterable[Event]) -> list[Event]:
    """Events in the order they happened.

    By day; within a day, timed events by their time and dated-only ones (no clock time was
    given) by when they were recorded, the two merged by recording order, so a date never
    invents a time. The registration is always first; equal moments keep typing order.
    """
    events = list(events)
    if _already_ordered(events):
        return events
    ordered: list[Event] = []
    by_day = sorted(events, key=lambda e: (e.at[:10], e.action != "add", e.id))
    for _, group in groupby(by_day, key=lambda e: e.at[:10]):
        day_events = list(group)
        head = [e for e in day_events if e.action == "add"]
        timed = sorted(
            (e for e in day_events if e.action != "add" and not e.dated_only),
            key=lambda e: (e.at, e.id),
        )
        dated = [e for e in day_events if e.action != "add" and e.dated_only]
        ordered += head
        t = d = 0
        while t < len(timed) or d < len(dated):
            if d < len(dated) and (t == len(timed) or dated[d].id < timed[t].id):
                ordered.append(dated[d])
                d += 1
            else:
                ordered.append(timed[t])
                t += 1
    return ordered


def _already_ordered(events: list[Event]) -> bool:
    """Dates only, in recording order, days never going back, registration first: the order
    of a sheet's row or of a history typed day by day (import writes thousands of these)."""
    previous = ""
    for index, event in enumerate(events):
        if len(event.at) != 10 or event.at < previous or (index and event.action == "add"):
            return False
        if index and event.id <= events[index - 1].id:
            return False
        previous = event.at
    return not events or events[0].action == "add"


def undos_in_force(events: Iterable[Event]) -> dict[str, str]:
    """Each 撤销 in force (not withdrawn by a 恢复): its uid → the uid of what it withdraws."""
    undone: dict[str, str] = {}
    for event in sorted(events, key=lambda e: e.id):
        target = (event.params or {}).get("target")
        if event.action == UNDO and target:
            undone[event.uid] = target
        elif event.action == REDO and target:
            undone.pop(target, None)
    return undone


def withdrawn_ids(events: Iterable[Event]) -> set[int]:
    """Ids of the events withdrawn by an 撤销 in force."""
    events = list(events)
    if not any(event.action == UNDO for event in events):
        return set()
    by_uid = {event.uid: event for event in events}
    return {by_uid[uid].id for uid in undos_in_force(events).values() if uid in by_uid}
