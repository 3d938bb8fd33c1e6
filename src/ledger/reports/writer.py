"""The one writer: turns a :class:`~ledger.reports.layouts.Layout` and row dicts into a sheet.

openpyxl's write-only mode streams each row to disk as it is appended, so memory does not grow
with the number of rows. Styles are registered once per column (with their index in the book)
and shared by that column's cells, instead of being set attribute by attribute on every cell;
and values are typed here rather than guessed per cell.

Safety (docs/storage.md, "Spreadsheets"): every string is written as a text cell — never a formula — and a string
that would look like one (= + - @ after NFKC, or a leading tab/CR) also gets ``quotePrefix``;
control characters Excel refuses are removed; text is capped at 32,767 characters. The book is
saved under a temporary name in the target folder and renamed, so a crash never leaves a
half-written workbook under the real name.
"""

from __future__ import annotations

import functools
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ledger.domain.labels import REPORT_TEXT
from ledger.reports.layouts import Layout

MAX_CELL_TEXT = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = frozenset("=+-@\t\r")
DASH = REPORT_TEXT["none"]

FONT_NAME = "宋体"  # present wherever Chinese Excel or WPS is; LibreOffice maps it to a CJK font
HEADER_FILL = "DDEBF7"
TOTAL_FILL = "F2F2F2"
NUMBER_FORMATS = {
    "int": "0",
    "rate": "0.0%",
    "score": "0.0",
    "date": "yyyy-mm-dd",
    "delta": "+0;-0;0",
    "delta_rate": "+0.0%;-0.0%;0.0%",
}
NUMERIC_KINDS = frozenset(("int", "rate", "score", "delta", "delta_rate"))
A4 = 9
MAX_WIDTH = 60


# East Asian Wide and Fullwidth characters (CJK, kana, hangul, full-width forms): a regular
# expression counts them far faster than unicodedata.east_asian_width per character.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U00016fe0-\U00018aff\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)


def save_workbook(workbook: Any, path: Path) -> Path:
    """Write through a temporary file renamed into place: a failure (a full disk, the file
    open in Excel) never leaves half a workbook, nor the temporary file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def print_on_a4(
    ws: Any,
    *,
    landscape: bool = True,
    one_page: bool = False,
    margins: tuple[float, float] = (0.4, 0.6),
    centred: bool = False,
    page_numbers: bool = False,
) -> None:
    """How every sheet, letter and slip prints: A4, fitted to the page width (and height when
    ``one_page``), margins (sides, top and bottom) in inches, page numbers in the footer."""
    setup = ws.page_setup
    setup.orientation = "landscape" if landscape else "portrait"
    setup.paperSize = A4
    setup.fitToWidth = 1
    setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = margins[0]
    ws.page_margins.top = ws.page_margins.bottom = margins[1]
    if centred:
        ws.print_options.horizontalCentered = True
    if page_numbers:
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.size = 9


def text_width(text: str) -> int:
    """Display width: a wide (Chinese) character counts as two."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


def header_width(label: str) -> float:
    """A width that shows a column title on one line up to four characters, else on two."""
    width = text_width(label)
    if width > 8:
        width = math.ceil(width / 4) * 2  # two lines, the longer one first
    return round(width * 0.9 + 1.6, 1)


DEFAULT_ROW_HEIGHT = 18.0  # points: one line of 10.5 pt text with some air
LINE_HEIGHT = 14.5  # points per wrapped line of 10.5 pt text (measured on LibreOffice's print)


def wrapped_lines(text: str, room: float) -> int:
    """Lines ``text`` takes in a column ``room`` units wide (breaks on any character, as CJK)."""
    return sum(max(1, math.ceil(text_width(part) / room)) for part in text.split("\n"))


# --- the printed scale (fit to one page wide) -------------------------------------------

A4_POINTS = (595.3, 841.9)  # portrait width, height


# A column width counts digits of the default font: 7 px in Excel and WPS (Calibri or 宋体
# 11 pt). LibreOffice on a machine with neither font (nor metric-compatible Carlito) measures
# with DejaVu Sans, 9 px a digit: every column a quarter wider, the printout that much smaller.
DIGIT_PX = {"excel": 7, "libreoffice_fallback": 9}


