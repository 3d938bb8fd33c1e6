"""The one writer of events, and the replay that the item row equals.

:func:`replay` walks an item's events (in :func:`ledger.domain.events.time_order`) through the
transition table of :mod:`ledger.domain.lifecycle`, computing each event's ``changes`` from its
``params`` (the action's inputs) and the state before it. A backdated action is accepted when
the history with it in its place still replays; then the events after it get their position
(``seq``) and ``changes`` recomputed, and the item row is set to the final state — all in the
caller's one transaction. Events written before params were recorded (schema 005 and older)
have ``params`` NULL; replay applies their stored ``changes`` as they are.

Every path that records history goes through here: the actions in
:mod:`ledger.casework.actions`, 催办 (:mod:`ledger.reports.reminders`), import (the bulk form
:func:`write_new_items`) and merge (:func:`rebuild`).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from json.encoder import encode_basestring as _QUOTE  # ensure_ascii=False's
from typing import Any

from ledger.casework import imported
from ledger.casework.effects import EFFECTS, Context
from ledger.domain.dates import iso, past_moment
from ledger.domain.errors import LedgerError, NotFound, TransitionRefused
from ledger.domain.events import Event, load, time_order, undos_in_force, withdrawn_ids
from ledger.domain.labels import ACTION, STATUS
from ledger.domain.lifecycle import (
    EMPTY_STATE,
    META_ACTIONS,
    RULE_BY_ACTION,
    STATE_FIELDS,
    VOIDED,
    next_status,
)
from ledger.domain.text import clean
from ledger.store.ledger_file import Ledger, new_uid

_PENDING_ID = 1 << 62  # the id an event being recorded will get: after every stored one


# --- replay -------------------------------------------------------------------------------


def replay(ledger: Ledger, events: Iterable[Event], new: Event | None = None) -> dict[str, Any]:
    """Put events in time order and walk them through the lifecycle; returns the final state.

    Sets each event's ``seq``, ``withdrawn`` and (where it has params) ``changes``. The event
    ``new`` (being recorded) is checked in full; for the others, annotations (催办, 进展,
    更正) are valid wherever they fall, and a lifecycle action that no longer fits is refused
    with the date and action it conflicts with.
    """
    ordered = time_order(events)
    withdrawn = withdrawn_ids(ordered)
    state = dict(EMPTY_STATE)
    ctx = Context()
    for seq, event in enumerate(ordered, start=1):
        event.seq = seq
        event.withdrawn = event.id in withdrawn
        if event.is_meta or event.withdrawn:
            continue
        state = _apply(ledger, state, event, ctx, strict=event is new)
    return state


def _apply(
    ledger: Ledger, state: dict[str, Any], event: Event, ctx: Context, *, strict: bool
) -> dict[str, Any]:
    if event.params is None or event.action not in RULE_BY_ACTION:
        # An old event: its stored changes as they are.
        if event.action == "add":
            ctx.due_basis, ctx.due_by_hand = event.changes.get("raised_on"), False
        elif event.action in ("resolve", "decline"):
            ctx.finished_by = event.action
        return {**state, **event.changes}
    changes = _changes(ledger, state, event.action, event.params, event.at, ctx, strict)
    event.changes = changes
    return {**state, **changes}


def _changes(
    ledger: Ledger,
    state: dict[str, Any],
    action: str,
    params: dict[str, Any],
    at: str,
    ctx: Context,
    strict: bool,
) -> dict[str, Any]:
    """What one action (with its inputs) changes in the state before it: the one place the
    lifecycle's rules and the effects are applied, for replay and for the bulk form alike."""
    rule = RULE_BY_ACTION[action]
    status = state["status"]
    if status is None and action != "add":
        raise LedgerError(f"{_when(at)}的“{ACTION[action]}”早于该问题的登记")
    if strict or not rule.annotation:
        try:
            target = next_status(status, action) if status else "raised"
        except TransitionRefused as refused:
            if strict:
                raise
            raise LedgerError(
                f"按时间顺序，{_when(at)}的“{ACTION[action]}”之前问题已是"
                f"“{STATUS.label(status)}”，这一步就不成立了；请检查时间"
            ) from refused
    else:
        target = status
    day = date.fromisoformat(at[:10])
    proposed = EFFECTS[action](ledger, state, params, day, ctx, strict)
    proposed["status"] = target
    if action in ("resolve", "decline"):
        ctx.finished_by = action
    if action == "add":
        return proposed
    return {key: value for key, value in proposed.items() if state.get(key) != value}


def _when(at: str) -> str:
    return at.replace("T", " ")[:16]


# --- writing ------------------------------------------------------------------------------


