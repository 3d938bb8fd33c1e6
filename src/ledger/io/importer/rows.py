"""The shape of a real-world sheet: where the header is, which rows are data.

Above the header there may be a title or two (often merged across the width) and a line like
“填报单位：…”; the header itself may take two rows (a group heading such as 办理情况 over
办理结果 / 办结日期); below it come data rows mixed with blank rows, template rows that hold
only a 序号, repeated headers (printed pages), 小计/合计 rows and a footer such as
“填表人：… 审核人：…”. Cells merged over several rows (a 社区 or a date written once for a
group) hold their value in every row they cover, as the clerk sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ledger.domain.errors import LedgerError
from ledger.io.importer import values
from ledger.io.importer.headers import CONTAINS_MAX, IGNORE, REPEATABLE, Vocabulary, normalise
from ledger.io.importer.reading import Row, Sheet

HEADER_SCAN_ROWS = 30  # the header is looked for in a sheet's first rows
_TOTAL = re.compile(r"^\s*(合\s*计|总\s*计|小\s*计|共\s*计|累\s*计)(\s|[:：(（\d]|$)")
_FOOTER = re.compile(
    r"^\s*(填表人|制表人|审核人|审批人|填报人|填表日期|制表日期|填报日期|填报单位|审核|备注|说明|注"
    r"|单位负责人|负责人|联系人|统计人|报送单位|制表单位|领导签字|签字)\s*[:：]"
)
# A signature line anywhere in the first text: 社区书记（签字）：, 经办人签名：, （盖章）.
_SIGNATURE = re.compile(r"(签字|签名|盖章)\s*[)）]?\s*[:：]|[(（]\s*(签字|签名|盖章)\s*[)）]\s*$")
_YEAR = re.compile(r"(20\d{2})\s*(年|[-./]\s*\d)")


def column_letter(index: int) -> str:
    """0 → A, 26 → AA."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class Mark(tuple):  # type: ignore[type-arg]
    """A row that is a line of its own between the table's rows (see ``Layout.marks``)."""

    __slots__ = ()


@dataclass
class Layout:
    """Where a sheet's fields are: field → column index (0-based), and the headings."""

    sheet: str
    header_rows: tuple[int, ...]
    columns: dict[str, list[int]]
    headings: dict[int, str]
    unused: list[str] = field(default_factory=list)
    year_hint: int | None = None
    context: list[str] = field(default_factory=list)  # title rows, sheet and file name
    titles: list[str] = field(default_factory=list)  # the texts above the header, once each
    problems: list[tuple[int | None, str]] = field(default_factory=list)  # (column, message)
    # For a kind of import whose sheets may hold lines that are not rows of the table (a
    # meeting's heading in minutes): (first text, row) → whether the row is such a line.
    marks: Callable[[object, Row], bool] | None = None

    def first(self, code: str) -> int | None:
        found = self.columns.get(code)
        return found[0] if found else None

    def describe(self, index: int | None) -> str:
        """C列“联系电话” for messages."""
        if index is None:
            return ""
        heading = self.headings.get(index, "")
        return f"{column_letter(index)}列“{heading}”" if heading else f"{column_letter(index)}列"


def merged_rows(sheet: Sheet) -> Iterator[tuple[int, Row]]:
    """The sheet's rows with each merged range's value copied into every cell it covers."""
    if not sheet.merges:
        yield from sheet.rows()
        return
    starting: dict[int, list[tuple[int, int, int, int]]] = {}
    for merge in sheet.merges:
        if merge[0] != merge[2] or merge[1] != merge[3]:
            starting.setdefault(merge[0], []).append(merge)
    active: list[tuple[int, int, int, object]] = []  # (last row, first col, last col, value)
    for number, row in sheet.rows():
        if active:
            active = [a for a in active if a[0] >= number]
        for _r1, c1, r2, c2 in starting.get(number, ()):
            anchor = row[c1 - 1] if c1 - 1 < len(row) else None
            active.append((r2, c1, c2, anchor))
        if active:
            cells = list(row)
            for _, c1, c2, anchor in active:
                if len(cells) < c2:
                    cells.extend([None] * (c2 - len(cells)))
                for column in range(c1 - 1, c2):
                    cells[column] = anchor
            row = tuple(cells)
        yield number, row


def find_layout(
    sheet_name: str,
    head: list[tuple[int, Row]],
    vocabulary: Vocabulary,
    overrides: dict[str, str],
    hints: tuple[str, ...] = (),
) -> Layout | None:
    """Find the header among a sheet's first rows and map its columns; None when none is seen.

    The header is the first row naming at least two different fields; when the next row
    names fields too and holds no data, it is the lower half of a two-row header.
    """
    for position, (number, row) in enumerate(head):
        fields = _fields(row, vocabulary, overrides)
        if len({f for f in fields.values() if f not in REPEATABLE}) < 2:
            continue
        headings = {i: values.text(v) or "" for i, v in enumerate(row) if values.text(v)}
        header_rows: tuple[int, ...] = (number,)
        if position + 1 < len(head):
            below_number, below = head[position + 1]
            lower = _fields(below, vocabulary, overrides, exact_only=True)
            if _is_lower_header(below, lower):
                header_rows = (number, below_number)
                for index, value in enumerate(below):
                    heading = values.text(value)
                    if not heading:
                        continue
                    # The specific heading below wins over the group heading above it.
                    headings[index] = heading
                    if index in lower:
                        fields[index] = lower[index]
                    else:
                        fields.pop(index, None)
        titles = [values.text(v) or "" for _, r in head[:position] for v in r]
        return _layout(sheet_name, header_rows, fields, headings, overrides, titles, hints)
    return None


