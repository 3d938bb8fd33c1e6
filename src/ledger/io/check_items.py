"""The per-item checks of ``ledger check`` in one streaming pass: state, last event, search.

For every item, three things are compared with what its events say:

- ``state``: its events are stored in time order (``seq`` equals
  :func:`~ledger.domain.events.time_order`, withdrawn flags equal the 撤销 in force) and its row
  equals the fold of the changes of the events in force, in that order, over
  :data:`~ledger.domain.lifecycle.STATE_FIELDS`;
- ``last_event``: ``items.last_event_at`` equals the latest ``at`` of the events in force;
- ``search``: its full-text index entry equals its document computed afresh.

**Why it is fast.** A million items have four million events; building an ``Event`` per event
and sorting each history in Python (what :func:`exact_item` does) costs more than SQLite's own
integrity check. So SQLite reads the events already grouped, one row per item, from the index
``events_item`` — that is, in ``(at, id)`` order: their positions (each with its time's
length and the flags below, as one number: see :data:`_EVENTS`), changes and notes
concatenated, and the latest time. An item whose history is *plainly in order* takes the fast
path, which gives the same answer as the exact one:

- its positions read ``1..n`` in ``(at, id)`` order (so sorting by time, ties by typing
  order, gives the stored order, and the concatenations are in ``seq`` order);
- no event is withdrawn and none is a 撤销/恢复 (so nothing is withdrawn in force);
- exactly one 登记 (``add``), at position 1;
- its other events are all dated or all timed (equal length of ``at``).

Then :func:`~ledger.domain.events.time_order` returns the events in ``seq`` order: the
registration is first in time, so first of the first day; the others go day by day, and within
a day, all timed (sorted by time, then id) or all dated (by id, their ``at`` being equal), in
``(at, id)`` order either way. The changes are then folded in that order, exactly as the exact
path folds them. Anything else — an entry typed out of time order, a day mixing dated and
timed entries, an 撤销, a change or params that is not valid JSON, positions that are not
``1..n`` — goes through :func:`exact_item`, the original per-event check, so every problem is
still found and described the same way. Few items take that path in a real ledger.

The search document is built by :func:`ledger.store.fulltext.field_text`, as the index's
writer builds it. Items are read 1,024 at a time; a chunk's index entries are compared with
their documents as one text (:func:`~ledger.io.check_texts.same_texts` says why that is
sound), and item by item only when that text differs; an item whose entry looks different
is compared again with the document exactly as the index's writer computes it, so the fast
text can never report a false problem. An item's state is read as one JSON array written by
SQLite and compared with the fold written by orjson, field by field only when the two texts
differ; the fields its document is made of and those it refers to by foreign key are then
taken from that state.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import orjson

from ledger.domain.events import Event, time_order, withdrawn_ids
from ledger.domain.labels import CHANNEL, FIELD, RATING, SCALE, SOURCE, STATUS
from ledger.domain.lifecycle import EMPTY_STATE, META_ACTIONS, STATE_FIELDS
from ledger.domain.places import below_community
from ledger.domain.remembered import Remembered
from ledger.io.check_texts import MARK, MARK_TEXT, same_texts
from ledger.store import fulltext
from ledger.store.fulltext import RUN_GAP

if TYPE_CHECKING:
    from ledger.io.check import CheckOutcome

# An item as the pass reads it: its state as one JSON array built by SQLite (one object for
# Python instead of one per field). What its document is made of is part of its state: where
# the state is the fold's, its document is made from the fold.
_ITEMS = (
    "SELECT id, number, last_event_at, CAST(json_array({state}) AS BLOB) FROM items ORDER BY id"
).format(state=", ".join(STATE_FIELDS))
_STATE = 3
# What an item's document is made of, from its state: the title; the body's fields as
# fulltext builds it, then the community's name, the place's compound and building, then
# the notes. And what it refers to (its foreign keys). Only these are kept, so that each
# state is freed as soon as it is checked.
REFERENCES = ("community_id", "place_id", "meeting_id", "category", "unit_id", "repeat_of")
_DOCUMENT_FIELDS = ("title", "reporter", "result", "reply_text", "last_progress", *REFERENCES)
_TITLE, _COMMUNITY_ID, _PLACE_ID = 0, 5, 6
_BODY = itemgetter(1, 2, 3, 4)
_REFERENCE_GETTERS = tuple((name, itemgetter(_DOCUMENT_FIELDS.index(name))) for name in REFERENCES)
_document = itemgetter(*_DOCUMENT_FIELDS)  # of a state
# An item in full, field by field, where a problem is described or checked the exact way.
_FULL = "SELECT id, number, last_event_at, {state} FROM items WHERE id = ?".format(
    state=", ".join(STATE_FIELDS)
)
_FIELD_AT = {name: 3 + index for index, name in enumerate(STATE_FIELDS)}
_stored_document = itemgetter(*(_FIELD_AT[name] for name in _DOCUMENT_FIELDS))  # of a full row
_state_values = itemgetter(*STATE_FIELDS)
_dumps = orjson.dumps  # as SQLite's json_array writes the stored values
_SEP = b"\x1e"  # between changes
_loads = orjson.loads  # four million small objects at a million items: 3× json's speed

# The events of each item, one row per item, read from the index events_item, so in (at, id)
# order. Nothing below trusts that order: the positions must read 1..n in it. Each event
# gives one number (flags and positions as one aggregate: each more costs a second at a
# million items): its position, plus 10⁶ × the length of its time for any event but the
# 登记, or "x" when it is not plain (withdrawn, a 撤销/恢复, a 登记 anywhere but position 1
# or position 1 not a 登记, params not valid JSON, a position not a number in 1..999999).
# So the numbers read "1,L+2,…,L+n" (L = 10⁶ × the length of the latest time) exactly when
# the history is plain: positions 1..n in time order, the 登记 first, the other events' times
# all of one length. (A NULL, which no column here may hold, is SQLite's check's to report.)
# The changes are joined by a control character, never raw inside valid JSON: each is
# decoded on its own (SQLite's json_valid of each would cost more than decoding it twice),
# from its UTF-8 bytes as stored (a Python text of each would be made only to be encoded).
# The notes too are read as bytes: the same notes recur, and each is decoded once.
_EVENTS = """
SELECT item_id,
       group_concat(iif(withdrawn != 0 OR action IN ('undo', 'redo') OR (action = 'add') != (seq = 1)
                        OR (params IS NOT NULL AND NOT json_valid(params))
                        OR NOT seq BETWEEN 1 AND 999999,
                        'x', seq + (action != 'add') * length(at) * 1000000)),
       max(at), CAST(group_concat(changes, char(30)) AS BLOB),
       CAST(group_concat(note, char(10)) AS BLOB)
