"""The one writer: turns a :class:`~ledger.reports.layouts.Layout` and row dicts into a sheet.

openpyxl's write-only mode streams each row to disk as it is appended, so memory does not grow
with the number of rows. Styles are registered once per column (with their index in the book)
and shared by that column's cells, instead of being set attribute by attribute on every cell;
values are typed and made safe in :mod:`ledger.reports.cells`, which also writes the rows. The
book is saved under a temporary name in the target folder and renamed, so a crash never leaves
a half-written workbook under the real name.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterable, Mapping
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

from ledger.domain.report_labels import REPORT_TEXT
from ledger.reports.cells import Entry, Style, entry, stream_rows
from ledger.reports.layouts import Layout
from ledger.reports.paper import (
    DEFAULT_ROW_HEIGHT,
    LINE_HEIGHT,
    header_width,
    print_on_a4,
    text_width,
    wrapped_lines,
)

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
MAX_WIDTH = 60


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


class Book:
    """A workbook being written, saved atomically to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.workbook = Workbook(write_only=True)
        self.sheets: list[SheetWriter] = []
        self._styles: dict[tuple[Any, ...], Style] = {}

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
        font, filled, edges, alignment = _style_parts(bold, size, fill, border, horizontal, wrap)
        cell.font = font
        if filled:
            cell.fill = filled
        if edges:
            cell.border = edges
        cell.alignment = alignment
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
        stream_rows(ws)
        ws.append((30, [entry(title, style, self.quoted(style))]))
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


@functools.cache
def _style_parts(
    bold: bool, size: float, fill: str | None, border: bool, horizontal: str, wrap: bool
) -> tuple[Font, PatternFill | None, Border | None, Alignment]:
    """The font, fill, border and alignment of a style: made once for every workbook."""
    thin = Side(style="thin", color="808080")
    return (
        Font(name=FONT_NAME, size=size, bold=bold),
        PatternFill("solid", fgColor=fill) if fill else None,
        Border(left=thin, right=thin, top=thin, bottom=thin) if border else None,
        Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap),
    )


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
        self._setup(hints)
        stream_rows(self.ws)  # the sheet's head (widths, panes, printing) is written now
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
        # Rows without wrapped text: a fixed height with room above and below the text.
        ws.sheet_format.defaultRowHeight = DEFAULT_ROW_HEIGHT
        ws.sheet_format.customHeight = True
        print_on_a4(ws, centred=True, page_numbers=True)
        ws.print_title_rows = f"{self.header_first}:{self.header_last}"

    def _heading(self, title: str, info: str, note: str | None) -> None:
        book = self.book
        title_style = book.style(bold=True, size=16, border=False, horizontal="center")
        info_style = book.style(size=10, border=False, horizontal="left", wrap=True)
        self._merged_row(title, title_style, 1, 30)
        self._merged_row(info, info_style, 2, self._height(info, 10, minimum=20))
        if note:
            note_style = book.style(size=9, border=False, wrap=True)
            self._merged_row(note, note_style, 3, self._height(note, 9))
        header = book.style(bold=True, fill=HEADER_FILL, horizontal="center", wrap=True)
        columns = self.layout.columns
        if not self.layout.grouped:
            self._append([self._cell(column.label, header) for column in columns], 32)
            return
        top: list[Entry] = []
        bottom: list[Entry] = []
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
        self._append(top, 20)
        self._append(bottom, 32)

    def _merged_row(self, text: str, style: Style, row: int, height: float) -> None:
        self._append([self._cell(text, style)], height)
        if self.width > 1:
            self.ws.merged_cells.add(f"A{row}:{self.last_letter}{row}")

    # --- rows ------------------------------------------------------------------------

    def _cell(self, value: Any, style: Style) -> Entry:
        """A heading cell (title, notes, column titles)."""
        return entry(value, style, self.book.quoted(style))

    def _append(self, cells: list[Entry], height: float | None = None) -> None:
        self.ws.append((height, cells))
        self.row_index += 1

    def row(self, values: Mapping[str, Any], *, total: bool = False) -> None:
        """Append one row; a missing rate/number is shown as "—" (its denominator is 0)."""
        cells: list[Entry] = []
        if total:
            styles, quoted, dash = self._bold, self._bold_quoted, self._dash_bold
        else:
            styles, quoted, dash = self._plain, self._quoted, self._dash
        for position, (key, numeric) in enumerate(self._keys):
            value = values.get(key)
            if value is None:
                # An empty cell is still written, with its borders: two empty cells one above
                # the other would otherwise have no line between them.
                cells.append((DASH, dash) if numeric else (None, styles[position]))
            else:
                cells.append(entry(value, styles[position], quoted[position]))
        lines = 1
        for key, room in self._wrapped:
            value = values.get(key)
            if value and type(value) is str and (len(value) * 2 > room or "\n" in value):
                lines = max(lines, wrapped_lines(value, room))
        # Neither LibreOffice nor WPS fits a row written without a height: set it.
        self._append(cells, lines * LINE_HEIGHT + 5 if lines > 1 else None)
        self.data_rows += 1

    def _height(self, text: str, size: float, minimum: float = 0) -> float:
        """Points for ``text`` wrapped across the table's width (a CJK character ≈ 2 units)."""
        units = text_width(text) * size / 11 * 1.1
        lines = max(1, math.ceil(units / max(self.table_width, 1)))
        return max(minimum, round(lines * size * 1.45 + 4, 1))

    def bar_chart(
        self,
        title: str,
        label_key: str,
        value_keys: list[str],
        rows: int,
        top: float,
        *,
        first: int = 0,
    ) -> BarChart:
        """A clustered bar chart of ``rows`` data rows from the ``first`` (0-based) one;
        ``top`` is the largest value it shows.

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
        # Whole numbers from 0 to a round maximum: left to itself, a chart of zeros gets an
        # axis of 0, 0.5 and 1, printed as "0 1 1".
        step, most = axis_scale(top)
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = most
        chart.y_axis.majorUnit = step
        chart.y_axis.number_format = "0"
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


def axis_scale(top: float) -> tuple[int, int]:
    """(step, maximum) of a value axis of whole numbers from 0 up to ``top`` or just above it:
    a step of 1, 2 or 5 times a power of ten, at most six steps."""
    step = 1
    while top > 6 * step:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    return step, step * max(1, math.ceil(top / step))