def column_points(width: float, digit: int = 7) -> float:
    """Printed points of a column ``width`` characters wide (``digit`` px a digit + 5 px)."""
    return math.trunc(width * digit + 5) * 0.75


def printed_scale(
    widths: Iterable[float],
    *,
    landscape: bool = True,
    left: float = 0.4,
    right: float = 0.4,
    digit: int = 7,
) -> float:
    """The scale a sheet fitted to one page wide prints at (1.0 when it fits as it is).

    ``widths`` are the column widths in Excel character units, margins in inches.
    """
    paper = A4_POINTS[1] if landscape else A4_POINTS[0]
    room = paper - (left + right) * 72
    table = sum(column_points(width, digit) for width in widths)
    return min(1.0, room / table) if table else 1.0


def sheet_scale(ws: Any, digit: int = 7) -> float | None:
    """:func:`printed_scale` of a sheet read back with openpyxl (None unless fit to width)."""
    properties = ws.sheet_properties.pageSetUpPr
    if not (properties and properties.fitToPage and ws.page_setup.fitToWidth == 1):
        return None
    widths = []
    for index in range(1, ws.max_column + 1):
        dimension = ws.column_dimensions.get(get_column_letter(index))
        widths.append(dimension.width if dimension and dimension.width else 8.43)
    return printed_scale(
        widths,
        landscape=ws.page_setup.orientation == "landscape",
        left=ws.page_margins.left,
        right=ws.page_margins.right,
        digit=digit,
    )


def safe_text(value: str) -> tuple[str, bool]:
    """(text fit for a cell, whether it must be quoted so Excel never reads it as a formula)."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if len(value) > MAX_CELL_TEXT:
        value = value[:MAX_CELL_TEXT]
    return value, bool(value) and _looks_like_formula(value[0])


@functools.cache
def _looks_like_formula(first: str) -> bool:
    """= + - @ (tab, CR), also full-width or other forms that NFKC turns into them (＝ ﹢ ⁺)."""
    return unicodedata.normalize("NFKC", first)[:1] in _FORMULA_START


class _ReadyCell(Cell):
    """A cell whose style id is known beforehand: openpyxl would hash its style per cell."""

    __slots__ = ("has_style", "style_id")


# A registered style: the array copied into cells, and its index in the workbook's cell styles.
Style = tuple[StyleArray, int]


class Book:
    """A workbook being written, saved atomically to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.workbook = Workbook(write_only=True)
        self.sheets: list[SheetWriter] = []
        self._styles: dict[tuple[Any, ...], Style] = {}
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def style(
        self,
        *,
        bold: bool = False,
        size: float = 10.5,
        fill: str | None = None,
        border: bool = True,
        horizontal: str = "left",
        wrap: bool = False,
        number_format: str | None = None,
        quote: bool = False,
    ) -> Style:
        """A style registered in this book (made once, shared by every cell that uses it)."""
        key = (bold, size, fill, border, horizontal, wrap, number_format, quote)
        found = self._styles.get(key)
        if found is not None:
            return found
        # A throwaway cell registers fonts, fills, formats in the workbook and yields the ids.
        cell = Cell(None)  # type: ignore[arg-type]
        cell.parent = _Parent(self.workbook)  # type: ignore[assignment]
        cell.font = Font(name=FONT_NAME, size=size, bold=bold)
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        if border:
            cell.border = self.border
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
        if number_format:
            cell.number_format = number_format
        style = StyleArray(cell._style)
        style.quotePrefix = 1 if quote else 0
        self._styles[key] = (style, self.workbook._cell_styles.add(style))
        return self._styles[key]

    def quoted(self, style: Style) -> Style:
        """The same style with quotePrefix: Excel keeps the text as text even when edited."""
        array = StyleArray(style[0])
        array.quotePrefix = 1
        return array, self.workbook._cell_styles.add(array)

    def sheet(
        self,
        layout: Layout,
        title: str,
        info: str,
        hints: Mapping[str, Iterable[str]] | None = None,
        note: str | None = None,
    ) -> SheetWriter:
        """Start a sheet: title row, info row, the note (说明), header rows; then append rows.

        The note sits above the table, not under it: a note after the last row could land on
        a page of its own with nothing but the repeated header above it.
        """
        writer = SheetWriter(self, layout, title, info, hints or {}, note)
        self.sheets.append(writer)
        return writer

    def chart_sheet(self, name: str, title: str, charts: list[Any]) -> None:
        """A sheet holding only charts (one under another), printed on one A4 page."""
        ws = self.workbook.create_sheet(name)
        # Page setup before the first row: a write-only sheet writes its properties then.
        print_on_a4(ws, one_page=True, page_numbers=True)
        style = self.style(bold=True, size=16, border=False, horizontal="left")
        cell = _ReadyCell(ws)
        cell.has_style = True
        cell._value, cell.data_type = title, "s"
        cell._style, cell.style_id = style
        ws._values_to_row = _place_cells
        ws.row_dimensions[1].height = 30
        ws.append([cell])
        # One chart across the page, or two side by side: a chart that runs past the page's
        # foot would print its lower part alone on the next page (charts are not scaled).
        if len(charts) == 1:
            charts[0].width, charts[0].height = 25.0, 13.0
            ws.add_chart(charts[0], "A3")
        else:
            for index, chart in enumerate(charts):
                chart.width, chart.height = 12.8, 12.0
                ws.add_chart(
                    chart, f"{get_column_letter(1 + 8 * (index % 2))}{3 + 26 * (index // 2)}"
                )

    def save(self, order: list[str] | None = None) -> Path:
        """Close the sheets, put them in ``order`` (sheet titles), write, rename into place."""
        for sheet in self.sheets:
            sheet.finish()
        if order:
            position = {name: index for index, name in enumerate(order)}
            self.workbook._sheets.sort(key=lambda ws: position.get(ws.title, len(position)))
        return save_workbook(self.workbook, self.path)

    def discard(self) -> None:
        """Give up this book (nothing to report): close its temporary sheet files."""
        for sheet in self.sheets:
            if not sheet.worksheet.closed:
                sheet.worksheet.close()


