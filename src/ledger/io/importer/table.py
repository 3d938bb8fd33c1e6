"""Walking a file's sheets the same way for every kind of import: find each sheet's header,
report what is wrong with its columns, then hand out its data rows (blank, 合计, footer and
repeated header rows counted and skipped), with progress."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ledger.domain.errors import LedgerError
from ledger.io.importer import rows
from ledger.io.importer.headers import Vocabulary
from ledger.io.importer.reading import Row, Sheet, Source
from ledger.io.importer.report import ImportOutcome

Progress = Callable[[str, int, int | None], None]
PROGRESS_EVERY = 1000


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
