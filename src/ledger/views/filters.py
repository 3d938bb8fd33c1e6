"""Finding items: the filters of ``ledger list`` (and of the clerk's daily board)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ledger.domain import deadlines
from ledger.domain.dates import iso
from ledger.domain.errors import LedgerError
from ledger.domain.labels import CARD, SOURCE, STATUS
from ledger.domain.lifecycle import OPEN_SQL, OPEN_STATUSES, sql_list
from ledger.domain.workdays import WorkCalendar
from ledger.registry import areas, categories, units
from ledger.store.ledger_file import Ledger
from ledger.views.rows import ITEM_SELECT, STANDING, Item, read, read_all, standing_of

# Most urgent first: open items by due date, then those awaiting a reply, a rating, then filed.
URGENCY_ORDER = """
ORDER BY CASE i.status WHEN 'raised' THEN 0 WHEN 'assigned' THEN 0
                       WHEN 'resolved' THEN 1 WHEN 'declined' THEN 1
                       WHEN 'replied' THEN 2 ELSE 3 END,
         CASE WHEN i.status IN ('raised', 'assigned') THEN i.due_on END,
         i.raised_on, i.number
"""


@dataclass
class ItemFilter:
    """What ``ledger list`` can ask for; empty means the open (not filed) items."""

    statuses: list[str] = field(default_factory=list)
    community: str | None = None
    subdistrict: str | None = None
    unit: str | None = None
    source: str | None = None
    category: str | None = None
    overdue: bool = False
    since: date | None = None
    until: date | None = None
    include_closed: bool = False
    include_voided: bool = False  # 已作废 items: only ``list --all`` (and --status 作废) shows them
    limit: int | None = None
    due_within: int | None = None  # open, not overdue, due within N working days
    overdue_by: int | None = None  # open, overdue by N working days or more (N 个工作日以上)
    waiting_reply: bool = False  # 已办结/不予办理, the resident not yet told (说事必回)
    waiting_rating: bool = False  # 已回复, not yet evaluated (待回访)
    stale: int | None = None  # last event at least N working days ago
    card: str | None = None  # 黄牌 / 红牌 (deadlines.card), code or label
    reporter: str | None = None  # --by: the resident's name, or part of it
    phone: str | None = None  # --phone: digits anywhere in the resident's number
    compound: str | None = None  # the compound and every building in it
    building: str | None = None  # one building (with --compound, or a unique name)
    meeting: int | None = None  # items raised at meeting N
    text: str | None = None  # --text: words, as ``ledger search`` finds them


def where_clause(ledger: Ledger, wanted: ItemFilter, today: date) -> tuple[str, list[Any]]:
    """SQL conditions for a filter (names resolved; unknown names refused)."""
    conditions: list[str] = []
    params: list[Any] = []
    if wanted.statuses:
        codes = [STATUS.parse(status) for status in wanted.statuses]
        conditions.append(f"i.status IN ({','.join('?' * len(codes))})")
        params += codes
    elif not wanted.include_closed:
        conditions.append("i.status NOT IN ('closed', 'voided')")
    elif not wanted.include_voided:
        conditions.append("i.status != 'voided'")
    if wanted.community:
        community = areas.find(ledger, wanted.community, "community")
        conditions.append("i.community_id = ?")
        params.append(community["id"])
    if wanted.subdistrict:
        subdistrict = areas.find(ledger, wanted.subdistrict, "subdistrict")
        # A sub-select rather than c.parent_id: counts then need no join with areas.
        conditions.append("i.community_id IN (SELECT id FROM areas WHERE parent_id = ?)")
        params.append(subdistrict["id"])
    if wanted.unit:
        unit = units.find(ledger, wanted.unit)
        conditions.append("i.unit_id = ?")
        params.append(unit["id"])
    if wanted.source:
        conditions.append("i.source = ?")
        params.append(SOURCE.parse(wanted.source))
    if wanted.category:
        conditions.append("i.category = ?")
        params.append(categories.parse(ledger, wanted.category))
    if wanted.overdue:
        conditions.append(f"i.status IN {OPEN_SQL} AND i.due_on < ?")
        params.append(iso(today))
    if wanted.since:
        conditions.append("i.raised_on >= ?")
        params.append(iso(wanted.since))
    if wanted.until:
        conditions.append("i.raised_on <= ?")
        params.append(iso(wanted.until))
    # Working-day filters: N working days become one calendar boundary, then plain SQL on
    # the indexed date columns (exact, and fast on a large ledger).
    calendar = ledger.calendar
    if wanted.due_within is not None:
        conditions.append(f"i.status IN {OPEN_SQL} AND i.due_on >= ? AND i.due_on < ?")
        params += [iso(today), iso(due_within_boundary(calendar, today, wanted.due_within))]
    if wanted.overdue_by is not None:
        conditions.append(f"i.status IN {OPEN_SQL} AND i.due_on < ?")
        params.append(iso(overdue_by_boundary(calendar, today, wanted.overdue_by)))
    if wanted.card is not None:
        where, card_params = card_condition(calendar, CARD.parse(wanted.card), today)
        conditions.append(where)
        params += card_params
    if wanted.waiting_reply:
        conditions.append(f"i.status IN {sql_list(WAITING_REPLY_STATUSES)}")
    if wanted.waiting_rating:
        conditions.append(f"i.status = '{WAITING_RATING_STATUS}'")
    if wanted.stale is not None:
        last_quiet_day = stale_boundary(calendar, today, wanted.stale)
        conditions.append("i.last_event_at < ?")
        params.append(iso(last_quiet_day + timedelta(days=1)))
    _resident_and_place(ledger, wanted, conditions, params)
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def _resident_and_place(
    ledger: Ledger, wanted: ItemFilter, conditions: list[str], params: list[Any]
) -> None:
    """Who raised it, where, at which meeting, which words: the clerk's "上次那件事" filters."""
    from ledger.registry import meetings
    from ledger.store import fulltext

    if wanted.reporter:
        name = wanted.reporter.strip()
        if not name:
            raise LedgerError("--by 反映人姓名不能为空")
        runs = list(fulltext.runs(name))
        if len(name) > 1 and len(runs) == 1:
            # Through the index first (a 100,000-item scan of LIKE costs more), then exact.
            conditions.append("i.id IN (SELECT rowid FROM search WHERE search MATCH ?)")
            params.append('"' + " ".join(fulltext.bigrams(runs[0])) + '"')
        conditions.append("i.reporter LIKE ? ESCAPE '\\'")
        params.append("%" + _escape_like(name) + "%")
    if wanted.phone:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", wanted.phone))
        if not digits:
            raise LedgerError(f"--phone 应为电话号码的数字（全部或一部分），收到“{wanted.phone}”")
        conditions.append("replace(i.phone, '-', '') LIKE ?")
        params.append(f"%{digits}%")
    place = None
    if wanted.compound:
        within = areas.find(ledger, wanted.community, "community") if wanted.community else None
        place = areas.find(ledger, wanted.compound, "compound", within=within)
    if wanted.building:
        within = place
        if within is None and wanted.community:
            within = areas.find(ledger, wanted.community, "community")
        place = areas.find(ledger, wanted.building, "building", within=within)
    if place is not None:
        conditions.append(f"i.place_id IN (SELECT id FROM areas WHERE id = ? OR {areas.BELOW})")
        params += [place["id"], *areas.below(place["path"])]
    if wanted.meeting is not None:
        conditions.append("i.meeting_id = ?")
        params.append(meetings.get(ledger, wanted.meeting)["id"])
    if wanted.text or wanted.reporter:
        from ledger.views import search  # only these filters need it

        search.refresh(ledger)  # the index answers these: bring it up to date first
    if wanted.text:
        where, extra = search.condition(search.parse(wanted.text))
        conditions.append(where)
        params += extra


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