class _Parent:
    """Just enough of a worksheet for a detached cell to register styles in a workbook."""

    def __init__(self, workbook: Workbook) -> None:
        self.parent = workbook


class SheetWriter:
    """Writes one layout's rows, styled from the layout, to a write-only sheet."""

    def __init__(
        self,
        book: Book,
        layout: Layout,
        title: str,
        info: str,
        hints: Mapping[str, Iterable[str]],
        note: str | None = None,
    ) -> None:
        self.book = book
        self.layout = layout
        self.ws = book.workbook.create_sheet(layout.title)
        self.worksheet = self.ws
        columns = layout.columns
        self.width = len(columns)
        self.last_letter = get_column_letter(self.width)
        self.header_first = 4 if note else 3
        self.header_last = self.header_first + (1 if layout.grouped else 0)
        self.first_data_row = self.header_last + 1
        self.table_width = 0.0  # in character units, the sum of the column widths
        self.row_index = 0  # rows written so far
        self.data_rows = 0
        self._plain: list[Style] = []
        self._quoted: list[Style] = []
        self._bold: list[Style] = []
        self._bold_quoted: list[Style] = []
        for column in columns:
            horizontal = "left" if column.kind == "text" else "center"
            number_format = NUMBER_FORMATS.get(column.kind)
            options = {
                "horizontal": horizontal,
                "wrap": column.wrap,
                "number_format": number_format,
            }
            self._plain.append(book.style(**options))  # type: ignore[arg-type]
            self._quoted.append(book.style(**options, quote=True))  # type: ignore[arg-type]
            self._bold.append(book.style(**options, bold=True, fill=TOTAL_FILL))  # type: ignore[arg-type]
            self._bold_quoted.append(book.quoted(self._bold[-1]))
        self._keys = [(c.key, c.kind in NUMERIC_KINDS) for c in columns]
        self.widths: list[float] = []
        self._dash = book.style(horizontal="center")
        self._dash_bold = book.style(horizontal="center", bold=True, fill=TOTAL_FILL)
        # Rows arrive as ready-made cells: place them, skip openpyxl's per-value guessing.
        self.ws._values_to_row = _place_cells
        self._setup(hints)
        # Wrapped columns: the characters one line holds (a CJK character counts two units,
        # and a cell loses about one unit to its padding).
        self._wrapped = [
            (column.key, max(self.widths[index] - 0.8, 2.0))
            for index, column in enumerate(columns)
            if column.wrap
        ]
        self._heading(title, info, note)

    # --- before the first row: widths, frozen panes, printing --------------------------

    def _setup(self, hints: Mapping[str, Iterable[str]]) -> None:
        ws = self.ws
        for position, column in enumerate(self.layout.columns, start=1):
            width = max(column.width, header_width(column.label))
            most = column.most or MAX_WIDTH
            for value in hints.get(column.key, ()):
                width = max(width, min(text_width(value) + 1, most))
            ws.column_dimensions[get_column_letter(position)].width = min(width, MAX_WIDTH)
            self.widths.append(min(width, MAX_WIDTH))
            self.table_width += min(width, MAX_WIDTH)
        frozen = get_column_letter(self.layout.freeze_columns + 1)
        ws.freeze_panes = f"{frozen}{self.first_data_row}"
        ws.row_dimensions[1].height = 30
        # Rows without wrapped text: a fixed height with room above and below the text.
        ws.sheet_format.defaultRowHeight = DEFAULT_ROW_HEIGHT
        ws.sheet_format.customHeight = True
        if self.layout.grouped:
            ws.row_dimensions[self.header_first].height = 20
        ws.row_dimensions[self.header_last].height = 32  # room for a title on two lines
        print_on_a4(ws, centred=True, page_numbers=True)
        ws.print_title_rows = f"{self.header_first}:{self.header_last}"

    def _heading(self, title: str, info: str, note: str | None) -> None:
        book = self.book
        title_style = book.style(bold=True, size=16, border=False, horizontal="center")
        info_style = book.style(size=10, border=False, horizontal="left", wrap=True)
        self._merged_row(title, title_style, 1)
        self.ws.row_dimensions[2].height = self._height(info, 10, minimum=20)
        self._merged_row(info, info_style, 2)
        if note:
            note_style = book.style(size=9, border=False, wrap=True)
            self.ws.row_dimensions[3].height = self._height(note, 9)
            self._merged_row(note, note_style, 3)
        header = book.style(bold=True, fill=HEADER_FILL, horizontal="center", wrap=True)
        columns = self.layout.columns
        if not self.layout.grouped:
            self._append([self._cell(column.label, header) for column in columns])
            return
        top: list[Cell] = []
        bottom: list[Cell] = []
        position = 0
        while position < len(columns):
            column = columns[position]
            letter = get_column_letter(position + 1)
            if column.group is None:
                top.append(self._cell(column.label, header))
                bottom.append(self._cell(None, header))
                self.ws.merged_cells.add(f"{letter}{self.header_first}:{letter}{self.header_last}")
                position += 1
                continue
            span = 1
            while position + span < len(columns) and columns[position + span].group == column.group:
                span += 1
            end = get_column_letter(position + span)
            self.ws.merged_cells.add(f"{letter}{self.header_first}:{end}{self.header_first}")
            for offset in range(span):
                top.append(self._cell(column.group_label if offset == 0 else None, header))
                bottom.append(self._cell(columns[position + offset].label, header))
            position += span
        self._append(top)
        self._append(bottom)

    def _merged_row(self, text: str, style: Style, row: int) -> None:
        self._append([self._cell(text, style)])
        if self.width > 1:
            self.ws.merged_cells.add(f"A{row}:{self.last_letter}{row}")

    # --- rows ------------------------------------------------------------------------

    def _cell(self, value: Any, style: Style, quoted: Style | None = None) -> Cell:
        """A cell with a ready-made style (shared, never changed afterwards).

        The value's type is set here rather than guessed by openpyxl: strings are always text
        (never a formula or an error code), numbers numbers, dates dates.
        """
        cell = _ReadyCell(self.ws)
        cell.has_style = True
        if value is None:
            cell._style, cell.style_id = style
            return cell
        kind = type(value)
        if kind is str:
            text, needs_quote = safe_text(value)
            if needs_quote:
                style = quoted or self.book.quoted(style)
            cell._value = text
            cell.data_type = "s"
        elif kind is int or kind is float:
            cell._value = value
        elif kind is date or kind is datetime:
            cell._value = value
            cell.data_type = "d"
        else:
            cell.value = value
        cell._style, cell.style_id = style
        return cell

    def _append(self, cells: list[Cell | None]) -> None:
        self.ws.append(cells)
        self.row_index += 1

    def row(self, values: Mapping[str, Any], *, total: bool = False) -> None:
        """Append one row; a missing rate/number is shown as "—" (its denominator is 0)."""
        make = self._cell
        cells: list[Cell | None] = []
        if total:
            styles, quoted, dash = self._bold, self._bold_quoted, self._dash_bold
        else:
            styles, quoted, dash = self._plain, self._quoted, self._dash
        for position, (key, numeric) in enumerate(self._keys):
            value = values.get(key)
            if value is None and numeric:
                cells.append(make(DASH, dash))
            else:
                # An empty cell is still written, with its borders: two empty cells one above
                # the other would otherwise have no line between them.
                cells.append(make(value, styles[position], quoted[position]))
        lines = 1
        for key, room in self._wrapped:
            value = values.get(key)
            if value and type(value) is str and (len(value) * 2 > room or "\n" in value):
                lines = max(lines, wrapped_lines(value, room))
        if lines > 1:
            # Neither LibreOffice nor WPS fits a row written without a height: set it.
            self.ws.row_dimensions[self.row_index + 1].height = lines * LINE_HEIGHT + 5
        self._append(cells)
        self.data_rows += 1

    def _height(self, text: str, size: float, minimum: float = 0) -> float:
        """Points for ``text`` wrapped across the table's width (a CJK character ≈ 2 units)."""
        units = text_width(text) * size / 11 * 1.1
        lines = max(1, math.ceil(units / max(self.table_width, 1)))
        return max(minimum, round(lines * size * 1.45 + 4, 1))

    def bar_chart(
        self, title: str, label_key: str, value_keys: list[str], rows: int, *, first: int = 0
    ) -> BarChart:
        """A clustered bar chart of ``rows`` data rows from the ``first`` (0-based) one.

        One row (a single community) makes a valid chart too. The chart is placed by the
        caller, usually on a sheet of its own (:meth:`Book.chart_sheet`).
        """
        keys = [column.key for column in self.layout.columns]
        chart = BarChart()
        chart.type = "col"
        chart.title = title
        chart.style = 10
        chart.height = 8
        chart.width = 24
        if rows <= 3:  # a lone bar (one community) would fill the whole width
            chart.gapWidth = 400
        start = self.first_data_row + first
        last = start + max(rows, 1) - 1
        for key in value_keys:
            column = keys.index(key) + 1
            chart.add_data(Reference(self.ws, min_col=column, min_row=start, max_row=last))
            chart.series[-1].tx = SeriesLabel(v=self.layout.columns[column - 1].label)
        labels = Reference(self.ws, min_col=keys.index(label_key) + 1, min_row=start, max_row=last)
        chart.set_categories(labels)
        chart.y_axis.title = None
        chart.y_axis.majorGridlines = None
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        if len(value_keys) == 1:
            chart.legend = None
        else:
            chart.legend.position = "b"
        # Values only: LibreOffice otherwise also prints the series and category names.
        chart.dataLabels = DataLabelList(
            showVal=True, showCatName=False, showSerName=False, showLegendKey=False
        )
        return chart

    def finish(self) -> None:
        """After the last row: filter on the header over the data."""
        if self.layout.autofilter:
            last = max(self.header_last + self.data_rows, self.header_last + 1)
            self.ws.auto_filter.ref = f"A{self.header_last}:{self.last_letter}{last}"


def _place_cells(cells: list[Cell | None], row: int) -> Iterator[Cell]:
    """Stands in for WriteOnlyWorksheet._values_to_row: our rows are already cells."""
    for column, cell in enumerate(cells, start=1):
        if cell is not None:
            cell.row = row
            cell.column = column
            yield cell


def as_date(value: str | None) -> date | None:
    """A stored date as a real date for Excel ('' and None stay empty)."""
    return date.fromisoformat(value[:10]) if value else None
