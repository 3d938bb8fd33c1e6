"""Working days by the Chinese calendar (statutory holidays and 调休 make-up workdays).

chinese-calendar only knows the years it ships data for; any other year falls back to
Monday–Friday, and the calendar remembers which years were estimated so the caller can say so.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta

import chinese_calendar

from ledger.errors import LedgerError

_EPOCH = date(2000, 1, 1)
_LAST = date(2099, 12, 31)  # the same range parse_date accepts; beyond it counts never end


class WorkCalendar:
    """Counts working days; keeps a running total per day so counts are O(1) after warm-up."""

    def __init__(self) -> None:
        self.estimated_years: set[int] = set()
        self._cumulative: list[int] = [0]  # workdays in (_EPOCH, _EPOCH + i]
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
        base = self._index(start)
        target = self._cumulative[base] + count
        while self._cumulative[-1] < target:
            if len(self._cumulative) > (_LAST - _EPOCH).days:
                raise LedgerError(
                    f"{start} 起 {count} 个工作日超出台账支持的范围（至 {_LAST.year} 年）"
                )
            self._extend(len(self._cumulative) + 366)
        position = bisect.bisect_left(self._cumulative, target, lo=base)
        result = _EPOCH + timedelta(days=position)
        self._note(start, result)
        return result

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        self._note(start, end)
        return self._cumulative[self._index(end)] - self._cumulative[self._index(start)]

    def _note(self, *days: date) -> None:
        for year in range(min(d.year for d in days), max(d.year for d in days) + 1):
            if not self._year_known(year):
                self.estimated_years.add(year)

    def _is_workday(self, day: date) -> bool:
        if self._year_known(day.year):
            # Same rule as chinese_calendar.is_workday, read from its tables directly: that
            # function scans every holiday for the year range on each call (~30 µs), which made
            # the first working-day count of every command cost ~0.3 s.
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

    def _index(self, day: date) -> int:
        if not _EPOCH <= day <= _LAST:
            raise LedgerError(f"日期 {day} 超出台账支持的范围（{_EPOCH.year}–{_LAST.year} 年）")
        position = (day - _EPOCH).days
        if position >= len(self._cumulative):
            self._extend(position + 1)
        return position

    def _extend(self, length: int) -> None:
        cumulative = self._cumulative
        day = _EPOCH + timedelta(days=len(cumulative))
        while len(cumulative) < length:
            cumulative.append(cumulative[-1] + (1 if self._is_workday(day) else 0))
            day += timedelta(days=1)


def fallback_notice(years: set[int]) -> str | None:
    """The one-line notice for years whose working days were estimated, or None."""
    if not years:
        return None
    listed = "、".join(f"{year}年" for year in sorted(years))
    return f"提示：{listed}的法定节假日安排尚未收录，工作日按周一至周五估算（估算）"
