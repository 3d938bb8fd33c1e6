"""The monthly figures (defined in docs/figures.md), computed as of the period's cut-off.

A report for a period (one month, or several consecutive months) counts only events whose
``at`` is not later than the cut-off — the last instant of the period, or now while the period
is still running — so a report made later for a past month gives the same numbers. An item's
state at the cut-off is :func:`ledger.lifecycle.replay` of its events up to the cut-off.

Only the items the period needs are read: those raised in it, and those raised earlier that
may have been open at its start (still open now, or touched since the period began). Their
events come from SQLite in item order and are folded one item at a time, so memory stays flat
however large the ledger is; the counters below (per community, unit, category, meeting) are
what the report and ``ledger stats`` print, from this one module.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

from ledger.domain import deadlines
from ledger.domain.dates import END_OF_DAY, iso, parse_month
from ledger.domain.errors import LedgerError
from ledger.domain.labels import MEETING_KIND, REPORT_TEXT, SATISFIED_RATINGS, SCORE_PROFILE, SOURCE
from ledger.domain.lifecycle import EMPTY_STATE, FINISHED_STATUSES, OPEN_SQL, OPEN_STATUSES
from ledger.registry import categories, places
from ledger.store.ledger_file import Ledger

REPLIED_STATUSES = ("replied", "closed")
SELF_HANDLED = 0  # the 承办单位 row of what the community settled or declined itself


# --- the period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Consecutive whole months, and the instant the figures are taken at."""

    first: date  # first day of the first month
    last: date  # last day of the last month
    as_of: datetime  # the cut-off: end of ``last``, or now while the period is running
    start_day: int = 1  # 19: hotline months, the 19th of the month before to the 18th

    @property
    def start_at(self) -> str:
        """The period's first day as stored: every event on or after it (with a clock time or
        only a date) compares ``>=`` to it."""
        return iso(self.first)  # type: ignore[return-value]

    @property
    def cutoff_at(self) -> str:
        """The cut-off instant, as stored: events at or before it count."""
        return iso(self.as_of)  # type: ignore[return-value]

    @property
    def cutoff_day(self) -> date:
        """The day overdue is judged on (a due date is inclusive)."""
        return self.as_of.date()

    @property
    def complete(self) -> bool:
        """True once the period is over (its figures will not change any more)."""
        return self.as_of == datetime.combine(self.last, END_OF_DAY)

    @property
    def cutoff_label(self) -> str:
        """2026-06-30 24:00 for a finished period, else the moment the figures were taken."""
        if self.complete:
            return f"{self.last.isoformat()} 24:00"
        return self.as_of.strftime("%Y-%m-%d %H:%M")

    @property
    def months(self) -> int:
        months = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month
        return months + (1 if self.start_day == 1 else 0)

    @property
    def named(self) -> date:
        """The first day of the first month the period is named after."""
        if self.start_day == 1:
            return self.first
        year, month = self.first.year, self.first.month + 1
        return date(year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def kind(self) -> str:
        """month, year (a calendar year) or range."""
        if self.months == 1:
            return "month"
        if self.months == 12 and self.named.month == 1:
            return "year"
        return "range"

    @property
    def label(self) -> str:
        """2026年6月, 2026年, 2025年12月至2026年11月 (for titles and the terminal).

        A hotline period says its days: 2026年6月（5月19日至6月18日）.
        """
        named, last = self.named, self.last
        if self.kind == "month":
            text = f"{named.year}年{named.month}月"
        elif self.kind == "year":
            text = f"{named.year}年"
        else:
            text = f"{named.year}年{named.month}月至{last.year}年{last.month}月"
        if self.start_day != 1:
            text += f"（{self.first.month}月{self.first.day}日至{last.month}月{last.day}日）"
        return text

    @property
    def file_label(self) -> str:
        """2026年06月, 2026年, 2025年12月-2026年11月 (sorts well in a folder)."""
        named, last = self.named, self.last
        if self.kind == "month":
            return f"{named.year}年{named.month:02d}月"
        if self.kind == "year":
            return f"{named.year}年"
        return f"{named.year}年{named.month:02d}月-{last.year}年{last.month:02d}月"

    @property
    def report_kind(self) -> str:
        """问题台账月报 / 年报 / 报表."""
        return REPORT_TEXT[
            {"month": "month_kind", "year": "year_kind"}.get(self.kind, "range_kind")
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "first": iso(self.first),
            "last": iso(self.last),
            "cutoff": self.cutoff_at,
            "complete": self.complete,
            "label": self.label,
        }


def make_period(
    first: tuple[int, int],
    last: tuple[int, int] | None,
    now: datetime,
    start_day: int = 1,
) -> Period:
    """The period from month ``first`` to month ``last`` (inclusive), cut off at now at most.

    With ``start_day`` 19 (some hotline offices) month M runs from the 19th of the month
    before M to the 18th of M.
    """
    last = last or first
    if last < first:
        raise LedgerError(f"结束月份 {last[0]}年{last[1]}月 早于开始月份 {first[0]}年{first[1]}月")
    if start_day == 1:
        start = date(first[0], first[1], 1)
        end = date(last[0], last[1], calendar.monthrange(last[0], last[1])[1])
    else:
        year, month = (first[0], first[1] - 1) if first[1] > 1 else (first[0] - 1, 12)
        start = date(year, month, start_day)
        end = date(last[0], last[1], start_day - 1)
    if start > now.date():
        raise LedgerError(f"{first[0]}年{first[1]}月尚未开始，没有可统计的数据")
    return Period(start, end, min(datetime.combine(end, END_OF_DAY), now), start_day)


def parse_period(
    month: str | None, to: str | None, year: str | None, now: datetime, start_day: int = 1
) -> Period:
    """--month (default 上月), optionally --to a later month, or --year for a calendar year.

    ``start_day`` 19 counts each month from the 19th of the month before (setting
    ``period_start_day``).
    """
    today = now.date()
    if year is not None:
        if month is not None or to is not None:
            raise LedgerError("--year 不能与 --month、--to 同时使用")
        text = year.strip().rstrip("年")
        if not (text.isdigit() and len(text) == 4):
            raise LedgerError(f"无法识别的年份“{year}”，请写成 2026")
        return make_period((int(text), 1), (int(text), 12), now, start_day)
    first = parse_month(month or "上月", today)
    last = parse_month(to, today) if to else None
    return make_period(first, last, now, start_day)


# --- what a report covers -------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A subdistrict (街道) and its communities, in path order."""

    id: int
    name: str
    path: str
    county_id: int | None
    county: str
    communities: tuple[tuple[int, str], ...]

    @property
    def community_ids(self) -> set[int]:
        return {community_id for community_id, _ in self.communities}


def scopes(ledger: Ledger, subdistrict: str | None = None) -> list[Scope]:
    """Every subdistrict of the ledger, or the one named (an unknown name is refused)."""
    if subdistrict is not None:
        ids = [places.find(ledger, subdistrict, "subdistrict")["id"]]
    else:
        ids = [
            row[0]
            for row in ledger.conn.execute(
                "SELECT id FROM areas WHERE level = 'subdistrict' ORDER BY path"
            )
        ]
    found = []
    for subdistrict_id in ids:
        name, path, county_id = ledger.conn.execute(
            "SELECT name, path, parent_id FROM areas WHERE id = ?", (subdistrict_id,)
        ).fetchone()
        county = ledger.conn.execute("SELECT name FROM areas WHERE id = ?", (county_id,)).fetchone()
        communities = ledger.conn.execute(
            "SELECT id, name FROM areas WHERE parent_id = ? AND level = 'community' ORDER BY path",
            (subdistrict_id,),
        ).fetchall()
        found.append(
            Scope(
                subdistrict_id,
                name,
                path,
                county_id,
                county[0] if county else "",
                tuple((row[0], row[1]) for row in communities),
            )
        )
    return found


class Lookups:
    """Names the report prints (units, places, meetings, categories), loaded once per run.

    Also the items whose community was changed by an edit: they are looked for in every
    subdistrict they ever belonged to, so the as-of community decides where they count.
    """

    def __init__(self, ledger: Ledger) -> None:
        conn = ledger.conn
        self.units: dict[int, str] = dict(conn.execute("SELECT id, name FROM units"))
        self.areas: dict[int, tuple[str, str]] = {
            row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, name, path FROM areas")
        }
        self.meetings: dict[int, tuple[int, str]] = {
            row[0]: (row[1], row[2])
            for row in conn.execute("SELECT id, number, held_on FROM meetings")
        }
        self.categories = categories.labels(ledger)
        # 重复反映: the numbers of the items that are (or were, as of some cut-off) originals.
        self.originals: dict[int, int] = dict(
            conn.execute(
                "SELECT id, number FROM items WHERE id IN ("
                " SELECT repeat_of FROM items WHERE repeat_of IS NOT NULL"
                " UNION SELECT json_extract(params, '$.item_id') FROM events"
                " WHERE action = 'link')"
            )
        )
        self.moved: dict[int, set[int]] = {}
        for item_id, changes in conn.execute(
            "SELECT item_id, changes FROM events WHERE item_id IN "
            "(SELECT item_id FROM events WHERE action = 'edit' "
            " AND instr(changes, '\"community_id\"') > 0) "
            "AND instr(changes, '\"community_id\"') > 0"
        ):
            community_id = json.loads(changes).get("community_id")
            if community_id is not None:
                self.moved.setdefault(item_id, set()).add(community_id)

    def area_name(self, area_id: int | None) -> str:
        return self.areas[area_id][0] if area_id in self.areas else ""

    def place(self, place_id: int | None) -> str:
        """小区/楼栋 of a place id ('' when none)."""
        if place_id not in self.areas:
            return ""
        return "/".join(self.areas[place_id][1].split("/")[3:])  # type: ignore[index]


# --- one item as of the cut-off ---------------------------------------------------------------


@dataclass(slots=True)
class AsOfItem:
    """An item as it stood at the cut-off, and what the report counts about it."""

    id: int
    number: int
    state: dict[str, Any]
    belongs: str  # "raised" (in the period) or "carried" (open at the period's start)
    finished: bool  # 办结 (resolved or declined, or beyond) by the cut-off
    declined: bool  # its latest 办结 was 不予办理
    on_time: bool  # finished on or before the due date in force at its latest 办结
    replied: bool
    level: str | None  # supervision level at the cut-off (overdue/severe only when open)
    workdays_overdue: int
    estimated: bool
    judged_unit_id: int | None = None  # who held the item at its latest rating (None: 社区)

    @property
    def overdue(self) -> bool:
        """超期未办结: open at the cut-off with its due date before the cut-off day."""
        return self.level in ("overdue", "severe")

    @property
    def rating(self) -> str | None:
        return self.state["rating"]


@dataclass(slots=True)
class Folded:
    """An item's state at the cut-off and what its history says about the period."""

    state: dict[str, Any]
    open_at_start: bool
    finish_action: str | None  # its latest 办结: resolve or decline
    finish_day: str | None
    due_at_finish: str | None  # the due date in force at that 办结
    judged_unit_id: int | None  # the unit holding it at its latest rating (None: 社区自办)


def fold(events: Iterable[tuple[str, str, str]], start_at: str) -> Folded:
    """Replay (action, at, changes) rows in time order, all in force and not after the cut-off."""
    state = dict(EMPTY_STATE)
    open_at_start: bool | None = None
    finish_action = finish_day = due_at_finish = None
    judged_unit_id = None
    loads = json.loads
    for action, at, changes in events:
        if open_at_start is None and at >= start_at:
            open_at_start = state["status"] in OPEN_STATUSES
        if action in ("rate", "reopen"):
            judged_unit_id = state["unit_id"]  # before 重办 hands it on
        state.update(loads(changes))
        if action in ("resolve", "decline"):
            finish_action, finish_day, due_at_finish = action, state["resolved_on"], state["due_on"]
    if open_at_start is None:
        open_at_start = state["status"] in OPEN_STATUSES
    return Folded(state, open_at_start, finish_action, finish_day, due_at_finish, judged_unit_id)


# Voided items count nowhere, whenever they were voided; withdrawn events (撤销) and the
# 撤销/恢复 events themselves never happened as far as the figures go.
_EVENTS_SQL = """
SELECT i.id, i.number, e.action, e.at, e.changes
FROM items i JOIN events e ON e.item_id = i.id
WHERE ({where_scope})
  AND i.status != 'voided'
  AND i.raised_on <= ?
  AND (i.raised_on >= ? OR i.status IN {open_statuses} OR i.last_event_at >= ?)
  AND e.at <= ? AND e.withdrawn = 0 AND e.action NOT IN ('undo', 'redo')
ORDER BY i.number, e.seq
"""


def items_as_of(
    ledger: Ledger, period: Period, scope: Scope, lookups: Lookups
) -> Iterator[AsOfItem]:
    """The items of a subdistrict's report, in number order: raised in the period or carried in.

    Reads only candidate items' events up to the cut-off (see the module docstring).
    """
    community_ids = scope.community_ids
    moved = [item_id for item_id, held in lookups.moved.items() if held & community_ids]
    where_scope = f"i.community_id IN ({','.join('?' * len(community_ids)) or 'NULL'})"
    if moved:
        where_scope += f" OR i.id IN ({','.join('?' * len(moved))})"
    params: list[Any] = [*sorted(community_ids), *moved]
    params += [iso(period.last), iso(period.first), period.start_at, period.cutoff_at]
    first, last = iso(period.first), iso(period.last)
    cursor = ledger.conn.execute(
        _EVENTS_SQL.format(where_scope=where_scope, open_statuses=OPEN_SQL), params
    )
    start_at = period.start_at
    for (item_id, number), rows in groupby(cursor, key=itemgetter(0, 1)):
        folded = fold(map(itemgetter(2, 3, 4), rows), start_at)
        state, open_at_start = folded.state, folded.open_at_start
        finish_action, finish_day, due_at_finish = (
            folded.finish_action,
            folded.finish_day,
            folded.due_at_finish,
        )
        if state["community_id"] not in community_ids or state["status"] is None:
            continue
        raised_on = state["raised_on"]
        if first <= raised_on <= last:  # type: ignore[operator]
            belongs = "raised"
        elif raised_on < first and open_at_start:  # type: ignore[operator]
            belongs = "carried"
        else:
            continue
        status = state["status"]
        finished = status in FINISHED_STATUSES
        due = date.fromisoformat(state["due_on"]) if state["due_on"] else None
        standing = deadlines.deadline(ledger, status, due, period.cutoff_day)
        level = standing.level if standing.level in ("overdue", "severe") else None
        yield AsOfItem(
            id=item_id,
            number=number,
            state=state,
            belongs=belongs,
            finished=finished,
            declined=finished and finish_action == "decline",
            on_time=bool(finished and finish_day and due_at_finish and finish_day <= due_at_finish),
            replied=status in REPLIED_STATUSES,
            level=level,
            workdays_overdue=standing.workdays_overdue if level else 0,
            estimated=standing.estimated,
            judged_unit_id=folded.judged_unit_id,
        )


def voided_count(ledger: Ledger, period: Period, scope: Scope) -> int:
    """Items raised in the period in the scope's communities and voided since (作废): they are
    in no figure, and the report says how many, so that voiding can be seen."""
    ids = sorted(scope.community_ids)
    row = ledger.conn.execute(
        f"SELECT count(*) FROM items WHERE status = 'voided' AND raised_on BETWEEN ? AND ? "
        f"AND community_id IN ({','.join('?' * len(ids)) or 'NULL'})",
        [iso(period.first), iso(period.last), *ids],
    ).fetchone()
    return int(row[0])


# --- counters -----------------------------------------------------------------------------


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as "—")."""
    return part / whole if whole else None


@dataclass
class Figures:
    """The §5 figures for a community, a subdistrict or a county."""

    raised: int = 0  # 受理数: raised in the period
    by_source: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCE.codes, 0))
    finished: int = 0  # 办结数 (resolved or declined) by the cut-off
    declined: int = 0  # of which 不予办理
    on_time: int = 0  # 按时办结数
    replied: int = 0  # 回复数
    rated: int = 0  # 评价数 (a latest rating exists)
    satisfied: int = 0  # latest rating 满意 or 基本满意
    unsatisfied: int = 0  # latest rating 不满意
    overdue: int = 0  # 超期未办结数 (of the items raised in the period)
    carried: int = 0  # 结转: raised before the period, open at its start
    carried_finished: int = 0  # of those, 办结 by the cut-off
    carried_overdue: int = 0  # of those, still open and overdue at the cut-off
    sessions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEETING_KIND.codes, 0))
    attendees: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEETING_KIND.codes, 0))
    meeting_items: int = 0  # items raised in the period at the meetings held in it
    # For the 12345 profile (see PROFILES): 已响应 = no longer 待分办 at the cut-off; of the
    # items with a valid return visit (a rating), 已解决 = 办结 by 办理 (not 不予办理).
    responded: int = 0
    solved: int = 0
    fully_satisfied: int = 0  # latest rating 满意
    basically: int = 0  # latest rating 基本满意
    repeats: int = 0  # 重复反映: raised in the period, linked to an earlier item at the cut-off

    @property
    def finish_rate(self) -> float | None:
        return ratio(self.finished, self.raised)

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.raised)

    @property
    def reply_rate(self) -> float | None:
        return ratio(self.replied, self.raised)

    @property
    def satisfaction_rate(self) -> float | None:
        return ratio(self.satisfied, self.rated)

    @property
    def response_rate(self) -> float | None:
        """12345 响应率 = 已响应 / 受理数."""
        return ratio(self.responded, self.raised)

    @property
    def solve_rate(self) -> float | None:
        """12345 解决率 = 已解决 / 有效回访数 (评价数)."""
        return ratio(self.solved, self.rated)

    @property
    def hotline_satisfaction_rate(self) -> float | None:
        """12345 满意率 = (满意 + 0.9 × 基本满意) / 有效回访数."""
        if not self.rated:
            return None
        return (self.fully_satisfied + BASICALLY_CREDIT * self.basically) / self.rated

    @property
    def repeat_rate(self) -> float | None:
        """重复率 = 重复反映 / 受理数."""
        return ratio(self.repeats, self.raised)

    def count(self, item: AsOfItem) -> None:
        """Add one item of the report."""
        if item.belongs == "carried":
            self.carried += 1
            self.carried_finished += item.finished
            self.carried_overdue += item.overdue
            return
        self.raised += 1
        source = item.state["source"]
        self.by_source[source] = self.by_source.get(source, 0) + 1
        self.finished += item.finished
        self.declined += item.declined
        self.on_time += item.on_time
        self.replied += item.replied
        self.rated += item.rating is not None
        self.satisfied += item.rating in SATISFIED_RATINGS
        self.unsatisfied += item.rating == "unsatisfied"
        self.overdue += item.overdue
        self._count_profile(item)
        self.repeats += item.state.get("repeat_of") is not None

    def _count_profile(self, item: AsOfItem) -> None:
        """The 12345 profile's counts of an item raised in the period."""
        self.responded += item.state["status"] != "raised"
        rating = item.rating
        if rating is None:
            return
        self.solved += item.finished and not item.declined
        self.fully_satisfied += rating == "satisfied"
        self.basically += rating == "basically"

    def merge(self, other: Figures) -> None:
        """Add another set of figures (communities into a subdistrict, and so on)."""
        for name in [
            "raised",
            "finished",
            "declined",
            "on_time",
            "replied",
            "rated",
            "satisfied",
            "unsatisfied",
            "overdue",
            "carried",
            "carried_finished",
            "carried_overdue",
            "meeting_items",
            "responded",
            "solved",
            "fully_satisfied",
            "basically",
            "repeats",
        ]:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mine, theirs in (
            (self.by_source, other.by_source),
            (self.sessions, other.sessions),
            (self.attendees, other.attendees),
        ):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value

    def as_dict(self) -> dict[str, Any]:
        """Counts and rates (None for a 0 denominator), flat, for rows and ``--json``."""
        data: dict[str, Any] = {
            "raised": self.raised,
            **{f"src_{code}": count for code, count in self.by_source.items()},
            "finished": self.finished,
            "declined": self.declined,
            "finish_rate": self.finish_rate,
            "on_time": self.on_time,
            "on_time_rate": self.on_time_rate,
            "replied": self.replied,
            "reply_rate": self.reply_rate,
            "rated": self.rated,
            "satisfied": self.satisfied,
            "unsatisfied": self.unsatisfied,
            "satisfaction_rate": self.satisfaction_rate,
            "overdue": self.overdue,
            "repeats": self.repeats,
            "repeat_rate": self.repeat_rate,
            "carried": self.carried,
            "carried_finished": self.carried_finished,
            "carried_overdue": self.carried_overdue,
        }
        for code in MEETING_KIND.codes:
            data[f"mt_{code}"] = self.sessions.get(code, 0)
            data[f"att_{code}"] = self.attendees.get(code, 0)
        data["meeting_items"] = self.meeting_items
        data.update(
            responded=self.responded,
            response_rate=self.response_rate,
            solved=self.solved,
            solve_rate=self.solve_rate,
            basically=self.basically,
            hotline_satisfaction_rate=self.hotline_satisfaction_rate,
        )
        return data


