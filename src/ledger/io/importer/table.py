"""Walking a file's sheets the same way for every kind of import: open it with the command's
options (:func:`opened`), find each sheet's header, report what is wrong with its columns,
then hand out its data rows (blank, 合计, footer and repeated header rows counted and skipped),
with progress; at the end, refuse or go on to write (:class:`Opened`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from ledger.domain.errors import LedgerError
from ledger.io.importer import headers, reading, rows
from ledger.io.importer.headers import Vocabulary
from ledger.io.importer.reading import Row, Sheet, Source
from ledger.io.importer.report import ImportOutcome, refusal, write_bad_rows

Progress = Callable[[str, int, int | None], None]
PROGRESS_EVERY = 1000


class Options(TypedDict, total=False):
    """What every kind of import takes besides the ledger and the file."""

    sheets: list[str] | None  # --sheet: by name or position; else every visible sheet
    mapping: list[str] | None  # --map 列名=字段
    dry_run: bool
    skip_bad: bool  # import the good rows, save the bad ones to fix
    bad_file: Path | None  # where to save them
    progress: Progress | None


@dataclass
class Opened:
    """A file opened for one kind of import, and what the import reports."""

    path: Path
    source: Source
    sheets: list[Sheet]  # the sheets to read
    overrides: dict[str, str]  # heading → field, from --map
    report: ImportOutcome
    options: Options

    def tables(
        self,
        vocabulary: Vocabulary,
        check: Callable[[rows.Layout, ImportOutcome], bool],
        example: str,
    ) -> Iterator[tuple[rows.Layout, Iterator[tuple[int, Row]]]]:
        """:func:`tables` of the chosen sheets."""
        return tables(
            self.source, self.sheets, vocabulary, self.overrides, self.report,
            explicit=bool(self.options.get("sheets")), check=check, example=example,
            progress=self.options.get("progress"),
        )  # fmt: skip

    def refuse_if_wrong(self) -> None:
        """Refuse (listing every problem) unless there are none, or --skip-bad is given and
        every problem is a row's (a missing column stops even --skip-bad)."""
        report = self.report
        rows_only = report.bad_rows and all(p.row is not None for p in report.problems)
        if report.problems and not (self.options.get("skip_bad") and rows_only):
            raise refusal(report)

    def writing(self) -> bool:
        """False for a dry run; else True, once the rows to fix (--skip-bad) are saved."""
        if self.report.dry_run:
            return False
        if self.report.bad:  # saved before anything is written
            self.report.bad_file = write_bad_rows(
                self.report, self.path, self.source.kind, self.options.get("bad_file")
            )
        return True


@contextmanager
def opened(
    kind: str, path: Path | str, vocabulary: Vocabulary, options: Options
) -> Iterator[Opened]:
    """Open ``path`` for an import of ``kind`` (items, areas, units) and choose its sheets."""
    overrides = headers.parse_overrides(options.get("mapping"), vocabulary)
    source_path = Path(path)
    report = ImportOutcome(kind, source_path.name, bool(options.get("dry_run")))
    with reading.open_source(source_path) as source:
        chosen = rows.select_sheets(source.sheets, options.get("sheets"), source.hidden)
        report.single_sheet = source.kind == "csv" or len(source.sheets) == 1
        yield Opened(source_path, source, chosen, overrides, report, options)


def tables(
    source: Source,
    sheets: list[Sheet],
    vocabulary: Vocabulary,
    overrides: dict[str, str],
    report: ImportOutcome,
    *,
    explicit: bool,
    check: Callable[[rows.Layout, ImportOutcome], bool],
    example: str,
    progress: Progress | None = None,
) -> Iterator[tuple[rows.Layout, Iterator[tuple[int, Row]]]]:
    """For each sheet with a usable header: its layout and an iterator of its data rows
    (and of its marked lines, as :class:`rows.Mark`, when ``check`` sets ``layout.marks``).

    A sheet without a header is skipped with a notice (a 说明 sheet), unless it was asked
    for by name or is the only one: then that is a problem. ``check`` reports missing
    columns; a sheet it refuses is not read further.
    """
    done = [0]
    total = sum(s.total or 0 for s in sheets) or None
    for sheet in sheets:
        stream = rows.merged_rows(sheet)
        head: list[tuple[int, Row]] = []
        for item in stream:
            head.append(item)
            if len(head) >= rows.HEADER_SCAN_ROWS:
                break
        layout = rows.find_layout(sheet.name, head, vocabulary, overrides, (source.path.name,))
        if layout is None:
            if head and (explicit or len(sheets) == 1):
                report.problem(
                    sheet.name,
                    None,
                    None,
                    f"找不到表头：前 {rows.HEADER_SCAN_ROWS} 行中没有一行含有至少两个可识别的"
                    f"列名（如 {example}）；可用 --map 列名=字段 指定",
                )
            elif head:
                report.notices.append(f"工作表“{sheet.name}”没有可识别的表头，已跳过")
            continue
        report.sheets.append(sheet.name)
        for column, message in layout.problems:
            report.problem(sheet.name, None, layout.describe(column) or None, message)
        if layout.problems or not check(layout, report):
            continue
        if layout.unused:
            report.unused[sheet.name] = layout.unused
        width = max(layout.headings) + 1 if layout.headings else 0
        report.headings[sheet.name] = [layout.headings.get(i, "") for i in range(width)]
        report.titles[sheet.name] = layout.titles
        yield layout, _data(layout, _chain(head, stream), report, done, total, progress)
    if progress is not None:
        progress("检查", done[0], done[0])
    if not report.sheets and not report.problems:
        names = "、".join(s.name for s in sheets)
        raise LedgerError(
            f"“{source.path.name}”中没有找到可导入的表格（工作表：{names}）；"
            f"表头应含有 {example} 等列名，或用 --map 列名=字段 指定"
        )


def _data(
    layout: rows.Layout,
    stream: Iterator[tuple[int, Row]],
    report: ImportOutcome,
    done: list[int],
    total: int | None,
    progress: Progress | None,
) -> Iterator[tuple[int, Row]]:
    used = rows.data_columns(layout)
    header_end = layout.header_rows[-1]
    classify = rows.classify
    skipped = report.skipped
    for number, row in stream:
        done[0] += 1
        if progress is not None and done[0] % PROGRESS_EVERY == 0:
            progress("检查", done[0], total)
        if number <= header_end:
            continue
        kind = classify(row, layout, used)
        if kind != "data":
            if kind == "mark":
                yield number, rows.Mark(row)
                continue
            skipped[kind] += 1
            continue
        report.checked += 1
        yield number, row


def _chain(head: list[Any], stream: Iterator[Any]) -> Iterator[Any]:
    yield from head
    yield from stream