FROM events {source} GROUP BY item_id ORDER BY item_id
"""
_IN_TIME_ORDER = ("INDEXED BY events_item", "")  # the hint, or whatever the planner picks

# The index's entries: what FTS5 reads for them from its content table, read there directly
# (a third faster than through the virtual table), or through it if that table is not there.
_ENTRIES = (
    "SELECT id, c0, c1 FROM search_content ORDER BY id",
    "SELECT rowid, title, body FROM search ORDER BY rowid",
)


_EXACT_EVENTS = (
    "SELECT item_id, at, changes, id, uid, action, params, seq, withdrawn FROM events "
    "WHERE item_id = ? ORDER BY seq, id"
)


# A change's text → its value, remembered: the same 交办 to a unit on a day, the same 办结
# result on a day, recur on item after item. The values are only read (copied into each
# item's state), never changed.
_DECODED_LIMIT = 100_000


def _note_text(notes: bytes | None) -> str:
    """An item's notes as stored (UTF-8) → their indexed form (None: an item without
    events). Bytes that are not UTF-8 are decoded with replacement marks: that document then
    differs, and the index writer's own read of the notes reports the file as damaged."""
    return "" if notes is None else fulltext.field_text((notes.decode(errors="replace"),))


def _short_notes(notes: bytes | None) -> bool:
    """Notes worth remembering: the same 已处理, 已告知 recur on item after item."""
    return notes is None or len(notes) <= 120


