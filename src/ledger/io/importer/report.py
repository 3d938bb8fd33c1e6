"""What an import found and did, the problems it lists, and the file of rows to fix."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.domain.errors import LedgerError
from ledger.domain.text import looks_like_formula
from ledger.io.importer.reading import Row
from ledger.views.repeats import Suspect

BAD_COLUMNS = ("原行号", "导入错误")  # appended to the rows to fix; no heading synonym matches
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_CELL = 32767


@dataclass
class Problem:
    """One thing wrong: where (sheet, row, column) and what, in Chinese."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def where(self, single_sheet: bool = False) -> str:
        parts = []
        if self.sheet and not single_sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(self.column)
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class BadRow:
    """A row that could not be imported, kept as read, for the file of rows to fix."""

    sheet: str
    number: int
    values: Row
    messages: list[str]
    line: bool = False  # a meeting's line above bad rows of its block: copied as it was


@dataclass
class ImportOutcome:
    """The outcome of one import (or dry run)."""

    kind: str  # items, areas, units
    file: str
    dry_run: bool
    sheets: list[str] = field(default_factory=list)
    single_sheet: bool = True
    checked: int = 0  # data rows read
    new: int = 0  # written, or that would be written
    existing: int = 0  # already in the ledger: not written again
    repeated: list[tuple[str, int, int]] = field(default_factory=list)  # sheet, row, first row
    bad_rows: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # blank, total, footer, header
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # units or places made along the way
    by_status: Counter[str] = field(default_factory=Counter)
    by_month: Counter[str] = field(default_factory=Counter)
    by_level: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)  # how each status was decided
    meetings: list[dict[str, Any]] = field(default_factory=list)  # named in the file
    repeats: list[Suspect] = field(default_factory=list)  # rows that look like 重复反映
    new_numbers: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)
    numbers: tuple[int, int] | None = None
    events: int = 0
    preview: list[dict[str, Any]] = field(default_factory=list)
    bad_file: Path | None = None
    unused: dict[str, list[str]] = field(default_factory=dict)
    written: bool = False
    bad: list[BadRow] = field(default_factory=list, repr=False)
    headings: dict[str, list[str]] = field(default_factory=dict, repr=False)
    # The lines above a sheet's header (its title: the community, the year, 每周夜话 …), written
    # above the rows to fix so that they read the same when imported again.
    titles: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def problem(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(sheet, row, column, message))

    def as_json(self) -> dict[str, Any]:
        """The stable JSON shape for --json."""
        return {
            "kind": self.kind,
            "file": self.file,
            "dry_run": self.dry_run,
            "written": self.written,
            "sheets": self.sheets,
            "checked": self.checked,
            "new": self.new,
            "existing": self.existing,
            "repeated": [{"sheet": s, "row": r, "same_as_row": f} for s, r, f in self.repeated],
            "bad_rows": self.bad_rows,
            "skipped": dict(self.skipped),
            "problems": [p.as_dict() for p in self.problems],
            "notices": self.notices,
            "created": self.created,
            "by_status": dict(self.by_status),
            "by_month": dict(sorted(self.by_month.items())),
            "by_level": dict(self.by_level),
            "status_rules": dict(self.by_rule),
            "meetings": self.meetings,
            "repeats": [self.repeat_json(s) for s in self.repeats],
            "numbers": list(self.numbers) if self.numbers else None,
            "events": self.events,
            "preview": self.preview,
            "bad_file": str(self.bad_file) if self.bad_file else None,
            "unused_columns": self.unused,
        }

    def repeat_json(self, suspect: Suspect) -> dict[str, Any]:
        """One row that looks like a repeat, and of what (an item's number, or a row)."""
        sheet, row = suspect.new.key  # type: ignore[misc]
        original = suspect.original
        return {
            "sheet": sheet,
            "row": row,
            "number": self.new_numbers.get((sheet, row)),
            "title": suspect.new.title,
            "original": {
                "number": original.number or self.new_numbers.get(original.key),  # type: ignore[arg-type]
                "row": None if original.number else original.key[1],  # type: ignore[index]
                "title": original.title,
                "raised_on": original.raised_on,
                "status": original.status,
            },
            "why": suspect.why,
            "score": round(suspect.score, 1),
        }


