"""The clerk's actions on items (诉求): add, assign … void, undo, redo, link — each one event.

Every action runs in one transaction: check the inputs, then :func:`ledger.casework.history.record`
checks the transition, records the event in its time order and sets the item row to the
replay of its events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ledger.casework import history
from ledger.domain import deadlines
from ledger.domain.dates import iso, to_date
from ledger.domain.errors import LedgerError, TransitionRefused
from ledger.domain.events import Event
from ledger.domain.events import load as load_events
from ledger.domain.labels import ACTION, CHANNEL, RATING, SATISFIED_RATINGS, SCALE, SOURCE
from ledger.domain.lifecycle import REDO, UNDO
from ledger.domain.phones import normalise_phone
from ledger.domain.text import clean as clean_text
from ledger.domain.workdays import fallback_notice
from ledger.registry import areas, categories, meetings, units
from ledger.store.ledger_file import Ledger
from ledger.views import repeats
from ledger.views.rows import get

MAX_TITLE = 2000
MAX_NOTE = 4000


@dataclass
class ActionOutcome:
    """What an action did: the item after it, the event recorded and any notices."""

    item: dict[str, Any]
    event: dict[str, Any]
    notices: list[str] = field(default_factory=list)
    withdrawn: dict[str, Any] | None = None  # the event an undo/redo withdrew or restored


# --- writing --------------------------------------------------------------------------


def _text(value: str | None, what: str, limit: int = MAX_NOTE, required: bool = True) -> str:
    # One cleaning for every free text (ledger.domain.text): control characters, bidi overrides,
    # zero-width-only text counts as empty.
    return clean_text(value, "note", what, required=required, limit=limit) or ""


Moment = date | datetime  # a bare date when the clerk gave no clock time


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
    repeat_of: int | None = None,
    new: bool = False,
    decide: Callable[[list[repeats.Candidate]], int | None] | None = None,
) -> ActionOutcome:
    """Record a problem raised by a resident (说); its due date comes from its scale.

    Registered today without ``raised_on`` it happens now; with a date (or a meeting's date)
    it happens on that day, with no invented clock time.

    重复反映: ``repeat_of`` links it to an earlier item; ``new`` says it is a new matter.
    With neither, earlier items it may repeat (:func:`repeats.candidates`) are put to
    ``decide`` (a terminal asks the clerk: a number, or None for a new matter); without
    ``decide`` the registration is refused with the candidates (:class:`RepeatSuspected`).
    """
    title = _text(title, "问题描述", MAX_TITLE)
    meeting_row = meetings.get(ledger, meeting) if meeting is not None else None
    if community:
        community_row = areas.find(ledger, community, "community")
    elif meeting_row:
        community_row = areas.get(ledger, meeting_row["community_id"])
    else:
        raise LedgerError("请用 --community 指定社区（或用 --meeting 指定会议）")
    if meeting_row and meeting_row["community_id"] != community_row["id"]:
        raise LedgerError(
            f"会议 {meeting} 属于{meeting_row['community']}，与社区“{community_row['name']}”不符"
        )
    place = areas.find_place(ledger, community_row, compound, building)
    if place is None and meeting_row and meeting_row["place_id"]:
        place = areas.get(ledger, meeting_row["place_id"])
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
    at: Moment = now if raised_on is None and not meeting_row and raised == now.date() else raised
    params = {
        "title": title,
        "community_id": community_row["id"],
        "place_id": place["id"] if place else None,
        "meeting_id": meeting_row["id"] if meeting_row else None,
        "source": source_code,
        "category": category_code,
        "scale": scale_code,
        "reporter": clean_text(reporter, "person", "反映人"),
        "phone": phone_value,
        "raised_on": iso(raised),
        "due_on": iso(deadlines.default_due(ledger, raised, scale_code)),
    }
    original = _repeat_decision(ledger, params, raised, repeat_of, new, decide)
    if original is not None:
        params["repeat_of"] = original["id"]
    with ledger.transaction():
        number = ledger.next_number("items")
        event = history.register(ledger, number, at, params, note)
    return ActionOutcome(get(ledger, number), event.as_json(), _calendar_notices(ledger))


def _repeat_decision(
    ledger: Ledger,
    params: dict[str, Any],
    raised: date,
    repeat_of: int | None,
    new: bool,
    decide: Callable[[list[repeats.Candidate]], int | None] | None,
) -> dict[str, Any] | None:
    if repeat_of is not None and new:
        raise LedgerError("--repeat-of 与 --new 只能指定一个")
    if repeat_of is not None:
        return repeats.original_of(ledger, repeat_of, before=iso(raised))
    if new:
        return None
    found = repeats.candidates(
        ledger,
        title=params["title"],
        community_id=params["community_id"],
        place_id=params["place_id"],
        reporter=params["reporter"],
        phone=params["phone"],
        raised_on=raised,
    )
    if not found:
        return None
    if decide is None:
        raise repeats.RepeatSuspected(found)
    chosen = decide(found)
    return repeats.original_of(ledger, chosen, before=iso(raised)) if chosen else None


def link(
    ledger: Ledger, number: int, original: int, *, note: str | None = None, at: Moment | None = None
) -> ActionOutcome:
    """重复反映: link an item to the earlier one it raises again (a repeat of a repeat links
    to the first raising)."""
    with ledger.transaction():
        item_id = history.item_id_of(ledger, number)
        raised_on = ledger.conn.execute(
            "SELECT raised_on FROM items WHERE id = ?", (item_id,)
        ).fetchone()[0]
        target = repeats.original_of(ledger, original, before=raised_on)
        if target["id"] == item_id:
            raise LedgerError(f"问题 {number} 不能是自己的重复反映")
        params = {"item_id": target["id"], "number": target["number"], "uid": _uid(ledger, target)}
        # The same transaction (a savepoint inside): the original cannot change in between.
        return _act(ledger, number, "link", at, params, _text(note, "备注", required=False) or None)


def _uid(ledger: Ledger, item: dict[str, Any]) -> str:
    # Kept in the event so that a merge into another ledger can find the original again.
    return ledger.conn.execute("SELECT uid FROM items WHERE id = ?", (item["id"],)).fetchone()[0]


def unlink(
    ledger: Ledger, number: int, *, note: str | None = None, at: Moment | None = None
) -> ActionOutcome:
    """Take back a 重复反映 link: the item is a matter of its own again."""
    return _act(ledger, number, "unlink", at, {}, _text(note, "备注", required=False) or None)


def _act(
    ledger: Ledger,
    number: int,
    action: str,
    at: Moment | None,
    params: dict[str, Any],
    note: str | None,
) -> ActionOutcome:
    """Record one action on one item, in its place in time order, in one transaction."""
    with ledger.transaction():
        item_id = history.item_id_of(ledger, number)
        try:
            event = history.record(ledger, item_id, action, at, params, note)
        except TransitionRefused as refused:
            raise TransitionRefused(f"问题 {number} {refused}") from refused
    return ActionOutcome(get(ledger, number), event.as_json(), _calendar_notices(ledger))


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
    at: Moment | None = None,
) -> ActionOutcome:
    """交办 (or 转办 when already assigned) to a unit; ``due``/``days`` set a new deadline."""
    unit_row = units.find(ledger, unit)
    if due is not None and days is not None:
        raise LedgerError("--due 与 --days 只能指定一个")
    if days is not None and days <= 0:
        raise LedgerError("--days 应为正整数（工作日）")
    params = {
        "unit_id": unit_row["id"],
        "unit_name": unit_row["name"],
        "due": iso(due),
        "days": days,
    }
    return _act(ledger, number, "assign", at, params, note)


def progress(
    ledger: Ledger,
    number: int,
    note: str,
    *,
    percent: int | None = None,
    at: Moment | None = None,
) -> ActionOutcome:
    """A dated progress note, with an optional percent for big matters."""
    text = _text(note, "进展说明")
    if percent is not None and not 0 <= percent <= 100:
        raise LedgerError("进度应在 0–100 之间")
    return _act(ledger, number, "progress", at, {"text": text, "percent": percent}, text)


def extend(
    ledger: Ledger, number: int, to: date, reason: str, *, at: Moment | None = None
) -> ActionOutcome:
    """延期: a later due date, with a reason; counted."""
    text = _text(reason, "延期理由")
    return _act(ledger, number, "extend", at, {"to": iso(to)}, text)


def escalate(
    ledger: Ledger, number: int, unit: str, reason: str, *, at: Moment | None = None
) -> ActionOutcome:
    """大事按程序办: becomes big, goes to a higher-level unit, gets the big deadline."""
    unit_row = units.find(ledger, unit)
    text = _text(reason, "升级理由")
    return _act(ledger, number, "escalate", at, {"unit_id": unit_row["id"]}, text)


def resolve(ledger: Ledger, number: int, result: str, *, at: Moment | None = None) -> ActionOutcome:
    """办结 with the result; from 待分办 it was settled on the spot (小事马上办)."""
    text = _text(result, "办理结果")
    return _act(ledger, number, "resolve", at, {"text": text}, text)


def decline(ledger: Ledger, number: int, reason: str, *, at: Moment | None = None) -> ActionOutcome:
    """不予办理, with the reason the resident will be told."""
    text = _text(reason, "不予办理理由")
    return _act(ledger, number, "decline", at, {"text": text}, text)


def reply(
    ledger: Ledger,
    number: int,
    text: str,
    *,
    channel: str = "phone",
    at: Moment | None = None,
) -> ActionOutcome:
    """说事必回: what the resident was told, how and when."""
    body = _text(text, "答复内容")
    params = {"text": body, "channel": CHANNEL.parse(channel)}
    return _act(ledger, number, "reply", at, params, body)


def rate(
    ledger: Ledger,
    number: int,
    rating: str,
    *,
    close: bool = False,
    unit: str | None = None,
    note: str | None = None,
    at: Moment | None = None,
) -> ActionOutcome:
    """评价. 满意/基本满意 files the item; 不满意 sends it back (重办) unless ``close``.

    The rating counts against whoever held the item when the resident judged it. 重办 goes
    back to the same unit; ``unit`` names one for an item the community settled or declined
    itself (which never had a unit) or hands the re-handling to another.
    """
    rating_code = RATING.parse(rating)
    reopen = rating_code not in SATISFIED_RATINGS and not close
    if unit is not None and not reopen:
        raise LedgerError("只有“不满意”重办时才能用 --unit 指定承办单位")
    unit_row = units.find(ledger, unit) if unit else None
    params = {"rating": rating_code, "unit_id": unit_row["id"] if unit_row else None}
    action = "reopen" if reopen else "rate"
    return _act(ledger, number, action, at, params, _text(note, "评价说明", required=False) or None)


def close(ledger: Ledger, number: int, reason: str, *, at: Moment | None = None) -> ActionOutcome:
    """归档 without an evaluation (the resident cannot be reached), with the reason."""
    text = _text(reason, "归档理由")
    return _act(ledger, number, "close", at, {}, text)


def remind(ledger: Ledger, number: int, note: str, *, at: Moment | None = None) -> ActionOutcome:
    """催办 one item: a dated note that the unit was chased; the status stays."""
    text = _text(note, "催办说明")
    return _act(ledger, number, "remind", at, {}, text)


def void(ledger: Ledger, number: int, reason: str, *, at: Moment | None = None) -> ActionOutcome:
    """作废: withdraw a registration made by mistake (重复登记, 登错); its history stays.

    A voided item is in no list, figure, reminder or report table; ``undo`` restores it.
    """
    text = _text(reason, "作废理由")
    return _act(ledger, number, "void", at, {}, text)


def undo(ledger: Ledger, number: int, reason: str | None = None) -> ActionOutcome:
    """撤销: withdraw the item's latest action still in force, as a new event.

    The withdrawn event stays in the history, marked; replay and every report skip it.
    Several undos walk back further; :func:`redo` withdraws the latest undo.
    """

    def pick(events: list[Event]) -> tuple[Event, Event]:
        target = history.undo_target(events)
        return target, target

    return _correct(ledger, number, UNDO, pick, reason)


def redo(ledger: Ledger, number: int, reason: str | None = None) -> ActionOutcome:
    """恢复: withdraw the latest 撤销, so the action it withdrew is in force again."""
    return _correct(ledger, number, REDO, history.redo_target, reason)


def _correct(
    ledger: Ledger,
    number: int,
    action: str,
    pick: Callable[[list[Event]], tuple[Event, Event]],
    reason: str | None,
) -> ActionOutcome:
    """Record an 撤销/恢复 of the event ``pick`` chooses (what it withdraws, what that undid)."""
    verb = ACTION[action]
    text = _text(reason, f"{verb}理由", required=False) or None
    with ledger.transaction():
        item_id = history.item_id_of(ledger, number)
        withdrawn, affected = pick(load_events(ledger, item_id))
        try:
            event = history.record(ledger, item_id, action, None, {"target": withdrawn.uid}, text)
        except LedgerError as refused:
            raise LedgerError(
                f"不能{verb}问题 {number} 的“{ACTION[affected.action]}”：{refused}"
            ) from refused
    outcome = ActionOutcome(get(ledger, number), event.as_json(), _calendar_notices(ledger))
    outcome.withdrawn = affected.as_json()
    return outcome


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
    at: Moment | None = None,
) -> ActionOutcome:
    """更正: corrections are events too, so the history keeps what was there before.

    A change of scale moves the deadline with it (as ``add``/``escalate`` set it), unless the
    deadline was set by hand (``--due``, ``--days``, ``extend``); the event records either.
    """
    proposed: dict[str, Any] = {}
    if title is not None:
        proposed["title"] = _text(title, "问题描述", MAX_TITLE)
    if reporter is not None:
        proposed["reporter"] = clean_text(reporter, "person", "反映人")
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
            areas.find(ledger, community, "community")
            if community
            else areas.get(ledger, current["community_id"])
        )
        place = areas.find_place(ledger, community_row, compound, building)
        proposed["community_id"] = community_row["id"]
        proposed["place_id"] = place["id"] if place else None
    if not proposed:
        raise LedgerError("没有要更正的内容：请指定 --title、--phone、--category 等")
    changed = {k: v for k, v in proposed.items() if current.get(k) != v}
    if not changed:
        raise LedgerError(f"问题 {number} 的内容与更正值相同，无需更正")
    outcome = _act(ledger, number, "edit", at, {"fields": changed}, note)
    if "scale" in changed:
        if "due_on" in outcome.event["changes"]:
            outcome.notices.append(
                f"办理时限随规模改为 {outcome.item['due_on']}（{SCALE.label(changed['scale'])}）"
            )
        elif outcome.item["status"] in ("raised", "assigned"):
            outcome.notices.append(f"办理时限是手工设定的，仍为 {outcome.item['due_on']}")
    return outcome
