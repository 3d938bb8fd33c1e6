"""``ledger export``: everything in the ledger, in a form that can rebuild it.

Every table that holds the ledger's data — settings, categories, areas, units, meetings, items,
events, and any table a later version adds — is written row by row with its columns, read in
one snapshot (a read transaction), so an export made while others write is consistent.

- ``json``: one file; the exact copy (types, empty texts and nulls kept apart).
- ``csv``: one CSV per table (UTF-8 with BOM, so Excel opens the Chinese correctly), plus
  ``说明.csv``, in a folder or — when the destination ends in ``.zip`` — a zip file.
- ``xlsx``: one sheet per table plus ``说明``, written with openpyxl's write-only mode.

In CSV and Excel an empty cell is a null. A text value that is empty, or that starts with an
apostrophe, is written with one apostrophe in front (so ``'`` alone is an empty text), and in
CSV so is any text that Excel would take for a formula (starting with = + - @, also
full-width); :func:`rebuild` removes that one apostrophe again. In Excel such texts are
stored as text cells with the quote-prefix style instead.

:func:`rebuild` makes a new ledger file from any of the three, in one transaction.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import sqlite3
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.domain.dates import iso
from ledger.domain.errors import LedgerError, NotALedger
from ledger.domain.filenames import inside, safe_name
from ledger.domain.labels import COLUMN, EXPORT_FORMAT, TABLE
from ledger.store.ledger_file import Ledger, open_ledger
from ledger.store.migrations import SCHEMA_VERSION

EXPORT_MARK = "ledger-export"
EXPORT_VERSION = 1
META = "说明"
META_HEADER = ("项目", "代码", "值")
META_LABELS = {
    "format": "导出格式",
    "format_version": "导出格式版本",
    "schema_version": "台账结构版本",
    "exported_at": "导出时间",
    "source": "台账文件",
}
XLSX_MAX_ROWS = 1_048_576  # per sheet, header included
XLSX_MAX_CELL = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_IN_XLSX = {chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32))}


@dataclass
class ExportResult:
    """What was written where."""

    path: Path
    format: str
    counts: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


# --- what is exported -------------------------------------------------------------------


def tables(conn: sqlite3.Connection) -> list[str]:
    """The ledger's data tables: the core ones in dependency order, then any others.

    Left out: SQLite's own tables, the migrations record (the new file gets its own) and
    virtual tables with their shadow tables (search indexes are rebuilt from the data).
    """
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    names = [
        name
        for name, _ in rows
        if name != "migrations"
        and name not in virtual
        and not any(name.startswith(v + "_") for v in virtual)
    ]
    core = [name for name in TABLE if name in names]
    return core + sorted(name for name in names if name not in TABLE)


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """A table's columns in their declared order."""
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _rows(conn: sqlite3.Connection, table: str, names: list[str]) -> Iterator[tuple[Any, ...]]:
    """Rows in primary-key order (rowid order for a table without a declared key)."""
    listed = ", ".join(f'"{name}"' for name in names)
    keys = sorted((row[5], row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")'))
    order = ", ".join(f'"{name}"' for position, name in keys if position) or "rowid"
    return conn.execute(f'SELECT {listed} FROM "{table}" ORDER BY {order}')


def _headers(table: str, names: list[str]) -> list[str]:
    """Chinese column headers, unique within the table (a clash keeps its code alongside)."""
    labels = [COLUMN.get(f"{table}.{name}", COLUMN.get(name, name)) for name in names]
    return [
        label if labels.count(label) == 1 else f"{label}({name})"
        for name, label in zip(names, labels, strict=True)
    ]


def _file_label(table: str) -> str:
    return TABLE.get(table, table)


def default_out(ledger: Ledger, fmt: str) -> Path:
    """ledger.db → ledger-导出-20261126-090000.json / .xlsx / .zip beside the ledger."""
    assert ledger.path is not None
    suffix = {"json": ".json", "csv": ".zip", "xlsx": ".xlsx"}[fmt]
    stamp = f"{ledger.now():%Y%m%d-%H%M%S}"
    return ledger.path.resolve().parent / f"{ledger.path.stem}-导出-{stamp}{suffix}"


def export(ledger: Ledger, fmt: str = "json", out: Path | None = None) -> ExportResult:
    """Write every table to ``out`` (default: beside the ledger, timestamped).

    The file (or folder) appears under its name only when complete; an existing one is
    never overwritten.
    """
    code = EXPORT_FORMAT.parse(fmt)
    target = out if out is not None else default_out(ledger, code)
    if target.exists():
        raise LedgerError(f"“{target}”已存在，不会覆盖；请换一个名字（--out）")
    if not target.parent.is_dir():
        raise LedgerError(f"目录“{target.parent}”不存在")
    as_folder = code == "csv" and target.suffix.lower() != ".zip"
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    result = ExportResult(target, code)
    conn = ledger.conn
    try:
        conn.execute("BEGIN")  # one snapshot for every table, while others may write
        try:
            meta = _meta(ledger)
            names = tables(conn)
            if code == "json":
                _write_json(conn, names, meta, partial, result)
            elif code == "csv":
                _write_csv(conn, names, meta, partial, result, as_folder)
            else:
                _write_xlsx(conn, names, meta, partial, result)
        finally:
            conn.execute("COMMIT")
        if target.exists():
            raise LedgerError(f"“{target}”已存在，不会覆盖")
        os.replace(partial, target)
    finally:
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
    return result


def _meta(ledger: Ledger) -> dict[str, Any]:
    version = ledger.conn.execute("PRAGMA user_version").fetchone()[0]
    return {
        "format": EXPORT_MARK,
        "format_version": EXPORT_VERSION,
        "schema_version": version,
        "exported_at": iso(ledger.now()),
        "source": ledger.path.name if ledger.path else "",
    }


def _meta_rows(meta: dict[str, Any], counts: dict[str, str]) -> list[tuple[str, str, Any]]:
    rows: list[tuple[str, str, Any]] = [(META_LABELS[k], k, v) for k, v in meta.items()]
    rows += [(f"表：{_file_label(table)}", f"table:{table}", n) for table, n in counts.items()]
    return rows


# --- JSON -------------------------------------------------------------------------------


def _write_json(
    conn: sqlite3.Connection,
    names: list[str],
    meta: dict[str, Any],
    path: Path,
    result: ExportResult,
) -> None:
    """One row per line: readable, diffable, and written as it is read."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("{\n")
        for key, value in meta.items():
            out.write(f"  {dump(key)}: {dump(value)},\n")
        out.write('  "tables": {')
        for index, table in enumerate(names):
            names_ = columns(conn, table)
            out.write("," if index else "")
            out.write(f'\n    {dump(table)}: {{\n      "columns": {dump(names_)},\n      "rows": [')
            count = 0
            for row in _rows(conn, table, names_):
                out.write(("," if count else "") + "\n        " + dump(list(row)))
                count += 1
            out.write("\n      ]\n    }" if count else "]\n    }")
            result.counts[table] = count
        out.write("\n  }\n}\n")


# --- CSV --------------------------------------------------------------------------------


def _escape(value: str, *, formulas: bool) -> str:
    """Empty text, text starting with ', and (for CSV) formula-like text get one ' in front."""
    if value == "" or value[0] == "'":
        return "'" + value
    if formulas and unicodedata.normalize("NFKC", value[:1]).startswith(_FORMULA_START):
        return "'" + value
    return value


def _unescape(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value


def _csv_cells(row: Iterable[Any]) -> list[Any]:
    return [
        "" if v is None else _escape(v, formulas=True) if isinstance(v, str) else v for v in row
    ]


def _write_csv(
    conn: sqlite3.Connection,
    names: list[str],
    meta: dict[str, Any],
    path: Path,
    result: ExportResult,
    as_folder: bool,
) -> None:
    def table_text(table: str) -> Iterator[str]:
        """A table as CSV text, a chunk at a time (UTF-8 BOM added by the writer)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        names_ = columns(conn, table)
        writer.writerow(_headers(table, names_))
        count = 0
        for row in _rows(conn, table, names_):
            writer.writerow(_csv_cells(row))
            count += 1
            if buffer.tell() > 1 << 20:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        result.counts[table] = count
        yield buffer.getvalue()

    def meta_text() -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(META_HEADER)
        counts = {table: str(n) for table, n in result.counts.items()}
        for row in _meta_rows(meta, counts):
            writer.writerow(_csv_cells(row))
        return buffer.getvalue()

    if as_folder:
        path.mkdir()
        for table in names:
            with inside(path, f"{safe_name(_file_label(table))}.csv").open(
                "w", encoding="utf-8-sig", newline=""
            ) as f:
                for chunk in table_text(table):
                    f.write(chunk)
        (path / f"{META}.csv").write_text(meta_text(), encoding="utf-8-sig", newline="")
        return
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in names:
            member_name = f"{safe_name(_file_label(table))}.csv"
            with archive.open(member_name, "w", force_zip64=True) as member:
                member.write("\ufeff".encode())
                for chunk in table_text(table):
                    member.write(chunk.encode("utf-8"))
        archive.writestr(f"{META}.csv", ("\ufeff" + meta_text()).encode("utf-8"))


# --- Excel ------------------------------------------------------------------------------


def _write_xlsx(
    conn: sqlite3.Connection,
    names: list[str],
    meta: dict[str, Any],
    path: Path,
    result: ExportResult,
) -> None:
    from openpyxl import Workbook  # heavy: only for this format
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    replaced = 0
    bold = Font(bold=True)

    def text_cell(sheet: Any, value: str) -> Any:
        nonlocal replaced
        if len(value) > XLSX_MAX_CELL:
            raise LedgerError(
                f"有一项内容长达 {len(value)} 字，超过 Excel 单元格的上限 {XLSX_MAX_CELL} 字；"
                "请改用 --format json 或 csv 导出"
            )
        if any(ch in _ILLEGAL_IN_XLSX for ch in value):
            replaced += 1
            value = "".join("\ufffd" if ch in _ILLEGAL_IN_XLSX else ch for ch in value)
        value = _escape(value, formulas=False)
        risky = unicodedata.normalize("NFKC", value[:1]).startswith(_FORMULA_START)
        if not risky:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text typed by a resident is never a formula
        cell.quotePrefix = True
        return cell

    def new_sheet(title: str, headers: list[str], widths: list[int]) -> Any:
        sheet = workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for text in headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        return sheet

    try:
        _fill_xlsx(conn, names, meta, workbook, new_sheet, text_cell, result)
    except BaseException:
        _discard(workbook)
        raise
    workbook.save(path)
    if replaced:
        result.notices.append(
            f"有 {replaced} 个单元格含 Excel 不能保存的控制字符，已替换为 �；"
            "完整无损的导出请用 --format json"
        )


def _discard(workbook: Any) -> None:
    """Close and remove the sheets' temporary files now, while the interpreter still runs:
    left to the garbage collector they print "Exception ignored … I/O operation on closed
    file" tracebacks after the clerk's error line."""
    for sheet in workbook.worksheets:
        with contextlib.suppress(Exception):
            if not sheet.closed:
                sheet.close()
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


def _fill_xlsx(
    conn: sqlite3.Connection,
    names: list[str],
    meta: dict[str, Any],
    workbook: Any,
    new_sheet: Any,
    text_cell: Any,
    result: ExportResult,
) -> None:
    for table in names:
        names_ = columns(conn, table)
        headers = _headers(table, names_)
        widths = [max(10, min(40, 2 * len(h) + 2)) for h in headers]
        title = _file_label(table)
        sheet = new_sheet(title, headers, widths)
        count, in_sheet, part = 0, 1, 1
        for row in _rows(conn, table, names_):
            if in_sheet >= XLSX_MAX_ROWS:  # Excel's row limit: continue on another sheet
                part += 1
                sheet = new_sheet(f"{title}（续{part}）", headers, widths)
                in_sheet = 1
            sheet.append([text_cell(sheet, v) if isinstance(v, str) else v for v in row])
            count += 1
            in_sheet += 1
        result.counts[table] = count

    info = workbook.create_sheet(META, 0)
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 20
    info.column_dimensions["C"].width = 30
    info.append(list(META_HEADER))
    counts = {table: str(n) for table, n in result.counts.items()}
    for label, key, value in _meta_rows(meta, counts):
        info.append([label, key, text_cell(info, str(value))])


# --- reading an export back ---------------------------------------------------------------


@dataclass
class _Export:
    """An export read back: its description and, per table, columns and rows."""

    meta: dict[str, Any]
    tables: list[tuple[str, list[str], Iterable[list[Any]]]]
    typed: bool  # JSON keeps types; CSV/Excel cells need unescaping
    closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for closer in self.closers:
            with contextlib.suppress(Exception):
                closer.close()


def _not_export(path: Path, why: str = "") -> NotALedger:
    return NotALedger(f"“{path}”不是台账导出文件{why}")


def _read_json(path: Path) -> _Export:
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except (ValueError, UnicodeDecodeError) as error:
        raise _not_export(path, "（不是有效的 JSON）") from error
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        raise _not_export(path)
    meta = {key: value for key, value in data.items() if key != "tables"}
    tables_ = [(name, t["columns"], t["rows"]) for name, t in data["tables"].items()]
    return _Export(meta, tables_, typed=True)


def _meta_from_rows(rows: Iterable[list[Any]]) -> tuple[dict[str, Any], list[str]]:
    meta: dict[str, Any] = {}
    order: list[str] = []
    for row in rows:
        if len(row) < 3 or row[1] is None:
            continue
        key, value = str(row[1]), _unescape(row[2])
        if key.startswith("table:"):
            order.append(key[len("table:") :])
        else:
            meta[key] = value
    for key in ("format_version", "schema_version"):
        with contextlib.suppress(TypeError, ValueError):
            meta[key] = int(meta[key])
    return meta, order


def _read_csv(path: Path) -> _Export:
    csv.field_size_limit(1 << 30)
    archive: zipfile.ZipFile | None = None
    if path.is_dir():
        members = {p.name: p for p in path.iterdir()}

        def open_text(name: str) -> Any:
            return members[name].open(encoding="utf-8-sig", newline="")

    else:
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as error:
            raise _not_export(path, "（不是 zip 文件）") from error
        members = {info.filename: info for info in archive.infolist()}

        def open_text(name: str) -> Any:
            assert archive is not None
            return io.TextIOWrapper(archive.open(name), encoding="utf-8-sig", newline="")

    if f"{META}.csv" not in members:
        raise _not_export(path, f"（缺少 {META}.csv）")
    with open_text(f"{META}.csv") as f:
        meta, order = _meta_from_rows(list(csv.reader(f))[1:])
    opened: list[Any] = [archive] if archive else []
    tables_: list[tuple[str, list[str], Iterable[list[Any]]]] = []
    for table in order:
        name = f"{_file_label(table)}.csv"
        if name not in members:
            raise _not_export(path, f"（缺少 {name}）")
        handle = open_text(name)
        opened.append(handle)
        reader = csv.reader(handle)
        header = next(reader, [])
        rows = ([None if cell == "" else cell for cell in row] for row in reader)
        tables_.append((table, header, rows))
    return _Export(meta, tables_, typed=False, closers=opened)


def _read_xlsx(path: Path) -> _Export:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise _not_export(path, "（无法作为 Excel 文件读取）") from error
    if META not in workbook.sheetnames:
        workbook.close()
        raise _not_export(path, f"（缺少“{META}”工作表）")
    meta, order = _meta_from_rows(
        [list(r) for r in workbook[META].iter_rows(min_row=2, values_only=True)]
    )
    tables_: list[tuple[str, list[str], Iterable[list[Any]]]] = []
    for table in order:
        title = _file_label(table)
        sheets = [title] + [
            s for s in workbook.sheetnames if s.startswith(f"{title}（续") and s.endswith("）")
        ]
        if title not in workbook.sheetnames:
            workbook.close()
            raise _not_export(path, f"（缺少“{title}”工作表）")
        header = [str(v) for v in next(workbook[title].iter_rows(max_row=1, values_only=True), ())]

        def rows(sheets: list[str] = sheets, width: int = len(header)) -> Iterator[list[Any]]:
            for sheet in sheets:
                for row in workbook[sheet].iter_rows(min_row=2, values_only=True):
                    # Write-only sheets carry no dimensions: trailing empty cells are left out.
                    yield [*row[:width], *([None] * (width - len(row)))]

        tables_.append((table, header, rows()))
    return _Export(meta, tables_, typed=False, closers=[workbook])


def read_export(path: Path) -> _Export:
    """Open an export of any of the three formats (by its suffix, or a folder for CSV)."""
    if not path.exists():
        raise LedgerError(f"找不到导出文件“{path}”")
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".zip":
        export_ = _read_csv(path)
    elif suffix == ".json":
        export_ = _read_json(path)
    elif suffix == ".xlsx":
        export_ = _read_xlsx(path)
    else:
        raise _not_export(path, "（应为 .json、.xlsx、.zip 或 CSV 文件夹）")
    meta = export_.meta
    if meta.get("format") != EXPORT_MARK:
        export_.close()
        raise _not_export(path)
    if not isinstance(meta.get("format_version"), int) or meta["format_version"] > EXPORT_VERSION:
        export_.close()
        raise NotALedger(f"“{path}”由更新版本的 ledger 导出，请升级 ledger 后再使用")
    schema = meta.get("schema_version")
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        export_.close()
        raise NotALedger(
            f"“{path}”由更新版本的 ledger 导出（结构版本 {schema}，本程序支持到 "
            f"{SCHEMA_VERSION}），请升级 ledger 后再使用"
        )
    return export_


def rebuild(export_path: Path, new_db: Path) -> dict[str, int]:
    """Make the new ledger file ``new_db`` from an export; all of it or nothing.

    Returns the rows written per table. ``new_db`` must not exist; on any failure the
    half-made file is removed again.
    """
    if new_db.exists():
        raise LedgerError(f"“{new_db}”已存在；重建只能写到一个新文件")
    source = read_export(export_path)
    counts: dict[str, int] = {}
    ledger = None
    try:
        ledger = open_ledger(new_db, create=True)
        conn = ledger.conn
        known = set(tables(conn))
        with ledger.transaction():
            # The rows of one table may point at rows of a table that comes later.
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for table, header, rows in source.tables:
                if table not in known:
                    raise LedgerError(f"导出文件中的表“{table}”本程序不认识（可能由更新版本导出）")
                names = _columns_for(conn, table, header)
                listed = ", ".join(f'"{name}"' for name in names)
                marks = ", ".join("?" * len(names))
                # The new file's migrations seeded some rows (the built-in categories): the
                # export's rows replace them, so the copy is exact.
                conn.execute(f'DELETE FROM "{table}"')
                values = rows if source.typed else ([_unescape(v) for v in row] for row in rows)
                cursor = conn.executemany(
                    f'INSERT INTO "{table}" ({listed}) VALUES ({marks})', values
                )
                counts[table] = cursor.rowcount
            dangling = conn.execute("PRAGMA foreign_key_check").fetchone()
            if dangling:
                raise LedgerError(
                    f"导出文件不完整：{TABLE.get(dangling[0], dangling[0])}中有记录引用了"
                    f"不存在的{TABLE.get(dangling[2], dangling[2])}"
                )
    except BaseException as error:
        if ledger is not None:
            ledger.close()
        for leftover in (new_db, Path(f"{new_db}-wal"), Path(f"{new_db}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        if isinstance(error, sqlite3.IntegrityError):
            raise LedgerError(f"导出文件的内容不一致，无法重建：{error}") from error
        raise
    finally:
        source.close()
    ledger.close()
    return counts


def _columns_for(conn: sqlite3.Connection, table: str, header: list[str]) -> list[str]:
    """Map an export's headers (codes, or the Chinese headers CSV/Excel carry) to columns."""
    names = columns(conn, table)
    by_header = {h: n for h, n in zip(_headers(table, names), names, strict=True)}
    by_header.update({n: n for n in names})
    mapped = []
    for text in header:
        if text not in by_header:
            raise LedgerError(
                f"导出文件中{TABLE.get(table, table)}的列“{text}”本程序不认识（可能由更新版本导出）"
            )
        mapped.append(by_header[text])
    return mapped