class _Serials(dict[tuple[int, int], str]):
    """(n, length of the latest time) → "1,L+2,…,L+n", what a plain history's events read
    (see :data:`_EVENTS`)."""

    def __missing__(self, key: tuple[int, int]) -> str:
        n, length = key
        later = length * 1_000_000
        self[key] = text = ",".join(["1", *(str(later + seq) for seq in range(2, n + 1))])
        return text


_SERIAL = _Serials()


# Items are read in chunks: each chunk's states are checked, then its documents, so that each
# kind of work stays hot in the processor's caches and documents are compared in one go.
_CHUNK = 1024


@dataclass
class ItemsPass:
    """What the pass over the items found besides its own checks: the ids that events refer
    to but no item has (in order), and every value each of the items' :data:`REFERENCES`
    holds (None included): their foreign keys, found on the way, so that SQLite need not
    look up every event's item or every item's community, unit and so on."""

    missing: list[Any] = field(default_factory=list)
    referenced: dict[str, set[Any]] = field(
        default_factory=lambda: {name: set() for name in REFERENCES}
    )


def check_items(conn: sqlite3.Connection, report: CheckOutcome, *, limit: int) -> ItemsPass:
    """The state, last-event and search checks of every item, into ``report``."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    indexed = "search" in tables
    items = conn.execute(_ITEMS)
    groups = _ReadAhead(_first_that_runs(conn, *(_EVENTS.format(source=s) for s in _IN_TIME_ORDER)))
    entries = _ReadAhead(_first_that_runs(conn, *_ENTRIES) if indexed else None)
    queued = {row[0] for row in conn.execute("SELECT item_id FROM search_dirty")} if indexed else ()
    search = _SearchTally(queued, limit)
    field_text = fulltext.Cache().text
    note_text = Remembered(_note_text, 50_000, keeps=_short_notes).__getitem__
    decoded: Remembered[bytes, Any] = Remembered(_loads, _DECODED_LIMIT)
    places = _Places(conn)
    item_count = event_count = 0
    found = ItemsPass()
    missing, referenced = found.missing, found.referenced
    while rows := items.fetchmany(_CHUNK):
        item_count += len(rows)
        chunk_groups = groups.upto(rows[-1][0])
        event_count += _count(chunk_groups)  # those of missing items too
        by_item = _by_id(chunk_groups)
        stored = _check_states(conn, rows, by_item, report, decoded)
        documents = [fields for fields, _ in stored]
        for name, value_of in _REFERENCE_GETTERS:
            referenced[name].update(map(value_of, documents))
        with_events = len(rows) - sum(notes is None for _, notes in stored)
        if len(by_item) > with_events:  # a group no row took
            ids = {row[0] for row in rows}
            missing += (item_id for item_id in by_item if item_id not in ids)
        if indexed:
            chunk_entries = _by_id(entries.upto(rows[-1][0]))
            _check_documents(
                conn, rows, stored, chunk_entries, search, places, field_text, note_text
            )
    rest = groups.rest()
    event_count += _count(rest)
    missing += map(_ID, rest)
    report.items, report.events = item_count, event_count
    if indexed:
        for entry in entries.rest():
            search.orphan(entry[0])
        search.finish(conn, report)
    return found


def _count(groups: list[tuple[Any, ...]]) -> int:
    """How many events the groups hold: one position (or x) each, joined by commas."""
    return len(groups) + sum(map(str.count, map(_POSITIONS, groups), repeat(",")))


_POSITIONS = itemgetter(1)


class _ReadAhead:
    """A cursor's rows in id order (the first column), handed out a stretch of ids at a time."""

    def __init__(self, cursor: sqlite3.Cursor | None) -> None:
        self.cursor = cursor
        self.held: list[tuple[Any, ...]] = []

    def upto(self, last: int) -> list[tuple[Any, ...]]:
        """The rows whose id is at most ``last`` (those not handed out yet)."""
        taken: list[tuple[Any, ...]] = []
        held = self.held
        while self.cursor is not None:
            if not held:
                held = self.cursor.fetchmany(_CHUNK)
                if not held:
                    break
            if held[-1][0] <= last:
                taken += held
                held = []
                continue
            cut = bisect_right(held, last, key=_ID)
            taken += held[:cut]
            held = held[cut:]
            break
        self.held = held
        return taken

    def rest(self) -> list[tuple[Any, ...]]:
        """The rows not handed out yet."""
        return self.upto(sys.maxsize)


