"""The subdistrict's workbook (街道月报: 汇总, 问题台账, 超期督办, 承办单位, 分类统计, 会议记录 and
the chart) from the figures of :mod:`ledger.views.figures`, and :func:`write_reports`, which
writes the chosen subdistricts' workbooks and, with ``--summary``, each county's 通报
(:mod:`ledger.reports.county`).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ledger.domain import deadlines
from ledger.domain.errors import LedgerError
from ledger.domain.filenames import distinct, inside, safe_name
from ledger.domain.report_labels import REPORT_SHEET, REPORT_TEXT
from ledger.reports import layouts
from ledger.reports.county import county_book, county_extra
from ledger.reports.item_rows import detail_row, meeting_row, overdue_row, slim
from ledger.reports.notes import (
    DETAIL_HANDLING_NOTE,
    DETAIL_NOTE,
    DETAIL_NOTE_UNMASKED,
    OVERDUE_NOTE,
    SUMMARY_MORE_NOTE,
    SUMMARY_NOTE,
    UNITS_NOTE,
    VOIDED_NOTE,
    info_line,
)
from ledger.reports.writer import Book, SheetWriter
from ledger.store.ledger_file import Ledger
from ledger.views import asof, coverage, figures, ranking
from ledger.views.asof import AsOfItem
from ledger.views.coverage import Lookups, Period, Scope
from ledger.views.figures import Figures, Tally


@dataclass
class Written:
    """A workbook written: where, and for whom."""

    path: Path
    title: str
    figures: Figures | None = None  # a subdistrict's totals (None for a county summary)
    scope: Scope | None = None


def prepare_folder(folder: Path) -> Path:
    """The output folder, created if missing; refused when it cannot be written to."""
    if folder.exists() and not folder.is_dir():
        raise LedgerError(f"输出位置“{folder}”是一个文件，不是文件夹")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LedgerError(f"无法创建输出文件夹“{folder}”（没有权限或该位置不可写入）") from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LedgerError(f"输出文件夹“{folder}”不可写入")
    return folder


def scope_names(scopes: list[Scope]) -> dict[int, str]:
    """What a subdistrict is called in file names: its name, or 县/街道 when names repeat,
    made a safe file name and distinct from every other (see :mod:`ledger.domain.filenames`)."""
    counts = Counter(scope.name for scope in scopes)
    wanted = [
        scope.name if counts[scope.name] == 1 else f"{scope.county}{scope.name}" for scope in scopes
    ]
    safe = distinct([safe_name(name) for name in wanted])
    return {scope.id: name for scope, name in zip(scopes, safe, strict=True)}


# --- workbooks --------------------------------------------------------------------------


def subdistrict_book(
    ledger: Ledger,
    period: Period,
    scope: Scope,
    lookups: Lookups,
    path: Path,
    *,
    unmask: bool = False,
    keep_empty: bool = False,
    carried: dict[int, AsOfItem] | None = None,
) -> tuple[Path | None, Tally]:
    """Write one subdistrict's workbook (None when it has no data and ``keep_empty`` is off).

    ``carried`` collects the items carried in, for the county's follow-up (上期跟踪).
    """
    book = Book(path)
    info = info_line(ledger, period, scope.name)
    head = f"{scope.name} {period.label}"
    community_names = [name for _, name in scope.communities]
    communities = {"community": community_names}
    detail = book.sheet(
        layouts.DETAIL,
        f"{head} {REPORT_SHEET['detail']}",
        info,
        communities,
        DETAIL_NOTE_UNMASKED if unmask else DETAIL_NOTE,
    )
    handling = book.sheet(
        layouts.DETAIL_HANDLING,
        f"{head} {REPORT_SHEET['detail_handling']}",
        info,
        communities,
        DETAIL_HANDLING_NOTE,
    )
    overdue = book.sheet(
        layouts.OVERDUE,
        f"{head} {REPORT_SHEET['overdue']}",
        info,
        communities,
        OVERDUE_NOTE.format(severe_rule=deadlines.severe_rule(ledger)),
    )

    def stream(item: AsOfItem) -> None:
        if carried is not None and item.belongs == "carried":
            carried[item.id] = slim(item)
        row = detail_row(item, lookups, unmask)
        detail.row(row)
        handling.row(row)
        if item.overdue:
            card = figures.card_at_cutoff(ledger, item, period)
            overdue.row(overdue_row(item, lookups, card))

    tally = figures.compute(ledger, period, scope, lookups, on_item=stream)
    if not tally.has_data and not keep_empty:
        book.discard()
        return None, tally

    summary = book.sheet(
        layouts.SUMMARY,
        f"{head} {period.report_kind}",
        info,
        {"community": [*community_names, REPORT_TEXT["total"]]},
        SUMMARY_NOTE + VOIDED_NOTE.format(count=asof.voided_count(ledger, period, scope)),
    )
    more = book.sheet(
        layouts.SUMMARY_MORE,
        f"{head} {REPORT_SHEET['summary_more']}",
        info,
        {"community": [*community_names, REPORT_TEXT["total"]]},
        SUMMARY_MORE_NOTE,
    )
    _summary_rows(summary, more, tally)
    book.chart_sheet(
        REPORT_SHEET["chart"],
        f"{head} {REPORT_TEXT['chart_title']}",
        [
            summary.bar_chart(
                REPORT_TEXT["chart_title"],
                "community",
                ["raised", "finished"],
                len(tally.communities),
                max((max(f.raised, f.finished) for f in tally.communities.values()), default=0),
            )
        ],
    )

    units = book.sheet(
        layouts.UNITS,
        f"{head} {REPORT_SHEET['units']}办理情况",
        info,
        {"unit": [unit.name for unit in tally.units.values()]},
        UNITS_NOTE,
    )
    for unit in tally.unit_rows():
        units.row(unit.as_dict())
    units.row(tally.unit_total().as_dict(), total=True)

    categories = book.sheet(
        layouts.CATEGORIES,
        f"{head} {REPORT_SHEET['categories']}",
        info,
        {"category": [c.label for c in tally.categories.values()]},
    )
    total = tally.total
    for category in tally.category_rows(lookups):
        categories.row(category.as_dict(total.raised))
    category_total = figures.CategoryFigures(REPORT_TEXT["total"])
    for category in tally.categories.values():
        category_total.raised += category.raised
        category_total.finished += category.finished
        category_total.overdue += category.overdue
        category_total.unsatisfied += category.unsatisfied
    categories.row(category_total.as_dict(total.raised), total=True)

    meetings = book.sheet(layouts.MEETINGS, f"{head} {REPORT_SHEET['meetings']}", info, communities)
    for seq, meeting in enumerate(tally.meetings, start=1):
        meetings.row(meeting_row(meeting, seq, lookups))

    order = [layout.title for layout in layouts.SUBDISTRICT_BOOK]
    order.insert(2, REPORT_SHEET["chart"])
    book.save(order)
    return path, tally


def _summary_rows(sheet: SheetWriter, more: SheetWriter, tally: Tally) -> None:
    names = dict(tally.scope.communities)
    for community_id, counts in tally.communities.items():
        row = {"community": names[community_id], **counts.as_dict()}
        sheet.row(row)
        more.row(row)
    total = {"community": REPORT_TEXT["total"], **tally.total.as_dict()}
    sheet.row(total, total=True)
    more.row(total, total=True)


def write_reports(
    ledger: Ledger,
    period: Period,
    chosen: list[Scope],
    folder: Path,
    *,
    unmask: bool = False,
    summary: bool = False,
    keep_empty: bool = False,
    advance: Callable[[str], None] | None = None,
) -> list[Written]:
    """Write the chosen subdistricts' workbooks (and county summaries); returns what was written.

    ``advance`` is called once per subdistrict (for a progress bar).
    """
    lookups = Lookups(ledger, period.cutoff_at)  # names as they were at the cut-off
    every = coverage.scopes(ledger, as_of=period.cutoff_at)
    names = scope_names(every)
    written: list[Written] = []
    known: dict[int, tuple[Tally, dict[int, AsOfItem]]] = {}
    for scope in chosen:
        name = f"{names[scope.id]}-{period.file_label}-{period.report_kind}.xlsx"
        # The items carried in, kept (slimmed) only for the county's follow-up.
        carried: dict[int, AsOfItem] | None = {} if summary else None
        path, tally = subdistrict_book(
            ledger,
            period,
            scope,
            lookups,
            inside(folder, name),
            unmask=unmask,
            keep_empty=keep_empty,
            carried=carried,
        )
        if carried is not None:
            known[scope.id] = (tally, carried)
        if path is not None:
            written.append(Written(path, scope.name, tally.total, scope))
        if advance is not None:
            advance(scope.name)
    if summary:
        counties: dict[int | None, list[Scope]] = {}
        for scope in every:
            counties.setdefault(scope.county_id, []).append(scope)
        wanted = {scope.county_id for scope in chosen}
        for county_id, members in counties.items():
            if county_id not in wanted:
                continue
            county_figures, extra = county_extra(ledger, period, members, lookups, known)
            standings = ranking.rank(
                ledger, [(scope, county_figures[scope.id]) for scope in members]
            )
            county = members[0].county
            name = f"{safe_name(county)}-{period.file_label}-{period.report_kind}{REPORT_TEXT['summary_kind']}.xlsx"
            path = county_book(ledger, period, county, standings, inside(folder, name), extra)
            written.append(Written(path, f"{county}（汇总）"))
    return written