def check_moment(ledger: Ledger, at: date | datetime) -> str:
    """The stored form of an action's moment; refused when it is in the future."""
    return past_moment(at, ledger.now())


def item_id_of(ledger: Ledger, number: int) -> int:
    """The id of the item with this short number."""
    row = ledger.conn.execute("SELECT id FROM items WHERE number = ?", (number,)).fetchone()
    if row is None:
        raise NotFound(f"问题 {number} 不存在")
    return int(row[0])


def record(
    ledger: Ledger,
    item_id: int,
    action: str,
    at: date | datetime | None,
    params: dict[str, Any],
    note: str | None = None,
) -> Event:
    """Record one action on an existing item, in its place in time order (call in a transaction).

    Refuses an action on a voided item (only 撤销 can bring it back), a moment in the future
    or before the registration, and any history that no longer replays; otherwise writes the
    event, re-derives the later events and sets the item row to the replayed state.
    """
    status = ledger.conn.execute("SELECT status FROM items WHERE id = ?", (item_id,)).fetchone()[0]
    if status == VOIDED and action not in META_ACTIONS:
        next_status(status, action)  # refused: only 撤销 brings a voided item back, at any date
    events = load(ledger, item_id)
    note = clean(note, "note", "备注")  # every note, whichever path brought it
    moment = check_moment(ledger, at or ledger.now())
    new = Event(
        _PENDING_ID, new_uid(), action, moment, iso(ledger.now()),  # type: ignore[arg-type]
        ledger.actor, note or None, params,
    )  # fmt: skip
    registered = next(e for e in events if e.action == "add")
    if new.at[:10] < registered.at[:10]:
        raise LedgerError(f"时间 {_when(new.at)} 早于该问题的登记日期 {registered.at[:10]}")
    before = {e.id: (e.seq, e.changes, e.withdrawn) for e in events}
    state = replay(ledger, [*events, new], new)
    cursor = ledger.conn.execute(
        "INSERT INTO events (uid, item_id, action, at, recorded_at, actor, note, params, "
        "changes, seq, withdrawn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new.uid, item_id, new.action, new.at, new.recorded_at, new.actor, new.note,
         _dump(new.params), _dump(new.changes), new.seq, int(new.withdrawn)),
    )  # fmt: skip
    new.id = int(cursor.lastrowid or 0)
    _save_rederived(ledger, events, before)
    _save_row(ledger, item_id, state, [*events, new])
    return new


def _encoder() -> Callable[[Any], str]:
    """One encoder for every event: json.dumps builds a new one per call, and even
    ``JSONEncoder.encode`` makes its C encoder afresh each time (import writes hundreds of
    thousands: 7.7 → 4.7 µs a registration). Same text as json.dumps(value,
    ensure_ascii=False, sort_keys=True); a property test compares them."""
    plain = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return plain.encode
    # (markers, default, encoder, indent, key and item separators, sort_keys, skipkeys,
    # allow_nan), as JSONEncoder.iterencode passes them; no circular check (flat values).
    chunks = make(None, plain.default, _QUOTE, None, ": ", ", ", True, False, True)
    return lambda value: "".join(chunks(value, 0))


_ENCODE = _encoder()


