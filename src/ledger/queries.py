"""Finding items: the filters of ``ledger list`` (and of the clerk's daily board)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger import categories, deadlines, places, units
from ledger.dates import iso
from ledger.items import ITEM_SELECT, row_to_item
from ledger.labels import SOURCE, STATUS
from ledger.lifecycle import OPEN_STATUSES
from ledger.storage import Ledger

# Most urgent first: open items by due date, then those awaiting a reply, a rating, then filed.
URGENCY_ORDER = """
ORDER BY CASE i.status WHEN 'raised' THEN 0 WHEN 'assigned' THEN 0
                       WHEN 'resolved' THEN 1 WHEN 'declined' THEN 1
                       WHEN 'replied' THEN 2 ELSE 3 END,
         CASE WHEN i.status IN ('raised', 'assigned') THEN i.due_on END,
         i.raised_on, i.number
"""


@dataclass
class ItemFilter:
    """What ``ledger list`` can ask for; empty means the open (not filed) items."""

    statuses: list[str] = field(default_factory=list)
    community: str | None = None
    subdistrict: str | None = None
    unit: str | None = None
    source: str | None = None
    category: str | None = None
    overdue: bool = False
    since: date | None = None
    until: date | None = None
    include_closed: bool = False
    limit: int | None = None


def where_clause(ledger: Ledger, wanted: ItemFilter, today: date) -> tuple[str, list[Any]]:
    """SQL conditions for a filter (names resolved; unknown names refused)."""
    conditions: list[str] = []
    params: list[Any] = []
    if wanted.statuses:
        codes = [STATUS.parse(status) for status in wanted.statuses]
        conditions.append(f"i.status IN ({','.join('?' * len(codes))})")
        params += codes
    elif not wanted.include_closed:
        conditions.append("i.status != 'closed'")
    if wanted.community:
        community = places.find(ledger, wanted.community, "community")
        conditions.append("i.community_id = ?")
        params.append(community["id"])
    if wanted.subdistrict:
        subdistrict = places.find(ledger, wanted.subdistrict, "subdistrict")
        conditions.append("c.parent_id = ?")
        params.append(subdistrict["id"])
    if wanted.unit:
        unit = units.find(ledger, wanted.unit)
        conditions.append("i.unit_id = ?")
        params.append(unit["id"])
    if wanted.source:
        conditions.append("i.source = ?")
        params.append(SOURCE.parse(wanted.source))
    if wanted.category:
        conditions.append("i.category = ?")
        params.append(categories.parse(ledger, wanted.category))
    if wanted.overdue:
        conditions.append(f"i.status IN {OPEN_STATUSES!r} AND i.due_on < ?")
        params.append(iso(today))
    if wanted.since:
        conditions.append("i.raised_on >= ?")
        params.append(iso(wanted.since))
    if wanted.until:
        conditions.append("i.raised_on <= ?")
        params.append(iso(wanted.until))
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def list_items(ledger: Ledger, wanted: ItemFilter, today: date) -> tuple[list[dict[str, Any]], int]:
    """Matching items, most urgent first, each with its supervision level; and the total."""
    where, params = where_clause(ledger, wanted, today)
    total = ledger.conn.execute(
        "SELECT count(*) FROM items i JOIN areas c ON c.id = i.community_id" + where, params
    ).fetchone()[0]
    sql = ITEM_SELECT + where + URGENCY_ORDER
    if wanted.limit is not None:
        sql += " LIMIT ?"
        params = [*params, wanted.limit]
    cursor = ledger.conn.execute(sql, params)
    rows = [row_to_item(row, cursor.description) for row in cursor.fetchall()]
    for item in rows:
        annotate_deadline(ledger, item, today)
    return rows, total


def annotate_deadline(ledger: Ledger, item: dict[str, Any], today: date) -> None:
    """Add ``level``, ``workdays_overdue``, ``workdays_left`` and ``estimated`` to an item."""
    due = date.fromisoformat(item["due_on"]) if item["due_on"] else None
    standing = deadlines.deadline(ledger, item["status"], due, today)
    item["level"] = standing.level
    item["workdays_overdue"] = standing.workdays_overdue
    item["workdays_left"] = standing.workdays_left
    item["estimated"] = standing.estimated


def items_of_meeting(ledger: Ledger, meeting_id: int, today: date) -> list[dict[str, Any]]:
    """The items raised at a meeting, in number order, with their deadline standing."""
    cursor = ledger.conn.execute(
        ITEM_SELECT + " WHERE i.meeting_id = ? ORDER BY i.number", (meeting_id,)
    )
    rows = [row_to_item(row, cursor.description) for row in cursor.fetchall()]
    for item in rows:
        annotate_deadline(ledger, item, today)
    return rows