@dataclass
class UnitFigures:
    """One row of the 承办单位 table (the items raised in the period, by the unit at the cut-off)."""

    name: str
    dispatched: int = 0  # 派单数
    on_time: int = 0  # 按时办结
    late: int = 0  # 超时办结
    open: int = 0  # 未办结
    rated: int = 0
    unsatisfied: int = 0
    yellow_cards: int = 0  # 黄牌 standing at the cut-off (deadlines.card)
    red_cards: int = 0  # 红牌 standing at the cut-off

    @property
    def close_rate(self) -> float | None:
        return ratio(self.on_time + self.late, self.dispatched)

    @property
    def close_on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.dispatched)

    @property
    def unsatisfied_rate(self) -> float | None:
        return ratio(self.unsatisfied, self.rated)

    def count(self, item: AsOfItem) -> None:
        """An item this unit holds at the cut-off."""
        self.dispatched += 1
        if not item.finished:
            self.open += 1
        elif item.on_time:
            self.on_time += 1
        else:
            self.late += 1

    def count_rating(self, item: AsOfItem) -> None:
        """An item this unit held when the resident judged it."""
        self.rated += item.rating is not None
        self.unsatisfied += item.rating == "unsatisfied"

    def merge(self, other: UnitFigures) -> None:
        for name in (
            "dispatched",
            "on_time",
            "late",
            "open",
            "rated",
            "unsatisfied",
            "yellow_cards",
            "red_cards",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.name,
            "dispatched": self.dispatched,
            "unit_on_time": self.on_time,
            "unit_late": self.late,
            "unit_open": self.open,
            "close_rate": self.close_rate,
            "close_on_time_rate": self.close_on_time_rate,
            "rated": self.rated,
            "unsatisfied": self.unsatisfied,
            "unsatisfied_rate": self.unsatisfied_rate,
            "yellow_cards": self.yellow_cards,
            "red_cards": self.red_cards,
        }


