"""Items (诉求): recording them and every action of the lifecycle, each as one event.

Every action runs in one transaction: check the transition, compute the changed fields,
write them to the item row and record the same changes as an event, so the row is always
the replay of its events.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ledger import categories, deadlines, meetings, places, units
from ledger.dates import iso, to_date
from ledger.errors import LedgerError, NotFound
from ledger.labels import CHANNEL, RATING, SATISFIED_RATINGS, SCALE, SOURCE
from ledger.lifecycle import RULE_BY_ACTION, next_status
from ledger.phones import normalise_phone
from ledger.storage import Ledger, new_uid
from ledger.workdays import fallback_notice

MAX_TITLE = 2000
MAX_NOTE = 4000
_FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass
class Outcome:
    """What an action did: the item after it, the event recorded and any notices."""

    item: dict[str, Any]
    event: dict[str, Any]
    notices: list[str] = field(default_factory=list)


# --- reading --------------------------------------------------------------------------

ITEM_SELECT = """
SELECT i.*, c.name AS community, s.name AS subdistrict, k.name AS county,
       p.path AS place_path, u.name AS unit, m.number AS meeting
FROM items i
JOIN areas c ON c.id = i.community_id
LEFT JOIN areas s ON s.id = c.parent_id
LEFT JOIN areas k ON k.id = s.parent_id
LEFT JOIN areas p ON p.id = i.place_id
LEFT JOIN units u ON u.id = i.unit_id
LEFT JOIN meetings m ON m.id = i.meeting_id
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
    """An item's events, oldest first, with their changes decoded."""
    rows = ledger.conn.execute(
        "SELECT id, uid, action, at, recorded_at, actor, note, changes FROM events "
        "WHERE item_id = ? ORDER BY at, id",
        (item_id,),
    ).fetchall()
    keys = ("id", "uid", "action", "at", "recorded_at", "actor", "note", "changes")
    events = [dict(zip(keys, row, strict=True)) for row in rows]
    for event in events:
        event["changes"] = json.loads(event["changes"])
    return events


# --- writing --------------------------------------------------------------------------


# Control characters (terminal escapes, NUL …) from pasted text; tabs and newlines stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str | None, what: str, limit: int = MAX_NOTE, required: bool = True) -> str:
    text = _CONTROL.sub("", value or "").strip()
    if required and not text:
        raise LedgerError(f"{what}不能为空")
    if len(text) > limit:
        raise LedgerError(f"{what}过长（{len(text)} 字，最多 {limit} 字）")
    return text


def _check_moment(ledger: Ledger, at: datetime, after: str | None) -> None:
    now = ledger.now()
    if at > now + _FUTURE_TOLERANCE:
        raise LedgerError(f"时间 {_shown(at)} 晚于现在（{_shown(now)}），不能预先登记")
    if after and iso(at) < after:  # type: ignore[operator]
        raise LedgerError(
            f"时间 {_shown(at)} 早于该问题上一条记录的时间 {after.replace('T', ' ')[:16]}，请检查 --at"
        )


