"""Tables that fit the terminal, 80 columns first.

Rich's tables wrap any cell anywhere ("13812345 / 670", "济阳街 / 道") and measure every row
before printing the first. These tables are laid out from their columns' kinds instead:

- ``fixed`` cells (numbers, dates, phones, statuses, 督办 levels) are never wrapped or cut;
- ``name`` cells (communities, compounds, units, people) are abbreviated by one rule, see
  :func:`abbreviate`;
- ``text`` cells (问题描述, 办理结果) take the room left and are cut with "…" (``show`` wraps
  them instead, without breaking a date, a phone number or any run of digits and letters).

When even the narrowest layout is wider than the screen, columns drop out in the order each
screen states (``Column.drop``: 1 first, then 2, …; 0 never). ``--wide`` shows every column
in full, however wide. Widths are worked out from the rows shown (or a first batch of them
when rows are streamed), so the time taken is proportional to what is shown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len  # rich.cells alone: Rich's widths without rich.text (~40 ms)

__all__ = ["Column", "Layout", "cell_len", "fit", "render", "stream", "wrap"]


class Text:
    """A line of styled runs: the little of rich.text.Text these screens need.

    Lines going to a pipe are written as plain text without importing rich.text and
    rich.console at all (a tenth of a second of start-up); on a terminal Rich draws them,
    through ``__rich__``.
    """

    __slots__ = ("runs",)

    def __init__(self, text: str = "", style: str | None = "") -> None:
        self.runs: list[tuple[str, str]] = [(text, style or "")] if text else []

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.runs)

    @property
    def style(self) -> str:
        """The style of a single-style line ("" when there are several)."""
        styles = {style for _, style in self.runs}
        return styles.pop() if len(styles) == 1 else ""

    @property
    def spans(self) -> bool:
        return len({style for _, style in self.runs}) > 1

    def append(self, text: str, style: str | None = None) -> Text:
        if text:
            self.runs.append((text, style or ""))
        return self

    def append_text(self, other: Text) -> Text:
        self.runs.extend(other.runs)
        return self

    def __add__(self, other: Text) -> Text:
        joined = self.copy()
        joined.runs.extend(other.runs)
        return joined

    def copy(self) -> Text:
        twin = Text()
        twin.runs = list(self.runs)
        return twin

    def rstrip(self) -> None:
        while self.runs:
            text, style = self.runs[-1]
            kept = text.rstrip()
            if kept:
                self.runs[-1] = (kept, style)
                return
            self.runs.pop()

    def __str__(self) -> str:
        return self.plain

    def __rich__(self) -> object:
        from rich.text import Text as RichText

        return RichText.assemble(*self.runs)


SEPARATOR = "  "  # between columns
ELLIPSIS = "…"

# Level words a clerk reads past: 铁塔寺社区 → 铁塔寺, 古槐街道 → 古槐, 新兴小区 → 新兴.
NAME_SUFFIXES = ("社区居委会", "街道办事处", "居委会", "村委会", "社区", "街道", "小区")

Cell = str | Text
NAME_ROOM = 12  # cells a name gets before texts grow (then names get the rest, in full)


@dataclass(frozen=True)
class Column:
    """One column: its header, kind (``fixed``, ``name``, ``text``), drop rank, alignment."""

    header: str
    kind: str = "fixed"
    drop: int = 0  # 0: always shown; otherwise dropped on a narrow screen, 1 first
    right: bool = False  # numbers line up on the right
    min_width: int = 0  # name and text columns: the narrowest useful width (cells)


@dataclass
class Layout:
    """Which columns are shown, how wide, and which were dropped (in drop order)."""

    columns: list[Column]
    shown: list[int]
    widths: dict[int, int]
    dropped: list[str] = field(default_factory=list)
    wide: bool = False

    @property
    def total(self) -> int:
        return sum(self.widths[i] for i in self.shown) + len(SEPARATOR) * (len(self.shown) - 1)


def screen_width(console_width: int) -> int:
    """$COLUMNS when set (read at call time, unlike Rich's console), else the console's."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else console_width


_ONE_LINE = str.maketrans({"\n": " ", "\t": " ", "\r": " "})


def plain(cell: Cell | None) -> str:
    if cell is None:
        return ""
    # A line break or tab stored in free text would break the table's line and columns.
    return (cell.plain if isinstance(cell, Text) else cell).translate(_ONE_LINE)


def strip_suffix(name: str) -> str:
    """铁塔寺社区 → 铁塔寺 (the level word off the end, if at least two characters remain)."""
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def clip(text: str, width: int) -> str:
    """Cut to ``width`` cells, ending in … when anything was cut."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for char in text:
        size = cell_len(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ELLIPSIS


def abbreviate(name: str, width: int) -> str:
    """The rule for names: whole if it fits; else without its level word (铁塔寺社区 → 铁塔寺,
    济阳街道 → 济阳); else cut with … (铁塔寺小区红色物业 → 铁塔寺小区…)."""
    if cell_len(name) <= width:
        return name
    short = strip_suffix(name)
    if cell_len(short) <= width:
        return short
    return clip(name, width)


def _header_width(header: str) -> int:
    """The narrowest a header may wrap to: two Chinese characters (or the header itself)."""
    return min(cell_len(header), 4)


def fit(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int, wide: bool = False
) -> Layout:
    """Lay ``rows`` out in ``width`` cells (see the module's docstring for the rules)."""
    count = len(columns)
    content = [0] * count
    short = [0] * count  # names without their level word
    for row in rows:
        for i in range(count):
            text = plain(row[i])
            size = cell_len(text)
            if size > content[i]:
                content[i] = size
            if columns[i].kind == "name":
                stripped = cell_len(strip_suffix(text))
                if stripped > short[i]:
                    short[i] = stripped
    full = [max(content[i], cell_len(columns[i].header)) for i in range(count)]
    if wide:
        return Layout(list(columns), list(range(count)), dict(enumerate(full)), wide=True)

    def narrowest(i: int) -> int:
        column = columns[i]
        if column.kind == "fixed":
            return max(content[i], _header_width(column.header))
        return max(min(column.min_width or 4, full[i]), _header_width(column.header))

    shown = list(range(count))
    dropped: list[str] = []
    order = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop)

    def total(widths: dict[int, int]) -> int:
        return sum(widths[i] for i in shown) + len(SEPARATOR) * (len(shown) - 1)

    widths = {i: narrowest(i) for i in shown}
    while total(widths) > width and order:
        _, gone = order.pop(0)
        shown.remove(gone)
        dropped.append(columns[gone].header)
    room = width - total(widths)

    def grow(i: int, target: int) -> None:
        nonlocal room
        extra = min(max(target - widths[i], 0), room)
        widths[i] += extra
        room -= extra

    # The room left goes, in turn, to: names without their level word, whole headers,
    # texts in full, names in full.
    for i in shown:
        if columns[i].kind == "name":  # up to 6 characters before the texts grow
            cap = max(columns[i].min_width, NAME_ROOM, cell_len(columns[i].header))
            grow(i, min(max(short[i], cell_len(columns[i].header)), cap))
    for i in shown:
        if columns[i].kind == "fixed":
            grow(i, full[i])
    for i in shown:
        if columns[i].kind == "text":
            grow(i, full[i])
    for i in shown:
        if columns[i].kind != "fixed":
            grow(i, full[i])
    return Layout(list(columns), shown, widths, dropped)


def _wrap_header(header: str, width: int) -> list[str]:
    lines, line, used = [], "", 0
    for char in header:
        size = cell_len(char)
        if used + size > width and line:
            lines.append(line)
            line, used = "", 0
        line += char
        used += size
    return [*lines, line]


def _pad(text: Text, width: int, right: bool) -> Text:
    gap = width - cell_len(text.plain)
    if gap <= 0:
        return text
    if right:
        return Text(" " * gap) + text
    text.append(" " * gap)
    return text


def _cell(layout: Layout, i: int, value: Cell | None) -> Text:
    column, width = layout.columns[i], layout.widths[i]
    style = value.style if isinstance(value, Text) and not value.spans else None
    if isinstance(value, Text) and (
        column.kind == "fixed"
        or layout.wide
        or (cell_len(value.plain) <= width and plain(value) == value.plain)
    ):
        return value.copy()  # styled runs kept (search's highlighted words) when it fits
    text = plain(value)
    if not layout.wide:
        text = abbreviate(text, width) if column.kind == "name" else clip(text, width)
    return Text(text, style=style or "")


def header_lines(layout: Layout, indent: str = "") -> list[Text]:
    """The header (wrapped within each column when narrow) and the rule under it."""
    wrapped = {i: _wrap_header(layout.columns[i].header, layout.widths[i]) for i in layout.shown}
    height = max((len(lines) for lines in wrapped.values()), default=1)
    lines = []
    for row in range(height):
        line = Text(indent)
        for n, i in enumerate(layout.shown):
            if n:
                line.append(SEPARATOR)
            parts = wrapped[i]
            # A wrapped header sits on the lines nearest the rule, like the figures under it.
            at = row - (height - len(parts))
            words = parts[at] if at >= 0 else ""
            line.append_text(
                _pad(Text(words, style="bold"), layout.widths[i], layout.columns[i].right)
            )
        lines.append(_trim(line))
    lines.append(Text(indent + "─" * layout.total, style="dim"))
    return lines


def row_line(layout: Layout, row: Sequence[Cell | None], indent: str = "") -> Text:
    """One row as one line (never wrapped)."""
    line = Text(indent)
    for n, i in enumerate(layout.shown):
        if n:
            line.append(SEPARATOR)
        line.append_text(_pad(_cell(layout, i, row[i]), layout.widths[i], layout.columns[i].right))
    return _trim(line)


def row_lines(layout: Layout, row: Sequence[Cell | None], indent: str = "") -> list[Text]:
    """One row whose text cells wrap (``show``'s timeline) instead of being cut."""
    texts = [i for i in layout.shown if layout.columns[i].kind == "text"]
    if layout.wide or not texts:
        return [row_line(layout, row, indent)]
    wrapped = {i: wrap(plain(row[i]), layout.widths[i]) for i in texts}
    height = max(len(lines) for lines in wrapped.values())
    lines = []
    for n in range(height):
        cells: list[Cell | None] = [None] * len(row)
        for i in layout.shown:
            if i in wrapped:
                cells[i] = wrapped[i][n] if n < len(wrapped[i]) else ""
            else:
                cells[i] = row[i] if n == 0 else ""
        lines.append(row_line(layout, cells, indent))
    return lines


def _trim(line: Text) -> Text:
    line.rstrip()
    return line


def render(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    width: int,
    *,
    wide: bool = False,
    header: bool = True,
    indent: str = "",
    wrap_text: bool = False,
) -> tuple[list[Text], Layout]:
    """A whole table's lines (for the short tables of ``today``, ``stats``, ``show``); with
    ``wrap_text`` the text cells wrap onto more lines instead of being cut."""
    layout = fit(columns, rows, width - len(indent), wide)
    lines = header_lines(layout, indent) if header else []
    for row in rows:
        if wrap_text:
            lines += row_lines(layout, row, indent)
        else:
            lines.append(row_line(layout, row, indent))
    return lines, layout


def stream(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Cell]],
    width: int,
    *,
    wide: bool = False,
    sample: int = 200,
) -> Iterator[Text | Layout]:
    """Lines of a table of any length: laid out from its first ``sample`` rows, then each
    row as it comes (later rows are abbreviated and cut to the same widths). The layout is
    yielded first, so the caller knows which columns dropped."""
    source = iter(rows)
    first: list[Sequence[Cell]] = []
    for row in source:
        first.append(row)
        if len(first) >= sample:
            break
    layout = fit(columns, first, width, wide)
    yield layout
    yield from header_lines(layout)
    for row in first:
        yield row_line(layout, row)
    for row in source:
        yield row_line(layout, row)


