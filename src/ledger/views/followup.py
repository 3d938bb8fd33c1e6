"""The county 通报's follow-up: last period's unfinished and 不满意 items, and where they stand now."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledger.domain.labels import SATISFIED_RATINGS
from ledger.store.ledger_file import Ledger
from ledger.views.asof import AsOfItem
from ledger.views.coverage import Lookups, Period, Scope, previous_period
from ledger.views.figures import Tally, compute


@dataclass
class Followup:
    """Last period's unfinished and 不满意 items of a subdistrict, and where they stand now."""

    prev_open: int = 0  # raised last period, not 办结 at its cut-off
    open_finished: int = 0  # of those, 办结 by this cut-off
    open_overdue: int = 0  # of those, still open and past due now
    prev_unsatisfied: int = 0  # raised last period, latest rating 不满意 at its cut-off
    unsat_refinished: int = 0  # of those, 办结 again (重办) by this cut-off
    unsat_satisfied: int = 0  # of those, rated 满意 / 基本满意 since
    unsat_open: int = 0  # of those, open (being re-handled) now
    still: list[tuple[int, str]] = field(default_factory=list)  # (number, community) still open

    @property
    def open_still(self) -> int:
        return self.prev_open - self.open_finished

    def as_dict(self) -> dict[str, Any]:
        shown = "、".join(f"{number} {community}" for number, community in self.still[:12])
        if len(self.still) > 12:
            shown += f" 等 {len(self.still)} 件"
        return {
            "prev_open": self.prev_open,
            "open_finished": self.open_finished,
            "open_still": self.open_still,
            "open_overdue": self.open_overdue,
            "prev_unsatisfied": self.prev_unsatisfied,
            "unsat_refinished": self.unsat_refinished,
            "unsat_satisfied": self.unsat_satisfied,
            "unsat_still": self.unsat_open,
            "still_numbers": shown,
        }

    def merge(self, other: Followup) -> None:
        for name in (
            "prev_open",
            "open_finished",
            "open_overdue",
            "prev_unsatisfied",
            "unsat_refinished",
            "unsat_satisfied",
            "unsat_open",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.still += other.still


def followup(
    ledger: Ledger,
    period: Period,
    scope: Scope,
    lookups: Lookups,
    current: dict[int, AsOfItem],
) -> tuple[Followup, Tally]:
    """Follow-up of last period's unfinished and 不满意 items, and last period's tally.

    ``current`` holds this period's items by id (those carried in are the ones still open at
    its start); an item of last period not among them was finished before this one began.
    """
    watched: list[AsOfItem] = []

    def keep(item: AsOfItem) -> None:
        if item.belongs == "raised" and (not item.finished or item.rating == "unsatisfied"):
            watched.append(item)

    before = compute(ledger, previous_period(period), scope, lookups, on_item=keep)
    result = Followup()
    for old in watched:
        now = current.get(old.id)
        if not old.finished:
            result.prev_open += 1
            if now is None or now.finished:
                result.open_finished += 1
            else:
                result.open_overdue += now.overdue
        if old.rating == "unsatisfied":
            result.prev_unsatisfied += 1
            if now is not None and now.finished and now.state["rating"] != "unsatisfied":
                result.unsat_satisfied += now.state["rating"] in SATISFIED_RATINGS
            if now is not None and now.finished:
                result.unsat_refinished += 1
            elif now is not None:
                result.unsat_open += 1
        if now is not None and not now.finished:
            result.still.append((old.number, lookups.area_name(now.state["community_id"])))
    return result, before
