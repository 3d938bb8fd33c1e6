"""Opening a spreadsheet a clerk hands us, which we do not trust.

What a file is comes from its first bytes, not its name: a zip that holds ``xl/workbook.xml``
is an .xlsx; an OLE compound file is an old .xls or a password-protected workbook (Excel
wraps encrypted .xlsx in one); text is CSV. Before openpyxl sees an .xlsx the zip directory is
checked for an absurd unpacked size (a zip bomb: nothing else guards against one), and openpyxl
parses the XML through defusedxml (installed as a dependency; openpyxl uses it by itself), so
entity bombs are refused. Every refusal is one Chinese sentence naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ledger.domain.errors import LedgerError

# A clerk's ledger unpacks to a few MB; 100,000 rows to about 100 MB. Past these, refuse.
MAX_UNPACKED_BYTES = 1 << 30  # 1 GiB in all
MAX_RATIO = 200  # unpacked ÷ packed for one member; spreadsheet XML packs about 10 : 1
RATIO_FLOOR_BYTES = 32 << 20  # small members may pack as tightly as they like
MAX_CSV_BYTES = 512 << 20
# How an .xlsx sheet's rows are read: "expat" (this module's streaming reader) or "openpyxl"
# (its read-only iter_rows); both give the same values, the first in about half the time.
ROW_READER = os.environ.get("LEDGER_XLSX_ROWS", "expat")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")
_OTHER_FORMATS = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "图片"),
    (b"\xff\xd8\xff", "图片"),
    (b"GIF8", "图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
    (b"SQLite format 3", "SQLite 数据库（台账文件请用 ledger merge 合并）"),
)
_HTML = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?<(!doctype html|html|table|meta)", re.IGNORECASE)
_SAVE_AS = "请在 Excel 或 WPS 中打开，另存为 .xlsx（Excel 工作簿）后再导入"


Row = tuple[Any, ...]


@dataclass
class Sheet:
    """One table of a file: its name and its rows as (row number, values), numbered from 1."""

    name: str
    rows: Callable[[], Iterator[tuple[int, Row]]]
    total: int | None = None  # rows, when the file says (for the progress bar)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2


@dataclass
class Source:
    """An opened file: its kind ('xlsx' or 'csv'), its sheets, and what reading it needs."""

    path: Path
    kind: str
    sheets: list[Sheet]
    epoch: datetime | None = None  # Excel's day 0, for serial-number dates
    hidden: list[str] = field(default_factory=list)
    _close: Callable[[], None] | None = None

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(path: Path | str) -> Source:
    """Open an .xlsx or .csv file for reading, or refuse it with one clear sentence."""
    target = Path(path)
    name = target.name
    if not target.exists():
        raise LedgerError(f"找不到文件“{target}”")
    if target.is_dir():
        raise LedgerError(f"“{target}”是文件夹，不是表格文件")
    with target.open("rb") as handle:
        head = handle.read(512)
    if not head:
        raise LedgerError(f"“{name}”是空文件")
    if head.startswith(_OLE):
        if _contains(target, _ENCRYPTED_STREAM):
            raise LedgerError(
                f"“{name}”设有打开密码，无法读取；请在 Excel 中打开，"
                "在“文件 → 信息 → 保护工作簿”中删除密码并保存后再导入"
            )
        raise LedgerError(f"“{name}”是旧版 Excel（.xls）或 WPS（.et）格式，{_SAVE_AS}")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _open_xlsx(target)
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            raise LedgerError(f"“{name}”是{what}，不是表格文件（可导入 .xlsx 或 .csv）")
    if _HTML.match(head):
        raise LedgerError(f"“{name}”是网页格式的表格（系统导出的 .xls 常是这样），{_SAVE_AS}")
    return _open_csv(target)


def _contains(path: Path, needle: bytes) -> bool:
    """Whether the file holds ``needle``, read in chunks (OLE directories sit anywhere)."""
    overlap = len(needle) - 1
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


# --- xlsx -------------------------------------------------------------------------------


def _open_xlsx(path: Path) -> Source:
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise LedgerError(f"“{name}”已损坏，无法作为 .xlsx 读取") from error
    names = {member.filename for member in members}
    try:
        if "xl/workbook.xml" not in names:
            raise LedgerError(
                f"“{name}”{_zip_kind(names)}，不是 Excel 表格（可导入 .xlsx 或 .csv）"
            )
        if any(member.flag_bits & 0x1 for member in members):
            raise LedgerError(f"“{name}”设有密码，无法读取；请取消密码后另存再导入")
        check_zip_sizes(name, members)
    finally:
        archive.close()
    import openpyxl  # heavy: only on the path that reads workbooks

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except LedgerError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise unreadable(name, error) from error
    sheets: list[Sheet] = []
    hidden: list[str] = []
    for worksheet in workbook.worksheets:
        if getattr(worksheet, "sheet_state", "visible") != "visible":
            hidden.append(worksheet.title)
        sheets.append(_xlsx_sheet(workbook, worksheet, name))
    return Source(path, "xlsx", sheets, workbook.epoch, hidden, workbook.close)


def _zip_kind(names: set[str]) -> str:
    if "word/document.xml" in names:
        return "是 Word 文档"
    if any(n.startswith("ppt/") for n in names):
        return "是 PowerPoint 演示文稿"
    if "content.xml" in names:
        return "是 OpenDocument（.ods 等）文件，请另存为 .xlsx，它"
    return "是压缩包"


def check_zip_sizes(name: str, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from its directory alone, before anything is unpacked.

    zipfile stops a member at its declared size, so the declared sizes bound what is read.
    """
    total = 0
    for member in members:
        total += member.file_size
        packed = max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size / packed > MAX_RATIO:
            raise LedgerError(
                f"“{name}”解压后异常庞大（{member.filename} 压缩比 "
                f"{member.file_size // packed}:1，{_mb(member.file_size)}），疑似恶意文件，已拒绝读取"
            )
    if total > MAX_UNPACKED_BYTES:
        raise LedgerError(
            f"“{name}”解压后达 {_mb(total)}，超过上限 {_mb(MAX_UNPACKED_BYTES)}，已拒绝读取；"
            "请把表格拆成几个文件"
        )


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"


