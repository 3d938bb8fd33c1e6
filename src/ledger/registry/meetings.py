"""Meetings (会议): each 每周夜话 and 拉呱说事 session where residents raised items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ledger.domain import text
from ledger.domain.dates import iso
from ledger.domain.errors import LedgerError, NotFound
from ledger.domain.labels import MEETING_KIND
from ledger.domain.places import below_community
from ledger.registry import areas
from ledger.registry import edits as registry_edits
from ledger.registry.edits import RegistryEvent
from ledger.store.ledger_file import Ledger, new_uid

_SELECT = """
SELECT m.id, m.uid, m.number, m.kind, m.held_on, m.host, m.attendees, m.note,
       c.name AS community, s.name AS subdistrict, p.path AS place_path, m.community_id,
       m.place_id, (SELECT count(*) FROM items i WHERE i.meeting_id = m.id AND i.status != 'voided') AS items
FROM meetings m
JOIN areas c ON c.id = m.community_id
LEFT JOIN areas s ON s.id = c.parent_id
LEFT JOIN areas p ON p.id = m.place_id
"""


def _row(cursor_row: Any, description: Any) -> dict[str, Any]:
    row = dict(zip([d[0] for d in description], cursor_row, strict=True))
    if row.get("place_path"):
        row["place"] = "/".join(below_community(row["place_path"]))
    else:
        row["place"] = None
    del row["place_path"]
    return row


def add(
    ledger: Ledger,
    *,
    kind: str,
    held_on: date,
    community: str,
    compound: str | None = None,
    host: str | None = None,
    attendees: int | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Record a meeting; returns it with its new number."""
    kind_code = MEETING_KIND.parse(kind)
    host = text.clean(host, "person", "主持人")
    note = text.clean(note, "note", "会议记录")
    if attendees is not None and attendees < 0:
        raise LedgerError("参与人次不能为负数")
    if held_on > ledger.now().date():
        raise LedgerError(f"会议日期 {held_on} 晚于今天")
    community_row = areas.find(ledger, community, "community")
    place = areas.find_place(ledger, community_row, compound, None)
    with ledger.transaction():
        _, number = insert(
            ledger,
            kind=kind_code,
            held_on=held_on,
            community_id=community_row["id"],
            place_id=place["id"] if place else None,
            host=host,
            attendees=attendees,
            note=note,
        )
    return get(ledger, number)


def insert(
    ledger: Ledger,
    *,
    kind: str,
    held_on: date,
    community_id: int,
    place_id: int | None = None,
    host: str | None = None,
    attendees: int | None = None,
    note: str | None = None,
) -> tuple[int, int]:
    """Write one meeting row, already checked (kind a code); returns its (id, number).

    The one writer of meetings: ``add`` and the import call it inside their transaction.
    """
    number = ledger.next_number("meetings")
    cursor = ledger.conn.execute(
        "INSERT INTO meetings (uid, number, kind, held_on, community_id, place_id, host, "
        "attendees, note, created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_uid(), number, kind, iso(held_on), community_id, place_id, host, attendees,
            note, iso(ledger.now()), ledger.actor,
        ),
    )  # fmt: skip
    return int(cursor.lastrowid or 0), number


def get(ledger: Ledger, number: int) -> dict[str, Any]:
    """One meeting by its number."""
    cursor = ledger.conn.execute(_SELECT + " WHERE m.number = ?", (number,))
    found = cursor.fetchone()
    if found is None:
        raise NotFound(f"会议 {number} 不存在")
    return _row(found, cursor.description)


def find_all(
    ledger: Ledger,
    *,
    community_ids: list[int] | None = None,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """Meetings, newest first, filtered by community, date range and kind."""
    where, params = [], []
    if community_ids is not None:
        where.append(f"m.community_id IN ({','.join('?' * len(community_ids)) or 'NULL'})")
        params += community_ids
    if since:
        where.append("m.held_on >= ?")
        params.append(iso(since))
    if until:
        where.append("m.held_on <= ?")
        params.append(iso(until))
    if kind:
        where.append("m.kind = ?")
        params.append(MEETING_KIND.parse(kind))
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    cursor = ledger.conn.execute(sql + " ORDER BY m.held_on DESC, m.number DESC", params)
    return [_row(row, cursor.description) for row in cursor.fetchall()]


def edit(
    ledger: Ledger,
    number: int,
    *,
    held_on: date | None = None,
    kind: str | None = None,
    compound: str | None = None,
    host: str | None = None,
    attendees: int | None = None,
    note: str | None = None,
    at: date | datetime | None = None,
    reason: str | None = None,
) -> tuple[dict[str, Any], RegistryEvent | None]:
    """Correct a meeting (date, kind, compound, host, attendance, minutes): one event with
    the old and new values (None when every value given is the one it already has).

    A report made before the correction keeps what it counted; one made after counts the
    meeting as corrected, except for a period that ended before the correction was made
    (its figures stay as they were at its cut-off, like an item's).
    """
    meeting = get(ledger, number)
    new: dict[str, Any] = {}
    if held_on is not None:
        if held_on > ledger.now().date():
            raise LedgerError(f"会议日期 {held_on} 晚于今天")
        new["held_on"] = iso(held_on)
    if kind is not None:
        new["kind"] = MEETING_KIND.parse(kind)
    if compound is not None:
        community = areas.get(ledger, meeting["community_id"])
        new["place_id"] = areas.find_place(ledger, community, compound, None)["id"]  # type: ignore[index]
    if host is not None:
        new["host"] = text.required(host, "person", "主持人")
    if attendees is not None:
        if attendees < 0:
            raise LedgerError("参与人次不能为负数")
        new["attendees"] = attendees
    if note is not None:
        new["note"] = text.required(note, "note", "会议记录")
    if not new:
        raise LedgerError(
            "请指定要修改的内容：--date、--kind、--compound、--host、--attendees 或 --note"
        )
    reason = text.clean(reason, "note", "修改原因")
    with ledger.transaction():
        event = registry_edits.record(
            ledger, "meeting", meeting["id"], "edit", new, at=at, note=reason or None
        )
    return get(ledger, number), event


def history(ledger: Ledger, meeting: dict[str, Any]) -> list[RegistryEvent]:
    """A meeting's corrections, oldest first."""
    return registry_edits.events_of(ledger, "meeting", meeting["id"])
