"""One row of a 台账 as read and checked: what the import writes for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger.io.importer import minutes
from ledger.io.importer.status import Plan

PHONE_REPAIRED = 1  # Record.flags: a landline whose leading 0 Excel dropped, put back


@dataclass(slots=True)
class Record:
    """One good row, parsed: everything needed to write the item and its events."""

    sheet: str
    row: int
    key: str
    title: str
    community_id: int
    place_id: int | None
    meeting_id: int | None
    source: str
    category: str
    scale: str
    reporter: str | None
    phone: str | None
    raised: date
    due: date
    channel: str | None  # of the reply, when there is one
    note: str | None
    plan: Plan  # the steps its status and dated columns tell (unit, dates, texts, status)
    flags: int = 0  # PHONE_REPAIRED, and 1 << stage for each step dated from a neighbour
    place_note: str | None = None  # a 小区/楼栋 the area tree does not have
    rating_note: str | None = None  # the rest of the rating cell (不满意，仍在滴水 → 仍在滴水)
    reopen_due: date | None = None  # rated 不满意 and sent back for 重办: the new due date
    meeting: minutes.Meeting | None = None  # the meeting block the row sits in