_UNSAFE_XML = ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden", "UnsafeXML")


def unreadable(name: str, error: BaseException) -> LedgerError:
    """The clerk's sentence for an exception raised while parsing a workbook."""
    cause: BaseException | None = error
    while cause is not None:  # openpyxl wraps what defusedxml raised in its own ValueError
        if type(cause).__name__ in _UNSAFE_XML:
            return LedgerError(f"“{name}”含有不安全的 XML 内容（实体定义或外部引用），已拒绝读取")
        cause = cause.__cause__ or cause.__context__
    return LedgerError(f"“{name}”已损坏或不是有效的 .xlsx 文件，无法读取")


def _xlsx_sheet(workbook: Any, worksheet: Any, file_name: str) -> Sheet:
    total = worksheet.max_row  # from the file's <dimension>, which may be missing or wrong
    # A wrong <dimension> would make openpyxl stop early: read what is really there.
    worksheet.reset_dimensions()

    def rows() -> Iterator[tuple[int, Row]]:
        try:
            if ROW_READER == "openpyxl":
                for number, row in enumerate(
                    worksheet.iter_rows(min_row=1, values_only=True), start=1
                ):
                    if row:
                        yield number, tuple(row)
            else:
                yield from _expat_rows(workbook, worksheet)
        except LedgerError:
            raise
        except Exception as error:
            raise unreadable(file_name, error) from error

    return Sheet(worksheet.title, rows, total, _merges(workbook, worksheet))


class UnsafeXML(ValueError):
    """A DTD in a worksheet: never present in a real one, and the door to entity bombs."""