@dataclass
class CategoryFigures:
    """One row of 分类统计 (the items raised in the period, by category at the cut-off)."""

    label: str
    raised: int = 0
    finished: int = 0
    overdue: int = 0
    unsatisfied: int = 0

    def count(self, item: AsOfItem) -> None:
        self.raised += 1
        self.finished += item.finished
        self.overdue += item.overdue
        self.unsatisfied += item.rating == "unsatisfied"

    def as_dict(self, total: int) -> dict[str, Any]:
        return {
            "category": self.label,
            "raised": self.raised,
            "share": ratio(self.raised, total),
            "finished": self.finished,
            "finish_rate": ratio(self.finished, self.raised),
            "overdue": self.overdue,
            "unsatisfied": self.unsatisfied,
        }


@dataclass
class Tally:
    """Everything a subdistrict's report prints except the item rows themselves."""

    period: Period
    scope: Scope
    communities: dict[int, Figures]
    units: dict[int | None, UnitFigures] = field(default_factory=dict)
    categories: dict[str, CategoryFigures] = field(default_factory=dict)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    meeting_index: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def total(self) -> Figures:
        total = Figures()
        for figures in self.communities.values():
            total.merge(figures)
        return total

    @property
    def has_data(self) -> bool:
        """Anything to report: items raised or carried in, or meetings held."""
        total = self.total
        return bool(total.raised or total.carried or self.meetings)

    def count(self, item: AsOfItem, lookups: Lookups) -> None:
        """Add one item to every counter it belongs to."""
        self.communities[item.state["community_id"]].count(item)
        if item.belongs != "raised":
            return
        holder = item.state["unit_id"]
        if holder is None and item.finished:
            holder = SELF_HANDLED  # settled or declined by the community itself
        self._unit(holder, lookups).count(item)
        if item.rating is not None:
            judged = item.judged_unit_id if item.judged_unit_id is not None else SELF_HANDLED
            self._unit(judged, lookups).count_rating(item)
        code = item.state["category"]
        if code not in self.categories:
            self.categories[code] = CategoryFigures(lookups.categories.get(code, code))
        self.categories[code].count(item)
        meeting = self.meeting_index.get(item.state["meeting_id"])
        if meeting is not None:
            meeting["items"] += 1
            meeting["items_finished"] += item.finished
            meeting["items_replied"] += item.replied
            self.communities[meeting["community_id"]].meeting_items += 1

    def _unit(self, unit_id: int | None, lookups: Lookups) -> UnitFigures:
        if unit_id not in self.units:
            if unit_id == SELF_HANDLED:
                name = REPORT_TEXT["self_handled"]
            elif unit_id is None:
                name = REPORT_TEXT["no_unit"]
            else:
                name = lookups.units.get(unit_id, "")
            self.units[unit_id] = UnitFigures(name)
        return self.units[unit_id]

    def unit_rows(self) -> list[UnitFigures]:
        """Units by name, then 社区自办, then the items never assigned."""
        named = sorted(
            (u for k, u in self.units.items() if k not in (None, SELF_HANDLED)),
            key=lambda u: u.name,
        )
        tail = [self.units[k] for k in (SELF_HANDLED, None) if k in self.units]
        return named + tail

    def unit_total(self) -> UnitFigures:
        total = UnitFigures(REPORT_TEXT["total"])
        for unit in self.units.values():
            total.merge(unit)
        return total

    def category_rows(self, lookups: Lookups) -> list[CategoryFigures]:
        """Categories in list order (the built-in order, then the clerk's own)."""
        order = {code: position for position, code in enumerate(lookups.categories)}
        codes = sorted(self.categories, key=lambda code: (order.get(code, len(order)), code))
        return [self.categories[code] for code in codes]