WAITING_REPLY_STATUSES = ("resolved", "declined")  # 待答复: handled, resident not yet told
WAITING_RATING_STATUS = "replied"  # 待回访: told, not yet evaluated
_FIRST_DAY = date(2000, 1, 2)  # the working-day calendar starts in 2000


def card_condition(calendar: WorkCalendar, card: str, today: date) -> tuple[str, list[Any]]:
    """SQL for the items showing ``card`` today: the same rule as :func:`deadlines.card`.

    红牌: open, at least one working day past the due date (due before the 0-working-day
    overdue boundary). 黄牌: open, not red, and at most one working day left.
    """
    red_from = overdue_by_boundary(calendar, today, 0)
    if card == "red":
        return f"i.status IN {OPEN_SQL} AND i.due_on < ?", [iso(red_from)]
    yellow_until = due_within_boundary(calendar, today, deadlines.WARNING_WITHIN_WORKDAYS)
    return (
        f"i.status IN {OPEN_SQL} AND i.due_on >= ? AND i.due_on < ?",
        [iso(red_from), iso(yellow_until)],
    )


def due_within_boundary(calendar: WorkCalendar, today: date, workdays: int) -> date:
    """First due date NOT within ``workdays`` working days of ``today``.

    An open item due on ``d >= today`` has ``workdays_between(today, d)`` working days left;
    that is ``<= workdays`` exactly when ``d`` is before the day the (workdays + 1)-th working
    day after today arrives.
    """
    return calendar.add_workdays(today, workdays + 1)


