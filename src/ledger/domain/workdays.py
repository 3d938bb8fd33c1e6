"""Working days by the Chinese calendar (statutory holidays and 调休 make-up workdays).

chinese-calendar only knows the years it ships data for; any other year falls back to
Monday–Friday, and the calendar remembers which years were estimated so the caller can say so.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta

import chinese_calendar

from ledger.domain.errors import LedgerError

_EPOCH = date(2000, 1, 1)
_LAST = date(2099, 12, 31)  # the same range parse_date accepts; beyond it counts never end


_ADJUSTMENTS: tuple[list[date], list[date]] | None = None


def _adjustments() -> tuple[list[date], list[date]]:
    """The calendar's departures from Monday–Friday, sorted: weekdays off (法定节假日) and
    weekend days worked (调休). Read once per process from chinese-calendar's tables."""
    global _ADJUSTMENTS
    if _ADJUSTMENTS is None:
        worked = chinese_calendar.workdays
        off = sorted(d for d in chinese_calendar.holidays if d.weekday() < 5 and d not in worked)
        extra = sorted(d for d in worked if d.weekday() >= 5)
        _ADJUSTMENTS = (off, extra)
    return _ADJUSTMENTS


def _weekdays(day: date) -> int:
    """Monday–Friday days in (_EPOCH, day]."""
    days = (day - _EPOCH).days
    weeks, rest = divmod(days, 7)
    first = (_EPOCH.weekday() + 1) % 7
    return weeks * 5 + sum(1 for i in range(rest) if (first + i) % 7 < 5)


class WorkCalendar:
    """Counts working days in O(log n): Monday–Friday counted by arithmetic, then the
    holidays and make-up workdays of the calendar data by bisection (no table of every day
    since 2000 to build at the start of each command)."""

    def __init__(self) -> None:
        self.estimated_years: set[int] = set()
        self._known_years: dict[int, bool] = {}

    def is_workday(self, day: date) -> bool:
        """True on a working day; Monday–Friday for a year without calendar data."""
        self._note(day)
        return self._is_workday(day)

    def is_estimated(self, *days: date | None) -> bool:
        """True when any of these days lies in a year the calendar data does not cover."""
        return any(d is not None and not self._year_known(d.year) for d in days)

    def add_workdays(self, start: date, count: int) -> date:
        """The day on which ``count`` working days after ``start`` have passed."""
        if count <= 0:
            return start
        target = self._count(start) + count
        if self._count(_LAST) < target:
            raise LedgerError(
                f"{start} 起 {count} 个工作日超出台账支持的范围（至 {_LAST.year} 年）"
            )
        low, high = 1, count * 2 + 60  # no stretch of 60 days off in the calendar
        while (
            start + timedelta(days=high) < _LAST
            and self._count(start + timedelta(days=high)) < target
        ):
            high *= 2
        high = min(high, (_LAST - start).days)
        while low < high:  # the first day whose count reaches the target
            middle = (low + high) // 2
            if self._count(start + timedelta(days=middle)) >= target:
                high = middle
            else:
                low = middle + 1
        result = start + timedelta(days=low)
        self._note(start, result)
        return result

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        self._note(start, end)
        return self._count(end) - self._count(start)

    def _note(self, *days: date) -> None:
        for year in range(min(d.year for d in days), max(d.year for d in days) + 1):
            if not self._year_known(year):
                self.estimated_years.add(year)

    def _is_workday(self, day: date) -> bool:
        if self._year_known(day.year):
            # Same rule as chinese_calendar.is_workday, read from its tables directly: that
            # function scans every holiday for the year range on each call (~30 µs).
            if day in chinese_calendar.workdays:
                return True
            return day.weekday() < 5 and day not in chinese_calendar.holidays
        return day.weekday() < 5

    def _year_known(self, year: int) -> bool:
        known = self._known_years.get(year)
        if known is None:
            try:
                chinese_calendar.is_workday(date(year, 6, 1))
                known = True
            except NotImplementedError:
                known = False
            self._known_years[year] = known
        return known

    def _count(self, day: date) -> int:
        """Working days in (_EPOCH, day]: the same rule as ``_is_workday``, day by day (the
        tables hold dates of the years they cover only, so other years stay Monday–Friday)."""
        if not _EPOCH <= day <= _LAST:
            raise LedgerError(f"日期 {day} 超出台账支持的范围（{_EPOCH.year}–{_LAST.year} 年）")
        off, extra = _adjustments()
        return _weekdays(day) - bisect.bisect_right(off, day) + bisect.bisect_right(extra, day)


def fallback_notice(years: set[int]) -> str | None:
    """The one-line notice for years whose working days were estimated, or None."""
    if not years:
        return None
    listed = "、".join(f"{year}年" for year in sorted(years))
    return f"提示：{listed}的法定节假日安排尚未收录，工作日按周一至周五估算（估算）"