def _shown(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _record(
    ledger: Ledger,
    item_id: int,
    action: str,
    at: datetime,
    changes: dict[str, Any],
    note: str | None,
) -> dict[str, Any]:
    event = {
        "uid": new_uid(),
        "item_id": item_id,
        "action": action,
        "at": iso(at),
        "recorded_at": iso(ledger.now()),
        "actor": ledger.actor,
        "note": note or None,
        "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
    }
    event["id"] = ledger.insert("events", event)
    return event


def add(
    ledger: Ledger,
    title: str,
    *,
    community: str | None = None,
    compound: str | None = None,
    building: str | None = None,
    meeting: int | None = None,
    source: str | None = None,
    category: str = "other",
    scale: str = "small",
    reporter: str | None = None,
    phone: str | None = None,
    raised_on: date | None = None,
    note: str | None = None,
) -> Outcome:
    """Record a problem raised by a resident (说); its due date comes from its scale."""
    title = _text(title, "问题描述", MAX_TITLE)
    meeting_row = meetings.get(ledger, meeting) if meeting is not None else None
    if community:
        community_row = places.find(ledger, community, "community")
    elif meeting_row:
        community_row = places.get(ledger, meeting_row["community_id"])
    else:
        raise LedgerError("请用 --community 指定社区（或用 --meeting 指定会议）")
    if meeting_row and meeting_row["community_id"] != community_row["id"]:
        raise LedgerError(
            f"会议 {meeting} 属于{meeting_row['community']}，与社区“{community_row['name']}”不符"
        )
    place = places.find_place(ledger, community_row, compound, building)
    if place is None and meeting_row and meeting_row["place_id"]:
        place = places.get(ledger, meeting_row["place_id"])
    if source:
        source_code = SOURCE.parse(source)
    else:
        source_code = meeting_row["kind"] if meeting_row else "visit"
    if meeting_row and source_code != meeting_row["kind"]:
        raise LedgerError(f"会议 {meeting} 是{SOURCE.label(meeting_row['kind'])}，来源不符")
    category_code = categories.parse(ledger, category)
    scale_code = SCALE.parse(scale)
    phone_value = normalise_phone(phone) if phone else None
    now = ledger.now()
    raised = raised_on or (to_date(meeting_row["held_on"]) if meeting_row else now.date())
    if raised > now.date():
        raise LedgerError(f"反映日期 {raised} 晚于今天")
    if meeting_row and raised < to_date(meeting_row["held_on"]):  # type: ignore[operator]
        raise LedgerError(f"反映日期 {raised} 早于会议日期 {meeting_row['held_on']}")
    # A backdated item starts at the beginning of its day, so that actions typed for the
    # same evening (--at "昨天 21:30") still come after it.
    at = now if raised == now.date() else datetime.combine(raised, time.min)
    due = deadlines.default_due(ledger, raised, scale_code)
    changes = {
        "title": title,
        "community_id": community_row["id"],
        "place_id": place["id"] if place else None,
        "meeting_id": meeting_row["id"] if meeting_row else None,
        "source": source_code,
        "category": category_code,
        "scale": scale_code,
        "reporter": (reporter or "").strip() or None,
        "phone": phone_value,
        "status": RULE_BY_ACTION["add"].target,
        "raised_on": iso(raised),
        "due_on": iso(due),
    }
    with ledger.transaction():
        number = ledger.next_number("items")
        row = {
            "uid": new_uid(),
            "number": number,
            **changes,
            "last_event_at": iso(at),
        }
        item_id = ledger.insert("items", row)
        event = _record(ledger, item_id, "add", at, changes, note)
    return Outcome(get(ledger, number), event, _calendar_notices(ledger))


def _act(
    ledger: Ledger,
    number: int,
    action: str,
    at: datetime | None,
    note: str | None,
    compute: Callable[[dict[str, Any], datetime], dict[str, Any]],
) -> Outcome:
    """Check, compute and record one action on one item, in one transaction."""
    at = (at or ledger.now()).replace(microsecond=0)
    with ledger.transaction():
        item = get(ledger, number)
        target = next_status(item["status"], action, number=number)
        _check_moment(ledger, at, item["last_event_at"])
        proposed = compute(item, at)
        proposed["status"] = target
        changes = {key: value for key, value in proposed.items() if item.get(key) != value}
        event = _record(ledger, item["id"], action, at, changes, note)
        assignments = ", ".join(f"{key} = ?" for key in [*changes, "last_event_at"])
        ledger.conn.execute(
            f"UPDATE items SET {assignments} WHERE id = ?",
            [*changes.values(), iso(at), item["id"]],
        )
    return Outcome(get(ledger, number), event, _calendar_notices(ledger))


def _calendar_notices(ledger: Ledger) -> list[str]:
    notice = fallback_notice(ledger.calendar.estimated_years)
    return [notice] if notice else []


def assign(
    ledger: Ledger,
    number: int,
    unit: str,
    *,
    due: date | None = None,
    days: int | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> Outcome:
    """交办 (or 转办 when already assigned) to a unit; ``due``/``days`` set a new deadline."""
    unit_row = units.find(ledger, unit)
    if due is not None and days is not None:
        raise LedgerError("--due 与 --days 只能指定一个")
    if days is not None and days <= 0:
        raise LedgerError("--days 应为正整数（工作日）")

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        if item["unit_id"] == unit_row["id"] and due is None and days is None:
            raise LedgerError(f"问题 {number} 已由“{unit_row['name']}”承办")
        changes: dict[str, Any] = {"unit_id": unit_row["id"]}
        if item["assigned_on"] is None:
            changes["assigned_on"] = iso(moment.date())
        if due is not None:
            if due < moment.date():
                raise LedgerError(f"办理时限 {due} 早于交办日期 {moment.date()}")
            changes["due_on"] = iso(due)
        elif days is not None:
            changes["due_on"] = iso(ledger.calendar.add_workdays(moment.date(), days))
        return changes

    return _act(ledger, number, "assign", at, note, compute)


def progress(
    ledger: Ledger,
    number: int,
    note: str,
    *,
    percent: int | None = None,
    at: datetime | None = None,
) -> Outcome:
    """A dated progress note, with an optional percent for big matters."""
    text = _text(note, "进展说明")
    if percent is not None and not 0 <= percent <= 100:
        raise LedgerError("进度应在 0–100 之间")

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        changes: dict[str, Any] = {"last_progress": text}
        if percent is not None:
            changes["percent"] = percent
        return changes

    return _act(ledger, number, "progress", at, text, compute)


def extend(
    ledger: Ledger, number: int, to: date, reason: str, *, at: datetime | None = None
) -> Outcome:
    """延期: a later due date, with a reason; counted."""
    text = _text(reason, "延期理由")

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        if item["due_on"] and iso(to) <= item["due_on"]:
            raise LedgerError(f"新的办理时限 {to} 应晚于现有时限 {item['due_on']}")
        return {"due_on": iso(to), "extend_count": item["extend_count"] + 1}

    return _act(ledger, number, "extend", at, text, compute)


def escalate(
    ledger: Ledger, number: int, unit: str, reason: str, *, at: datetime | None = None
) -> Outcome:
    """大事按程序办: becomes big, goes to a higher-level unit, gets the big deadline."""
    unit_row = units.find(ledger, unit)
    text = _text(reason, "升级理由")

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        raised = to_date(item["raised_on"])
        big_due = deadlines.default_due(ledger, raised, "big")  # type: ignore[arg-type]
        due = max(iso(big_due), item["due_on"] or "")  # type: ignore[type-var]
        changes: dict[str, Any] = {"scale": "big", "unit_id": unit_row["id"], "due_on": due}
        if item["assigned_on"] is None:
            changes["assigned_on"] = iso(moment.date())
        return changes

    return _act(ledger, number, "escalate", at, text, compute)


def resolve(ledger: Ledger, number: int, result: str, *, at: datetime | None = None) -> Outcome:
    """办结 with the result; from 待分办 it was settled on the spot (小事马上办)."""
    text = _text(result, "办理结果")

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        return {"resolved_on": iso(moment.date()), "result": text}

    return _act(ledger, number, "resolve", at, text, compute)


def decline(ledger: Ledger, number: int, reason: str, *, at: datetime | None = None) -> Outcome:
    """不予办理, with the reason the resident will be told."""
    text = _text(reason, "不予办理理由")

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        return {"resolved_on": iso(moment.date()), "result": text}

    return _act(ledger, number, "decline", at, text, compute)


def reply(
    ledger: Ledger,
    number: int,
    text: str,
    *,
    channel: str = "phone",
    at: datetime | None = None,
) -> Outcome:
    """说事必回: what the resident was told, how and when."""
    body = _text(text, "答复内容")
    channel_code = CHANNEL.parse(channel)

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        return {
            "replied_on": iso(moment.date()),
            "reply_channel": channel_code,
            "reply_text": body,
        }

    return _act(ledger, number, "reply", at, body, compute)


def rate(
    ledger: Ledger,
    number: int,
    rating: str,
    *,
    close: bool = False,
    unit: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> Outcome:
    """评价. 满意/基本满意 files the item; 不满意 sends it back (重办) unless ``close``.

    重办 goes back to the same unit; ``unit`` names one for an item settled on the spot
    (which never had a unit) or hands the re-handling to another.
    """
    rating_code = RATING.parse(rating)
    reopen = rating_code not in SATISFIED_RATINGS and not close
    if unit is not None and not reopen:
        raise LedgerError("只有“不满意”重办时才能用 --unit 指定承办单位")
    unit_row = units.find(ledger, unit) if unit else None

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        if not reopen:
            return {"rating": rating_code, "closed_on": iso(moment.date())}
        unit_id = unit_row["id"] if unit_row else item["unit_id"]
        if unit_id is None:
            raise LedgerError(
                f"问题 {number} 是当场办结的，没有承办单位；重办请用 --unit 指定承办单位，"
                "或用 --close 直接归档"
            )
        return {
            "unit_id": unit_id,
            "rating": rating_code,
            "reopen_count": item["reopen_count"] + 1,
            "due_on": iso(deadlines.default_due(ledger, moment.date(), item["scale"])),
            "resolved_on": None,
            "result": None,
            "replied_on": None,
            "reply_channel": None,
            "reply_text": None,
            "assigned_on": item["assigned_on"] or iso(moment.date()),
        }

    action = "reopen" if reopen else "rate"
    return _act(ledger, number, action, at, (note or "").strip() or None, compute)


def close(ledger: Ledger, number: int, reason: str, *, at: datetime | None = None) -> Outcome:
    """归档 without an evaluation (the resident cannot be reached), with the reason."""
    text = _text(reason, "归档理由")

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        return {"closed_on": iso(moment.date())}

    return _act(ledger, number, "close", at, text, compute)


EDITABLE = ("title", "reporter", "phone", "category", "source", "scale", "community", "place")


def edit(
    ledger: Ledger,
    number: int,
    *,
    title: str | None = None,
    reporter: str | None = None,
    phone: str | None = None,
    category: str | None = None,
    source: str | None = None,
    scale: str | None = None,
    community: str | None = None,
    compound: str | None = None,
    building: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> Outcome:
    """更正: corrections are events too, so the history keeps what was there before."""
    proposed: dict[str, Any] = {}
    if title is not None:
        proposed["title"] = _text(title, "问题描述", MAX_TITLE)
    if reporter is not None:
        proposed["reporter"] = reporter.strip() or None
    if phone is not None:
        proposed["phone"] = normalise_phone(phone) if phone.strip() else None
    if category is not None:
        proposed["category"] = categories.parse(ledger, category)
    if source is not None:
        proposed["source"] = SOURCE.parse(source)
    if scale is not None:
        proposed["scale"] = SCALE.parse(scale)
    current = get(ledger, number)
    if community is not None or compound is not None or building is not None:
        community_row = (
            places.find(ledger, community, "community")
            if community
            else places.get(ledger, current["community_id"])
        )
        place = places.find_place(ledger, community_row, compound, building)
        proposed["community_id"] = community_row["id"]
        proposed["place_id"] = place["id"] if place else None
    if not proposed:
        raise LedgerError("没有要更正的内容：请指定 --title、--phone、--category 等")
    changed = {k: v for k, v in proposed.items() if current.get(k) != v}
    if not changed:
        raise LedgerError(f"问题 {number} 的内容与更正值相同，无需更正")

    def compute(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
        return dict(proposed)

    return _act(ledger, number, "edit", at, note, compute)


def is_satisfied(rating: str | None) -> bool:
    """满意 or 基本满意."""
    return rating in SATISFIED_RATINGS


def describe(ledger: Ledger, number: int, today: date) -> dict[str, Any]:
    """An item with its deadline standing and its whole timeline, ids turned into names."""
    from ledger.queries import annotate_deadline

    item = get(ledger, number)
    annotate_deadline(ledger, item, today)
    events = timeline(ledger, item["id"])
    for event in events:
        changes = event["changes"]
        if "unit_id" in changes:
            unit_id = changes.pop("unit_id")
            changes["unit"] = units.get(ledger, unit_id)["name"] if unit_id else None
        if "community_id" in changes:
            changes["community"] = places.get(ledger, changes.pop("community_id"))["name"]
        if "place_id" in changes:
            place_id = changes.pop("place_id")
            changes["place"] = (
                "/".join(places.get(ledger, place_id)["path"].split("/")[3:]) if place_id else None
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
    item["events"] = events
    return item