def _meetings(ledger: Ledger, period: Period, scope: Scope) -> list[dict[str, Any]]:
    """Meetings held in the period (up to the cut-off day) in the subdistrict, by date."""
    ids = sorted(scope.community_ids)
    if not ids:
        return []
    cursor = ledger.conn.execute(
        "SELECT m.id, m.number, m.kind, m.held_on, m.community_id, m.place_id, m.host, "
        "m.attendees, m.note FROM meetings m "
        f"WHERE m.community_id IN ({','.join('?' * len(ids))}) "
        "AND m.held_on BETWEEN ? AND ? ORDER BY m.held_on, m.number",
        [*ids, iso(period.first), iso(period.cutoff_day)],
    )
    names = [d[0] for d in cursor.description]
    rows = []
    for row in cursor:
        meeting = dict(zip(names, row, strict=True))
        meeting.update(items=0, items_finished=0, items_replied=0)
        rows.append(meeting)
    return rows


def compute(
    ledger: Ledger,
    period: Period,
    scope: Scope,
    lookups: Lookups,
    on_item: Callable[[AsOfItem], None] | None = None,
) -> Tally:
    """A subdistrict's figures for the period; ``on_item`` sees every item as it is counted.

    The report writer streams its detail rows through ``on_item``; ``ledger stats`` passes
    nothing. Both get their figures from here.
    """
    tally = Tally(period, scope, {community_id: Figures() for community_id, _ in scope.communities})
    tally.meetings = _meetings(ledger, period, scope)
    tally.meeting_index = {meeting["id"]: meeting for meeting in tally.meetings}
    for meeting in tally.meetings:
        figures = tally.communities[meeting["community_id"]]
        figures.sessions[meeting["kind"]] = figures.sessions.get(meeting["kind"], 0) + 1
        figures.attendees[meeting["kind"]] = figures.attendees.get(meeting["kind"], 0) + (
            meeting["attendees"] or 0
        )
    for item in items_as_of(ledger, period, scope, lookups):
        tally.count(item, lookups)
        count_card(ledger, tally, item, period)
        if on_item is not None:
            on_item(item)
    return tally


