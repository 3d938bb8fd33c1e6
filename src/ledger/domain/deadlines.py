"""Deadlines (办理时限) and supervision levels (督办), in working days (docs/domain.md, "Deadlines")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ledger.domain.lifecycle import OPEN_STATUSES

if TYPE_CHECKING:  # the rules read settings from whatever ledger they are given
    from ledger.store.ledger_file import Ledger

WARNING_WITHIN_WORKDAYS = 1  # due within this: 预警


def severe_workdays(ledger: Ledger) -> int:
    """严重超期 starts at this many working days overdue (以上 includes the number itself)."""
    return int(ledger.setting("severe_days"))


def severe_rule(ledger: Ledger) -> str:
    """The rule in words, exactly as :func:`deadline` applies it."""
    days = severe_workdays(ledger)
    return f"超期 {days} 个工作日以上（含 {days} 个）为严重超期"


def default_due(ledger: Ledger, start: date, scale: str) -> date:
    """The due date for an item of ``scale`` counted from ``start`` (raised or re-handled)."""
    days = ledger.setting("big_days" if scale == "big" else "small_days")
    return ledger.calendar.add_workdays(start, days)


@dataclass(frozen=True)
class Deadline:
    """Where an open item stands against its due date on a given day."""

    level: str | None  # None, "warning", "overdue", "severe"
    workdays_overdue: int  # > 0 when overdue
    workdays_left: int  # >= 0 when not overdue
    estimated: bool  # a day count reaches a year the calendar does not cover

    @property
    def card(self) -> str | None:
        """黄牌 / 红牌 for this standing (see :func:`card`)."""
        return card(self)


def card(standing: Deadline) -> str | None:
    """The card an open item shows (山东 12345 practice), or None.

    - ``red`` (红牌) from the first working day after the due date: at least one working day
      has passed since it (``workdays_overdue >= 1``);
    - ``yellow`` (黄牌) from one working day before the due date until the red card: one
      working day or less is left, or the due date has passed but no working day has yet
      (a weekend or holiday right after it);
    - None otherwise, and for items that are no longer open.
    """
    if standing.level is None:
        return None
    if standing.level in ("overdue", "severe") and standing.workdays_overdue >= 1:
        return "red"
    return "yellow"


def deadline(ledger: Ledger, status: str, due_on: date | None, today: date) -> Deadline:
    """The supervision level of an item on ``today``; only open items can be late."""
    if status not in OPEN_STATUSES or due_on is None:
        return Deadline(None, 0, 0, False)
    calendar = ledger.calendar
    estimated = calendar.is_estimated(due_on, today)
    if due_on < today:
        late = calendar.workdays_between(due_on, today)
        level = "severe" if late >= severe_workdays(ledger) else "overdue"
        return Deadline(level, late, 0, estimated)
    left = calendar.workdays_between(today, due_on)
    level = "warning" if left <= WARNING_WITHIN_WORKDAYS else None
    return Deadline(level, 0, left, estimated)