def _expat_rows(workbook: Any, worksheet: Any) -> Iterator[tuple[int, Row]]:
    """The sheet's non-empty rows as (row number, values), values as openpyxl's read-only
    ``iter_rows(values_only=True)`` gives them (shared strings, numbers, dates by cell
    style, booleans, errors, inline rich text, cached formula results) — about twice as fast,
    because no element objects are built. openpyxl has opened the workbook (sheet list,
    shared strings, date styles); this reads only the rows, with any DTD refused."""
    from xml.parsers import expat

    from openpyxl.utils.datetime import from_excel, from_ISO8601

    shared = worksheet._shared_strings
    date_styles = workbook._date_formats
    timedelta_styles = workbook._timedelta_formats
    epoch = workbook.epoch
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def refuse(*_: Any) -> None:
        raise UnsafeXML("DTD")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]

    done: list[tuple[int, Row]] = []
    cells: list[Any] = []
    text: list[str] = []
    dates: dict[tuple[str, int], Any] = {}  # the same dates recur: convert each once
    number = column = style = skipping = 0
    kind = "n"
    collecting = False

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
                    if style and style in date_styles:
                        key = (value, style)
                        converted = dates.get(key)
                        if converted is None:
                            number_value = (
                                float(value) if "." in value or "E" in value or "e" in value
                                else int(value)
                            )  # fmt: skip
                            try:
                                converted = from_excel(
                                    number_value, epoch, timedelta=style in timedelta_styles
                                )
                            except (OverflowError, ValueError):
                                converted = "#VALUE!"
                            dates[key] = converted
                        value = converted
                    else:
                        value = (
                            float(value) if "." in value or "E" in value or "e" in value
                            else int(value)
                        )  # fmt: skip
                elif kind == "b":
                    value = bool(int(value))
                elif kind == "d":
                    value = from_ISO8601(value)
            else:
                value = None
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
    with workbook._archive.open(worksheet._worksheet_path) as stream:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
            if done:
                yield from done
                done.clear()
        parser.Parse(b"", True)
    yield from done


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _merges(workbook: Any, worksheet: Any) -> list[tuple[int, int, int, int]]:
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


# --- csv --------------------------------------------------------------------------------


def _open_csv(path: Path) -> Source:
    name = path.name
    if path.stat().st_size > MAX_CSV_BYTES:
        raise LedgerError(f"“{name}”超过 {_mb(MAX_CSV_BYTES)}，请拆分后再导入")
    data = path.read_bytes()
    text = decode_text(name, data)
    if "\x00" in text:
        raise LedgerError(f"“{name}”不是表格文件（可导入 .xlsx 或 .csv）")
    delimiter = _delimiter(text)

    def rows() -> Iterator[tuple[int, Row]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for number, record in enumerate(reader, start=1):
                yield number, tuple(record)
        except csv.Error as error:
            raise LedgerError(
                f"“{name}”第 {reader.line_num} 行格式有误：{_csv_reason(error)}"
            ) from error

    total = text.count("\n") + 1
    return Source(path, "csv", [Sheet(path.stem, rows, total)])


def _csv_reason(error: csv.Error) -> str:
    """The csv module's English reasons, for the clerk."""
    text = str(error)
    if "field larger than field limit" in text:
        return f"一个单元格超过 {csv.field_size_limit():,} 个字符（可能缺少一个结尾的引号）"
    if "NUL" in text or "null byte" in text:
        return "含有空字符（文件可能已损坏）"
    if "new-line character seen in unquoted field" in text:
        return "未加引号的单元格中有换行"
    return "引号或分隔符不配对"


def decode_text(name: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LedgerError(
        f"“{name}”的文字编码无法识别（支持 UTF-8 与 GBK/GB18030）；"
        "请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入"
    )


def _delimiter(text: str) -> str:
    """Comma, tab (Excel's 'Unicode text') or semicolon: whichever the first lines use most."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    sample = "\n".join(lines)
    counts = {d: sample.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
