"""Meeting minutes kept as a sheet: a line naming a meeting, then the problems raised there.

A line such as ``6月3日 每周夜话 主持人：李建忠 参会23人`` (one cell, or merged across the
table) starts a meeting; the rows below it, up to the next such line, are its items: they
take its date where theirs is empty and its kind as their source. A book or sheet whose
title names 拉呱说事 or 每周夜话 gives its items that source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ledger.io.importer import values
from ledger.io.importer.report import BadRow, ImportOutcome
from ledger.io.importer.rows import Layout

# What makes a text-only row worth a closer look (rows.classify calls it on such rows).
MARK = re.compile(r"夜话|说事|拉呱")
_KIND = (("night_talk", re.compile(r"夜话")), ("shuoshi", re.compile(r"说事|拉呱")))
_DATE = re.compile(
    r"(?:20\d{2}\s*[年./-]\s*)?\d{1,2}\s*[月./-]\s*\d{1,2}\s*[日号]?|20\d{2}[01]\d[0-3]\d"
)
_HOST = re.compile(r"主持(?:人)?\s*[:：]?\s*([\u4e00-\u9fff·]{2,5}?)(?=[\s,，;；、(（]|参|$)")
_ATTENDANCE = re.compile(
    r"(?:参会|参加|到会|出席|参与|与会)(?:人数|人员)?\s*[:：]?\s*(\d{1,4})\s*(?:人|名)"
    r"|(\d{1,4})\s*(?:人|名)\s*(?:参会|参加|到会|出席|参与)"
)
_PLACE = re.compile(r"地点\s*[:：]\s*(\S+)")
NOT_A_MEETING: Any = object()  # a marked line that names no meeting: read as a row


@dataclass(eq=False)
class Meeting:
    """A meeting named in a sheet; ``id`` is set once it is matched or written."""

    sheet: str
    row: int | None
    line: str
    kind: str
    held: date | values.NeedsYear | None
    host: str | None
    attendees: int | None
    note: str | None
    ids: dict[int, int] = field(default_factory=dict)  # community id → meeting id
    cells: tuple[object, ...] = ()  # the line's row, for the file of rows to fix
    saved: bool = False  # already in that file

    def held_on(self) -> date | None:
        return self.held if isinstance(self.held, date) else None


def kind_of(text: str) -> str | None:
    """The meeting kind a text names (每周夜话 → night_talk, 拉呱说事 → shuoshi), or None."""
    for kind, pattern in _KIND:
        if pattern.search(text):
            return kind
    return None


def read_line(
    text: str, sheet: str, row: int | None, *, today: date, year_hint: int | None
) -> Meeting | None:
    """The meeting a line names, or None when the line is not one (a title such as
    “2026年每周夜话问题台账” names no date, host or attendance). A date that cannot be read
    raises :class:`values.Bad`."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    kind = kind_of(cleaned)
    if kind is None:
        return None
    found_date = _DATE.search(cleaned)
    host = _HOST.search(cleaned)
    attendance = _ATTENDANCE.search(cleaned)
    if found_date is None and host is None and attendance is None:
        return None
    held: date | values.NeedsYear | None = None
    if found_date is not None:
        try:
            held = values.parse_day(
                found_date.group(0), today=today, year_hint=year_hint, strict=True
            )
        except values.NeedsYear as missing:
            held = missing
    attendees = None
    if attendance is not None:
        attendees = int(attendance.group(1) or attendance.group(2))
    place = _PLACE.search(cleaned)
    return Meeting(
        sheet,
        row,
        text.strip(),
        kind,
        held,
        host.group(1) if host else None,
        attendees,
        f"地点：{place.group(1)}" if place else None,
    )


def line_text(row: tuple[object, ...]) -> str | None:
    """The text of a row that holds one text only (one cell, or one merged across)."""
    found: str | None = None
    for value in row:
        if value is None or value == "":
            continue
        if type(value) is not str:
            return None
        stripped = value.strip()
        if not stripped:
            continue
        if found is None:
            found = stripped
        elif stripped != found:
            return None
    return found


def cells_text(row: tuple[object, ...]) -> str | None:
    """The text of a row whose filled cells are all text or dates, joined with spaces: a
    line written over several cells (6月3日 | 每周夜话 | 主持人：李建忠 | 参会23人)."""
    parts: list[str] = []
    for value in row:
        if value is None or value == "":
            continue
        if type(value) is str:
            if value.strip():
                parts.append(value.strip())
        elif type(value) is datetime:  # Excel made 6月3日 a date, with the year it was typed
            parts.append(f"{value.year}年{value.month}月{value.day}日")
        else:
            return None  # a number: a row of the table (序号, a phone)
    return " ".join(parts) if len(parts) > 1 else None


def line_test(layout: Layout) -> Callable[[object, tuple[object, ...]], bool]:
    """Whether a row whose first filled cell is ``first`` may be a meeting's line
    (Layout.marks): one text naming 夜话/说事, or cells of text that name one with a host or
    an attendance, or with a date while the table's 问题 column is empty."""
    title = layout.first("title")

    def is_line(first: object, row: tuple[object, ...]) -> bool:
        if type(first) is str and MARK.search(first) and line_text(row) is not None:
            return True
        text = cells_text(row)
        if text is None or MARK.search(text) is None:
            return False
        if _HOST.search(text) or _ATTENDANCE.search(text):
            return True
        untitled = title is None or title >= len(row) or not row[title]
        return untitled and _DATE.search(text) is not None

    return is_line


def title_meeting(layout: Layout, today: date) -> Meeting | None:
    """A meeting named in the lines above a sheet's header (the minutes of one meeting)."""
    for text in layout.titles:
        try:
            found = read_line(text, layout.sheet, None, today=today, year_hint=layout.year_hint)
        except values.Bad:
            continue
        if found is not None and found.held is not None:
            return found
    return None


def line_meeting(layout: Layout, number: int, row: tuple[object, ...], today: date) -> Any:
    """The meeting a marked line starts; the sentence saying why it cannot be read; or
    NOT_A_MEETING for a line that names none."""
    text = line_text(row) or cells_text(row) or ""
    try:
        found = read_line(text, layout.sheet, number, today=today, year_hint=layout.year_hint)
    except values.Bad as error:
        return str(error)
    if found is None:
        return NOT_A_MEETING
    if found.held is None:
        return f"会议行“{text}”没有写日期（如“6月3日 每周夜话 主持人：李建忠 参会23人”）"
    if isinstance(found.held, date) and found.held > today:
        return f"会议日期 {found.held} 晚于今天（{today}）"
    found.cells = row
    return found


def settle_year(meeting: Meeting, year: int | None, years: list[int], today: date) -> str | None:
    """Give a meeting dated 6月3日 the one year of the file's other rows; else (the date
    then unknown) the sentence saying why."""
    held = meeting.held
    if not isinstance(held, values.NeedsYear):
        return None
    message: str
    if year is not None:
        try:
            meeting.held = held.on(year)
            if meeting.held <= today:
                return None
            message = f"会议日期 {meeting.held} 晚于今天（{today}）"
        except values.Bad as error:
            message = str(error)
    else:
        message = values.no_year(held.raw, years)
    meeting.held = None
    return message


def keep_line(report: ImportOutcome, meeting: Meeting | None, position: int) -> None:
    """A bad row of a meeting's block goes to the file of rows to fix under its meeting's
    line (once), so that the fixed file imports into the same meeting."""
    if meeting is None or meeting.row is None or meeting.saved:
        return
    meeting.saved = True
    report.bad.insert(position, BadRow(meeting.sheet, meeting.row, meeting.cells, [], line=True))
