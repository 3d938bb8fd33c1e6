"""Building the workbooks: the figures from :mod:`ledger.metrics`, the rows they make, and the
one writer. One workbook per subdistrict (街道), and optionally one county summary that ranks
the subdistricts.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ledger import deadlines, metrics
from ledger.errors import LedgerError
from ledger.labels import (
    CHANNEL,
    LEVEL,
    MEETING_KIND,
    RATING,
    REPORT_SHEET,
    REPORT_TEXT,
    SCALE,
    SOURCE,
    STATUS,
)
from ledger.metrics import AsOfItem, Figures, Lookups, Period, Scope, Standing, Tally
from ledger.phones import mask_phone
from ledger.report import layouts
from ledger.report.writer import Book, SheetWriter, as_date
from ledger.storage import Ledger

SUMMARY_NOTE = (
    "说明：受理数为本期反映的问题，按来源分列；办结含不予办理；按时办结以最近一次办结时有效的办理时限为准"
    "（当天办结算按时）；回复数为统计截止时已答复（含已归档）的问题；满意数含基本满意，按最近一次评价计；"
    "超期未办结为统计截止时未办结且已过办理时限的本期问题；"
    "重复反映为本期受理、截至统计截止时登记为以前某件问题的重复反映（同人或同地、同一件事）的问题，"
    "重复率 = 重复反映 / 受理数；"
    "结转为期初尚未办结的以前问题。所有数字按统计截止时点的办理记录计算，日后补出的报表数字相同。"
    "“—”表示分母为 0。"
)
DETAIL_NOTE = (
    "说明：本表列出本期受理的问题和期初结转的问题，内容为统计截止时的状态；联系电话已部分隐去。"
    "“重复反映（原编号）”为该问题重复反映的原问题编号。"
)
DETAIL_NOTE_UNMASKED = (
    "说明：本表列出本期受理的问题和期初结转的问题，内容为统计截止时的状态；本表含完整联系电话，请妥善保管。"
    "“重复反映（原编号）”为该问题重复反映的原问题编号。"
)
OVERDUE_NOTE = (
    "说明：统计截止时未办结且已过办理时限的问题（含结转），超期天数按工作日计；{severe_rule}。"
)
UNITS_NOTE = (
    "说明：本期受理的问题按统计截止时的承办单位统计，社区自行办结或不予办理的计入“社区自办”；"
    "评价数、不满意数按居民评价时承办该问题的单位计；"
    "结案率 = (按时办结 + 超时办结) / 派单数；不满意率 = 不满意数 / 评价数。"
)
VOIDED_NOTE = "本期登记后作废（误登、重复登记）{count} 件，不计入以上任何数字。"


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
    except OSError:
        raise LedgerError(f"无法创建输出文件夹“{folder}”（没有权限或该位置不可写入）") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LedgerError(f"输出文件夹“{folder}”不可写入")
    return folder


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def info_line(ledger: Ledger, period: Period, unit: str) -> str:
    """填报单位, period, cut-off and when the book was made, for the second row of each sheet."""
    reporting = ledger.setting("reporting_unit") or unit
    running = "" if period.complete else "（本期尚未结束）"
    return (
        f"{REPORT_TEXT['reporting_unit']}：{reporting}　　"
        f"{REPORT_TEXT['period']}：{period.first.isoformat()} 至 {period.last.isoformat()}　　"
        f"{REPORT_TEXT['cutoff']}：{period.cutoff_label}{running}　　"
        f"{REPORT_TEXT['generated']}：{_stamp(ledger.now())}"
    )


def scope_names(scopes: list[Scope]) -> dict[int, str]:
    """What a subdistrict is called in file names: its name, or 县/街道 when names repeat."""
    counts = Counter(scope.name for scope in scopes)
    return {
        scope.id: scope.name if counts[scope.name] == 1 else f"{scope.county}{scope.name}"
        for scope in scopes
    }


# --- rows -----------------------------------------------------------------------------


def _repeat_of(lookups: Lookups, item_id: int | None) -> str:
    """重复反映: "第 23 号" (the original), "" for an item that repeats none."""
    number = lookups.originals.get(item_id) if item_id is not None else None
    return f"第 {number} 号" if number is not None else ""


def detail_row(item: AsOfItem, seq: int, lookups: Lookups, unmask: bool) -> dict[str, Any]:
    """One row of 问题台账, from the item as it stood at the cut-off."""
    state = item.state
    meeting = lookups.meetings.get(state["meeting_id"])
    phone = state["phone"]
    return {
        "seq": seq,
        "number": item.number,
        "community": lookups.area_name(state["community_id"]),
        "place": lookups.place(state["place_id"]),
        "source": SOURCE.label(state["source"]),
        "meeting_date": as_date(meeting[1]) if meeting else None,
        "raised_on": as_date(state["raised_on"]),
        "reporter": state["reporter"],
        "phone": phone if unmask else mask_phone(phone),
        "title": state["title"],
        "category": lookups.categories.get(state["category"], state["category"]),
        "scale": SCALE.label(state["scale"]),
        "unit": lookups.units.get(state["unit_id"], "") if state["unit_id"] else "",
        "assigned_on": as_date(state["assigned_on"]),
        "due_on": as_date(state["due_on"]),
        "resolved_on": as_date(state["resolved_on"]),
        "result": state["result"],
        "replied_on": as_date(state["replied_on"]),
        "reply_channel": CHANNEL.label(state["reply_channel"]),
        "rating": RATING.label(state["rating"]),
        "status": STATUS.label(state["status"]),
        "is_overdue": _lateness(item),
        "belongs": REPORT_TEXT["raised_here" if item.belongs == "raised" else "carried_in"],
        "repeat_of": _repeat_of(lookups, state.get("repeat_of")),
    }


def _lateness(item: AsOfItem) -> str:
    """是否超期: still open past its due date, finished after it, or neither."""
    if item.overdue:
        return REPORT_TEXT["open_overdue"]
    if item.finished and not item.on_time:
        return REPORT_TEXT["finished_late"]
    return REPORT_TEXT["no"]


def overdue_row(item: AsOfItem, seq: int, lookups: Lookups) -> dict[str, Any]:
    """One row of 超期督办."""
    state = item.state
    level = LEVEL[item.level] + ("（估算）" if item.estimated else "") if item.level else ""
    return {
        "seq": seq,
        "number": item.number,
        "community": lookups.area_name(state["community_id"]),
        "place": lookups.place(state["place_id"]),
        "title": state["title"],
        "unit": lookups.units.get(state["unit_id"], "") if state["unit_id"] else "",
        "raised_on": as_date(state["raised_on"]),
        "assigned_on": as_date(state["assigned_on"]),
        "due_on": as_date(state["due_on"]),
        "workdays_overdue": item.workdays_overdue,
        "level": level,
        "remind_count": state["remind_count"],
        "last_progress": state["last_progress"],
        "belongs": REPORT_TEXT["raised_here" if item.belongs == "raised" else "carried_in"],
    }


def meeting_row(meeting: dict[str, Any], seq: int, lookups: Lookups) -> dict[str, Any]:
    """One row of 会议记录."""
    return {
        "seq": seq,
        "meeting_number": meeting["number"],
        "held_on": as_date(meeting["held_on"]),
        "kind": MEETING_KIND.label(meeting["kind"]),
        "community": lookups.area_name(meeting["community_id"]),
        "place": lookups.place(meeting["place_id"]),
        "host": meeting["host"],
        "attendees": meeting["attendees"],
        "items": meeting["items"],
        "items_finished": meeting["items_finished"],
        "items_replied": meeting["items_replied"],
        "note": meeting["note"],
    }


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
) -> tuple[Path | None, Tally]:
    """Write one subdistrict's workbook (None when it has no data and ``keep_empty`` is off)."""
    book = Book(path)
    info = info_line(ledger, period, scope.name)
    head = f"{scope.name} {period.label}"
    community_names = [name for _, name in scope.communities]
    detail = book.sheet(
        layouts.DETAIL,
        f"{head} {REPORT_SHEET['detail']}",
        info,
        {"community": community_names},
    )
    overdue = book.sheet(
        layouts.OVERDUE,
        f"{head} {REPORT_SHEET['overdue']}",
        info,
        {"community": community_names},
    )
    counter = {"detail": 0, "overdue": 0}

    def stream(item: AsOfItem) -> None:
        counter["detail"] += 1
        detail.row(detail_row(item, counter["detail"], lookups, unmask))
        if item.overdue:
            counter["overdue"] += 1
            overdue.row(overdue_row(item, counter["overdue"], lookups))

    tally = metrics.compute(ledger, period, scope, lookups, on_item=stream)
    if not tally.has_data and not keep_empty:
        book.discard()
        return None, tally
    detail.note(DETAIL_NOTE_UNMASKED if unmask else DETAIL_NOTE)
    overdue.note(OVERDUE_NOTE.format(severe_rule=deadlines.severe_rule(ledger)))

    summary = book.sheet(
        layouts.SUMMARY,
        f"{head} {period.report_kind}",
        info,
        {"community": [*community_names, REPORT_TEXT["total"]]},
    )
    _summary_rows(summary, tally, metrics.voided_count(ledger, period, scope))

    units = book.sheet(
        layouts.UNITS,
        f"{head} {REPORT_SHEET['units']}办理情况",
        info,
        {"unit": [unit.name for unit in tally.units.values()]},
    )
    for unit in tally.unit_rows():
        units.row(unit.as_dict())
    units.row(tally.unit_total().as_dict(), total=True)
    units.note(UNITS_NOTE)

    categories = book.sheet(
        layouts.CATEGORIES,
        f"{head} {REPORT_SHEET['categories']}",
        info,
        {"category": [c.label for c in tally.categories.values()]},
    )
    total = tally.total
    for category in tally.category_rows(lookups):
        categories.row(category.as_dict(total.raised))
    category_total = metrics.CategoryFigures(REPORT_TEXT["total"])
    for category in tally.categories.values():
        category_total.raised += category.raised
        category_total.finished += category.finished
        category_total.overdue += category.overdue
        category_total.unsatisfied += category.unsatisfied
    categories.row(category_total.as_dict(total.raised), total=True)

    meetings = book.sheet(
        layouts.MEETINGS,
        f"{head} {REPORT_SHEET['meetings']}",
        info,
        {"community": community_names},
    )
    for seq, meeting in enumerate(tally.meetings, start=1):
        meetings.row(meeting_row(meeting, seq, lookups))

    book.save([layout.title for layout in layouts.SUBDISTRICT_BOOK])
    return path, tally


