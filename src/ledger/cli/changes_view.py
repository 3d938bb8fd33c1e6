"""Screens of the registry's changes (更名、更正): ``unit show``, ``area show``, and the
corrections under ``meeting show`` (each change with its old and new value, as
:mod:`ledger.registry.edits` stores it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.cli import layout, output
from ledger.domain.labels import MEETING_KIND, REGISTRY_ACTION, REGISTRY_FIELD, UNIT_KIND
from ledger.registry.edits import RegistryEvent

_NONE = "（空）"


def _value(entity: str, field: str, value: Any, place: Callable[[int], str]) -> str:
    if value is None or value == "":
        return _NONE
    if field == "kind":
        return (UNIT_KIND if entity == "unit" else MEETING_KIND).label(value)
    if field == "place_id":
        return place(value)
    return str(value)


def changes_text(event: RegistryEvent, place: Callable[[int], str] = str) -> str:
    """电话 0537-1234567 → 0537-7654321，联系人 王 → 李 (a rename: just old → new)."""
    parts = []
    for field, (old, new) in event.changes.items():
        label = "" if field == "name" else f"{REGISTRY_FIELD.get(field, field)} "
        old_text = _value(event.entity, field, old, place)
        new_text = _value(event.entity, field, new, place)
        parts.append(f"{label}{old_text} → {new_text}")
    return "，".join(parts)


def event_lines(event: RegistryEvent, place: Callable[[int], str] = str) -> tuple[str, str]:
    """What changed, and who recorded it when (with the note):

    2026-11-05 更名：铁塔寺社区 → 铁塔寺街区
    张三 2026-11-05 10:02 录入；区民政局批复
    """
    when = event.at.replace("T", " ")[:16]
    typed = event.recorded_at.replace("T", " ")[:16]
    note = f"；{event.note}" if event.note else ""
    action = REGISTRY_ACTION.get(event.action, event.action)
    return f"{when} {action}：{changes_text(event, place)}", f"{event.actor} {typed} 录入{note}"


def history_block(events: list[RegistryEvent], place: Callable[[int], str] = str) -> None:
    """修改记录 and each change, oldest first, wrapped to the screen (nothing when none)."""
    if not events:
        return
    output.say(f"修改记录 {len(events)} 条", "bold")
    room = max(output.width() - 4, 20)
    for event in events:
        change, recorded = event_lines(event, place)
        for n, line in enumerate(layout.wrap(change, room)):
            output.emit(layout.Text(("  " if n == 0 else "    ") + line))
        for line in layout.wrap(recorded, room):
            output.emit(layout.Text("    " + line, style="dim"))


def event_json(event: RegistryEvent) -> dict[str, Any]:
    """A change for ``--json``: codes and stored values, [old, new] per field."""
    return {
        "action": event.action,
        "at": event.at,
        "recorded_at": event.recorded_at,
        "actor": event.actor,
        "note": event.note,
        "changes": event.changes,
    }


def former_names(events: list[RegistryEvent]) -> list[str]:
    """The names a row had before, oldest first (from its renames)."""
    return [event.changes["name"][0] for event in events if "name" in event.changes]


def show(
    data: dict[str, Any] | None,
    title: str,
    rows: list[tuple[str, Any]],
    events: list[RegistryEvent],
) -> None:
    """``unit show`` / ``area show``: the row's facts, its former names and its changes; with
    ``data`` (``--json``) those facts as JSON plus ``former_names`` and ``history``."""
    former = former_names(events)
    if data is not None:
        history = [event_json(event) for event in events]
        output.emit_json({**data, "former_names": former, "history": history})
        return
    output.say(title, "bold")
    output.key_values([*rows, *([("曾用名", "、".join(former))] if former else [])])
    history_block(events)
