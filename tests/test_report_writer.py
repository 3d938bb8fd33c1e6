"""The writer under the report: rows written as openpyxl would write them, and chart axes.

The report's rows are written as XML strings (``cells.row_xml``) rather than through
openpyxl's per-cell serialiser; these tests read the workbooks back, with openpyxl and as raw
XML, and compare them with what openpyxl's own path writes.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from june_ledger import build_june, phase_b
from ledger.reports import cells, layouts, monthly
from ledger.reports.writer import Book, axis_scale
from ledger.store.ledger_file import Ledger
from ledger.views import coverage

CHART_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}


@pytest.fixture
def june(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    build_june(ledger, monkeypatch)
    phase_b(ledger, monkeypatch)
    return ledger


def write(ledger: Ledger, folder: Path, month: str = "2026-06") -> list[Path]:
    period = coverage.parse_period(month, None, None, ledger.now())
    chosen = coverage.scopes(ledger, "古槐街道")
    written = monthly.write_reports(
        ledger, period, chosen, monthly.prepare_folder(folder), keep_empty=True, summary=True
    )
    return [w.path for w in written]


def cell_facts(path: Path) -> dict[str, object]:
    """Everything a reader sees of each sheet: values, types, styles, heights, merges."""
    book = openpyxl.load_workbook(path)
    facts: dict[str, object] = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                parts = (cell.font, cell.fill, cell.border, cell.alignment)
                style = (*map(repr, parts), cell.number_format, cell.quotePrefix)
                # An empty cell reads back as None, whatever type its element was given.
                kind = cell.data_type if cell.value is not None else None
                facts[f"{ws.title}!{cell.coordinate}"] = (cell.value, kind, style)
        facts[f"{ws.title} heights"] = {
            index: dimension.height
            for index, dimension in ws.row_dimensions.items()
            if dimension.height
        }
        facts[f"{ws.title} merged"] = sorted(str(r) for r in ws.merged_cells.ranges)
    return facts


def test_report_rows_read_back_as_openpyxl_writes_them(
    june: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = write(june, tmp_path / "fast")
    monkeypatch.setattr(cells, "FAST_ROWS", False)  # every cell through openpyxl's writer
    slow = write(june, tmp_path / "slow")
    assert [p.name for p in fast] == [p.name for p in slow] and len(fast) == 2  # and the 通报
    for ours, theirs in zip(fast, slow, strict=True):
        mine, reference = cell_facts(ours), cell_facts(theirs)
        assert mine.keys() == reference.keys()
        assert {k: v for k, v in mine.items() if v != reference[k]} == {}


def test_awkward_values_are_written_safely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts_and_numbers = [
        "a & b < c > d",  # escaped in the XML
        "  leading and trailing spaces  ",  # kept (xml:space="preserve")
        "=HYPERLINK(1)",  # text, quoted so Excel never reads a formula
        "＋86 full-width plus",  # NFKC makes it '+': quoted too
        "bell\x07 and nul\x00 removed",
        "two\nlines",
        "",
        None,
        0,
        -12,
        2.5,
        1 / 3,
        True,
    ]
    dates = [date(2026, 6, 30), datetime(2026, 6, 30, 18, 30)]
    layout = layouts.Layout(
        "detail",
        (layouts.Column("title", 30, "text", wrap=True), layouts.Column("due_on", 10, "date")),
    )
    books = {}
    for fast in (True, False):
        monkeypatch.setattr(cells, "FAST_ROWS", fast)
        book = Book(tmp_path / f"{fast}.xlsx")
        sheet = book.sheet(layout, "标题", "说明")
        for value in texts_and_numbers:
            sheet.row({"title": value})
        for value in dates:
            sheet.row({"due_on": value})
        books[fast] = book.save()
    ws = openpyxl.load_workbook(books[True]).worksheets[0]
    got = [ws.cell(row, 1).value for row in range(4, 4 + len(texts_and_numbers))]
    assert got[:6] == [
        "a & b < c > d",
        "  leading and trailing spaces  ",
        "=HYPERLINK(1)",
        "＋86 full-width plus",
        "bell and nul removed",
        "two\nlines",
    ]
    assert got[6:8] == [None, None]  # "" and None: empty cells, still bordered
    assert got[8:13] == [0, -12, 2.5, pytest.approx(1 / 3, rel=1e-15), True]
    assert [ws.cell(row, 2).value for row in (17, 18)] == [
        datetime(2026, 6, 30),
        datetime(2026, 6, 30, 18, 30),
    ]
    assert ws["B17"].number_format == "yyyy-mm-dd"
    assert ws.cell(6, 1).data_type == "s" and ws.cell(6, 1).quotePrefix
    assert ws.cell(7, 1).quotePrefix and not ws.cell(4, 1).quotePrefix
    assert ws.cell(11, 1).border.left.style == "thin"  # the empty cell keeps its borders
    assert ws.row_dimensions[9].height == 2 * 14.5 + 5  # two lines of text: two lines high
    assert cell_facts(books[True]) == cell_facts(books[False])


def chart_axis(path: Path) -> dict[str, str | None]:
    """The value axis of the workbook's first chart, read from its XML."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("xl/charts/chart1.xml"))
    axis = root.find(".//c:valAx", CHART_NS)
    assert axis is not None

    def value(path: str, attribute: str = "val") -> str | None:
        found = axis.find(path, CHART_NS)
        return None if found is None else found.get(attribute)

    return {
        "min": value("c:scaling/c:min"),
        "max": value("c:scaling/c:max"),
        "step": value("c:majorUnit"),
        "format": value("c:numFmt", "formatCode"),
    }


def test_a_chart_of_zeros_has_a_whole_number_axis(june: Ledger, tmp_path: Path) -> None:
    # March: no item, every bar 0. Left to itself the axis ran 0, 0.5, 1, printed "0 1 1".
    path = write(june, tmp_path, month="2026-03")[0]
    assert chart_axis(path) == {"min": "0", "max": "1", "step": "1", "format": "0"}


def test_the_chart_axis_reaches_the_tallest_bar(june: Ledger, tmp_path: Path) -> None:
    path = write(june, tmp_path)[0]
    summary = openpyxl.load_workbook(path)["汇总"]
    # The bars: 受理数 (column B) and 办结数 (column G) of 南池社区 and 铁塔寺社区; of the 9
    # items raised in June (tests/test_metrics.py), the larger community has 5.
    bars = [summary[f"{column}{row}"].value for column in "BG" for row in (6, 7)]
    assert max(bars) == 5 and summary["B8"].value == 9
    assert chart_axis(path) == {"min": "0", "max": "5", "step": "1", "format": "0"}


def test_axis_scale() -> None:
    # (step, maximum): steps of 1, 2, 5 × 10ⁿ, at most six of them, the maximum ≥ the top.
    assert axis_scale(0) == (1, 1)
    assert axis_scale(1) == (1, 1)
    assert axis_scale(6) == (1, 6)
    assert axis_scale(7) == (2, 8)  # 7 > 6 × 1
    assert axis_scale(12) == (2, 12)
    assert axis_scale(13) == (5, 15)
    assert axis_scale(31) == (10, 40)
    assert axis_scale(87.5) == (20, 100)  # a score
    assert axis_scale(1234) == (500, 1500)
