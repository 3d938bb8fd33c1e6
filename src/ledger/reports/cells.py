"""What goes into a cell, and how a row of cells is written.

Safety (docs/storage.md, "Spreadsheets"): every string is written as a text cell — never a
formula — and a string that would look like one (= + - @ after NFKC, or a leading tab/CR) also
gets ``quotePrefix``; control characters Excel refuses are removed; text is capped at 32,767
characters.

Speed: openpyxl builds and serialises an XML element per cell, which was most of a report's
time. The sheets of the report hand openpyxl whole rows of XML instead (:func:`stream_rows`),
written exactly as openpyxl writes them: inline strings, numbers, dates as day serials.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import date, datetime
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from ledger.domain.text import looks_like_formula

MAX_CELL_TEXT = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value: str) -> tuple[str, bool]:
    """(text fit for a cell, whether it must be quoted so Excel never reads it as a formula)."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if len(value) > MAX_CELL_TEXT:
        value = value[:MAX_CELL_TEXT]
    return value, looks_like_formula(value)


def set_text(cell: Any, value: str) -> None:
    """Put ``value`` in an ordinary (not write-only) cell as text, never as a formula."""
    text, quoted = safe_text(value)
    cell.value = text
    cell.data_type = "s"
    cell.quotePrefix = quoted


# A registered style: the array copied into cells, and its index in the workbook's cell styles.
Style = tuple[StyleArray, int]
# A cell until its row is written: its value (None, text made safe, number, date) and style.
Entry = tuple[Any, Style]
# Value types written as they are; anything else is written as its text.
PLAIN = frozenset((int, float, bool, date, datetime))
FAST_ROWS = True  # rows as XML strings under et_xmlfile (a test turns it off to compare)


def entry(value: Any, style: Style, quoted: Style) -> Entry:
    """A value made fit for its cell, with its style (``quoted`` for text that needs it).

    The value's type is settled here rather than guessed by openpyxl: strings are always
    text (never a formula or an error code), numbers numbers, dates dates.
    """
    kind = type(value)
    if kind is str:
        text, needs_quote = safe_text(value)
        return text, quoted if needs_quote else style
    if value is None or kind in PLAIN:
        return value, style
    return entry(str(value), style, quoted)


def stream_rows(ws: Any) -> None:
    """Write the head of the write-only sheet ``ws`` now (widths, panes, printing: set them
    first) and take over writing its rows: ``ws.append((height or None, [Entry, ...]))``."""
    ws._get_writer()
    openpyxl_row = ws._writer.write_row
    letters: list[str] = []  # A, B, C …

    def write_row(xf: Any, row: tuple[float | None, list[Entry]], index: int) -> None:
        height, entries = row
        while len(letters) < len(entries):
            letters.append(get_column_letter(len(letters) + 1))
        write = getattr(xf, "_file", None)  # et_xmlfile's writer of text
        if FAST_ROWS and callable(write):
            write(row_xml(index, height, entries, letters))
            return
        # Another XML writer (lxml): openpyxl's own cells.
        if height:
            ws.row_dimensions[index].height = height
        cells = [_cell(ws, index, column, *pair) for column, pair in enumerate(entries, 1)]
        openpyxl_row(xf, cells, index)

    ws._writer.write_row = write_row
    ws._values_to_row = _as_is


def _as_is(row: Any, index: int) -> Any:
    """Stands in for WriteOnlyWorksheet._values_to_row: the row goes to write_row as it is."""
    return row


class _ReadyCell(Cell):
    """A cell whose style id is known beforehand: openpyxl would hash its style per cell."""

    __slots__ = ("has_style", "style_id")


def _cell(ws: Any, row: int, column: int, value: Any, style: Style) -> Cell:
    """The openpyxl cell of an entry."""
    cell = _ReadyCell(ws, row=row, column=column)
    cell.has_style = True
    cell._style, cell.style_id = style
    if type(value) is str:
        cell._value, cell.data_type = value, "s"
    elif value is not None:
        cell.value = value
    return cell


def row_xml(index: int, height: float | None, entries: list[Entry], letters: list[str]) -> str:
    """The XML of one row, as openpyxl writes it: inline strings, numbers, dates as serials."""
    parts = [
        f'<row r="{index}" ht="{height:.16g}" customHeight="1">' if height else f'<row r="{index}">'
    ]
    for letter, (value, style) in zip(letters, entries, strict=False):
        head = f'<c r="{letter}{index}" s="{style[1]}"'
        kind = type(value)
        if kind is str and value:
            if "&" in value or "<" in value or ">" in value:
                value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
            parts.append(f'{head} t="inlineStr"><is><t{space}>{value}</t></is></c>')
        elif kind is int:
            parts.append(f'{head} t="n"><v>{value}</v></c>')
        elif kind is float and math.isfinite(value):
            parts.append(f'{head} t="n"><v>{value:.16g}</v></c>')
        elif kind is date or kind is datetime:
            parts.append(f'{head} t="n"><v>{_serial(value)}</v></c>')
        elif kind is bool:
            parts.append(f'{head} t="b"><v>{int(value)}</v></c>')
        else:  # empty: the cell is still written, for its borders
            parts.append(f"{head}/>")
    parts.append("</row>")
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def _serial(value: date) -> str:
    """Excel's day number of a date (1900 date system, as openpyxl writes it)."""
    return f"{to_excel(value):.16g}"


def as_date(value: str | None) -> date | None:
    """A stored date as a real date for Excel ('' and None stay empty)."""
    return date.fromisoformat(value[:10]) if value else None
