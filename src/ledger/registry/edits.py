"""Registry history: a place renamed, a unit renamed or edited, a meeting corrected.

The registry rows (``areas``, ``units``, ``meetings``) hold the current values, for fast
queries; every change to them is also one row of ``registry_events`` (migration 008):
which row, what was done (``rename`` or ``edit``), when it took effect (``at``, which a
clerk may backdate: a compound renamed on the 1st is often typed on the 5th), when it was
typed, by whom, and for each field changed its old and new value. This module is the one
writer of those events, and the one reader that turns them back into the values a row had
at an earlier moment — so a report of a past month shows the names as they were then.

Nothing is overwritten without an event: :func:`record` writes the event and the row in the
caller's transaction, together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple

from ledger.domain.dates import iso, past_moment
from ledger.domain.errors import LedgerError
from ledger.store.ledger_file import Ledger, new_uid

ENTITIES = ("area", "unit", "meeting")
_TABLES = {"area": "areas", "unit": "units", "meeting": "meetings"}
# The fields each kind of row may change through an event (a whitelist: the column names
# below are put into SQL, never anything typed).
FIELDS = {
    "area": ("name",),
    "unit": ("name", "kind", "phone", "contact"),
    "meeting": ("held_on", "kind", "place_id", "host", "attendees", "note"),
}


class RegistryEvent(NamedTuple):
    """One change of a registry row, as stored (a NamedTuple: built on every start-up, and
    a frozen dataclass costs a few milliseconds there)."""

    id: int
    entity: str
    entity_id: int
    action: str  # rename | edit
    at: str  # when it took effect (a date, or a date-time)
    recorded_at: str
    actor: str
    note: str | None
    changes: dict[str, list[Any]]  # field → [old, new]


_COLUMNS = "id, entity, entity_id, action, at, recorded_at, actor, note, changes"


def _event(row: tuple[Any, ...]) -> RegistryEvent:
    return RegistryEvent(*row[:8], json.loads(row[8]))  # type: ignore[arg-type]


def events_of(ledger: Ledger, entity: str, entity_id: int) -> list[RegistryEvent]:
    """A row's history, oldest first."""
    rows = ledger.conn.execute(
        f"SELECT {_COLUMNS} FROM registry_events WHERE entity = ? AND entity_id = ? "
        "ORDER BY at, id",
        (entity, entity_id),
    )
    return [_event(row) for row in rows]


def record(
    ledger: Ledger,
    entity: str,
    entity_id: int,
    action: str,
    new: dict[str, Any],
    *,
    at: date | datetime | None = None,
    note: str | None = None,
) -> RegistryEvent | None:
    """Change a registry row and record the event (call inside a transaction).

    ``new`` holds the fields to set; those equal to the current value are left out, and
    None is returned when nothing is left (nothing changed, nothing recorded). A moment in
    the future is refused, and so is one before the row's latest recorded change: the
    changes of one row stay in the order they took effect.
    """
    table, allowed = _TABLES[entity], FIELDS[entity]
    unknown = set(new) - set(allowed)
    if unknown:  # a programming error, not a clerk's: the message still says what
        raise LedgerError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    fields = sorted(new)
    current = ledger.conn.execute(
        f"SELECT {', '.join(fields)} FROM {table} WHERE id = ?", (entity_id,)
    ).fetchone()
    changes = {
        name: [old, new[name]]
        for name, old in zip(fields, current, strict=True)
        if old != new[name]
    }
    if not changes:
        return None
    moment = past_moment(at or ledger.now(), ledger.now())
    latest = ledger.conn.execute(
        "SELECT max(at) FROM registry_events WHERE entity = ? AND entity_id = ?",
        (entity, entity_id),
    ).fetchone()[0]
    if latest is not None and moment[:10] < latest[:10]:
        raise LedgerError(
            f"时间 {moment[:10]} 早于这一条的上次修改（{latest[:10]}）；修改须按发生先后登记"
        )
    ledger.conn.execute(
        f"UPDATE {table} SET {', '.join(f'{name} = ?' for name in changes)} WHERE id = ?",
        (*(change[1] for change in changes.values()), entity_id),
    )
    cursor = ledger.conn.execute(
        "INSERT INTO registry_events (uid, entity, entity_id, action, at, recorded_at, actor, "
        "note, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_uid(), entity, entity_id, action, moment, iso(ledger.now()), ledger.actor,
            note, json.dumps(changes, ensure_ascii=False, sort_keys=True),
        ),
    )  # fmt: skip
    return RegistryEvent(
        int(cursor.lastrowid or 0), entity, entity_id, action, moment, iso(ledger.now()) or "",
        ledger.actor, note, changes,
    )  # fmt: skip


def values_at(ledger: Ledger, entity: str, at: str) -> dict[int, dict[str, Any]]:
    """The fields that were different at the moment ``at`` (stored form), per row id.

    Only rows changed after ``at`` appear; for each field, the old value of its earliest
    change after ``at`` is what it was then. A change dated by day only took effect on
    that day (as items' events do: it counts for a cut-off at the end of that day).
    """
    rows = ledger.conn.execute(
        "SELECT entity_id, changes FROM registry_events WHERE entity = ? AND at > ? "
        "ORDER BY at DESC, id DESC",
        (entity, at),
    )
    then: dict[int, dict[str, Any]] = {}
    for entity_id, changes in rows:
        for name, (old, _new) in json.loads(changes).items():
            then.setdefault(entity_id, {})[name] = old  # newest first: the earliest wins
    return then


def areas_at(ledger: Ledger, at: str | None) -> dict[int, tuple[str, str]]:
    """Every place's (name, path) as of ``at`` (now when None): a renamed community's
    compounds and buildings had the old name in their path too."""
    rows = ledger.conn.execute("SELECT id, parent_id, name, path FROM areas ORDER BY path")
    current = {row[0]: (row[1], row[2], row[3]) for row in rows}
    if at is None:
        return {area_id: (name, path) for area_id, (_p, name, path) in current.items()}
    renamed = {
        area_id: fields["name"]
        for area_id, fields in values_at(ledger, "area", at).items()
        if "name" in fields
    }
    result: dict[int, tuple[str, str]] = {}
    for area_id, (parent_id, name, path) in current.items():  # parents come first (path order)
        name = renamed.get(area_id, name)
        if parent_id is not None and parent_id in result:
            path = f"{result[parent_id][1]}/{name}"
        elif area_id in renamed:
            path = name
        result[area_id] = (name, path)
    return result


def units_at(ledger: Ledger, at: str | None) -> dict[int, str]:
    """Every unit's name as of ``at`` (now when None)."""
    names = dict(ledger.conn.execute("SELECT id, name FROM units"))
    if at is not None:
        for unit_id, fields in values_at(ledger, "unit", at).items():
            if "name" in fields:
                names[unit_id] = fields["name"]
    return names


def former_names(
    ledger: Ledger, entity: str, ids: Iterable[int] | None = None
) -> list[tuple[int, str]]:
    """(row id, a name it had before) for every rename, oldest first; only of ``ids`` if given."""
    rows = ledger.conn.execute(
        "SELECT entity_id, json_extract(changes, '$.name[0]') FROM registry_events "
        "WHERE entity = ? AND action = 'rename' ORDER BY at, id",
        (entity,),
    )
    wanted = set(ids) if ids is not None else None
    return [(row[0], row[1]) for row in rows if wanted is None or row[0] in wanted]