# --- running text -----------------------------------------------------------------------

# Runs that must stay whole on one line: dates, times, phone numbers, numbers, codes, words.
_UNBREAKABLE = re.compile(r"[0-9A-Za-z/~.\-][0-9A-Za-z:.\-/%*+_~]*|.", re.S)


# Punctuation that must not begin a line (Chinese typesetting: 避头点).
NO_LINE_START = frozenset("，。、；：？！）》」』】〕…,.;:?!)")


def wrap(text: str, width: int) -> list[str]:
    """Wrap running text at ``width`` cells between Chinese characters, never inside a run of
    digits and letters (2026-10-13, 13812345678, 50%), and never before ，。；… ."""
    lines: list[str] = []
    line: list[str] = []  # the current line's tokens
    used = 0
    for token in _UNBREAKABLE.findall(text.replace("\n", " ")):
        size = cell_len(token)
        if used + size > width and line:
            carried: list[str] = []
            if token in NO_LINE_START:
                # No line may start with ，。；）…: the last token (and any such marks before
                # it) goes down with it, unless that would empty the line.
                cut = len(line)
                while cut > 1 and line[cut - 1] in NO_LINE_START:
                    cut -= 1
                if cut > 1 and not line[cut - 1].isspace():
                    line, carried = line[: cut - 1], line[cut - 1 :]
            lines.append("".join(line).rstrip())
            line, used = carried, sum(cell_len(part) for part in carried)
            if token == " ":
                continue
        if size > width:  # a run longer than the line: only then is it cut
            token = clip(token, width)
            size = cell_len(token)
        line.append(token)
        used += size
    if line or not lines:
        lines.append("".join(line).rstrip())
    return lines


def pack(parts: Sequence[tuple[str, str]], width: int, indent: str = "") -> list[Text]:
    """Phrases (text, style) on as few lines as fit, two spaces apart; a phrase is never split
    unless it is wider than a line by itself (then it is wrapped like running text)."""
    lines: list[Text] = []
    line = Text(indent)
    for text, style in parts:
        size = cell_len(text)
        used = cell_len(line.plain)
        gap = 2 if line.plain.strip() else 0
        if used + gap + size > width and line.plain.strip():
            lines.append(line)
            line = Text(indent + "  ")
            used, gap = cell_len(line.plain), 0
        if used + gap + size > width:
            for piece in wrap(text, max(width - used, 10)):
                if line.plain.strip():
                    lines.append(line)
                    line = Text(indent + "  ")
                line.append(piece, style=style)
            continue
        line.append(" " * gap)
        line.append(text, style=style)
    if line.plain.strip():
        lines.append(line)
    return lines
