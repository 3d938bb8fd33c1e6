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

from ledger.errors import TransitionRefused
from ledger.labels import ACTION, STATUS

OPEN_STATUSES = ("raised", "assigned")  # not yet 办结: can be overdue
FINISHED_STATUSES = ("resolved", "declined", "replied", "closed")  # 办结 (or beyond)
ALL_STATUSES = tuple(STATUS.codes)


@dataclass(frozen=True)
class Rule:
    """An action, the statuses it is allowed from, and the status it leads to (None: unchanged)."""

    action: str
    sources: tuple[str, ...]
    target: str | None


RULES: tuple[Rule, ...] = (
    Rule("add", (), "raised"),
    Rule("assign", ("raised", "assigned"), "assigned"),
    Rule("progress", ("assigned",), None),
    Rule("extend", ("assigned",), None),
    Rule("escalate", ("raised", "assigned"), "assigned"),
    Rule("resolve", ("raised", "assigned"), "resolved"),
    Rule("decline", ("raised", "assigned"), "declined"),
    Rule("reply", ("resolved", "declined"), "replied"),
    Rule("rate", ("replied",), "closed"),  # 满意 / 基本满意, or 不满意 with --close
    Rule("reopen", ("replied",), "assigned"),  # 不满意: 重办
    Rule("close", ("replied",), "closed"),
    Rule("edit", ALL_STATUSES, None),
    Rule("remind", OPEN_STATUSES, None),
)

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
        allowed = "、".join(ACTION[a] for a in allowed_actions(status)) or "无"
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


# Item columns that events set; the item row's copy must equal the replay of its events.
STATE_FIELDS = (
    "title",
    "community_id",
    "place_id",
    "meeting_id",
    "source",
    "category",
    "scale",
    "reporter",
    "phone",
    "status",
    "unit_id",
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
)

EMPTY_STATE: dict[str, Any] = {
    field: 0 if field.endswith("_count") else None for field in STATE_FIELDS
}


def replay(changes: Iterable[str | dict[str, Any]]) -> dict[str, Any]:
    """Fold events' changes (JSON text or dicts), oldest first, into an item state."""
    state = dict(EMPTY_STATE)
    for change in changes:
        state.update(json.loads(change) if isinstance(change, str) else change)
    return state
