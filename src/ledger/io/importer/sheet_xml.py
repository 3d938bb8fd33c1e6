"""Reading a worksheet's XML directly, faster than openpyxl and to the same values: its rows
(:func:`expat_rows`), merged ranges (:func:`merges`), hidden columns
(:func:`hidden_columns`) and the workbook's shared strings (:func:`shared_strings`).

openpyxl still opens the workbook (sheet list, date styles, through defusedxml); what it
does per cell or per string in Python — building an element for each — is what these
readers skip. Any DTD is refused (:class:`UnsafeXML`): a real workbook has none, and it is the
door to entity bombs.
"""

from __future__ import annotations

import operator
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from ledger.domain.remembered import Remembered

Row = tuple[Any, ...]


def _parser() -> Any:
    """An expat parser that refuses any DTD or entity declaration."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.buffer_text = True

    def refuse(*_: Any) -> None:
        raise UnsafeXML("DTD")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


class UnsafeXML(ValueError):
    """A DTD in a worksheet: never present in a real one, and the door to entity bombs."""


def expat_rows(
    workbook: Any, worksheet: Any, hidden: frozenset[int] = frozenset()
) -> Iterator[tuple[int, Row]]:
    """The sheet's non-empty rows as (row number, values), values as openpyxl's read-only
    ``iter_rows(values_only=True)`` gives them (shared strings, numbers, dates by cell
    style, booleans, errors, inline rich text, cached formula results) — about twice as fast,
    because no element objects are built. openpyxl has opened the workbook (sheet list,
    shared strings, date styles); this reads only the rows, with any DTD refused."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    shared = worksheet._shared_strings
    date_styles = workbook._date_formats
    timedelta_styles = workbook._timedelta_formats
    epoch = workbook.epoch
    parser = _parser()

    done: list[tuple[int, Row]] = []
    cells: list[Any] = []
    text: list[str] = []
    dates: dict[tuple[str, int], Any] = {}  # the same dates recur: convert each once
    number = column = style = skipping = 0
    kind = "n"
    collecting = False

    def number_of(value: str, style: int) -> Any:
        """A number cell's value: a date or time by its style, else an int or a float."""
        if style and style in date_styles:
            key = (value, style)
            converted = dates.get(key)
            if converted is None:
                try:
                    converted = from_excel(
                        _number(value), epoch, timedelta=style in timedelta_styles
                    )
                except (OverflowError, ValueError):
                    converted = "#VALUE!"
                dates[key] = converted
            return converted
        return _number(value)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal number, column, kind, style, collecting, skipping
        if name == "c":
            ref = attrs.get("r")
            if ref:
                column = 0
                for char in ref:
                    if char > "9":
                        column = column * 26 + ord(char) - 64
                    else:
                        break
            else:
                column += 1
            kind = attrs.get("t", "n")
            found = attrs.get("s")
            style = int(found) if found else 0
            text.clear()
        elif name == "v":
            collecting = True
        elif name == "row":
            found = attrs.get("r")
            number = int(found) if found else number + 1
            column = 0
            cells.clear()
        elif name == "t":
            collecting = not skipping
        elif name == "rPh":
            skipping += 1  # phonetic guide text is not the cell's content
        elif ":" in name:  # a namespace prefix (x:c): the same, without it
            start(name.rpartition(":")[2], attrs)

    def end(name: str) -> None:
        nonlocal collecting, skipping
        if name == "v" or name == "t":
            collecting = False
        elif name == "c":
            value: Any = "".join(text) if text else None
            if value:
                if kind == "s":
                    value = shared[int(value)]
                elif kind == "n":
                    value = number_of(value, style)
                elif kind == "b":
                    value = bool(int(value))
                elif kind == "d":
                    value = from_ISO8601(value)
            else:
                value = None
            if hidden and column in hidden:
                return  # a column the clerk hid: not part of the table they see
            missing = column - len(cells)
            if missing > 0:
                cells.extend([None] * missing)
            cells[column - 1] = value
        elif name == "row":
            if cells:
                done.append((number, tuple(cells)))
        elif name == "rPh":
            skipping -= 1
        elif ":" in name:
            end(name.rpartition(":")[2])

    def characters(data: str) -> None:
        if collecting:
            text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters

    shared_values = _converted(lambda raw: shared[int(raw)])
    number_values: dict[bytes, Any] = {}  # style → its converted values, for date styles
    shapes: dict[tuple[bytes, tuple[bytes, ...]], tuple[Any, list[Any], Any]] = {}

    def number_reader(style_text: bytes) -> Any:
        style = int(style_text) if style_text else 0
        if not (style and style in date_styles):
            return _plain_number
        found = number_values.get(style_text)
        if found is None:
            found = number_values[style_text] = _converted(
                lambda raw: number_of(raw.decode(), style)
            )
        return found.__getitem__

    def layout(content: bytes) -> tuple[Any, list[Any], Any]:
        """How a plain row of this shape becomes values: the pattern of exactly this shape
        (its cells' columns, styles and types written out, each value a group), a reader
        per value, and what picks the row's cells from their results (None: no cell to
        keep)."""
        pattern: list[bytes] = []
        readers: list[Any] = []
        at: dict[int, int] = {}  # column → index of its value (-1: the None at the end)
        for cell in _PLAIN_CELL.finditer(content):
            letters, style_text, kind_text, raw = cell.groups()
            pattern.append(b'<c r="' + letters + rb'\d+"')
            if style_text is not None:
                pattern.append(b' s="' + style_text + b'"')
            if kind_text is not None:
                pattern.append(b' t="' + kind_text + b'"')
            if raw is not None:
                pattern.append(b"><v>([^<&]*)</v></c>")
            else:
                pattern.append(b"/>" if cell.group(0).endswith(b"/>") else b"></c>")
            column = _column_number(letters)
            hidden_cell = bool(hidden) and column in hidden
            if raw is not None:
                if hidden_cell:
                    readers.append(_hidden_value)  # never read, as expat's reader skips it
                elif kind_text == b"s":
                    readers.append(shared_values.__getitem__)
                else:
                    readers.append(number_reader(style_text))
            if not hidden_cell:
                at[column] = len(readers) - 1 if raw is not None else -1
        exact = re.compile(b"".join(pattern))
        if not at:
            return exact, readers, None
        indexes = [at.get(column, -1) for column in range(1, max(at) + 1)]
        if len(indexes) == 1:
            return exact, readers, lambda values, i=indexes[0]: (values[i],)
        return exact, readers, operator.itemgetter(*indexes)

    def feed(data: bytes) -> None:
        """Rows of plain cells read directly; everything else (the sheet's start and end, rows
        with formulas, inline or rich text, other cell types or attributes) through expat.

        A plain row's cells are worked out once per shape (:func:`_shape`): then each row
        of that shape is matched by the shape's own pattern, which gives its values, each
        read once per distinct shared string or date. (A row the pattern does not fit is
        no plain row: expat reads it.)"""
        nonlocal number
        position = 0
        search, find = _ROW_START.search, data.find
        after = 0  # where the last row seen ends
        while (found := search(data, after)) is not None:
            begin = found.end()
            close = find(b"</row>", begin)
            if close < 0:
                break
            after = close + 6
            content = data[begin:close]
            shape = _shape(content)
            how = shapes.get(shape)
            if how is None:
                if _PLAIN_ROW.fullmatch(content) is None:
                    continue  # fed to expat with what surrounds it
                how = layout(content)
                if len(shapes) < _SHAPES:
                    shapes[shape] = how
            exact, readers, pick = how
            matched = exact.fullmatch(content)
            if matched is None:
                continue  # not plain after all: expat
            start = found.start()
            if start > position:
                parser.Parse(data[position:start], False)
            position = after
            number = int(found.group(1))
            if pick is not None:
                values = list(map(operator.call, readers, matched.groups()))
                values.append(None)
                done.append((number, pick(values)))
        parser.Parse(data[position:], False)

    with workbook._archive.open(worksheet._worksheet_path) as stream:
        pending = b""
        while chunk := stream.read(1 << 16):
            pending += chunk
            cut = pending.rfind(b"</row>")
            if cut < 0:
                continue
            feed(pending[: cut + 6])
            pending = pending[cut + 6 :]
            if done:
                yield from done
                done.clear()
        feed(pending)
        parser.Parse(b"", True)
    yield from done