def overdue_by_boundary(calendar: WorkCalendar, today: date, workdays: int) -> date:
    """Due dates before this day are overdue by ``workdays`` working days or more.

    ``workdays_between(d, today)`` only grows as ``d`` moves back, so walk back from today to
    the earliest day overdue by fewer than ``workdays``; everything due before it is not.
    """
    boundary = today
    while boundary > _FIRST_DAY:
        earlier = boundary - timedelta(days=1)
        if calendar.workdays_between(earlier, today) >= workdays:
            break
        boundary = earlier
    return boundary


def stale_boundary(calendar: WorkCalendar, today: date, workdays: int) -> date:
    """The latest day from which at least ``workdays`` working days have passed by today."""
    day = today
    while day > _FIRST_DAY and calendar.workdays_between(day, today) < workdays:
        day -= timedelta(days=1)
    return day


def list_items(ledger: Ledger, wanted: ItemFilter, today: date) -> tuple[list[Item], int]:
    """Matching items, most urgent first, each with its supervision level; and the total."""
    total, found = find_items(ledger, wanted, today)
    return list(found), total


def find_items(ledger: Ledger, wanted: ItemFilter, today: date) -> tuple[int, Iterator[Item]]:
    """The total, and the matching items most urgent first, read one at a time as they are
    used (``list --all`` over a million items holds one row in memory, not a million)."""
    where, params = where_clause(ledger, wanted, today)
    # No join: every condition is on items, and joining 100,000 rows costs more than counting.
    total = ledger.conn.execute("SELECT count(*) FROM items i" + where, params).fetchone()[0]
    sql = ITEM_SELECT + where + URGENCY_ORDER
    if wanted.limit is not None:
        if total > wanted.limit and _open_only(wanted):
            where, params = _due_cutoff(ledger, where, params, wanted.limit)
        # Order and cut the ids first, then join the names onto those rows only.
        sql = (
            ITEM_SELECT
            + f" WHERE i.id IN (SELECT i.id FROM items i{where}{URGENCY_ORDER} LIMIT ?)"
            + URGENCY_ORDER
        )
        params = [*params, wanted.limit]
    return total, read(ledger.conn.execute(sql, params), ledger, today)


def _open_only(wanted: ItemFilter) -> bool:
    """True when the filter admits only open items (so the first urgency key is constant)."""
    if wanted.overdue or wanted.overdue_by is not None or wanted.due_within is not None:
        return True
    if wanted.card is not None:
        return True
    return bool(wanted.statuses) and all(
        STATUS.parse(status) in OPEN_STATUSES for status in wanted.statuses
    )


def _due_cutoff(ledger: Ledger, where: str, params: list[Any], limit: int) -> tuple[str, list[Any]]:
    """Narrow a filter of open items to those due no later than the limit-th earliest one.

    Open items sort by due date first, so the first ``limit`` of them are all due on or
    before the ``limit``-th earliest due date; that date comes from the (status, due_on)
    index alone, and only the few rows up to it need sorting by the other keys.
    """
    cutoff = ledger.conn.execute(
        f"SELECT i.due_on FROM items i{where} ORDER BY i.due_on LIMIT 1 OFFSET ?",
        [*params, limit - 1],
    ).fetchone()
    if cutoff is None or cutoff[0] is None:
        return where, params
    return where + " AND (i.due_on <= ? OR i.due_on IS NULL)", [*params, cutoff[0]]


def annotate_deadline(ledger: Ledger, item: dict[str, Any], today: date) -> None:
    """Add the standing on ``today`` (``level``, ``workdays_overdue`` … ``card``) to an item read
    as a dict (the writing side and 催办; the screens read :class:`rows.Item`)."""
    due = date.fromisoformat(item["due_on"]) if item["due_on"] else None
    found = deadlines.deadline(ledger, item["status"], due, today)
    item.update(zip(STANDING, standing_of(found), strict=True))


def items_of_meeting(ledger: Ledger, meeting_id: int, today: date) -> list[Item]:
    """The items raised at a meeting, in number order, with their deadline standing."""
    sql = ITEM_SELECT + " WHERE i.meeting_id = ? AND i.status != 'voided' ORDER BY i.number"
    return read_all(ledger, sql, (meeting_id,), today)