_ID = itemgetter(0)


def _by_id(rows: list[tuple[Any, ...]]) -> dict[int, tuple[Any, ...]]:
    """Rows by their first column (their id)."""
    return dict(zip(map(_ID, rows), rows, strict=True))


def _check_states(
    conn: sqlite3.Connection,
    rows: list[tuple[Any, ...]],
    groups: dict[int, tuple[Any, ...]],
    report: CheckOutcome,
    decoded: Remembered[bytes, Any],
) -> list[tuple[tuple[Any, ...], Any]]:
    """Each row against its events; for each item, the fields its document is made of and
    its notes as stored (UTF-8; None: no events; False: not plain)."""
    stored: list[tuple[tuple[Any, ...], Any]] = []
    append, group_of, fast_item = stored.append, groups.get, _fast_item
    for row in rows:
        group = group_of(row[0])
        if group is None:
            report.add("state", f"问题 {row[1]} 没有任何办理记录")
            append((_stored(conn, row[0]), None))
            continue
        state = fast_item(conn, row, group, report, decoded)
        if state is False:
            append((exact_item(conn, row, report), False))
        else:
            append((state, group[4] or b""))  # the document's fields, the notes
    return stored


class _Places:
    """Each area's name, and the compound and building its path names (a path is
    区县/街道/社区/小区/楼栋), looked up by id, raw and indexed: a few thousand areas for a
    million items."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.names: dict[int, str] = {}
        self.below: dict[int, tuple[str, ...]] = {}
        self.name_texts: dict[int, str] = {}
        self.below_texts: dict[int, tuple[str, ...]] = {}
        for area_id, name, path in conn.execute("SELECT id, name, path FROM areas"):
            self.names[area_id] = name
            self.below[area_id] = below = below_community(path)
            self.name_texts[area_id] = fulltext.field_text((name,))
            self.below_texts[area_id] = tuple(fulltext.field_text((part,)) for part in below)

    def body(self, fields: tuple[Any, ...], notes: Any) -> tuple[Any, ...]:
        """The fields of the item's document body in fulltext's order: reporter, result,
        reply, latest progress, the community, the place's compound and building, the notes."""
        return (
            *_BODY(fields),
            self.names[fields[_COMMUNITY_ID]],
            *self.below.get(fields[_PLACE_ID], ()),
            notes.decode(errors="replace") if notes else None,
        )


def _check_documents(
    conn: sqlite3.Connection,
    rows: list[tuple[Any, ...]],
    stored: list[tuple[tuple[Any, ...], Any]],
    entries: dict[int, tuple[int, str, str]],
    search: _SearchTally,
    places: _Places,
    field_text: Callable[[str | None], str],
    note_text: Callable[[bytes | None], str],
) -> None:
    """The chunk's index entries against their documents: all at once, then one by one if
    they differ (see :func:`same_texts`), in item order either way. ``stored``: each item's
    document fields and notes (from :func:`_check_states`); ``entries``: the index entries
    of the chunk's stretch of ids; ``field_text``, ``note_text``: a field's or the notes'
    indexed form, remembered (most body fields recur; titles do not)."""
    pending: list[tuple[int, tuple[Any, ...], Any, tuple[int, str, str] | None]] = []
    titles: list[str | None] = []
    stored_titles: list[str] = []
    bodies: list[str] = []
    stored_bodies: list[str] = []
    community_texts, below_texts = places.name_texts, places.below_texts
    body_fields, entry_of, no_place = _BODY, entries.pop, ()
    add_title, add_stored_title = titles.extend, stored_titles.extend
    add_body, add_stored_body = bodies.extend, stored_bodies.extend
    for row, (fields, found) in zip(rows, stored, strict=True):
        community = community_texts.get(fields[_COMMUNITY_ID])
        if community is None:  # no community: no document (fulltext's)
            continue
        entry = entry_of(row[0], None)
        pending.append((row[0], fields, found, entry))
        if entry is not None and found is not False:
            add_title((fields[_TITLE], MARK))
            add_stored_title((entry[1], MARK_TEXT))
            # The body's fields as Places.body lists them, each in its indexed form.
            add_body(map(field_text, body_fields(fields)))
            add_body((community, *below_texts.get(fields[_PLACE_ID], no_place)))
            add_body((note_text(found), MARK_TEXT))
            add_stored_body((entry[2], MARK_TEXT))
    for item_id in entries:  # entries of no item with a document
        search.orphan(item_id)
    marks = len(stored_titles) // 2
    same = same_texts(fulltext.field_text(titles), stored_titles, marks) and same_texts(
        RUN_GAP.join(filter(None, bodies)), stored_bodies, marks
    )
    for item_id, fields, found, entry in pending:
        plain = entry is not None and found is not False
        if not plain or not (same or _same_entry(entry, fields, places.body(fields, found))):
            search.differs(conn, item_id, entry)


