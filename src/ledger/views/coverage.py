"""What a report covers: the period (a month, a run of months, or the 19th-to-18th cycle) and the scope (a subdistrict and its communities)."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ledger.domain.dates import END_OF_DAY, iso, parse_month
from ledger.domain.errors import LedgerError
from ledger.domain.places import below_community
from ledger.domain.report_labels import REPORT_TEXT
from ledger.registry import areas, categories
from ledger.registry import edits as registry_edits
from ledger.store.ledger_file import Ledger

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


def scopes(ledger: Ledger, subdistrict: str | None = None, as_of: str | None = None) -> list[Scope]:
    """Every subdistrict of the ledger, or the one named (an unknown name is refused).

    With ``as_of`` (a cut-off, stored form) the names are those the places had then: a
    report of a month before a rename shows the old names (:mod:`ledger.registry.edits`).
    """
    then = registry_edits.areas_at(ledger, as_of) if as_of is not None else None
    if subdistrict is not None:
        ids = [areas.find(ledger, subdistrict, "subdistrict")["id"]]
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
        county_name = county[0] if county else ""
        if then is not None:
            name = then[subdistrict_id][0]
            county_name = then[county_id][0] if county_id in then else county_name
            communities = [(row[0], then[row[0]][0]) for row in communities]
        found.append(
            Scope(
                subdistrict_id,
                name,
                path,
                county_id,
                county_name,
                tuple((row[0], row[1]) for row in communities),
            )
        )
    return found


class Lookups:
    """Names the report prints (units, places, meetings, categories), loaded once per run.

    Also the items whose community was changed by an edit: they are looked for in every
    subdistrict they ever belonged to, so the as-of community decides where they count.
    With ``as_of`` (a cut-off, stored form) units, places and meeting dates are those
    recorded then (:mod:`ledger.registry.edits`).
    """

    def __init__(self, ledger: Ledger, as_of: str | None = None) -> None:
        conn = ledger.conn
        self.units: dict[int, str] = registry_edits.units_at(ledger, as_of)
        self.areas: dict[int, tuple[str, str]] = registry_edits.areas_at(ledger, as_of)
        self.meetings: dict[int, tuple[int, str]] = {
            row[0]: (row[1], row[2])
            for row in conn.execute("SELECT id, number, held_on FROM meetings")
        }
        if as_of is not None:  # a date corrected after the cut-off: the one recorded then
            for meeting_id, fields in registry_edits.values_at(ledger, "meeting", as_of).items():
                if "held_on" in fields and meeting_id in self.meetings:
                    self.meetings[meeting_id] = (self.meetings[meeting_id][0], fields["held_on"])
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
        return "/".join(below_community(self.areas[place_id][1]))  # type: ignore[index]


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
