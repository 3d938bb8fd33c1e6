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
full-width); :func:`ledger.io.restore.rebuild` removes that one apostrophe again. In Excel such
texts are stored as text cells with the quote-prefix style instead.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.domain.dates import iso
from ledger.domain.errors import LedgerError
from ledger.domain.filenames import inside, safe_name
from ledger.domain.labels import COLUMN, EXPORT_FORMAT, TABLE
from ledger.domain.text import looks_like_formula
from ledger.store.ledger_file import Ledger

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
_ILLEGAL_IN_XLSX = {chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32))}


@dataclass
class ExportOutcome:
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


def header_titles(table: str, names: list[str]) -> list[str]:
    """Chinese column headers, unique within the table (a clash keeps its code alongside)."""
    labels = [COLUMN.get(f"{table}.{name}", COLUMN.get(name, name)) for name in names]
    return [
        label if labels.count(label) == 1 else f"{label}({name})"
        for name, label in zip(names, labels, strict=True)
    ]


def file_label(table: str) -> str:
    return TABLE.get(table, table)


def default_out(ledger: Ledger, fmt: str) -> Path:
    """ledger.db → ledger-导出-20261126-090000.json / .xlsx / .zip beside the ledger."""
    assert ledger.path is not None
    suffix = {"json": ".json", "csv": ".zip", "xlsx": ".xlsx"}[fmt]
    stamp = f"{ledger.now():%Y%m%d-%H%M%S}"
    return ledger.path.resolve().parent / f"{ledger.path.stem}-导出-{stamp}{suffix}"


def export(ledger: Ledger, fmt: str = "json", out: Path | None = None) -> ExportOutcome:
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
    result = ExportOutcome(target, code)
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
    rows += [(f"表：{file_label(table)}", f"table:{table}", n) for table, n in counts.items()]
    return rows


# --- JSON -------------------------------------------------------------------------------


def _write_json(
    conn: sqlite3.Connection,
    names: list[str],
    meta: dict[str, Any],
    path: Path,
    result: ExportOutcome,
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
    if formulas and looks_like_formula(value):
        return "'" + value
    return value


def unescape(value: Any) -> Any:
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
    result: ExportOutcome,
    as_folder: bool,
) -> None:
    def table_text(table: str) -> Iterator[str]:
        """A table as CSV text, a chunk at a time (UTF-8 BOM added by the writer)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        names_ = columns(conn, table)
        writer.writerow(header_titles(table, names_))
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
            with inside(path, f"{safe_name(file_label(table))}.csv").open(
                "w", encoding="utf-8-sig", newline=""
            ) as f:
                for chunk in table_text(table):
                    f.write(chunk)
        (path / f"{META}.csv").write_text(meta_text(), encoding="utf-8-sig", newline="")
        return
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in names:
            member_name = f"{safe_name(file_label(table))}.csv"
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
    result: ExportOutcome,
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
        if not looks_like_formula(value):
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
    result: ExportOutcome,
) -> None:
    for table in names:
        names_ = columns(conn, table)
        headers = header_titles(table, names_)
        widths = [max(10, min(40, 2 * len(h) + 2)) for h in headers]
        title = file_label(table)
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
