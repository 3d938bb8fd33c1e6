"""The history of an imported row, built directly: the item's state and each later event's
stored ``changes`` text, without the general replay.

An imported row tells a plain history — 登记, then 交办, 进展, 办结 or 不予办理, 答复, 评价 or
归档, each once, on dates that never go back (:func:`ledger.io.importer.items.plan_of`). For
such a history the rules of :mod:`ledger.casework.effects` reduce to setting a few fields;
this module sets them and writes the JSON text of each step's changes as it goes (keys in
sorted order, as ``json.dumps(…, ensure_ascii=False, sort_keys=True)`` writes them). Any
other history (重办, a deadline given with 交办, a step the status does not allow, a moment
that is not a plain date …) gets None, and :mod:`ledger.casework.history` replays it the
general way. A property test (``tests/test_history_bulk.py``) holds the two equal: state,
changes, moments and every stored byte.
"""

from __future__ import annotations

from datetime import date
from json.encoder import encode_basestring as _quote  # ensure_ascii=False's
from typing import Any

from ledger.domain.dates import DAY_TEXT
from ledger.domain.lifecycle import EMPTY_STATE, TRANSITIONS

# For each action handled here: the state fields it sets from (params key | "day"), in the
# sorted order of their names with "status" in its place; the params it must have exactly.
_SETS: dict[str, tuple[tuple[str, str], ...]] = {
    "assign": (("assigned_on", "day"), ("status", ""), ("unit_id", "unit_id")),
    "progress": (("last_progress", "text"), ("status", "")),
    "resolve": (("resolved_on", "day"), ("result", "text"), ("status", "")),
    "decline": (("resolved_on", "day"), ("result", "text"), ("status", "")),
    "reply": (
        ("replied_on", "day"),
        ("reply_channel", "channel"),
        ("reply_text", "text"),
        ("status", ""),
    ),
    "rate": (("closed_on", "day"), ("rating", "rating"), ("status", "")),
    "close": (("closed_on", "day"), ("status", "")),
}
_PARAMS = {
    action: frozenset(source for _, source in fields if source not in ("", "day"))
    for action, fields in _SETS.items()
}
_ANNOTATIONS = frozenset({"progress"})  # status unchanged, allowed wherever it falls
_DAY, _PARAM, _STATUS = 0, 1, 2
# Per action: (field, where its value comes from, the param's name, the field's JSON key
# written once), and the params it must have.
_STEPS = {
    action: (
        tuple(
            (
                name,
                _DAY if source == "day" else _PARAM if source else _STATUS,
                source,
                f"{_quote(name)}: ",
            )
            for name, source in fields
        ),
        _PARAMS[action],
        # the status after it, by the status before (lifecycle.TRANSITIONS; None: unchanged)
        None
        if action in _ANNOTATIONS
        else {before: after for (before, done), after in TRANSITIONS.items() if done == action},
    )
    for action, fields in _SETS.items()
}


def build(
    plan: list[Any],
) -> tuple[dict[str, Any], list[str | None], list[str]] | None:
    """The state after ``plan`` (a list of :class:`ledger.casework.history.Planned`), each
    step's changes as stored JSON text (None for the registration: its text is its params'
    with the status, see ``history``), and each step's moment; None for a history this
    module does not handle."""
    first = plan[0] if plan else None
    if first is None or first.action != "add" or type(first.at) is not date:
        return None
    params = first.params
    if "status" in params:
        return None
    state = dict(EMPTY_STATE)
    state.update(params)
    status = state["status"] = "raised"
    previous = DAY_TEXT[first.at]
    moments = [previous]
    texts: list[str | None] = [None]
    for step in plan[1:]:
        action, at, params = step.action, step.at, step.params
        spec = _STEPS.get(action)
        if spec is None or type(at) is not date or params.keys() != spec[1]:
            return None
        day = DAY_TEXT[at]
        if day < previous:
            return None
        targets = spec[2]
        target = status if targets is None else targets.get(status)  # (annotation: the same)
        if target is None:
            return None
        parts: list[str] = []
        for name, origin, source, key in spec[0]:
            if origin == _DAY:
                if name == "assigned_on" and state[name] is not None:
                    continue  # 交办 again: the first day stays
                value: Any = day
            elif origin == _PARAM:
                value = params[source]
            else:
                value = target
            if state[name] == value:
                continue
            kind = type(value)  # as member() writes it
            if kind is str:
                parts.append(key + _quote(value))
            elif kind is int:
                parts.append(f"{key}{value}")
            elif value is None:
                parts.append(key + "null")
            else:
                return None  # no such value in an imported row: the general way
            state[name] = value
        status = target
        texts.append("{" + ", ".join(parts) + "}")
        moments.append(day)
        previous = day
    return state, texts, moments


def member(key: str, value: Any) -> str | None:
    """One member of a flat JSON object as ``json.dumps(…, ensure_ascii=False)`` writes it
    (``"key": value``); None for a value that is not a text, a whole number or null."""
    kind = type(value)
    if kind is str:
        return f"{_quote(key)}: {_quote(value)}"
    if kind is int:
        return f"{_quote(key)}: {value}"
    if value is None:
        return f"{_quote(key)}: null"
    return None


# The registration of an imported row: its inputs, in the order the importer gives them.
REGISTRATION_KEYS = (
    "title",
    "community_id",
    "place_id",
    "meeting_id",
    "source",
    "category",
    "scale",
    "reporter",
    "phone",
    "raised_on",
    "due_on",
)


def registration(params: dict[str, Any]) -> tuple[str, str] | None:
    """The stored params and changes of a registration with exactly the import's inputs
    (texts, ids, nulls where they may be), written directly: the text ``json.dumps(…,
    ensure_ascii=False, sort_keys=True)`` gives, the changes with ``"status": "raised"`` in
    its sorted place; None for any other registration (the encoder writes it)."""
    if tuple(params) != REGISTRATION_KEYS:
        return None
    title, community, place, meeting, source, category, scale, reporter, phone, raised, due = (
        params.values()
    )
    if not (
        type(title) is str
        and type(community) is int
        and type(source) is str
        and type(category) is str
        and type(scale) is str
        and type(raised) is str
        and type(due) is str
        and (place is None or type(place) is int)
        and (meeting is None or type(meeting) is int)
        and (reporter is None or type(reporter) is str)
        and (phone is None or type(phone) is str)
    ):
        return None
    head = (
        f'{{"category": {_quote(category)}, "community_id": {community}, '
        f'"due_on": {_quote(due)}, "meeting_id": {"null" if meeting is None else meeting}, '
        f'"phone": {"null" if phone is None else _quote(phone)}, '
        f'"place_id": {"null" if place is None else place}, "raised_on": {_quote(raised)}, '
        f'"reporter": {"null" if reporter is None else _quote(reporter)}, '
        f'"scale": {_quote(scale)}, "source": {_quote(source)}'
    )
    tail = f', "title": {_quote(title)}}}'
    return head + tail, f'{head}, "status": "raised"{tail}'
