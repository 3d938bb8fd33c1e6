"""Reading the dates clerks type, and writing dates the one way the ledger stores them."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from ledger.domain.errors import LedgerError
from ledger.domain.remembered import Remembered

_RELATIVE = {
    "今天": 0,
    "today": 0,
    "昨天": -1,
    "yesterday": -1,
    "前天": -2,
    "明天": 1,
    "tomorrow": 1,
}
_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_SHORT = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")

END_OF_DAY = time(23, 59, 59)  # the last instant of a day: a period's cut-off
FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of two terminals may differ a little
MIN_YEAR, MAX_YEAR = 2000, 2099


def parse_date(text: str, today: date) -> date:
    """Parse 2026-06-24, 2026/6/24, 2026年6月24日, 6-24, 6月24日 (this year), 今天, 昨天."""
    value = text.strip().lower()
    if value in _RELATIVE:
        return today + timedelta(days=_RELATIVE[value])
    match = _FULL.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _SHORT.match(value)
        if not match:
            raise LedgerError(f"无法识别的日期“{text}”，请写成 2026-06-24、6月24日 或 今天")
        year = today.year
        month, day = (int(part) for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:  # working-day counts cover 2000–2099 only
        raise LedgerError(f"日期“{text}”超出范围（{MIN_YEAR}–{MAX_YEAR} 年）")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise LedgerError(f"日期“{text}”不存在") from error


def parse_moment(text: str, now: datetime) -> date | datetime:
    """Parse a date or a date-time for ``--at``.

    A bare date stays a date (no clock time is invented): the history orders it within its
    day by when it was recorded.
    """
    value = text.strip()
    parts = re.split(r"[\sT]+", value, maxsplit=1)
    moment_time: time | None = None
    if len(parts) == 2:
        match = _TIME.match(parts[1])
        if not match:
            raise LedgerError(f"无法识别的时间“{text}”，请写成 2026-06-24 20:30")
        hour, minute, second = (int(g) if g else 0 for g in match.groups())
        if hour > 23 or minute > 59 or second > 59:
            raise LedgerError(f"时间“{text}”不存在")
        moment_time = time(hour, minute, second)
    day = parse_date(parts[0], now.date())
    if moment_time is not None:
        return datetime.combine(day, moment_time)
    return day


def parse_month(text: str, today: date) -> tuple[int, int]:
    """Parse 2026-06, 2026/6, 2026年6月, 6月 (this year), 本月, 上月 into (year, month)."""
    value = text.strip()
    if value in ("本月", "this"):
        return today.year, today.month
    if value in ("上月", "last"):
        first = today.replace(day=1) - timedelta(days=1)
        return first.year, first.month
    match = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$", value) or re.match(
        r"^()(\d{1,2})\s*月$", value
    )
    if match:
        year = int(match.group(1)) if match.group(1) else today.year
        month = int(match.group(2))
        if 1 <= month <= 12:
            return year, month
    raise LedgerError(f"无法识别的月份“{text}”，请写成 2026-06 或 2026年6月")


def chinese_date(value: date | str | None) -> str:
    """2026年6月24日, as printed on letters and forms ('' for none)."""
    if not value:
        return ""
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def iso(value: date | datetime | None) -> str | None:
    """The stored form: YYYY-MM-DD for dates, YYYY-MM-DDTHH:MM:SS for moments."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


# A day's ISO text (``day.isoformat()``), each day written once: import writes a few hundred
# days hundreds of thousands of times. (No date equals a datetime, so a datetime given by
# mistake gets its own isoformat too.)
DAY_TEXT: Remembered[date, str] = Remembered(lambda day: day.isoformat(), 100_000)


def to_date(value: str | None) -> date | None:
    """A stored date (or the date of a stored moment)."""
    if not value:
        return None
    return date.fromisoformat(value[:10])


def to_moment(value: str) -> datetime:
    """A stored moment (one stored with an offset by an older version: in China time)."""
    return china_time(datetime.fromisoformat(value))


# --- time zones -------------------------------------------------------------------------

# China has kept UTC+8 all year since 1991: a fixed offset is exact for every date the ledger
# accepts, and needs no time-zone database (Windows has none).
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
_OFFSET = re.compile(
    r"^(.*\d[:：]\d{2}(?:[:：]\d{2})?)\s*(Z|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE
)


def china_time(moment: datetime) -> datetime:
    """The stored form of a moment: China time, without an offset.

    A moment with an offset (``2026-06-25T01:00:00Z``) is converted; one without is taken
    as China time already. Stored times are all of this one form, so comparing them as
    text or as datetimes gives the same order whatever the machine's time zone.
    """
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(CHINA).replace(tzinfo=None)


def parse_moment_in_china(text: str, now: datetime) -> datetime:
    """:func:`parse_moment`, also accepting a date-time with an offset (``Z``, ``+08:00``,
    ``-0400``), which is converted to China time."""
    match = _OFFSET.match(text.strip())
    if not match:
        return parse_moment(text, now)
    zone = match.group(2).upper()
    offset = timedelta(0)
    if zone != "Z":
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 14 or minutes > 59:
            raise LedgerError(f"无法识别的时区“{match.group(2)}”，请写成 +08:00")
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
    local = parse_moment(match.group(1), now)
    return china_time(local.replace(tzinfo=timezone(offset)))


def past_moment(at: date | datetime, now: datetime) -> str:
    """The stored form of the moment something happened; refused when it is in the future
    (an item's action, a registry change: nothing is recorded ahead of time)."""
    if isinstance(at, datetime):
        at = at.replace(microsecond=0)
        if at > now + FUTURE_TOLERANCE:
            raise LedgerError(
                f"时间 {at:%Y-%m-%d %H:%M} 晚于现在（{now:%Y-%m-%d %H:%M}），不能预先登记"
            )
    elif at > now.date():
        raise LedgerError(f"日期 {at} 晚于今天（{now.date()}），不能预先登记")
    return iso(at)  # type: ignore[return-value]