def card_at_cutoff(ledger: Ledger, item: AsOfItem, period: Period) -> str | None:
    """黄牌 / 红牌 an item showed at the cut-off (deadlines.card; None once finished)."""
    if item.finished or not item.state["due_on"]:
        return None
    due = date.fromisoformat(item.state["due_on"])
    return deadlines.deadline(ledger, item.state["status"], due, period.cutoff_day).card


def count_card(ledger: Ledger, tally: Tally, item: AsOfItem, period: Period) -> None:
    """Add an item's card at the cut-off to its unit's row (items raised in the period)."""
    if item.belongs != "raised":
        return
    card = card_at_cutoff(ledger, item, period)
    if card is not None:
        unit = tally.units[item.state["unit_id"]]
        if card == "red":
            unit.red_cards += 1
        else:
            unit.yellow_cards += 1


# --- the county 通报: the period before, 热点问题, follow-up ------------------------------------


def previous_period(period: Period) -> Period:
    """The same number of whole months just before ``period`` (complete by construction)."""
    months = period.months
    year, month = period.first.year, period.first.month - months
    while month < 1:
        month += 12
        year -= 1
    first = date(year, month, period.first.day)
    last = period.first - timedelta(days=1)
    return Period(first, last, datetime.combine(last, END_OF_DAY), period.start_day)


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