def _number(text: str) -> int | float:
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _plain_number(raw: bytes) -> int | float | None:
    """A number cell's <v> (empty: no value) without a date style."""
    return _number(raw.decode()) if raw else None


def _hidden_value(raw: bytes) -> None:
    """The value of a hidden column's cell: never read."""
    return None


# Distinct <v> values converted and kept per sheet (shared strings and dates recur; each
# row's own title is a shared string too, so they are forgotten every so many).
_REMEMBERED = 50_000


def _converted(convert: Callable[[bytes], Any]) -> Remembered[bytes, Any]:
    """A <v>'s bytes → the cell's value, each distinct one worked out once; an empty <v> is
    no value."""
    return Remembered(lambda raw: convert(raw) if raw else None, _REMEMBERED)


# A row's start tag (not a self-closing one; its content runs to the first </row>), and the
# plain form of its cells: r, then s and t in that order, a shared string or a number, no
# entity, nothing else.
_ROW_START = re.compile(rb'<row r="(\d+)"[^>]*(?<!/)>')
_SHAPES = 1000  # shapes of plain rows kept per sheet (each has its compiled pattern)
_CELL = rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(s|n)")?(?:/>|><v>([^<&]*)</v></c>|></c>)'
_PLAIN_CELL = re.compile(_CELL)
# The same without capturing groups, to check a whole row (the engine keeps no group marks).
_PLAIN_ROW = re.compile(
    rb'(?:<c r="[A-Z]{1,3}\d+"(?: s="\d+")?(?: t="[sn]")?(?:/>|><v>[^<&]*</v></c>|></c>))*'
)


_STYLE = re.compile(rb' s="(\d+)"')


