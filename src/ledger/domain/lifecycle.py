"""The 说、议、办、回、评 lifecycle as data: one table of (status, action) → status.

Both the core (to allow or refuse an action) and the CLI help texts read this table.
An item's current row is the fold of its events' ``changes``: :func:`replay` rebuilds it,
which is what ``ledger check`` and the as-of reports rely on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ledger.domain.errors import TransitionRefused
from ledger.domain.labels import ACTION, STATUS

OPEN_STATUSES = ("raised", "assigned")  # not yet 办结: can be overdue
FINISHED_STATUSES = ("resolved", "declined", "replied", "closed")  # 办结 (or beyond)
VOIDED = "voided"  # 已作废: a registration made by mistake; in no list, figure or report
LIVE_STATUSES = (*OPEN_STATUSES, *FINISHED_STATUSES)  # every status but 已作废
ALL_STATUSES = tuple(STATUS.codes)


@dataclass(frozen=True)
class Rule:
    """An action, the statuses it is allowed from, and the status it leads to (None: unchanged)."""

    action: str
    sources: tuple[str, ...]
    target: str | None
    # An annotation (催办, 进展, 更正) never blocks an earlier-dated action: once recorded, it
    # stays valid wherever a backdated action puts it in time order.
    annotation: bool = False


RULES: tuple[Rule, ...] = (
    Rule("add", (), "raised"),
    Rule("assign", ("raised", "assigned"), "assigned"),
    Rule("progress", ("assigned",), None, annotation=True),
    Rule("extend", ("assigned",), None),
    Rule("escalate", ("raised", "assigned"), "assigned"),
    Rule("resolve", ("raised", "assigned"), "resolved"),
    Rule("decline", ("raised", "assigned"), "declined"),
    Rule("reply", ("resolved", "declined"), "replied"),
    Rule("rate", ("replied",), "closed"),  # 满意 / 基本满意, or 不满意 with --close
    Rule("reopen", ("replied",), "assigned"),  # 不满意: 重办
    Rule("close", ("replied",), "closed"),
    Rule("edit", LIVE_STATUSES, None, annotation=True),
    Rule("remind", OPEN_STATUSES, None, annotation=True),
    Rule("void", LIVE_STATUSES, VOIDED),  # 作废: withdrawn registration, history kept
    # 重复反映: link a repeat to its original, or undo that; the status stays.
    Rule("link", LIVE_STATUSES, None, annotation=True),
    Rule("unlink", LIVE_STATUSES, None, annotation=True),
)

# Corrections of the record itself, not steps of the lifecycle: 撤销 withdraws an earlier
# event (replay skips it), 恢复 withdraws an 撤销. They are events, but never in RULES.
UNDO, REDO = "undo", "redo"
# 重复反映 links: allowed from every live status, so a refusal does not list them (they
# would be on every list and say nothing about the step the clerk tried).
LINK_ACTIONS = ("link", "unlink")
META_ACTIONS = (UNDO, REDO)

TRANSITIONS: dict[tuple[str, str], str] = {
    (source, rule.action): rule.target or source for rule in RULES for source in rule.sources
}
RULE_BY_ACTION = {rule.action: rule for rule in RULES}


def sql_list(codes: tuple[str, ...]) -> str:
    """Status codes as an SQL list, "('raised', 'assigned')" (codes are ours, never typed)."""
    return "(" + ", ".join(f"'{code}'" for code in codes) + ")"


OPEN_SQL = sql_list(OPEN_STATUSES)


def allowed_actions(status: str) -> list[str]:
    """Actions allowed from a status, in table order."""
    return [rule.action for rule in RULES if status in rule.sources]


def next_status(status: str, action: str, *, number: int | None = None) -> str:
    """The status after ``action``, or a refusal that names the status and what is allowed."""
    target = TRANSITIONS.get((status, action))
    if target is None:
        listed = [a for a in allowed_actions(status) if a not in LINK_ACTIONS]
        allowed = "、".join(ACTION[a] for a in listed) or "无"
        if status == VOIDED:
            allowed = "撤销作废（ledger undo，误作废时）"
        subject = f"问题 {number} " if number is not None else ""
        raise TransitionRefused(
            f"{subject}当前状态为“{STATUS.label(status)}”，不能{ACTION[action]}；"
            f"此状态下可以：{allowed}"
        )
    return target


def rule_help(action: str) -> str:
    """One line for help texts: from which statuses, to which status."""
    rule = RULE_BY_ACTION[action]
    sources = "、".join(STATUS.label(s) for s in rule.sources)
    target = STATUS.label(rule.target) if rule.target else "状态不变"
    return f"适用状态：{sources} → {target}"


# THE list of an item's fields, in the order of its JSON (``list``, ``show``, ``today``):
# the read side's ``rows.Item`` declares them in this order, the board shows a selection.
ITEM_FIELDS = (
    "number",
    "uid",
    "title",
    "status",
    "source",
    "category",
    "scale",
    "county",
    "subdistrict",
    "community",
    "place",
    "meeting",
    "reporter",
    "phone",
    "unit",
    "raised_on",
    "assigned_on",
    "due_on",
    "resolved_on",
    "result",
    "replied_on",
    "reply_channel",
    "reply_text",
    "rating",
    "closed_on",
    "reopen_count",
    "extend_count",
    "remind_count",
    "percent",
    "last_progress",
    "level",
    "workdays_overdue",
    "workdays_left",
    "estimated",
    "card",
    "origin_ledger",
    "origin_number",
)
# Fields that events set but the item row stores as an id (the name is joined on reading).
STORED_AS_ID = {
    "community": "community_id",
    "place": "place_id",
    "meeting": "meeting_id",
    "unit": "unit_id",
}
# Fields no event sets: the item's identity, the names above its community, its standing on
# the day it is read, where a merged item came from.
NOT_FROM_EVENTS = frozenset(
    {"number", "uid", "county", "subdistrict", "origin_ledger", "origin_number"}
    | {"level", "workdays_overdue", "workdays_left", "estimated", "card"}
)
# Item columns that events set; the item row's copy must equal the replay of its events.
STATE_FIELDS = (
    *(STORED_AS_ID.get(name, name) for name in ITEM_FIELDS if name not in NOT_FROM_EVENTS),
    "repeat_of",  # 重复反映: the item this one raises again (link / unlink)
)

EMPTY_STATE: dict[str, Any] = {
    field: 0 if field.endswith("_count") else None for field in STATE_FIELDS
}


def replay(changes: Iterable[str | dict[str, Any]]) -> dict[str, Any]:
    """Fold events' changes (JSON text or dicts), in time order, into an item state.

    Callers pass only the events in force (not withdrawn by 撤销, no 撤销/恢复 events):
    see :mod:`ledger.casework.history`, which decides both.
    """
    state = dict(EMPTY_STATE)
    for change in changes:
        state.update(json.loads(change) if isinstance(change, str) else change)
    return state