def _same_entry(
    entry: tuple[int, str, str], fields: tuple[Any, ...], body: tuple[Any, ...]
) -> bool:
    """The entry is the item's document (title, then body fields), compared on their own."""
    title = fulltext.field_text((fields[_TITLE],))
    return entry[1] == title and entry[2] == fulltext.field_text(body)


def _stored(conn: sqlite3.Connection, item_id: int) -> tuple[Any, ...]:
    """The fields an item's document is made of, as stored."""
    return _stored_document(conn.execute(_FULL, (item_id,)).fetchone())


def _first_that_runs(conn: sqlite3.Connection, *queries: str) -> sqlite3.Cursor:
    """The first query SQLite accepts (an old or damaged file may lack an index or table)."""
    for query in queries[:-1]:
        try:
            return conn.execute(query)
        except sqlite3.OperationalError:
            pass
    return conn.execute(queries[-1])


def _fast_item(
    conn: sqlite3.Connection,
    row: tuple[Any, ...],
    group: tuple[Any, ...],
    report: CheckOutcome,
    decoded: Remembered[bytes, Any],
) -> Any:
    """Check a plainly ordered item; the fields its document is made of (the fold's, where
    they are what is stored), or False when not plain."""
    _, seqs, last_at, changes, _ = group
    n = seqs.count(",") + 1
    if seqs != _SERIAL[n, len(last_at)]:
        return False
    pieces = changes.split(_SEP)
    if len(pieces) != n:  # a separator inside a change: not valid JSON, the exact path says so
        return False
    state = EMPTY_STATE.copy()
    try:
        state.update(_loads(pieces[0]))  # the registration: its title makes it unique
        for piece in pieces[1:]:
            state.update(decoded[piece])
    except (ValueError, TypeError):  # orjson's JSONDecodeError is a ValueError
        return False
    try:
        same = _dumps(_state_values(state)) == row[_STATE]
    except TypeError:  # not writable by orjson (an integer beyond 64 bits…): compared below
        same = False
    if same:
        document = _document(state)
    else:  # or only written differently (1e+20, 1.0e+20): compared field by field
        full = conn.execute(_FULL, (row[0],)).fetchone()
        if _state_values(state) != full[3:]:
            _report_state(full, state, report)
        document = _stored_document(full)  # the document is made from what is stored
    if row[2] != last_at:
        _report_last(row, last_at, report)
    return document


def exact_item(
    conn: sqlite3.Connection, row: tuple[Any, ...], report: CheckOutcome
) -> dict[str, Any]:
    """The original check of one item: every event decoded, the history put in time order.
    Returns the fields its document is made of, as stored."""
    row = conn.execute(_FULL, (row[0],)).fetchone()
    number = row[1]
    rows = conn.execute(_EXACT_EVENTS, (row[0],)).fetchall()
    if not _in_time_order(rows):
        report.add("state", f"问题 {number} 的办理记录顺序与发生时间不符")
    state = dict(EMPTY_STATE)
    last_at = ""
    for _item, at, changes, _id, _uid, action, _params, _seq, withdrawn in rows:
        if withdrawn or action in META_ACTIONS:
            continue
        try:
            state.update(json.loads(changes))
        except (ValueError, TypeError):
            report.add("state", f"问题 {number} 有一条办理记录的变更内容无法解析")
        last_at = max(last_at, at)
    if any(row[_FIELD_AT[name]] != state[name] for name in STATE_FIELDS):
        _report_state(row, state, report)
    if row[2] != last_at:
        _report_last(row, last_at, report)
    return _stored_document(row)