def _shape(content: bytes) -> tuple[bytes, tuple[bytes, ...]]:
    """What decides how a plain row's cells are read: the row without its digits (row
    numbers and values; the columns, types and which cells have a value stay), and the
    cells' styles (a number in a date style is a date)."""
    return content.translate(None, b"0123456789"), tuple(_STYLE.findall(content))


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def merges(workbook: Any, worksheet: Any) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet. Read-only mode ignores them, and they follow the rows in the
    XML, so the sheet is scanned once for them (about 2% of the time openpyxl takes)."""
    path = getattr(worksheet, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    if path is None or archive is None:
        return []
    tail = b""
    collected: bytearray | None = None  # from <mergeCells> on: a small block at the end
    try:
        with archive.open(path) as stream:
            while chunk := stream.read(1 << 20):
                if collected is not None:
                    collected += chunk
                    continue
                block = tail + chunk
                start = block.find(b"mergeCells")
                if start >= 0:
                    collected = bytearray(block[start:])
                tail = block[-16:]
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    if collected is None:
        return []
    found = [_range(*match.groups()) for match in _MERGE.finditer(collected)]
    return found


def _range(c1: bytes, r1: bytes, c2: bytes | None, r2: bytes | None) -> tuple[int, int, int, int]:
    first = (int(r1), _column_number(c1))
    last = (int(r2), _column_number(c2)) if c2 and r2 else first
    return first[0], first[1], last[0], last[1]


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def shared_strings(stream: IO[bytes]) -> list[str]:
    """The workbook's shared strings as openpyxl's ``read_string_table`` gives them: each
    string's text runs joined, phonetic guides (``rPh``) left out, ``x005F_`` removed."""
    strings: list[str] = []
    parts: list[str] = []
    text: list[str] = []
    collecting = False
    skipping = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal collecting, skipping
        name = name.rpartition(":")[2]
        if name == "t":
            collecting = not skipping
            text.clear()
        elif name == "si":
            parts.clear()
        elif name == "rPh":
            skipping += 1

    def end(name: str) -> None:
        nonlocal collecting, skipping
        name = name.rpartition(":")[2]
        if name == "t":
            if collecting:
                parts.append("".join(text))
            collecting = False
        elif name == "si":
            strings.append("".join(parts).replace("x005F_", ""))
        elif name == "rPh":
            skipping -= 1

    def characters(data: str) -> None:
        if collecting:
            text.append(data)

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters

    def feed(data: bytes) -> None:
        """Plain strings (one text run, no entity, no line end) read directly, in order;
        everything else (the start with any DTD, rich text, phonetic guides) through expat."""
        position = 0
        for run in _PLAIN_STRINGS.finditer(data):  # a run of plain strings, one after another
            start, end = run.span()
            if start > position:
                parser.Parse(data[position:start], False)
            found = list(map(bytes.decode, _PLAIN_STRING.findall(data, start, end)))
            if data.find(b"x005F_", start, end) >= 0:
                found = [text.replace("x005F_", "") for text in found]
            strings.extend(found)
            position = end
        parser.Parse(data[position:], False)

    pending = b""
    plain: bool | None = None  # UTF-8 (the fast path's decoding), known from the declaration
    while chunk := stream.read(1 << 16):
        pending += chunk
        if plain is None:
            declared = _ENCODING.match(pending)
            plain = declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")
        cut = pending.rfind(b"</si>")
        if cut < 0:
            continue
        if plain:
            feed(pending[: cut + 5])
        else:
            parser.Parse(pending[: cut + 5], False)
        pending = pending[cut + 5 :]
    parser.Parse(pending, False)
    parser.Parse(b"", True)
    return strings


_PLAIN_STRING = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<&\r]*)</t></si>')
_PLAIN_STRINGS = re.compile(rb'(?:<si><t(?: xml:space="preserve")?>[^<&\r]*</t></si>)+')
_ENCODING = re.compile(rb'(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding=["\']([^"\']+)')


_COL = re.compile(rb"<(?:\w+:)?col\s[^>]*>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')


def hidden_columns(workbook: Any, worksheet: Any) -> frozenset[int]:
    """The sheet's hidden columns (1-based), from its ``<cols>``, which comes before the rows
    (read-only openpyxl does not read it)."""
    path = getattr(worksheet, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    if path is None or archive is None:
        return frozenset()
    head = b""
    try:
        with archive.open(path) as stream:
            while chunk := stream.read(1 << 16):
                head += chunk
                if b"sheetData" in head or len(head) > 1 << 22:
                    break
    except (KeyError, zipfile.BadZipFile, OSError):
        return frozenset()
    head = head[: head.find(b"sheetData") if b"sheetData" in head else len(head)]
    hidden: set[int] = set()
    for element in _COL.findall(head):
        attributes = dict(_ATTRIBUTE.findall(element))
        if attributes.get(b"hidden") in (b"1", b"true"):
            try:
                first, last = int(attributes[b"min"]), int(attributes[b"max"])
            except (KeyError, ValueError):
                continue
            hidden.update(range(first, min(last, 16384) + 1))
    return frozenset(hidden)