def _is_lower_header(row: Row, recognised: dict[int, str]) -> bool:
    """The second row of a two-row header: short words without digits, mostly known."""
    cells = [values.text(v) for v in row]
    filled = [c for c in cells if c]
    if not recognised or not filled or 2 * len(recognised) < len(filled):
        return False
    return all(
        isinstance(v, str) and len(c) <= CONTAINS_MAX and not any(ch.isdigit() for ch in c)
        for v, c in zip(row, cells, strict=True)
        if c
    )


def _fields(
    row: Row, vocabulary: Vocabulary, overrides: dict[str, str], *, exact_only: bool = False
) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, value in enumerate(row):
        if not isinstance(value, str) or not value.strip():
            continue
        key = normalise(value)
        code = overrides.get(key) or vocabulary.match(value, exact_only=exact_only)
        if code:
            found[index] = code
    return found


def _layout(
    sheet_name: str,
    header_rows: tuple[int, ...],
    fields: dict[int, str],
    headings: dict[int, str],
    overrides: dict[str, str],
    titles: list[str],
    hints: tuple[str, ...],
) -> Layout:
    columns: dict[str, list[int]] = {}
    for index in sorted(fields):
        columns.setdefault(fields[index], []).append(index)
    layout = Layout(sheet_name, header_rows, columns, headings)
    seen = {normalise(text) for text in headings.values()}
    for heading in overrides:
        if heading not in seen:
            listed = "、".join(headings[i] for i in sorted(headings))
            layout.problems.append(
                (None, f"--map 指定的列“{heading}”不在表头中（表头为：{listed}）")
            )
    for code, indexes in columns.items():
        if code not in REPEATABLE and len(indexes) > 1:
            named = "、".join(layout.describe(i) for i in indexes)
            layout.problems.append(
                (
                    indexes[1],
                    f"{named} 都像是同一项内容；请用 --map 指明用哪一列，另一列写成 列名=ignore",
                )
            )
    columns.pop(IGNORE, None)
    layout.unused = [headings[i] for i in sorted(headings) if i not in fields]
    layout.context = [t for t in [*titles, sheet_name, *hints] if t]
    layout.titles = list(dict.fromkeys(t for t in titles if t))
    for text in layout.context:
        match = _YEAR.search(text)
        if match:
            layout.year_hint = int(match.group(1))
            break
    return layout


def classify(row: Row, layout: Layout, used: tuple[int, ...]) -> str:
    """'data', 'mark' (see ``Layout.marks``), or why the row is not data: 'blank', 'total',
    'footer', 'header'.

    Only ``used`` columns make a row data: a template row numbered 1…100 in its 序号 column
    but otherwise empty is blank. (Called for every row: kept to a few comparisons.)
    """
    first: object = None
    for value in row:
        if value is not None and value != "" and (type(value) is not str or value.strip()):
            first = value
            break
    else:
        return "blank"
    if type(first) is str:
        if _TOTAL.match(first):
            return "total"
        if _FOOTER.match(first) or (("签" in first or "章" in first) and _SIGNATURE.search(first)):
            return "footer"
        if layout.marks is not None and layout.marks(first, row):
            return "mark"
    elif type(first) is datetime and layout.marks is not None and layout.marks(first, row):
        return "mark"  # a meeting's line over several cells, its date made a date by Excel
    width = len(row)
    for index in used:
        if index < width:
            value = row[index]
            if value is not None and value != "" and (type(value) is not str or value.strip()):
                break
    else:
        return "blank"
    if type(first) is str:
        headings = layout.headings
        same = 0
        for index in used:
            if index < width and row[index] == headings.get(index):
                same += 1
        if same >= 2:
            return "header"
    return "data"


def data_columns(layout: Layout) -> tuple[int, ...]:
    """Columns whose content makes a row data: every mapped one but 序号 and 备注."""
    return tuple(
        sorted(
            i for code, idx in layout.columns.items() if code not in ("number", "note") for i in idx
        )
    )


def select_sheets(sheets: list[Sheet], wanted: list[str] | None, hidden: list[str]) -> list[Sheet]:
    """The sheets asked for with --sheet (by name or 1-based position), else every visible one."""
    if not wanted:
        visible = [s for s in sheets if s.name not in hidden]
        return visible or sheets
    chosen: list[Sheet] = []
    for name in wanted:
        match = [s for s in sheets if s.name == name or s.name.strip() == name.strip()]
        if not match and name.isdigit() and 1 <= int(name) <= len(sheets):
            match = [sheets[int(name) - 1]]
        if not match:
            listed = "、".join(s.name for s in sheets)
            raise LedgerError(f"没有名为“{name}”的工作表；文件中的工作表：{listed}")
        chosen.extend(m for m in match if m not in chosen)
    return chosen
