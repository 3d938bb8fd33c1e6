"""The effect of each action on an item's state: what replay (:mod:`ledger.casework.history`)
applies for each event, given the action's inputs (``params``), the state before it and the
day it happened. Pure rules: nothing here reads or writes events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.domain import deadlines
from ledger.domain.dates import iso, to_date
from ledger.domain.errors import LedgerError
from ledger.domain.lifecycle import OPEN_STATUSES
from ledger.store.ledger_file import Ledger


@dataclass
class Context:
    """What replay remembers besides the row: how the deadline in force was set."""

    due_basis: str | None = None  # the day the default deadline counts from (raised, 重办)
    due_by_hand: bool = False  # set by --due/--days or 延期: a change of scale keeps it
    finished_by: str | None = None  # the latest 办结: "resolve" or "decline"


Effect = Callable[[Ledger, dict[str, Any], dict[str, Any], date, Context, bool], dict[str, Any]]


def _add(ledger: Ledger, state: dict, params: dict, day: date, ctx: Context, strict: bool) -> dict:
    ctx.due_basis, ctx.due_by_hand = params["raised_on"], False
    return {**params, "status": "raised"}


def _assign(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    changes: dict[str, Any] = {"unit_id": p["unit_id"]}
    if strict and state["unit_id"] == p["unit_id"] and not p.get("due") and not p.get("days"):
        raise LedgerError(f"已由“{p.get('unit_name') or '该单位'}”承办")
    if state["assigned_on"] is None:
        changes["assigned_on"] = iso(day)
    if p.get("due"):
        if strict and p["due"] < iso(day):  # type: ignore[operator]
            raise LedgerError(f"办理时限 {p['due']} 早于交办日期 {day}")
        changes["due_on"], ctx.due_by_hand = p["due"], True
    elif p.get("days"):
        changes["due_on"] = iso(ledger.calendar.add_workdays(day, p["days"]))
        ctx.due_by_hand = True
    return changes


def _progress(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    changes: dict[str, Any] = {"last_progress": p["text"]}
    if p.get("percent") is not None:
        changes["percent"] = p["percent"]
    return changes


def _extend(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    if strict and state["due_on"] and p["to"] <= state["due_on"]:
        raise LedgerError(f"新的办理时限 {p['to']} 应晚于现有时限 {state['due_on']}")
    ctx.due_by_hand = True
    return {"due_on": p["to"], "extend_count": state["extend_count"] + 1}


def _escalate(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    basis = to_date(ctx.due_basis or state["raised_on"])
    big_due = iso(deadlines.default_due(ledger, basis, "big"))  # type: ignore[arg-type]
    due = max(big_due, state["due_on"] or "")  # type: ignore[type-var]
    changes: dict[str, Any] = {"scale": "big", "unit_id": p["unit_id"], "due_on": due}
    if state["assigned_on"] is None:
        changes["assigned_on"] = iso(day)
    return changes


def _finish(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    return {"resolved_on": iso(day), "result": p["text"]}


def _reply(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    return {"replied_on": iso(day), "reply_channel": p["channel"], "reply_text": p["text"]}


def _rate(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    return {"rating": p["rating"], "closed_on": iso(day)}


def _reopen(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    unit_id = p.get("unit_id") or state["unit_id"]
    if unit_id is None:
        how = "不予办理" if ctx.finished_by == "decline" else "当场办结"
        raise LedgerError(
            f"该问题是社区自己{how}的，没有承办单位；重办请用 --unit 指定由谁重办，"
            "或用 --close 带着评价直接归档"
        )
    ctx.due_basis, ctx.due_by_hand = iso(day), False
    return {
        "unit_id": unit_id,
        "rating": p["rating"],
        "reopen_count": state["reopen_count"] + 1,
        "due_on": iso(deadlines.default_due(ledger, day, state["scale"])),
        "resolved_on": None,
        "result": None,
        "replied_on": None,
        "reply_channel": None,
        "reply_text": None,
        "assigned_on": state["assigned_on"] or iso(day),
    }


def _close(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    return {"closed_on": iso(day)}


def _edit(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    changes = dict(p["fields"])
    scale = changes.get("scale")
    still_open = state["status"] in OPEN_STATUSES
    if scale and scale != state["scale"] and still_open and not ctx.due_by_hand and ctx.due_basis:
        # The deadline follows the scale, as add/escalate set it, unless set by hand; once
        # 办结, the deadline it was judged by stays.
        changes["due_on"] = iso(deadlines.default_due(ledger, to_date(ctx.due_basis), scale))  # type: ignore[arg-type]
    return changes


def _remind(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    return {"remind_count": state["remind_count"] + 1}


def _void(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    return {}


def _link(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    if strict and state.get("repeat_of") == p["item_id"]:
        raise LedgerError(f"已登记为第 {p['number']} 号的重复反映")
    return {"repeat_of": p["item_id"]}


def _unlink(ledger: Ledger, state: dict, p: dict, day: date, ctx: Context, strict: bool) -> dict:
    if strict and state.get("repeat_of") is None:
        raise LedgerError("不是重复反映，无需取消关联")
    return {"repeat_of": None}


EFFECTS: dict[str, Effect] = {
    "add": _add,
    "assign": _assign,
    "progress": _progress,
    "extend": _extend,
    "escalate": _escalate,
    "resolve": _finish,
    "decline": _finish,
    "reply": _reply,
    "rate": _rate,
    "reopen": _reopen,
    "close": _close,
    "edit": _edit,
    "remind": _remind,
    "void": _void,
    "link": _link,
    "unlink": _unlink,
}
