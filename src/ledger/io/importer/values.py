"""Reading one cell: dates in every form Excel and clerks produce, deadlines, damaged phone
numbers, text (the words for rating, source, scale, reply channel and unit kind are in
``words``, status words in ``status``).

A cell that cannot be read raises :class:`Bad` with the clerk's sentence; the caller adds
sheet, row and column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ledger.domain.errors import LedgerError
from ledger.domain.phones import normalise_phone
from ledger.domain.text import strip_unsafe
from ledger.domain.workdays import WorkCalendar


class Bad(Exception):
    """A cell that cannot be imported; the message says why, in Chinese."""


class NeedsYear(Bad):
    """A month and day without a year (3月24日, 5.12) where no year was given to read it by:
    the caller finds the year in the row, the title or the file's other rows."""

    def __init__(self, raw: str, month: int, day: int) -> None:
        super().__init__(f"日期“{raw}”没有写年份")
        self.raw, self.month, self.day = raw, month, day

    def on(self, year: int) -> date:
        """The date in ``year`` (Bad when it does not exist, 2月29日 in 2025)."""
        return _make(self.raw, year, self.month, self.day)


# Cells that mean "nothing here".
NULL_TOKENS = frozenset(
    {"/", "-", "—", "——", "－", "无", "暂无", "空", "n/a", "na", "null", "none"}
)


def text(value: Any) -> str | None:
    """A cell as trimmed text (None when blank); numbers without a spurious '.0'."""
    if value is None:
        return None
    if isinstance(value, str):
        result = strip_unsafe(value).strip()  # one cleaning for all free text (ledger.domain.text)
        return result or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value)


def is_null(value: str | None) -> bool:
    return value is None or value.lower() in NULL_TOKENS


# --- dates ------------------------------------------------------------------------------

WINDOWS_EPOCH = datetime(1899, 12, 30)
FIRST_SERIAL, LAST_SERIAL = 36526, 73050  # 2000-01-01 … 2099-12-31 in Excel's 1900 system
_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(.*)$")
_COMPACT = re.compile(r"^(20\d{2})(\d{2})(\d{2})$")
_SHORT = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(.*)$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
# What a deadline or a hurried clerk adds after a date: 5月29日前, 5.12., 6月3日之前.
_AFTER = re.compile(r"(之前|以前|前|止|为止|[.。,，;；])+$")

_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
# What may follow a date in the same cell: a time of day.
_PART_OF_DAY = r"(上午|下午|晚上|晚间|晚|早上|早晨|早|中午|凌晨|夜间|夜)"
_TIME_REST = re.compile(
    rf"^[\sT]*{_PART_OF_DAY}?\s*(\d{{1,2}}\s*([:：]\s*\d{{2}}){{1,2}}|\d{{1,2}}\s*[点时](\s*\d{{1,2}}\s*分?|半)?)?$"
)