def _in_time_order(rows: list[tuple[Any, ...]]) -> bool:
    """Stored positions and withdrawn flags agree with the history's rules."""
    events = []
    for _item, at, _changes, event_id, uid, action, params, seq, withdrawn in rows:
        if type(seq) is not int:  # a damaged position (text, a fraction): not 1..n
            return False
        try:
            decoded = json.loads(params) if params else None
        except (ValueError, TypeError):
            return False
        events.append(
            Event(event_id, uid, action, at, "", "", None, decoded, {}, seq, bool(withdrawn))
        )
    ordered = time_order(events)
    withdrawn_now = withdrawn_ids(events)
    return (
        [e.id for e in ordered] == [e.id for e in sorted(events, key=lambda e: e.seq)]
        and all((e.id in withdrawn_now) == e.withdrawn for e in events)
        and [e.seq for e in ordered] == list(range(1, len(ordered) + 1))
    )


_CODED = {
    "status": STATUS,
    "source": SOURCE,
    "scale": SCALE,
    "rating": RATING,
    "reply_channel": CHANNEL,
}


def show(value: Any, name: str = "") -> str:
    """A stored value as the clerk reads it: labels for codes, 空 for nothing, long text cut."""
    if value is None:
        return "空"
    text = _CODED[name].label(value) if name in _CODED and isinstance(value, str) else str(value)
    return text if len(text) <= 20 else text[:19] + "…"


def _report_state(row: tuple[Any, ...], state: dict[str, Any], report: CheckOutcome) -> None:
    wrong = [
        (name, row[_FIELD_AT[name]], state[name])
        for name in STATE_FIELDS
        if row[_FIELD_AT[name]] != state[name]
    ]
    shown = "；".join(
        f"{FIELD.get(name, name)}为“{show(have, name)}”，按办理记录应为“{show(want, name)}”"
        for name, have, want in wrong[:3]
    )
    more = f"（另有 {len(wrong) - 3} 项不符）" if len(wrong) > 3 else ""
    report.add("state", f"问题 {row[1]}：{shown}{more}")


def _report_last(row: tuple[Any, ...], last_at: str, report: CheckOutcome) -> None:
    report.add(
        "last_event",
        f"问题 {row[1]}：最后办理时间为 {show(row[2])}，办理记录中最晚为 {last_at}",
    )


class _SearchTally:
    """Index entries merged with the items by id, as :func:`fulltext.disagreements` counts.

    An entry differs when it is not the item's document, unless the item is queued for
    re-indexing (written by another tool since the last ledger write); entries of items that
    have no document count as differing too.
    """

    def __init__(self, queued: Any, limit: int) -> None:
        self.queued = queued
        self.limit = limit
        self.count = 0
        self.wrong: list[int] = []
        self.orphans: list[int] = []

    def differs(
        self, conn: sqlite3.Connection, item_id: int, have: tuple[int, str, str] | None
    ) -> None:
        """Not plainly equal: compare the entry (rowid, title, body) with the document
        exactly as the index's writer makes it."""
        if item_id in self.queued:
            return
        if have is not None:
            for _id, title, body in fulltext.documents(conn, " WHERE i.id = ?", (item_id,)):
                if have[1:] == (title, body):
                    return
        self.count += 1
        if len(self.wrong) < self.limit:
            self.wrong.append(item_id)

    def orphan(self, item_id: int) -> None:
        """An entry of no item that has a document."""
        self.count += 1
        if len(self.orphans) < self.limit:
            self.orphans.append(item_id)

    def finish(self, conn: sqlite3.Connection, report: CheckOutcome) -> None:
        if not self.count:
            return
        wrong = (self.wrong + self.orphans)[: self.limit]
        numbers = dict(conn.execute("SELECT id, number FROM items"))
        shown = "、".join(str(numbers.get(item_id, f"（内部ID {item_id}）")) for item_id in wrong)
        # One line for all of them: the count is in it, so none is left unlisted.
        report.add("search", f"全文检索索引有 {self.count} 件问题与内容不符（问题 {shown}）")
        report.counts["search"] = self.count
        report.summarised.add("search")
