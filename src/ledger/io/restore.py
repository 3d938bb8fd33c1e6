"""Reading an export back (json, a CSV folder or zip, xlsx) and rebuilding a new ledger file from it, in one transaction."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.domain.errors import LedgerError, NotALedger
from ledger.domain.labels import TABLE
from ledger.io.export import (
    EXPORT_MARK,
    EXPORT_VERSION,
    META,
    columns,
    file_label,
    header_titles,
    tables,
    unescape,
)
from ledger.store.ledger_file import open_ledger
from ledger.store.migrations import SCHEMA_VERSION

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
        key, value = str(row[1]), unescape(row[2])
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
        name = f"{file_label(table)}.csv"
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
        title = file_label(table)
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
                values = rows if source.typed else ([unescape(v) for v in row] for row in rows)
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
    by_header = {h: n for h, n in zip(header_titles(table, names), names, strict=True)}
    by_header.update({n: n for n in names})
    mapped = []
    for text in header:
        if text not in by_header:
            raise LedgerError(
                f"导出文件中{TABLE.get(table, table)}的列“{text}”本程序不认识（可能由更新版本导出）"
            )
        mapped.append(by_header[text])
    return mapped
