"""The one item SELECT and row shape every read path uses (list, show, today, search,
reminders): :class:`Item`, the SELECT that reads it, and the day's deadline standing put on
each item read.

The screens and ``--json`` that show items (``list``, ``show``, ``today``, a meeting's items)
read :class:`Item`; the writing side and 催办 read the same SELECT as dicts (``row_to_item``).
The field list is :data:`lifecycle.ITEM_FIELDS`; ``Item`` declares the same fields with their
types, in the same order (checked below), then the ones no JSON shows (ids, bookkeeping) and
the few a single screen adds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, make_dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from ledger.domain.deadlines import Deadline, deadline
from ledger.domain.errors import NotFound
from ledger.domain.events import load as load_events
from ledger.domain.lifecycle import ITEM_FIELDS, OPEN_STATUSES
from ledger.domain.places import below_community
from ledger.store.ledger_file import Ledger


@dataclass(frozen=True, slots=True)
class Item:
    """An item as the clerk reads it: its row, the names joined onto its ids, and where it
    stands against its due date on the day it was read."""

    number: int
    uid: str
    title: str
    status: str
    source: str
    category: str
    scale: str
    county: str | None
    subdistrict: str | None
    community: str
    place: str | None  # 小区/楼栋: the place's path below the community
    meeting: int | None  # the meeting's number
    reporter: str | None
    phone: str | None
    unit: str | None
    raised_on: str
    assigned_on: str | None
    due_on: str | None
    resolved_on: str | None
    result: str | None
    replied_on: str | None
    reply_channel: str | None
    reply_text: str | None
    rating: str | None
    closed_on: str | None
    reopen_count: int
    extend_count: int
    remind_count: int
    percent: int | None
    last_progress: str | None
    level: str | None  # the standing on the day read (see deadlines.deadline)
    workdays_overdue: int
    workdays_left: int
    estimated: bool
    card: str | None
    origin_ledger: str | None
    origin_number: int | None
    # In no JSON: the ids behind the names, the 重复反映 link, bookkeeping.
    id: int
    community_id: int
    place_id: int | None
    meeting_id: int | None
    unit_id: int | None
    repeat_of: int | None
    repeat_of_number: int | None
    origin: str | None
    last_event_at: str
    # Added by one screen: working days waited (today's board); the timeline and the
    # repeats of this item (show).
    waited_workdays: int | None = None
    events: tuple[dict[str, Any], ...] = ()
    repeats: tuple[dict[str, Any], ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The stable JSON shape of an item (codes and ISO dates)."""
        return dict(zip(ITEM_FIELDS, _public(self), strict=True))

    def __getitem__(self, name: str) -> Any:
        """Read a field as ``item["unit"]``, as the mappings items used to be were read."""
        return getattr(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        """``item.get("unit")``, likewise."""
        return getattr(self, name, default)


_NAMES = tuple(f.name for f in fields(Item))
if _NAMES[: len(ITEM_FIELDS)] != ITEM_FIELDS:  # pragma: no cover - a definition error
    raise TypeError("Item's first fields must be lifecycle.ITEM_FIELDS, in that order")
_public = attrgetter(*ITEM_FIELDS)

# The standing's fields, worked out for the day rather than read.
STANDING = ("level", "workdays_overdue", "workdays_left", "estimated", "card")
_ADDED = {"waited_workdays", "events", "repeats"}
# Where a read field comes from when it is not the items table's own column.
_JOINED = {
    "county": "k.name",
    "subdistrict": "s.name",
    "community": "c.name",
    "place": "p.path",  # 小区/楼栋 is cut from the path
    "meeting": "m.number",
    "unit": "u.name",
    "repeat_of_number": "r.number",
}
_READ = tuple(name for name in _NAMES if name not in _ADDED and name not in STANDING)

ITEM_SELECT = (
    "SELECT "
    + ", ".join(
        f"{_JOINED[name]} AS {'place_path' if name == 'place' else name}"
        if name in _JOINED
        else f"i.{name}"
        for name in _READ
    )
    + """
FROM items i
JOIN areas c ON c.id = i.community_id
LEFT JOIN areas s ON s.id = c.parent_id
LEFT JOIN areas k ON k.id = s.parent_id
LEFT JOIN areas p ON p.id = i.place_id
LEFT JOIN units u ON u.id = i.unit_id
LEFT JOIN meetings m ON m.id = i.meeting_id
LEFT JOIN items r ON r.id = i.repeat_of
"""
)
_PLACE = _READ.index("place")


def _place(path: str | None) -> str | None:
    """小区/楼栋: the part of a place's path below county/subdistrict/community."""
    return "/".join(below_community(path)) if path else None


def row_to_item(cursor_row: Any, description: Any) -> dict[str, Any]:
    """A row of :data:`ITEM_SELECT` as a dict with ``place`` as 小区/楼栋 (for the writing
    side, which changes what it reads)."""
    item = dict(zip([d[0] for d in description], cursor_row, strict=True))
    item["place"] = _place(item.pop("place_path"))
    return item


Standing = tuple[str | None, int, int, bool, str | None]


def standings(ledger: Ledger, today: date) -> Callable[[str, str | None], Standing]:
    """The standing of an item of (status, due date) on ``today``, worked out once per
    (open or not, due date): a million items share a few hundred due dates."""
    known: dict[tuple[bool, str | None], Standing] = {}

    def standing(status: str, due_on: str | None) -> Standing:
        key = (status in OPEN_STATUSES, due_on)
        found = known.get(key)
        if found is None:
            due = date.fromisoformat(due_on) if due_on else None
            found = standing_of(deadline(ledger, status, due, today))
            known[key] = found
        return found

    return standing


def standing_of(found: Deadline) -> Standing:
    """A deadline standing as the tuple of :data:`STANDING`."""
    return (found.level, found.workdays_overdue, found.workdays_left, found.estimated, found.card)


_STATUS = _READ.index("status")
_DUE = _READ.index("due_on")
_AFTER = _NAMES.index(STANDING[0])  # a read row has the standing's place empty: put it here
if _NAMES[_AFTER : _AFTER + len(STANDING)] != STANDING:  # pragma: no cover
    raise TypeError("Item's standing fields must follow one another")


# A frozen dataclass sets each field through object.__setattr__: for 52 fields that is ten
# times the cost of a plain class with the same slots, seconds over a million rows. Rows read
# in bulk are made as this plain twin (the same slots in the same order) and then given the
# class Item: the object is then an Item in every respect, frozen like any other.
_Twin = make_dataclass(
    "_Twin",
    [(f.name, f.type, field(default=f.default)) for f in fields(Item)],
    slots=True,
)
if _Twin.__slots__ != Item.__slots__:  # pragma: no cover - a definition error
    raise TypeError("the twin of Item must have Item's slots")


def read(rows: Iterable[tuple[Any, ...]], ledger: Ledger, today: date) -> Iterator[Item]:
    """Items from rows of :data:`ITEM_SELECT`, each with its standing on ``today``."""
    standing = standings(ledger, today)
    for row in rows:
        item = _Twin(
            *row[:_PLACE],
            _place(row[_PLACE]),
            *row[_PLACE + 1 : _AFTER],
            *standing(row[_STATUS], row[_DUE]),
            *row[_AFTER:],
        )
        item.__class__ = Item
        yield item  # type: ignore[misc]


def read_all(ledger: Ledger, sql: str, params: Iterable[Any], today: date) -> list[Item]:
    """Every item an :data:`ITEM_SELECT` query returns, with its standing on ``today``."""
    return list(read(ledger.conn.execute(sql, list(params)), ledger, today))


def _by_number(ledger: Ledger, number: int) -> tuple[tuple[Any, ...], Any]:
    """The :data:`ITEM_SELECT` row of an item by its short number, and its description."""
    cursor = ledger.conn.execute(ITEM_SELECT + " WHERE i.number = ?", (number,))
    found = cursor.fetchone()
    if found is None:
        raise NotFound(f"问题 {number} 不存在")
    return found, cursor.description


def read_item(ledger: Ledger, number: int, today: date) -> Item:
    """One item by its short number, with its standing on ``today``."""
    return next(read([_by_number(ledger, number)[0]], ledger, today))


def get(ledger: Ledger, number: int) -> dict[str, Any]:
    """One item by its short number, as a dict (for the writing side, which changes it)."""
    return row_to_item(*_by_number(ledger, number))


def timeline(ledger: Ledger, item_id: int) -> list[dict[str, Any]]:
    """An item's events in time order, with their changes decoded and withdrawn ones marked."""
    return [event.as_json() for event in load_events(ledger, item_id)]
