"""The rows the report's tables show of an item or a meeting, as it stood at the cut-off."""

from __future__ import annotations

import dataclasses
from typing import Any

from ledger.domain.labels import (
    CARD,
    CHANNEL,
    LEVEL,
    MEETING_KIND,
    RATING,
    SCALE,
    SOURCE_SHORT,
    STATUS,
)
from ledger.domain.phones import mask_phone
from ledger.domain.report_labels import REPORT_TEXT
from ledger.reports.cells import as_date
from ledger.views.asof import AsOfItem
from ledger.views.coverage import Lookups


def _repeat_of(lookups: Lookups, item_id: int | None) -> str:
    """重复反映: "第 23 号" (the original), "" for an item that repeats none."""
    number = lookups.originals.get(item_id) if item_id is not None else None
    return f"第 {number} 号" if number is not None else ""


def detail_row(item: AsOfItem, lookups: Lookups, unmask: bool) -> dict[str, Any]:
    """One row of both parts of 问题台账, from the item as it stood at the cut-off."""
    state = item.state
    meeting = lookups.meetings.get(state["meeting_id"])
    phone = state["phone"]
    return {
        "number": item.number,
        "community": lookups.area_name(state["community_id"]),
        "place": lookups.place(state["place_id"]),
        "source": SOURCE_SHORT.get(state["source"], state["source"]),
        "meeting_date": as_date(meeting[1]) if meeting else None,
        "raised_on": as_date(state["raised_on"]),
        "reporter": state["reporter"],
        "phone": phone if unmask else mask_phone(phone),
        "title": state["title"],
        "category": lookups.categories.get(state["category"], state["category"]),
        "scale": SCALE.label(state["scale"]),
        "unit": lookups.units.get(state["unit_id"], "") if state["unit_id"] else "",
        "assigned_on": as_date(state["assigned_on"]),
        "due_on": as_date(state["due_on"]),
        "resolved_on": as_date(state["resolved_on"]),
        "result": state["result"],
        "replied_on": as_date(state["replied_on"]),
        "reply_channel": CHANNEL.label(state["reply_channel"]),
        "rating": RATING.label(state["rating"]),
        "status": STATUS.label(state["status"]),
        "is_overdue": _lateness(item),
        "belongs": REPORT_TEXT["raised_here" if item.belongs == "raised" else "carried_in"],
        "repeat_of": _repeat_of(lookups, state.get("repeat_of")),
    }


def slim(item: AsOfItem) -> AsOfItem:
    """An item carried in, kept for the county's follow-up (上期跟踪) with only the fields of
    its row that the follow-up reads: a county's carried items are held until its 通报."""
    state = {"rating": item.state["rating"], "community_id": item.state["community_id"]}
    return dataclasses.replace(item, state=state)


def _lateness(item: AsOfItem) -> str:
    """是否超期: still open past its due date, finished after it, or neither."""
    if item.overdue:
        return REPORT_TEXT["open_overdue"]
    if item.finished and not item.on_time:
        return REPORT_TEXT["finished_late"]
    return REPORT_TEXT["no"]


def overdue_row(item: AsOfItem, lookups: Lookups, card: str | None) -> dict[str, Any]:
    """One row of 超期督办."""
    state = item.state
    level = LEVEL[item.level] + ("（估算）" if item.estimated else "") if item.level else ""
    return {
        "number": item.number,
        "community": lookups.area_name(state["community_id"]),
        "place": lookups.place(state["place_id"]),
        "title": state["title"],
        "unit": lookups.units.get(state["unit_id"], "") if state["unit_id"] else "",
        "raised_on": as_date(state["raised_on"]),
        "assigned_on": as_date(state["assigned_on"]),
        "due_on": as_date(state["due_on"]),
        "workdays_overdue": item.workdays_overdue,
        "level": level,
        "card": CARD.label(card),
        "remind_count": state["remind_count"],
        "last_progress": state["last_progress"],
        "belongs": REPORT_TEXT["raised_here" if item.belongs == "raised" else "carried_in"],
    }


def meeting_row(meeting: dict[str, Any], seq: int, lookups: Lookups) -> dict[str, Any]:
    """One row of 会议记录."""
    return {
        "seq": seq,
        "meeting_number": meeting["number"],
        "held_on": as_date(meeting["held_on"]),
        "kind": MEETING_KIND.label(meeting["kind"]),
        "community": lookups.area_name(meeting["community_id"]),
        "place": lookups.place(meeting["place_id"]),
        "host": meeting["host"],
        "attendees": meeting["attendees"],
        "items": meeting["items"],
        "items_finished": meeting["items_finished"],
        "items_replied": meeting["items_replied"],
        "note": meeting["note"],
    }
