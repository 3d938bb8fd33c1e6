"""The one item SELECT and row shape every read path uses (list, show, today, search, reminders)."""

from __future__ import annotations

from typing import Any

from ledger.domain.errors import NotFound
from ledger.domain.events import load as load_events
from ledger.store.ledger_file import Ledger

ITEM_SELECT = """
SELECT i.*, c.name AS community, s.name AS subdistrict, k.name AS county,
       p.path AS place_path, u.name AS unit, m.number AS meeting,
       r.number AS repeat_of_number
FROM items i
JOIN areas c ON c.id = i.community_id
LEFT JOIN areas s ON s.id = c.parent_id
LEFT JOIN areas k ON k.id = s.parent_id
LEFT JOIN areas p ON p.id = i.place_id
LEFT JOIN units u ON u.id = i.unit_id
LEFT JOIN meetings m ON m.id = i.meeting_id
LEFT JOIN items r ON r.id = i.repeat_of
"""


def row_to_item(cursor_row: Any, description: Any) -> dict[str, Any]:
    """A joined item row as a dict with ``place`` as 小区/楼栋."""
    item = dict(zip([d[0] for d in description], cursor_row, strict=True))
    place_path = item.pop("place_path")
    item["place"] = "/".join(place_path.split("/")[3:]) if place_path else None
    return item


def get(ledger: Ledger, number: int) -> dict[str, Any]:
    """One item by its short number."""
    cursor = ledger.conn.execute(ITEM_SELECT + " WHERE i.number = ?", (number,))
    found = cursor.fetchone()
    if found is None:
        raise NotFound(f"问题 {number} 不存在")
    return row_to_item(found, cursor.description)


def timeline(ledger: Ledger, item_id: int) -> list[dict[str, Any]]:
    """An item's events in time order, with their changes decoded and withdrawn ones marked."""
    return [event.as_json() for event in load_events(ledger, item_id)]
