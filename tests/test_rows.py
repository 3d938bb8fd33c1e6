"""The typed item of the read side (``views.rows.Item``) and the one list of item fields."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from ledger.casework import actions
from ledger.domain import lifecycle
from ledger.store.ledger_file import Ledger
from ledger.views import filters, rows

TODAY = date(2026, 11, 26)  # a Thursday


def test_state_fields_are_the_item_fields_events_set() -> None:
    # Written out by hand: what an event may change, names stored as ids, plus the link.
    assert set(lifecycle.STATE_FIELDS) == {
        "title", "status", "source", "category", "scale", "community_id", "place_id",
        "meeting_id", "reporter", "phone", "unit_id", "raised_on", "assigned_on", "due_on",
        "resolved_on", "result", "replied_on", "reply_channel", "reply_text", "rating",
        "closed_on", "reopen_count", "extend_count", "remind_count", "percent",
        "last_progress", "repeat_of",
    }  # fmt: skip
    assert len(lifecycle.STATE_FIELDS) == 27


def test_an_item_read_in_a_list_is_the_item_read_by_number(places: Ledger) -> None:
    actions.add(places, "楼道灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 20))
    _, found = filters.find_items(places, filters.ItemFilter(), TODAY)
    [listed] = list(found)
    one = rows.read_item(places, 1, TODAY)
    assert listed == one and type(listed) is rows.Item
    # Raised Friday 11-20, a small matter: due 3 working days on (Mon, Tue, Wed) = 11-25.
    # On Thursday 11-26 one working day has passed since: 超期 1 day, a red card.
    assert (one.due_on, one.level, one.workdays_overdue, one.card) == (
        "2026-11-25", "overdue", 1, "red"
    )  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        listed.title = "改了"  # type: ignore[misc]


def test_the_json_shape_is_the_field_list_in_order(places: Ledger) -> None:
    actions.add(places, "楼道灯不亮", community="铁塔寺社区", reporter="张三")
    data = rows.read_item(places, 1, TODAY).as_json()
    assert tuple(data) == lifecycle.ITEM_FIELDS
    assert (data["number"], data["title"], data["reporter"], data["community"]) == (
        1, "楼道灯不亮", "张三", "铁塔寺社区"
    )  # fmt: skip
    assert "id" not in data and "community_id" not in data