# --- ranking ------------------------------------------------------------------------------


@dataclass
class Standing:
    """A subdistrict in the county summary: its figures, weighted score and rank."""

    scope: Scope
    figures: Figures
    score: float | None  # 0–100
    rank: int | None  # None: listed but not ranked
    remark: str = ""


@dataclass(frozen=True)
class Profile:
    """A scoring profile (考核口径): which rates are weighed, and where their weights live."""

    code: str
    rates: tuple[tuple[str, str], ...]  # (rate attribute of Figures, weight setting)

    @property
    def label(self) -> str:
        return SCORE_PROFILE.label(self.code)


BASICALLY_CREDIT = 0.9  # 12345 profile: a 基本满意 counts as 0.9 of a 满意

PROFILES = {
    "standard": Profile(
        "standard",
        (
            ("reply_rate", "weight_reply"),
            ("finish_rate", "weight_resolve"),
            ("satisfaction_rate", "weight_satisfaction"),
        ),
    ),
    "12345": Profile(
        "12345",
        (
            ("response_rate", "weight_response"),
            ("solve_rate", "weight_solve"),
            ("hotline_satisfaction_rate", "weight_hotline_satisfaction"),
        ),
    ),
}


def profile(ledger: Ledger) -> Profile:
    """The scoring profile chosen in ``ledger config`` (score_profile)."""
    return PROFILES[ledger.setting("score_profile")]