def parse_day(
    value: Any,
    *,
    today: date,
    year_hint: int | None = None,
    epoch: datetime | None = None,
    strict: bool = False,
) -> date:
    """A date from an Excel date, a serial number, 20260324, or text such as 2026年3月24日,
    2026.3.24, 2026/3/24 14:30, 5月29日前 or 3月24日. A month and day without a year take
    ``year_hint``; without one they raise :class:`NeedsYear` when ``strict``, else take this
    year (last year when that would be in the future). 5.12 as a number is 5月12日."""
    if isinstance(value, datetime):
        return _in_range(value.date(), value)
    if isinstance(value, date):
        return _in_range(value, value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and 1 <= value < 13 and not value.is_integer():
            value = repr(value)  # 5.12 → “5.12”, read below as 5月12日
        else:
            return _from_number(value, epoch)
    raw = text(value)
    if raw is None:
        raise Bad("日期为空")
    cleaned = _AFTER.sub("", unicodedata.normalize("NFKC", raw).strip()).strip()
    if _SERIAL.match(cleaned):
        return _from_number(float(cleaned), epoch)
    compact = _COMPACT.match(cleaned)
    if compact:
        return _make(raw, *(int(g) for g in compact.groups()))
    full = _FULL.match(cleaned)
    if full:
        year, month, day, rest = full.groups()
        if rest and not _TIME_REST.match(rest):
            raise Bad(f"无法识别的日期“{raw}”")
        return _make(raw, int(year), int(month), int(day))
    short = _SHORT.match(cleaned)
    if short:
        month, day, rest = short.groups()
        if rest and not _TIME_REST.match(rest):
            raise Bad(f"无法识别的日期“{raw}”")
        if year_hint:
            return _make(raw, year_hint, int(month), int(day))
        _make(raw, 2000, int(month), int(day))  # 13月40日 is no date in any year
        if strict:
            raise NeedsYear(raw, int(month), int(day))
        found = _make(raw, today.year, int(month), int(day))
        return found if found <= today else _make(raw, today.year - 1, int(month), int(day))
    if _YEAR_MONTH.match(cleaned):
        raise Bad(f"日期“{raw}”只有年月，缺少日")
    raise Bad(f"无法识别的日期“{raw}”（可写成 2026-03-24、2026年3月24日、2026.3.24 或 3月24日）")


def _from_number(value: float, epoch: datetime | None) -> date:
    if 20000101 <= value <= 20991231 and float(value).is_integer():
        digits = str(int(value))
        return _make(digits, int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if FIRST_SERIAL <= value <= LAST_SERIAL:
        return ((epoch or WINDOWS_EPOCH) + timedelta(days=int(value))).date()
    shown = int(value) if float(value).is_integer() else value
    raise Bad(f"数值 {shown} 不是日期（Excel 日期序号应在 {FIRST_SERIAL}–{LAST_SERIAL} 之间）")


def _make(raw: str, year: int, month: int, day: int) -> date:
    try:
        found = date(year, month, day)
    except ValueError as error:
        raise Bad(f"日期“{raw}”不存在") from error
    return _in_range(found, raw)


def _in_range(found: date, raw: Any) -> date:
    if not 2000 <= found.year <= 2099:
        raise Bad(f"日期“{raw}”超出范围（2000–2099 年）")
    return found


_DAYS = re.compile(
    r"^(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(个)?\s*(工作日|工作天|天|日)(内|以内)?$"
)
_AT_ONCE = frozenset({"即时", "立即", "当天", "当日", "马上", "即办", "立办", "当场"})
_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def parse_due(
    value: Any,
    raised: date,
    calendar: WorkCalendar,
    *,
    today: date,
    year_hint: int | None = None,
    epoch: datetime | None = None,
    strict: bool = False,
) -> date:
    """办理时限 as a date, as a number of working days (5, “5个工作日”, “三天”), or 即时."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and 0 < value <= 366 and float(value).is_integer():  # 5.12 is a date, not days
        return calendar.add_workdays(raised, int(value))
    raw = text(value)
    if isinstance(value, str) and raw:
        cleaned = unicodedata.normalize("NFKC", raw).replace(" ", "")
        if cleaned in _AT_ONCE:
            return raised
        days = _DAYS.match(cleaned)
        if days:
            return calendar.add_workdays(raised, _count(days.group(1)))
    return parse_day(value, today=today, year_hint=year_hint, epoch=epoch, strict=strict)


def _count(text_number: str) -> int:
    if text_number.isdigit():
        return int(text_number)
    if text_number == "十":
        return 10
    tens, _, units = text_number.partition("十")
    if "十" in text_number:
        return (_NUMERALS.get(tens, 1) if tens else 1) * 10 + _NUMERALS.get(units, 0)
    return _NUMERALS[text_number]


# --- phone numbers ----------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^(\d)(?:\.(\d+))?[eE]\+?(\d{1,2})$")
_SEPARATORS = re.compile(r"[/、,，;；]|或")
_FLOAT_TEXT = re.compile(r"^\d{7,12}\.0+$")


def parse_phone(value: Any) -> tuple[str | None, bool]:
    """A phone number and whether it had to be repaired (a leading 0 Excel dropped).

    Excel keeps a number typed into a General cell as a number: 0537-2256789 typed without
    the dash becomes 5372256789, and a long number may be shown (and saved to CSV) as
    1.38123E+10 — then its last digits are gone and it can only be reported.
    """
    if value is None or isinstance(value, bool):
        return None, False
    if isinstance(value, float):
        if not value.is_integer():
            raise Bad(f"“{value}”不是有效的电话号码")
        return _digits(str(int(value)))
    if isinstance(value, int):
        return _digits(str(value))
    raw = text(value)
    if is_null(raw):
        return None, False
    assert raw is not None
    cleaned = unicodedata.normalize("NFKC", raw).strip()
    if _FLOAT_TEXT.match(cleaned):  # 15612345678.0: a number saved to text by a script
        cleaned = cleaned.split(".")[0]
    if "*" in cleaned:
        raise Bad(f"电话号码“{raw}”已打码，无法导入；请填写完整号码或清空该格")
    scientific = _SCIENTIFIC.match(cleaned)
    if scientific:
        _whole, fraction, exponent = scientific.groups()
        if 1 + len(fraction or "") < int(exponent) + 1:
            raise Bad(
                f"电话号码“{raw}”被 Excel 存成了科学计数法，后几位已丢失，无法还原；"
                "请把该列设为“文本”后重新填写这个号码"
            )
        try:
            return _digits(str(int(Decimal(cleaned))))
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
            raise Bad(f"“{raw}”不是有效的电话号码") from error
    try:
        return _digits(cleaned)
    except Bad as error:
        first = _SEPARATORS.split(cleaned)[0].strip()
        if first and first != cleaned:
            return _digits(first)
        raise Bad(
            f"“{raw}”不是有效的电话号码（手机 11 位，如 13812345678；座机如 0537-1234567）"
        ) from error


def _digits(candidate: str) -> tuple[str, bool]:
    try:
        return normalise_phone(candidate), False
    except LedgerError:
        pass
    # A landline whose leading 0 Excel dropped: 5372256789 → 0537-2256789.
    if candidate.isdigit() and 9 <= len(candidate) <= 11 and candidate[0] not in "01":
        try:
            return normalise_phone("0" + candidate), True
        except LedgerError:
            pass
    raise Bad(f"“{candidate}”不是有效的电话号码（手机 11 位，如 13812345678；座机如 0537-1234567）")


def on_year(
    value: Any, year: int, anchor: date | None, today: date, code: str, problems: list[Any]
) -> Any:
    """A NeedsYear given its year (values other than NeedsYear pass through). Next to an
    ``anchor`` date of the same row the nearer year wins: 12月28日 beside 2027-01-05 is
    2026-12-28."""
    if not isinstance(value, NeedsYear):
        return value
    try:
        found = value.on(year)
        if anchor is not None and abs((found - anchor).days) > 183:
            found = value.on(year + (1 if found < anchor else -1))
    except Bad as error:
        problems.append((code, str(error)))
        return None
    return not_future(found, today, code, problems)


def not_future(found: date, today: date, code: str, problems: list[tuple[str, str]]) -> date | None:
    """``found``, or None with the problem noted when it is after today."""
    if found > today:
        problems.append((code, f"日期 {found} 晚于今天（{today}）"))
        return None
    return found


def no_year(raw: str, years: list[int]) -> str:
    """Why a month-day date cannot be given a year."""
    if len(years) > 1:
        seen = "、".join(str(y) for y in years)
        why = f"文件中其他日期分属 {seen} 年，无法确定"
    else:
        why = "文件中也没有写明年份的日期"
    return (
        f"日期“{raw}”没有写年份：本行、表格标题和文件名都没有写年份，{why}；"
        "请写明年份（如 2026年6月26日），或在标题或文件名中注明年份"
    )


def clean(value: Any) -> str | None:
    """A cell as text, None when blank or a placeholder such as “/” or “无”."""
    if value is None:
        return None
    if type(value) is str:
        found = value.strip()
        if found and not found.isprintable():
            found = text(found) or ""
    else:
        found = text(value) or ""
    if not found or (len(found) <= 4 and found.lower() in NULL_TOKENS):
        return None
    return found


def due_year(missing: NeedsYear, raised: date) -> date:
    """A month-day deadline in the year it was raised, or the next year when its month comes
    before the raised month (12月28日 raised, 1月5日前); in the raised month but before the
    raised day the year cannot be told: Bad, never a guess."""
    if missing.month == raised.month and missing.day < raised.day:
        raise Bad(
            f"办理时限“{missing.raw}”没有写年份，早于反映日期 {raised}，无法确定是哪一年；"
            f"请写明年份（如 {raised.year}年{missing.month}月{missing.day}日）"
        )
    return missing.on(raised.year + (missing.month < raised.month))


_MISSING = object()


class Message(str):
    """A refusal worked out once (a word already found unknown): kept, then reported."""


def memo(read: Callable[[str], Any]) -> Callable[[Any], Any]:
    """``read`` of a cell's cleaned text, worked out once per distinct text (communities,
    units, categories, statuses recur on every row): its value, None for a blank cell, or
    the Message of a bad one."""
    known: dict[str, Any] = {}

    def cell(raw: Any) -> Any:
        if raw is None:  # an empty cell, or a column the sheet does not have
            return None
        if type(raw) is str:  # (1, 1.0 and True are one dict key: only texts are kept)
            found = known.get(raw, _MISSING)
            if found is not _MISSING:
                return found
        text = clean(raw)
        if text is None:
            found = None
        else:
            try:
                found = read(text)
            except Bad as error:
                found = Message(str(error))
        if type(raw) is str:
            known[raw] = found
        return found

    return cell


def checked(problems: list[tuple[str, str]], code: str, found: Any, default: Any) -> Any:
    """A :func:`memo`'s answer: the value, ``default`` for a blank cell or (noted) a bad one."""
    if found is None:
        return default
    if type(found) is Message:
        problems.append((code, str(found)))
        return default
    return found