def _summary_rows(sheet: SheetWriter, tally: Tally, voided: int) -> None:
    names = dict(tally.scope.communities)
    for community_id, figures in tally.communities.items():
        sheet.row({"community": names[community_id], **figures.as_dict()})
    total = tally.total
    sheet.row({"community": REPORT_TEXT["total"], **total.as_dict()}, total=True)
    sheet.note(SUMMARY_NOTE + VOIDED_NOTE.format(count=voided))
    with_items = sum(1 for figures in tally.communities.values() if figures.raised)
    if with_items >= 2:  # a chart of one bar helps nobody
        sheet.bar_chart(
            REPORT_TEXT["chart_title"], "community", ["raised", "finished"], len(tally.communities)
        )


def county_book(
    ledger: Ledger, period: Period, county: str, standings: list[Standing], path: Path
) -> Path:
    """The county summary: one row per subdistrict, ranked by weighted score, and a total."""
    book = Book(path)
    sheet = book.sheet(
        layouts.RANKING,
        f"{county} {period.label} {period.report_kind}{REPORT_TEXT['summary_kind']}（街道排名）",
        info_line(ledger, period, county),
        {"subdistrict": [standing.scope.name for standing in standings]},
    )
    total = Figures()
    for standing in standings:
        total.merge(standing.figures)
        sheet.row(
            {
                "rank": standing.rank,
                "subdistrict": standing.scope.name,
                **standing.figures.as_dict(),
                "score": standing.score,
                "remark": standing.remark,
            }
        )
    sheet.row(
        {"rank": None, "subdistrict": REPORT_TEXT["total"], **total.as_dict(), "score": None},
        total=True,
    )
    sheet.note(metrics.score_note(ledger))
    return book.save()


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
    lookups = Lookups(ledger)
    every = metrics.scopes(ledger)
    names = scope_names(every)
    written: list[Written] = []
    figures: dict[int, Figures] = {}
    for scope in chosen:
        name = f"{names[scope.id]}-{period.file_label}-{period.report_kind}.xlsx"
        path, tally = subdistrict_book(
            ledger, period, scope, lookups, folder / name, unmask=unmask, keep_empty=keep_empty
        )
        figures[scope.id] = tally.total
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
            for scope in members:
                if scope.id not in figures:
                    figures[scope.id] = metrics.compute(ledger, period, scope, lookups).total
            standings = metrics.rank(ledger, [(scope, figures[scope.id]) for scope in members])
            county = members[0].county
            name = f"{county}-{period.file_label}-{period.report_kind}{REPORT_TEXT['summary_kind']}.xlsx"
            path = county_book(ledger, period, county, standings, folder / name)
            written.append(Written(path, f"{county}（汇总）"))
    return written