def weights(ledger: Ledger, chosen: Profile | None = None) -> dict[str, int]:
    """The profile's weights by rate (ledger settings; editable with ``ledger config set``)."""
    chosen = chosen or profile(ledger)
    return {rate: ledger.setting(setting) for rate, setting in chosen.rates}


def score(figures: Figures, weight: dict[str, int]) -> float | None:
    """Weighted mean of the weighed rates on a 0–100 scale.

    ``weight`` maps a rate of :class:`Figures` (reply_rate, …) to its weight. A rate that
    cannot be computed (no evaluations yet) is left out and the other weights are scaled up,
    rather than counted as 0 % or 100 %.
    """
    rates = {key: getattr(figures, key) for key in weight}
    used = {key: w for key, w in weight.items() if rates[key] is not None and w}
    if not used:
        return None
    return 100 * sum(rates[key] * w for key, w in used.items()) / sum(used.values())


def weak_points(figures: Figures, average: Figures, weight: dict[str, int]) -> list[str]:
    """Which weighed rates pulled a subdistrict down: those below the county's, in words.

    Largest loss of points first (weight × shortfall), e.g. "办结率 40.0%（全县 66.7%）".
    """
    found = []
    for key, w in weight.items():
        mine, theirs = getattr(figures, key), getattr(average, key)
        if mine is None or theirs is None or mine >= theirs or not w:
            continue
        found.append((w * (theirs - mine), f"{RATE_LABEL[key]} {mine:.1%}（全县 {theirs:.1%}）"))
    found.sort(key=lambda pair: -pair[0])
    return [text for _, text in found]