class ImportRefused(LedgerError):
    """Problems were found, so nothing was written; ``report`` lists them."""

    def __init__(self, message: str, report: ImportOutcome) -> None:
        super().__init__(message)
        self.report = report


def refusal(report: ImportOutcome) -> ImportRefused:
    """The closing sentence when problems stop an import."""
    rows = len({(p.sheet, p.row) for p in report.problems if p.row})
    where = f"（涉及 {rows} 行）" if rows else ""
    good = report.checked - report.bad_rows - report.existing - len(report.repeated)
    hint = (
        f"，或用 --skip-bad 先导入无误的 {good} 行（有问题的行另存为文件，改好后再导入）"
        if rows and good > 0
        else ""
    )
    return ImportRefused(
        f"发现 {len(report.problems)} 处问题{where}，未导入任何内容。请修正后重新导入{hint}",
        report,
    )


# --- the rows to fix --------------------------------------------------------------------


def bad_file_path(source: Path, suffix: str) -> Path:
    """Beside the source: 铁塔寺社区台账-待修正.xlsx (-2, -3 … rather than overwrite)."""
    candidate = source.with_name(f"{source.stem}-待修正{suffix}")
    counter = 2
    while candidate.exists():
        candidate = source.with_name(f"{source.stem}-待修正-{counter}{suffix}")
        counter += 1
    return candidate


def write_bad_rows(report: ImportOutcome, source: Path, kind: str, target: Path | None) -> Path:
    """Save the rows that could not be imported, with their original headings and a column
    saying what is wrong, in the source's format; fixed, the file imports like the original."""
    suffix = ".csv" if kind == "csv" else ".xlsx"
    path = target or bad_file_path(source, suffix)
    if suffix == ".csv":
        _write_csv(report, path)
    else:
        _write_xlsx(report, path)
    return path


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        value = _CONTROL.sub("", value)[:MAX_CELL]
    return value


def _write_csv(report: ImportOutcome, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        written_header = False
        for bad in report.bad:
            if not written_header:
                for title in report.titles.get(bad.sheet, []):
                    writer.writerow([_csv_text(title)])
                writer.writerow([*report.headings.get(bad.sheet, []), *BAD_COLUMNS])
                written_header = True
            cells = ["" if v is None else _csv_text(v) for v in bad.values]
            width = len(report.headings.get(bad.sheet, []))
            cells = (cells + [""] * width)[: max(width, len(cells))]
            if bad.line:
                writer.writerow(cells[:1])  # one cell, so that it reads as the meeting's line
                continue
            writer.writerow([*cells, bad.number, "；".join(bad.messages)])


def _csv_text(value: Any) -> str:
    text = str(_plain(value))
    # Opened in Excel, =… would be run as a formula: a leading ' keeps it text.
    return "'" + text if looks_like_formula(text) else text


def _write_xlsx(report: ImportOutcome, path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheets: dict[str, Any] = {}
    for bad in report.bad:
        sheet = sheets.get(bad.sheet)
        if sheet is None:
            title = re.sub(r"[\[\]:*?/\\]", "_", bad.sheet)[:31] or "待修正"
            sheet = workbook.create_sheet(title)
            sheets[bad.sheet] = sheet
            for title in report.titles.get(bad.sheet, []):
                sheet.append([_text_cell(sheet, title)])
            sheet.append([*report.headings.get(bad.sheet, []), *BAD_COLUMNS])
        width = len(report.headings.get(bad.sheet, []))
        cells = list(bad.values) + [None] * max(0, width - len(bad.values))
        row = []
        tail = [] if bad.line else [bad.number, "；".join(bad.messages)]
        if bad.line:
            cells = [next((v for v in cells if v not in (None, "")), None)]
        for value in [*cells, *tail]:
            row.append(_text_cell(sheet, value))
        sheet.append(row)
    workbook.save(path)


def _text_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=_plain(value))
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # text the resident typed is never a formula
        cell.quotePrefix = True
    return cell