def _dump(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return _ENCODE(value)


def _save_rederived(
    ledger: Ledger, events: list[Event], before: dict[int, tuple[int, dict[str, Any], bool]]
) -> None:
    for event in events:
        if before[event.id] != (event.seq, event.changes, event.withdrawn):
            ledger.conn.execute(
                "UPDATE events SET seq = ?, changes = ?, withdrawn = ? WHERE id = ?",
                (event.seq, _dump(event.changes), int(event.withdrawn), event.id),
            )


def _save_row(ledger: Ledger, item_id: int, state: dict[str, Any], events: list[Event]) -> None:
    in_force = [e.at for e in events if not e.is_meta and not e.withdrawn]
    assignments = ", ".join(f"{name} = ?" for name in (*STATE_FIELDS, "last_event_at"))
    ledger.conn.execute(
        f"UPDATE items SET {assignments} WHERE id = ?",
        [*(state[name] for name in STATE_FIELDS), max(in_force), item_id],
    )


def rebuild(ledger: Ledger, item_id: int) -> dict[str, Any]:
    """Re-derive an item's events and row from its history (merge, ``check --repair``)."""
    events = load(ledger, item_id)
    before = {e.id: (e.seq, e.changes, e.withdrawn) for e in events}
    state = replay(ledger, events)
    _save_rederived(ledger, events, before)
    _save_row(ledger, item_id, state, events)
    return state


def register(
    ledger: Ledger, number: int, at: date | datetime, params: dict[str, Any], note: str | None
) -> Event:
    """Write a new item (its row and its 登记 event) with the short number given."""
    moment = check_moment(ledger, at)
    note = clean(note, "note", "备注")
    event = Event(0, new_uid(), "add", moment, iso(ledger.now()), ledger.actor, note, params)  # type: ignore[arg-type]
    state = replay(ledger, [event], event)
    row = {"uid": new_uid(), "number": number, **state, "last_event_at": moment}
    item_id = ledger.insert("items", row)
    cursor = ledger.conn.execute(
        "INSERT INTO events (uid, item_id, action, at, recorded_at, actor, note, params, "
        "changes, seq, withdrawn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0)",
        (event.uid, item_id, "add", event.at, event.recorded_at, event.actor, event.note,
         _dump(params), _dump(event.changes)),
    )  # fmt: skip
    event.id = int(cursor.lastrowid or 0)
    return event


# --- undo / redo --------------------------------------------------------------------------


def undo_target(events: list[Event]) -> Event:
    """The latest recorded action still in force (the registration is withdrawn by 作废)."""
    withdrawn = withdrawn_ids(events)
    for event in sorted(events, key=lambda e: e.id, reverse=True):
        if event.is_meta or event.id in withdrawn or event.action == "add":
            continue
        return event
    raise LedgerError("没有可以撤销的操作（登记本身请用 ledger void 作废）")


def redo_target(events: list[Event]) -> tuple[Event, Event]:
    """The latest 撤销 in force, and the event it withdrew."""
    undone = undos_in_force(events)
    if not undone:
        raise LedgerError("没有可以恢复的撤销")
    by_uid = {e.uid: e for e in events}
    last = max(undone, key=lambda uid: by_uid[uid].id)
    return by_uid[last], by_uid[undone[last]]


# --- bulk form for import -----------------------------------------------------------------


@dataclass(slots=True)
class Planned:
    """One action of a new item's history, as import plans it."""

    action: str
    at: date | datetime
    params: dict[str, Any]
    note: str | None = None


def derive_new_item(ledger: Ledger, plan: list[Planned]) -> tuple[dict[str, Any], list[Event]]:
    """Replay a planned history of a new item (the same rules as :func:`record`)."""
    now = iso(ledger.now())
    events = [
        Event(index, "", p.action, iso(p.at), now, ledger.actor, p.note, p.params)  # type: ignore[arg-type]
        for index, p in enumerate(plan, start=1)
    ]
    state = replay(ledger, events, None)
    return state, events


def derive_in_order(
    ledger: Ledger, plan: list[Planned]
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]] | None:
    """The replay of a new item's planned history when it is already in time order (dates
    only, never going back, the registration first and only first: what import plans);
    None otherwise.

    The same rules and effects as :func:`replay` (both go through :func:`_changes`), without
    what ordering, withdrawals and Event objects cost. Returns the final state, each step's
    changes and moment (step n has ``seq`` n). A property test holds it equal to
    :func:`derive_new_item`.
    """
    moments: list[str] = []
    previous = ""
    for index, p in enumerate(plan):
        at = p.at
        if type(at) is not date or (index == 0) != (p.action == "add"):
            return None
        text = at.isoformat()
        if text < previous or p.action in META_ACTIONS:
            return None
        moments.append(text)
        previous = text
    if not plan:
        return None
    state = dict(EMPTY_STATE)
    ctx = Context()
    steps: list[dict[str, Any]] = []
    for p, at in zip(plan, moments, strict=True):
        changes = _changes(ledger, state, p.action, p.params, at, ctx, False)
        state.update(changes)
        steps.append(changes)
    return state, steps, moments


@dataclass(slots=True)
class NewItem:
    """An item to write in bulk: its id, uid and number, and its planned history."""

    id: int
    uid: str
    number: int
    plan: list[Planned]


@dataclass(slots=True)
class Written:
    """A new item as :func:`write_new_items` wrote it."""

    id: int
    state: dict[str, Any]
    notes: list[str]  # its events' notes, in time order (when in_order)
    in_order: bool  # planned in time order (else replay reordered it)


