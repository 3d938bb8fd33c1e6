"""``ledger show``: one item with its deadline standing, its whole timeline and its repeats."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ledger.domain.places import below_community
from ledger.registry import areas, units
from ledger.store.ledger_file import Ledger
from ledger.views import repeats
from ledger.views.rows import Item, read_item, timeline


def describe(ledger: Ledger, number: int, today: date) -> Item:
    """An item with its deadline standing and its whole timeline, ids turned into names."""
    item = read_item(ledger, number, today)
    events = timeline(ledger, item.id)
    for event in events:
        changes = event["changes"]
        if "unit_id" in changes:
            unit_id = changes.pop("unit_id")
            changes["unit"] = units.get(ledger, unit_id)["name"] if unit_id else None
        if "community_id" in changes:
            changes["community"] = areas.get(ledger, changes.pop("community_id"))["name"]
        if "place_id" in changes:
            place_id = changes.pop("place_id")
            changes["place"] = (
                "/".join(below_community(areas.get(ledger, place_id)["path"])) if place_id else None
            )
        if "meeting_id" in changes:
            meeting_id = changes.pop("meeting_id")
            changes["meeting"] = (
                ledger.conn.execute(
                    "SELECT number FROM meetings WHERE id = ?", (meeting_id,)
                ).fetchone()[0]
                if meeting_id
                else None
            )
        if "repeat_of" in changes:
            changes["repeat_of"] = _number_of(ledger, changes["repeat_of"])
    return replace(item, events=tuple(events), repeats=tuple(repeats.repeats_of(ledger, item.id)))


def _number_of(ledger: Ledger, item_id: int | None) -> int | None:
    if item_id is None:
        return None
    return ledger.conn.execute("SELECT number FROM items WHERE id = ?", (item_id,)).fetchone()[0]
