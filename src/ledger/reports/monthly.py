"""Building the workbooks: the figures from :mod:`ledger.views.figures`, the rows they make, and the
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

from ledger.domain import deadlines
from ledger.domain.errors import LedgerError
from ledger.domain.filenames import distinct, inside, safe_name
from ledger.domain.labels import (
    CARD,
    CHANNEL,
    LEVEL,
    MEETING_KIND,
    RATING,
    REPORT_SHEET,
    REPORT_TEXT,
    SCALE,
    SOURCE_SHORT,
    STATUS,
)
from ledger.domain.phones import mask_phone
from ledger.reports import layouts
from ledger.reports.writer import Book, SheetWriter, as_date
from ledger.store.ledger_file import Ledger
from ledger.views import asof, coverage, figures, followup, ranking
from ledger.views.asof import AsOfItem
from ledger.views.coverage import Lookups, Period, Scope
from ledger.views.figures import Figures, Tally
from ledger.views.ranking import Standing

SUMMARY_NOTE = (
    "说明：受理数为本期反映的问题，按来源分列；办结含不予办理；按时办结以最近一次办结时有效的办理时限为准"
    "（当天办结算按时）；回复数为统计截止时已答复（含已归档）的问题；满意数含基本满意，按最近一次评价计；"
    "超期未办结为统计截止时未办结且已过办理时限的本期问题；"
    "重复反映为本期受理、截至统计截止时登记为以前某件问题的重复反映（同人或同地、同一件事）的问题，"
    "重复率 = 重复反映 / 受理数；"
    "结转为期初尚未办结的以前问题。所有数字按统计截止时点的办理记录计算，日后补出的报表数字相同；"
    "社区、小区、承办单位的名称和会议信息也按统计截止时的记录显示（此后的更名、更正不改变本表）。"
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
SUMMARY_MORE_NOTE = (
    "说明：结转为期初（本期第一天 0 时）尚未办结的以前问题，结转办结为其中到统计截止时已办结的，"
    "结转超期为其中统计截止时仍未办结且已过办理时限的；会议为本期召开的每周夜话、拉呱说事，"
    "会上提出问题为本期会议上登记的问题数。"
)
DETAIL_HANDLING_NOTE = (
    "说明：与“问题台账（登记与交办）”按编号一一对应；内容为统计截止时的状态。"
    "是否超期：超期未办结 = 统计截止时未办结且已过办理时限；超期办结 = 办结晚于当时有效的办理时限。"
)
OVERDUE_NOTE = (
    "说明：统计截止时未办结且已过办理时限的问题（含结转），超期天数按工作日计；"
    "{severe_rule}。督办牌：到期前 1 个工作日起亮黄牌，"
    "超过办理时限后的第 1 个工作日起亮红牌（按法定节假日和调休计算工作日）。"
)
UNITS_NOTE = (
    "说明：本期受理的问题按统计截止时的承办单位统计，社区自行办结或不予办理的计入“社区自办”；"
    "评价数、不满意数按居民评价时承办该问题的单位计；结案率 = (按时办结 + 超时办结) / 派单数；"
    "不满意率 = 不满意数 / 评价数；重复反映为本期受理的重复反映中，原问题在统计截止时由该单位承办的件数，"
    "重复率 = 重复反映 / 派单数（原问题可能早于本期，故可超过 100%）。黄牌、红牌为统计截止时仍未办结的问题所亮的督办牌："
    "到期前 1 个工作日起亮黄牌，超过办理时限后的第 1 个工作日起亮红牌。"
)
HOT_NOTE = (
    "说明：热点问题为本期受理数最多的问题类别（并列时按类别顺序），占比 = 该类受理数 / 全部受理数；"
    "上期为紧接本期之前、同样长度的统计期间；环比 = (本期 − 上期) / 上期，上期为 0 时记“—”。"
)
FOLLOWUP_NOTE = (
    "说明：跟踪上期受理、在上期统计截止时尚未办结或评价为不满意的问题，到本期统计截止时的办理情况。"
    "重办办结 = 不满意后重新办理并已办结；重办后满意 = 重新办理后再次评价为满意或基本满意。"
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
    except OSError as error:
        raise LedgerError(f"无法创建输出文件夹“{folder}”（没有权限或该位置不可写入）") from error
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
    """What a subdistrict is called in file names: its name, or 县/街道 when names repeat,
    made a safe file name and distinct from every other (see :mod:`ledger.filenames`)."""
    counts = Counter(scope.name for scope in scopes)
    wanted = [
        scope.name if counts[scope.name] == 1 else f"{scope.county}{scope.name}" for scope in scopes
    ]
    safe = distinct([safe_name(name) for name in wanted])
    return {scope.id: name for scope, name in zip(scopes, safe, strict=True)}


# --- rows -----------------------------------------------------------------------------


def _repeat_of(lookups: Lookups, item_id: int | None) -> str:
    """重复反映: "第 23 号" (the original), "" for an item that repeats none."""
    number = lookups.originals.get(item_id) if item_id is not None else None
    return f"第 {number} 号" if number is not None else ""


def detail_row(item: AsOfItem, lookups: Lookups, unmask: bool) -> dict[str, Any]:
    """One row of both parts of 问题台账, from the item as it stood at the cut-off."""
    state = item.state
    meeting = lookups.meetings.get(state["meeting_id"])
    phone = state["phone"]
    return {
        "number": item.number,
        "community": lookups.area_name(state["community_id"]),
        "place": lookups.place(state["place_id"]),
        "source": SOURCE_SHORT.get(state["source"], state["source"]),
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


def overdue_row(item: AsOfItem, lookups: Lookups, card: str | None) -> dict[str, Any]:
    """One row of 超期督办."""
    state = item.state
    level = LEVEL[item.level] + ("（估算）" if item.estimated else "") if item.level else ""
    return {
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
        "card": CARD.label(card),
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
            carried[item.id] = item
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


def honor_rows(
    standings: list[Standing], size: int, weight: dict[str, int]
) -> list[dict[str, Any]]:
    """红榜 (the best ``size`` ranked) and 黑榜 (the worst ``size``, never overlapping).

    A 黑榜 entry says in words which weighed rates pulled it down (below the county's);
    a 红榜 entry says which rates led the county.
    """
    ranked = [s for s in standings if s.rank is not None]
    county = figures.Figures()
    for standing in standings:
        county.merge(standing.figures)
    size = min(size, len(ranked) // 2)  # the two boards never share a subdistrict
    top = ranked[:size]
    bottom = ranked[len(ranked) - size :][::-1] if size else []  # the lowest first
    rows = []
    for board, chosen in (("red_board", top), ("black_board", bottom)):
        for standing in chosen:
            if board == "black_board":
                weak = ranking.weak_points(standing.figures, county, weight)
                reason = "失分主要在：" + "；".join(weak) if weak else REPORT_TEXT["no_weak_point"]
            else:
                strong = ranking.weak_points(county, standing.figures, weight)
                reason = (
                    "领先全县：" + "；".join(_flip(text) for text in strong)
                    if strong
                    else REPORT_TEXT["no_strong_point"]
                )
            rows.append(
                {
                    "board": REPORT_TEXT[board],
                    "rank": standing.rank,
                    "subdistrict": standing.scope.name,
                    "raised": standing.figures.raised,
                    "score": standing.score,
                    "reasons": reason,
                }
            )
    return rows


def _flip(text: str) -> str:
    """weak_points(county, mine) words the county's figure first: put this one's first."""
    # "办结率 66.7%（全县 40.0%）" read from the county's side → "办结率 …" with the two swapped
    label, rest = text.split(" ", 1)
    theirs, mine = rest.rstrip("）").split("（全县 ")
    return f"{label} {mine}（全县 {theirs}）"


def hot_rows(
    current: dict[str, int],
    previous: dict[str, int],
    by_subdistrict: dict[str, Counter[str]],
    labels: dict[str, str],
    size: int,
) -> list[dict[str, Any]]:
    """The ``size`` categories raised most this period, with share and change on last period."""
    total = sum(current.values())
    order = {code: position for position, code in enumerate(labels)}
    codes = sorted(
        (code for code, count in current.items() if count),
        key=lambda code: (-current[code], order.get(code, len(order)), code),
    )[:size]
    rows = []
    for position, code in enumerate(codes, start=1):
        before = previous.get(code, 0)
        where = by_subdistrict.get(code, Counter()).most_common(2)
        rows.append(
            {
                "hot_rank": position,
                "category": labels.get(code, code),
                "raised": current[code],
                "share": figures.ratio(current[code], total),
                "previous": before,
                "change": current[code] - before,
                "change_rate": figures.ratio(current[code] - before, before),
                "top_subdistrict": "、".join(f"{name} {count} 件" for name, count in where),
            }
        )
    return rows


def county_book(
    ledger: Ledger,
    period: Period,
    county: str,
    standings: list[Standing],
    path: Path,
    extra: CountyExtra,
) -> Path:
    """The county 通报: 红黑榜, the ranking by score, 热点问题, 上期跟踪, and their charts."""
    book = Book(path)
    info = info_line(ledger, period, county)
    head = f"{county} {period.label}"
    chosen = ranking.profile(ledger)
    weight = ranking.weights(ledger, chosen)
    note = ranking.score_note(ledger)
    names = {"subdistrict": [standing.scope.name for standing in standings]}

    honor = book.sheet(layouts.HONOR, f"{head} 红榜、黑榜", info, names, note)
    size = ledger.setting("board_size")
    for row in honor_rows(standings, size, weight):
        honor.row(row)

    layout = layouts.RANKINGS[chosen.code]
    sheet = book.sheet(
        layout,
        f"{head} {period.report_kind}{REPORT_TEXT['summary_kind']}（街道排名）",
        info,
        names,
        note,
    )
    total = Figures()
    for standing in standings:
        total.merge(standing.figures)
        sheet.row(
            {
                "rank": standing.rank,
                "subdistrict": standing.scope.name,
                **standing.figures.as_dict(),
                "visits": standing.figures.rated,
                "fully_satisfied": standing.figures.fully_satisfied,
                "score": standing.score,
                "remark": standing.remark,
            }
        )
    sheet.row(
        {
            "rank": None,
            "subdistrict": REPORT_TEXT["total"],
            **total.as_dict(),
            "visits": total.rated,
            "fully_satisfied": total.fully_satisfied,
            "score": None,
        },
        total=True,
    )

    hot = book.sheet(
        layouts.HOT,
        f"{head} {REPORT_SHEET['hot']}",
        info,
        {"category": list(extra.labels.values())},
        HOT_NOTE,
    )
    hot_list = hot_rows(extra.categories, extra.previous, extra.where, extra.labels, size * 2)
    for row in hot_list:
        hot.row(row)

    follow = book.sheet(
        layouts.FOLLOWUP,
        f"{head} 上期未办结和不满意问题跟踪",
        info,
        {"subdistrict": [*names["subdistrict"], REPORT_TEXT["total"]]},
        FOLLOWUP_NOTE,
    )
    follow_total = followup.Followup()
    for standing in standings:
        found = extra.followups.get(standing.scope.id, followup.Followup())
        follow_total.merge(found)
        follow.row({"subdistrict": standing.scope.name, **found.as_dict()})
    total_row = follow_total.as_dict()
    total_row["still_numbers"] = ""
    follow.row({"subdistrict": REPORT_TEXT["total"], **total_row}, total=True)

    ranked = sum(1 for standing in standings if standing.rank is not None)
    charts = []
    if ranked:
        charts.append(sheet.bar_chart(REPORT_TEXT["score_chart"], "subdistrict", ["score"], ranked))
    if hot_list:
        charts.append(
            hot.bar_chart(
                REPORT_TEXT["hot_chart"], "category", ["raised", "previous"], len(hot_list)
            )
        )
    if charts:
        for chart in charts:
            chart.height = 7.5
        book.chart_sheet(REPORT_SHEET["chart"], f"{head} {REPORT_SHEET['chart']}", charts)
    order = [layout.title for layout in layouts.COUNTY_BOOK]
    return book.save([*order, REPORT_SHEET["chart"]])


@dataclass
class CountyExtra:
    """What the county 通报 needs besides the standings."""

    labels: dict[str, str]  # category code → label, in list order
    categories: Counter[str]  # this period's items by category, over the county
    previous: Counter[str]  # the period before
    where: dict[str, Counter[str]]  # category → subdistrict name → items this period
    followups: dict[int, followup.Followup]  # by subdistrict id


def county_extra(
    ledger: Ledger,
    period: Period,
    members: list[Scope],
    lookups: Lookups,
    known: dict[int, tuple[Tally, dict[int, AsOfItem]]] | None = None,
) -> tuple[dict[int, Figures], CountyExtra]:
    """This and last period's figures of every subdistrict of a county, for its 通报.

    ``known``: the tallies (and carried items) already computed for the subdistricts'
    own workbooks, so that none is computed twice.
    """
    totals: dict[int, Figures] = {}
    extra = CountyExtra(lookups.categories, Counter(), Counter(), {}, {})
    for scope in members:
        if known is not None and scope.id in known:
            tally, current = known[scope.id]
        else:
            current = {}

            def keep(item: AsOfItem, current: dict[int, AsOfItem] = current) -> None:
                if item.belongs == "carried":
                    current[item.id] = item

            tally = figures.compute(ledger, period, scope, lookups, on_item=keep)
        totals[scope.id] = tally.total
        for code, category in tally.categories.items():
            extra.categories[code] += category.raised
            extra.where.setdefault(code, Counter())[scope.name] += category.raised
        found, before = followup.followup(ledger, period, scope, lookups, current)
        extra.followups[scope.id] = found
        for code, category in before.categories.items():
            extra.previous[code] += category.raised
    return totals, extra


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
        carried: dict[int, AsOfItem] = {}
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