_ITEM_COLUMNS = ("id", "uid", "number", *STATE_FIELDS, "last_event_at")
_STATE_OF = operator.itemgetter(*STATE_FIELDS)  # a state's values in the row's column order
_ITEM_INSERT = (
    f"INSERT INTO items ({', '.join(_ITEM_COLUMNS)}) VALUES ({', '.join('?' * len(_ITEM_COLUMNS))})"
)
EVENT_INSERT = (
    "INSERT INTO events (uid, item_id, action, at, recorded_at, actor, note, params, changes, "
    "seq, withdrawn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)


def write_new_items(
    ledger: Ledger, items: Iterable[NewItem], next_uid: Callable[[], str]
) -> list[Written]:
    """Write new items with their whole history: import's bulk form (call in a transaction).

    Each history is replayed with the rules of :func:`record` (an in-order one through
    :func:`derive_in_order`, any other through :func:`derive_new_item`); the item rows and
    the events are inserted with one ``executemany`` each.
    """
    now = iso(ledger.now())
    actor = ledger.actor
    item_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    written: list[Written] = []
    add_event = event_rows.append
    texts: dict[tuple[Any, ...], str] = {}  # inputs recur (交办 to one unit, 满意): encoded once

    def params_text(action: str, params: dict[str, Any]) -> str:
        key = (action, *params.items())
        try:
            return texts[key]
        except KeyError:
            found = texts[key] = _ENCODE(params)
            return found
        except TypeError:  # a value that is no key (a list): not kept
            return _ENCODE(params)

    for item in items:
        plan = item.plan
        item_id = item.id
        built = imported.build(plan)  # a plain imported history: state and texts directly
        if built is not None:
            state, stored, moments = built
            first = plan[0]
            registered = imported.registration(first.params)
            if registered is None:
                add_text = _ENCODE(first.params)
                registered = add_text, _registration_text(first.params, add_text)
            add_event(
                (next_uid(), item_id, "add", moments[0], now, actor, first.note, *registered, 1)
            )
            for seq in range(2, len(plan) + 1):
                p = plan[seq - 1]
                add_event(
                    (next_uid(), item_id, p.action, moments[seq - 1], now, actor, p.note,
                     params_text(p.action, p.params), stored[seq - 1], seq)
                )  # fmt: skip
            item_rows.append((item_id, item.uid, item.number, *_STATE_OF(state), moments[-1]))
            notes = [p.note for p in plan if p.note is not None]
            written.append(Written(item_id, state, notes, True))
            continue
        derived = derive_in_order(ledger, plan)
        if derived is not None:
            state, steps, moments = derived
            seqs: Iterable[int] = range(1, len(plan) + 1)
        else:
            state, events = derive_new_item(ledger, plan)
            steps = [e.changes for e in events]
            moments = [e.at for e in events]
            seqs = [e.seq for e in events]
        for seq, p, changes, at in zip(seqs, plan, steps, moments, strict=True):
            if p.action == "add":
                text = _ENCODE(p.params)
                changes_text = _registration_text(p.params, text, changes)
            else:
                text = params_text(p.action, p.params)
                changes_text = _flat_json(changes)
            add_event(
                (next_uid(), item_id, p.action, at, now, actor, p.note, text, changes_text, seq)
            )
        last = max(moments)
        item_rows.append((item_id, item.uid, item.number, *_STATE_OF(state), last))
        notes = [p.note for p in plan if p.note is not None] if derived is not None else []
        written.append(Written(item_id, state, notes, derived is not None))
    ledger.conn.executemany(_ITEM_INSERT, item_rows)
    ledger.conn.executemany(EVENT_INSERT, event_rows)
    return written


_TITLE_KEY = ', "title": '


def _registration_text(
    params: dict[str, Any], params_text: str, changes: dict[str, Any] | None = None
) -> str:
    """The stored ``changes`` of a registration (None: known to be its params and the
    status). They are its inputs and its status, so the JSON is the inputs' text with the
    status spliced in before the title when that is the last key and "status" sorts right
    before it (an unescaped quote only occurs at a key, so the marker cannot be inside a
    value): the text :func:`_dump` gives, at less cost."""
    plain = changes is None or changes == {**params, "status": "raised"}
    if plain and _title_follows_status(tuple(params)):
        cut = params_text.rfind(_TITLE_KEY)
        if cut > 0:
            return f'{params_text[:cut]}, "status": "raised"{params_text[cut:]}'
    return _ENCODE({**params, "status": "raised"} if changes is None else changes)


_KEY_SETS: dict[tuple[str, ...], bool] = {}


def _title_follows_status(keys: tuple[str, ...]) -> bool:
    """Whether, with "status" added, the sorted keys end in "status", "title"."""
    found = _KEY_SETS.get(keys)
    if found is None:
        found = "title" in keys and all(k < "status" for k in keys if k != "title")
        _KEY_SETS[keys] = found
    return found


def _flat_json(value: dict[str, Any]) -> str:
    """:func:`_dump` of a dict of texts, whole numbers and nulls, written directly (the
    encoder's set-up costs more than such a small dict); anything else through _dump."""
    parts: list[str] = []
    for key in sorted(value):
        part = imported.member(key, value[key])
        if part is None:
            return _ENCODE(value)
        parts.append(part)
    return "{" + ", ".join(parts) + "}"