RATE_LABEL = {
    "reply_rate": "回复率",
    "finish_rate": "办结率",
    "satisfaction_rate": "满意率",
    "response_rate": "响应率",
    "solve_rate": "解决率",
    "hotline_satisfaction_rate": "满意率",
}


def rank(ledger: Ledger, tallies: Iterable[tuple[Scope, Figures]]) -> list[Standing]:
    """Rank subdistricts by weighted score; those with too few items are listed, unranked.

    Equal scores share a rank (1, 2, 2, 4). Ranked ones come first, best first; the rest
    follow in ledger order.
    """
    weight = weights(ledger)
    minimum = ledger.setting("rank_min_items")
    standings = [
        Standing(scope, figures, score(figures, weight), None) for scope, figures in tallies
    ]
    ranked = [s for s in standings if s.figures.raised >= minimum and s.score is not None]
    ranked.sort(key=lambda s: -round(s.score, 9))  # type: ignore[arg-type]
    for position, standing in enumerate(ranked):
        previous = ranked[position - 1] if position else None
        if previous and round(previous.score, 9) == round(standing.score, 9):  # type: ignore[arg-type]
            standing.rank = previous.rank
        else:
            standing.rank = position + 1
    unranked = [s for s in standings if s.rank is None]
    for standing in unranked:
        standing.remark = (
            REPORT_TEXT["not_ranked"].format(n=minimum)
            if standing.figures.raised < minimum
            else REPORT_TEXT["no_score"]
        )
    return ranked + unranked


def score_note(ledger: Ledger) -> str:
    """How the score is made under the chosen profile (and what the other one would do)."""
    chosen = profile(ledger)
    weight = weights(ledger, chosen)
    total = sum(weight.values()) or 1
    shares = {key: f"{round(100 * value / total, 1):g}" for key, value in weight.items()}
    formula = " + ".join(f"{RATE_LABEL[key]}×{shares[key]}%" for key in weight)
    text = REPORT_TEXT["score_note"].format(
        profile=chosen.label, formula=formula, n=ledger.setting("rank_min_items")
    )
    return text + REPORT_TEXT[f"profile_{chosen.code}"]


def last_month_with_data(ledger: Ledger) -> tuple[int, int] | None:
    """The latest complete month in which items were raised (else the current month, if any)."""
    today = ledger.now().date()
    month_start = iso(today.replace(day=1))
    found = ledger.conn.execute(
        "SELECT MAX(raised_on) FROM items WHERE raised_on < ?", (month_start,)
    ).fetchone()[0]
    if found is None:
        found = ledger.conn.execute("SELECT MAX(raised_on) FROM items").fetchone()[0]
    if found is None:
        return None
    return int(found[:4]), int(found[5:7])
