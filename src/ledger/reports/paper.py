"""How a sheet prints on A4, and how much room its text takes.

Every sheet, letter and slip prints through :func:`print_on_a4`. Row heights are computed
from the text (neither LibreOffice nor WPS fits rows written without heights reliably), and
:func:`printed_scale` says at what scale a sheet fitted to one page wide comes out: the tests
keep every sheet at 70 % or more.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

A4 = 9

# East Asian Wide and Fullwidth characters (CJK, kana, hangul, full-width forms): a regular
# expression counts them far faster than unicodedata.east_asian_width per character.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U00016fe0-\U00018aff\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)


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
    return sum(max(1, math.ceil(width / room)) for width in _line_widths(text))


@functools.lru_cache(maxsize=1024)
def _line_widths(text: str) -> tuple[int, ...]:
    """The width of each line of ``text``: cached, since the two parts of 问题台账 and
    超期督办 measure the same texts one after another."""
    return tuple(text_width(part) for part in text.split("\n"))


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
