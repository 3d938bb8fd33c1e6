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
from ledger.io.importer import sheet_xml

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
    try:
        workbook = _load_workbook(path)  # openpyxl, heavy: only on the path that reads workbooks
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

    hidden = sheet_xml.hidden_columns(workbook, worksheet)  # a clerk does not see them

    def rows() -> Iterator[tuple[int, Row]]:
        try:
            if ROW_READER == "openpyxl":
                for number, row in enumerate(
                    worksheet.iter_rows(min_row=1, values_only=True), start=1
                ):
                    if row:
                        yield number, _without(tuple(row), hidden)
            else:
                yield from sheet_xml.expat_rows(workbook, worksheet, hidden)
        except LedgerError:
            raise
        except Exception as error:
            raise unreadable(file_name, error) from error

    return Sheet(worksheet.title, rows, total, sheet_xml.merges(workbook, worksheet))


def _without(row: Row, hidden: frozenset[int]) -> Row:
    """A row with its hidden columns (1-based) blank."""
    if not hidden:
        return row
    return tuple(None if index in hidden else value for index, value in enumerate(row, start=1))


def _load_workbook(path: Path) -> Any:
    """openpyxl's ``load_workbook(read_only=True, data_only=True, keep_links=False)`` with
    the shared strings read by :func:`sheet_xml.shared_strings` (openpyxl builds an element
    per string: a tenth of the time of reading a sheet of unique titles)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_strings(self) -> None:
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                with self.archive.open(found.PartName[1:]) as stream:
                    self.shared_strings = sheet_xml.shared_strings(stream)

    reader = Reader(path, read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


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
